/**
 * Personal names. A name has no checksum, so each rule needs a signal that product wording does
 * not give:
 * 1. a label (姓名, 收货人, 机主, 联系人, 用户 … or name:, contact=) before 2+ CJK characters or a
 *    Latin word;
 * 2. an honorific (先生, 女士, 小姐, 老师, 师傅 …) after a surname and up to two characters, unless a
 *    product word follows (玫瑰金女士款, 新款女士手表 are products);
 * 3. a Latin title (Mr, Ms, Mrs, Miss, Dr, Prof) before a capitalised word;
 * 4. a possessive before a device (某某的iPhone, 张伟的手机, Zhang's iPhone), as devices are named
 *    by their owners' phones and computers;
 * 5. a whole CJK word of two or three characters (four with a compound surname) made of a common
 *    surname and common given-name characters only (陈娟, 马洋, 欧阳娜娜), unless it is a product
 *    or colour word: model names and enum wording are CJK words too, which is why the given-name
 *    characters are a short list of frequent ones and why rule 5 never looks inside a longer word.
 * Rare surnames, rare given-name characters and unlabelled Latin names ("Zhang Wei") are known gaps.
 */
import { CHINESE_SURNAMES } from './chinese-surnames.ts';

const SINGLE_SURNAMES = CHINESE_SURNAMES.filter((surname) => surname.length === 1).join('');
const COMPOUND_SURNAMES = CHINESE_SURNAMES.filter((surname) => surname.length > 1);
const SURNAME = `(?:[${SINGLE_SURNAMES}]|${COMPOUND_SURNAMES.join('|')})`;

const NAME_LABELS =
  '姓名|真实姓名|名字|联系人|收货人|收件人|寄件人|签收人|机主|车主|户名|开户名|开户人|客户|顾客|用户名|用户|经办人|质检员|检测员|操作员|负责人|持卡人|户主|业主|业务员|店员';
// After a label, a name starts with a surname (收货人马洋, 联系人 张伟); after a label and a colon, any two
// CJK characters do (机主：艾青), unless they are the next field's word (质检员电话, 用户反馈).
const FIELD_WORDS = '电话|手机|号码|编号|地址|信息|签名|身份|证件|类型|名称|反馈|评价|数量|等级|单号|账号|须知|协议|隐私|权益|服务|中心';
const LABELLED_NAME = new RegExp(
  `(?:${NAME_LABELS})\\s*(?:${SURNAME}[\\u4e00-\\u9fa5·]|[:：=]\\s*(?!${FIELD_WORDS})[\\u4e00-\\u9fa5·]{2}|[:：=]?\\s*[A-Z][a-z]+)`,
);
const LATIN_LABELLED_NAME = /(?<![A-Za-z])(?:name|contact|consignee|recipient|owner|customer|user)\s*[:=]\s*[A-Za-z\u4e00-\u9fa5]/i;

const HONORIFICS = '先生|女士|小姐|老师|师傅|太太|夫人|阿姨|同学|大爷|大妈|经理';
// An honorific followed by one of these is part of a product description (女士款, 女士手表, 先生系列).
const PRODUCT_AFTER_HONORIFIC = '款|版|系列|专用|型|表|手表|用|装|包|鞋|手环|腕表|尺寸|号';
const HONORIFIC_NAME = new RegExp(`${SURNAME}[\\u4e00-\\u9fa5]{0,2}?(?:${HONORIFICS})(?!${PRODUCT_AFTER_HONORIFIC})`);
const LATIN_TITLE_NAME = /(?<![A-Za-z0-9])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Madam|Sir)(?:\.\s*|\s+)[A-Z][a-z]+/;

const DEVICE_WORDS =
  'iPhone|iPad|Mac|MacBook|iMac|AirPods|Apple\\s*Watch|Watch|Galaxy|Pixel|Mate|nova|Redmi|Xiaomi|HUAWEI|Honor|OPPO|vivo|' +
  '手机|电脑|平板|笔记本|手表|手环|耳机|华为|小米|荣耀|苹果|三星|红米|电视|冰箱|空调|洗衣机|设备';
const NOT_A_PERSON = new Set([
  '我',
  '你',
  '他',
  '她',
  '您',
  '我们',
  '你们',
  '他们',
  '她们',
  '大家',
  '自己',
  '公司',
  '门店',
  '家里',
  '家人',
  '孩子',
  '老人',
  '客户',
  '用户',
  '店里',
  '全新',
  '原装',
  '官方',
]);
const WORDS_ENDING_IN_DE = new Set(['美的', '目的', '真的', '别的', '有的', '好的', '新的', '旧的', '用的', '买的', '卖的', '换的', '修的']);
const CJK_POSSESSIVE = new RegExp(`([\\u4e00-\\u9fa5]{1,4})\\s*的\\s*(?:${DEVICE_WORDS})`, 'gi');
const LATIN_POSSESSIVE = new RegExp(`(?<![A-Za-z])[A-Z][a-z]+(?:\\s[A-Z][a-z]+)?['’]s\\s*(?:${DEVICE_WORDS}|phone|laptop|tablet)`, 'i');

// The most frequent given-name characters (roughly the top 250 of mainland given names).
const GIVEN_NAME_CHARACTERS = new Set([
  ...('伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英玉兰萍红鹏建飞林辉俊鑫斌宇浩凯健婷雪琳晶颖慧倩欣丹宁波亮峰龙云莉梅玲燕' +
    '文海春志国成荣晨博宏旭彬琦佳怡欢悦瑶璐蕾薇露雯菲婧娇妍萌梦思雨馨涵琪瑜蓉岚凤翠芬珍珠淑惠巧娥莹婉爽妮楠晓晴昊睿轩泽宸铭' +
    '哲瀚毅翔坤锋兵民生福贵祥德胜安松柏江川元光辰阳帆航振家嘉乐立信卫力方坚锐智勤维雄豪彪虎鸿岩晖琛璇蕊茜莎婕媛姗蓓姣婵妙' +
    '灵霏菁茹芸萱彤若依诗语紫琴芝菊秋冬娅媚媛珊琼燕莺鹃雁霖瑞琦玮炜昕曦敬庆忠良義义仁礼孝廷奇杰淼鑫焱垚森磊犇骏驰腾跃' +
    '宏伟刚毅军勇斌涛辉华强明国建平志永海东春秋冬雪梅兰竹菊'),
]);
// Two- and three-character words of product wording, colours and brands that rule 5 would take for
// names (a surname followed by given-name characters).
const NOT_NAMES = new Set([
  '华为',
  '荣耀',
  '华硕',
  '白色',
  '黄色',
  '金色',
  '银色',
  '黑色',
  '白金',
  '黄金',
  '玫瑰金',
  '香槟金',
  '高清',
  '高配',
  '安卓',
  '明亮',
  '宁静',
  '江南',
  '龙井',
  '柏林',
  '方正',
  '康佳',
  '长虹',
  '格兰仕',
  '苏泊尔',
  '九阳',
  '方太',
  '老板',
  '华帝',
  '万和',
  '万家乐',
  '樱花',
  '史密斯',
  '林内',
  '海尔',
  '美的',
  '海信',
  '小米',
  '联想',
  '戴尔',
  '惠普',
  '索尼',
  '松下',
  '夏普',
  '东芝',
  '飞利浦',
  '西门子',
  '博世',
  '雷神',
  '神舟',
  '宏碁',
  '微软',
  '魅族',
  '中兴',
  '努比亚',
  '真我',
  '红米',
  '金立',
  '酷派',
  '乐视',
  '锤子',
  '黑鲨',
  '明基',
  '冰川',
  '云杉',
  '云母',
  '春夏',
  '秋冬',
  '雪白',
  '雪峰',
  '龙腾',
  '凤凰',
  '孔雀',
  '钱包',
  '金属',
  '金刚',
  '石墨',
  '石英',
  '雷电',
  '曲面',
  '程序',
  '安全',
  '安静',
  '常规',
  '平安',
  '平板',
  '温控',
  '成色',
  '高端',
  '文艺',
  '明星',
  '舒适',
  '任意',
  '宁夏',
  '江苏',
  '江西',
  '海南',
  '陆地',
  '马力',
  '华丽',
  '晨曦',
  '星光',
  '晴空',
  '海蓝',
  '海洋',
  '林木',
]);
const CJK_WORD = /[\u4e00-\u9fa5]{2,4}/g;
const SURNAME_SET = new Set(CHINESE_SURNAMES);

function isBareFullName(word: string): boolean {
  if (NOT_NAMES.has(word)) return false;
  const surname = SURNAME_SET.has(word.slice(0, 2)) && word.length >= 3 ? word.slice(0, 2) : word.slice(0, 1);
  if (!SURNAME_SET.has(surname)) return false;
  const given = word.slice(surname.length);
  if (given.length < 1 || given.length > 2) return false;
  for (const character of given) if (!GIVEN_NAME_CHARACTERS.has(character)) return false;
  return true;
}

function containsBareFullName(folded: string): boolean {
  for (const match of folded.matchAll(CJK_WORD)) {
    // Only a whole word: the characters before and after must not be CJK (CJK_WORD is greedy
    // up to four, so a longer run shows up as a match followed by more CJK).
    const before = folded.charCodeAt(match.index - 1);
    const after = folded.charCodeAt(match.index + match[0].length);
    if (isCjk(before) || isCjk(after)) continue;
    if (isBareFullName(match[0])) return true;
  }
  return false;
}

function containsPossessiveName(folded: string): boolean {
  if (LATIN_POSSESSIVE.test(folded)) return true;
  for (const match of folded.matchAll(CJK_POSSESSIVE)) {
    const owner = match[1] ?? '';
    // 美的 is a brand (Midea), 目的/真的/别的 are words; a one-character owner is no name.
    if (owner.length < 2 || WORDS_ENDING_IN_DE.has(`${owner.slice(-1)}的`)) continue;
    if (!NOT_A_PERSON.has(owner) && !NOT_A_PERSON.has(owner.slice(-2)) && !NOT_A_PERSON.has(owner.slice(-1))) return true;
  }
  return false;
}

function isCjk(code: number): boolean {
  return code >= 0x4e00 && code <= 0x9fa5;
}

/**
 * True when `folded` (the folded detection copy, CJK kept as written) contains a personal name by
 * one of the five rules in the module comment. Never throws; linear in the input.
 */
export function containsPersonName(folded: string, hasCjk: boolean): boolean {
  if (LATIN_LABELLED_NAME.test(folded) || LATIN_TITLE_NAME.test(folded) || LATIN_POSSESSIVE.test(folded)) return true;
  if (!hasCjk) return false;
  return LABELLED_NAME.test(folded) || HONORIFIC_NAME.test(folded) || containsPossessiveName(folded) || containsBareFullName(folded);
}

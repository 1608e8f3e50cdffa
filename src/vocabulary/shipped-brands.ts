/**
 * The brand registry the hub ships: one entry per brand, with its canonical id (what records and the
 * catalogue store), its Chinese and English names, and the other spellings partners send. Look-ups fold
 * case, width and spacing (brand-names.ts), so an alias lists only spellings that differ otherwise.
 * Brands a brand party registers at run time live in the `registered_brands` table beside this list.
 * Adding a brand here is a reviewed change; ids never change once shipped (records hold them).
 */
export interface BrandEntry {
  /** Canonical id: lowercase ASCII, digits and hyphens. */
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly aliases: readonly string[];
}

export const SHIPPED_BRANDS: readonly BrandEntry[] = [
  // Phones, tablets, watches
  { id: 'apple', nameZh: '苹果', nameEn: 'Apple', aliases: ['iPhone', '苹果公司'] },
  { id: 'huawei', nameZh: '华为', nameEn: 'Huawei', aliases: ['華為', '华为技术'] },
  { id: 'honor', nameZh: '荣耀', nameEn: 'Honor', aliases: ['榮耀', 'Honour'] },
  { id: 'xiaomi', nameZh: '小米', nameEn: 'Xiaomi', aliases: ['Mi', 'MI', '小米科技'] },
  { id: 'redmi', nameZh: '红米', nameEn: 'Redmi', aliases: ['紅米'] },
  { id: 'oppo', nameZh: 'OPPO', nameEn: 'OPPO', aliases: ['欧珀'] },
  { id: 'vivo', nameZh: 'vivo', nameEn: 'vivo', aliases: ['维沃'] },
  { id: 'iqoo', nameZh: 'iQOO', nameEn: 'iQOO', aliases: ['爱酷'] },
  { id: 'oneplus', nameZh: '一加', nameEn: 'OnePlus', aliases: ['1+'] },
  { id: 'realme', nameZh: '真我', nameEn: 'realme', aliases: [] },
  { id: 'samsung', nameZh: '三星', nameEn: 'Samsung', aliases: ['Galaxy'] },
  { id: 'meizu', nameZh: '魅族', nameEn: 'Meizu', aliases: [] },
  { id: 'zte', nameZh: '中兴', nameEn: 'ZTE', aliases: [] },
  { id: 'nubia', nameZh: '努比亚', nameEn: 'nubia', aliases: ['红魔', 'RedMagic'] },
  { id: 'google', nameZh: '谷歌', nameEn: 'Google', aliases: ['Pixel'] },
  { id: 'motorola', nameZh: '摩托罗拉', nameEn: 'Motorola', aliases: ['moto'] },
  { id: 'nokia', nameZh: '诺基亚', nameEn: 'Nokia', aliases: [] },
  { id: 'garmin', nameZh: '佳明', nameEn: 'Garmin', aliases: [] },
  { id: 'amazfit', nameZh: '华米', nameEn: 'Amazfit', aliases: ['Zepp', '跃我'] },
  { id: 'imoo', nameZh: '小天才', nameEn: 'imoo', aliases: [] },
  // Computers
  { id: 'lenovo', nameZh: '联想', nameEn: 'Lenovo', aliases: ['聯想', 'ThinkPad', '拯救者'] },
  { id: 'dell', nameZh: '戴尔', nameEn: 'Dell', aliases: ['Alienware', '外星人'] },
  { id: 'hp', nameZh: '惠普', nameEn: 'HP', aliases: ['Hewlett-Packard'] },
  { id: 'asus', nameZh: '华硕', nameEn: 'Asus', aliases: ['華碩', 'ROG', '玩家国度'] },
  { id: 'acer', nameZh: '宏碁', nameEn: 'Acer', aliases: ['宏基'] },
  { id: 'microsoft', nameZh: '微软', nameEn: 'Microsoft', aliases: ['Surface'] },
  { id: 'msi', nameZh: '微星', nameEn: 'MSI', aliases: [] },
  { id: 'mechrevo', nameZh: '机械革命', nameEn: 'MECHREVO', aliases: [] },
  { id: 'thunderobot', nameZh: '雷神', nameEn: 'Thunderobot', aliases: [] },
  // Audio-visual
  { id: 'sony', nameZh: '索尼', nameEn: 'Sony', aliases: [] },
  { id: 'lg', nameZh: 'LG', nameEn: 'LG', aliases: ['乐金'] },
  { id: 'hisense', nameZh: '海信', nameEn: 'Hisense', aliases: ['Vidaa'] },
  { id: 'tcl', nameZh: 'TCL', nameEn: 'TCL', aliases: ['雷鸟'] },
  { id: 'skyworth', nameZh: '创维', nameEn: 'Skyworth', aliases: ['創維', '酷开'] },
  { id: 'konka', nameZh: '康佳', nameEn: 'Konka', aliases: [] },
  { id: 'changhong', nameZh: '长虹', nameEn: 'Changhong', aliases: [] },
  { id: 'sharp', nameZh: '夏普', nameEn: 'Sharp', aliases: [] },
  { id: 'philips', nameZh: '飞利浦', nameEn: 'Philips', aliases: [] },
  // Household appliances
  { id: 'haier', nameZh: '海尔', nameEn: 'Haier', aliases: ['海爾'] },
  { id: 'casarte', nameZh: '卡萨帝', nameEn: 'Casarte', aliases: [] },
  { id: 'leader', nameZh: '统帅', nameEn: 'Leader', aliases: [] },
  { id: 'midea', nameZh: '美的', nameEn: 'Midea', aliases: [] },
  { id: 'little-swan', nameZh: '小天鹅', nameEn: 'Little Swan', aliases: ['LittleSwan'] },
  { id: 'gree', nameZh: '格力', nameEn: 'Gree', aliases: [] },
  { id: 'aux', nameZh: '奥克斯', nameEn: 'AUX', aliases: [] },
  { id: 'chigo', nameZh: '志高', nameEn: 'Chigo', aliases: [] },
  { id: 'ronshen', nameZh: '容声', nameEn: 'Ronshen', aliases: [] },
  { id: 'meiling', nameZh: '美菱', nameEn: 'Meiling', aliases: [] },
  { id: 'siemens', nameZh: '西门子', nameEn: 'Siemens', aliases: [] },
  { id: 'bosch', nameZh: '博世', nameEn: 'Bosch', aliases: [] },
  { id: 'panasonic', nameZh: '松下', nameEn: 'Panasonic', aliases: [] },
  { id: 'whirlpool', nameZh: '惠而浦', nameEn: 'Whirlpool', aliases: [] },
  { id: 'fotile', nameZh: '方太', nameEn: 'Fotile', aliases: [] },
  { id: 'robam', nameZh: '老板', nameEn: 'Robam', aliases: ['老板电器'] },
  { id: 'vatti', nameZh: '华帝', nameEn: 'Vatti', aliases: [] },
  { id: 'ao-smith', nameZh: '史密斯', nameEn: 'A. O. Smith', aliases: ['AO史密斯', 'AO Smith'] },
  { id: 'supor', nameZh: '苏泊尔', nameEn: 'Supor', aliases: [] },
  { id: 'joyoung', nameZh: '九阳', nameEn: 'Joyoung', aliases: [] },
  { id: 'dyson', nameZh: '戴森', nameEn: 'Dyson', aliases: [] },
  { id: 'ecovacs', nameZh: '科沃斯', nameEn: 'Ecovacs', aliases: [] },
  { id: 'roborock', nameZh: '石头', nameEn: 'Roborock', aliases: ['石头科技'] },
  { id: 'dreame', nameZh: '追觅', nameEn: 'Dreame', aliases: [] },
];

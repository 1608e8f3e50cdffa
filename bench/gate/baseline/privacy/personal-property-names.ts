/**
 * Property names that suggest personal data (DESIGN.md §3.3, domain.md §2 key blocklist). The
 * schema's allow-list already rejects unknown properties; this gives the sender a specific,
 * actionable error ("you sent a phone field") instead of a generic one.
 *
 * The reference blocklist is a case-insensitive substring regex, but substrings misfire on the
 * standard's own names: `platform` contains "lat", `channel`/`materialsKg`/`technique` contain
 * fragments of others. So names are split into words (camelCase, snake_case, kebab-case, digits,
 * CJK runs) and each word is compared: short or ambiguous terms (sn, mac, tel, lat, note, name …)
 * must be a whole word; distinctive stems (phone, address, imei, serial …) may also start or end a
 * glued lowercase word (`mobileno`, `macaddress`, `username`); CJK terms match anywhere.
 */
import type { PrivacyFinding } from './privacy-finding.ts';
import { PROPERTY_NAME_CODE, PROPERTY_NAME_MESSAGE } from './privacy-finding.ts';
import { walkJson } from './walk-json.ts';

// Not listed although personal in other contexts: `signature` (the standard has
// `dataWipe.signatureVerified`) and `id` alone (`issuerOrgId`); `userId`, `idCard` are pairs below.
const WHOLE_WORDS = new Set([
  'name',
  'names',
  'phone',
  'phones',
  'mobile',
  'tel',
  'cell',
  'addr',
  'address',
  'addresses',
  'imei',
  'meid',
  'iccid',
  'imsi',
  'serial',
  'sn',
  'mac',
  'email',
  'emails',
  'mail',
  'photo',
  'photos',
  'image',
  'images',
  'img',
  'pic',
  'pics',
  'picture',
  'pictures',
  'avatar',
  'remark',
  'remarks',
  'comment',
  'comments',
  'note',
  'notes',
  'memo',
  'lat',
  'lng',
  'lon',
  'latitude',
  'longitude',
  'gps',
  'openid',
  'unionid',
  'idcard',
  'passport',
  'wechat',
  'contact',
  'consignee',
  'recipient',
  'birthday',
  'birthdate',
]);

const GLUED_STEMS = [
  'phone',
  'mobile',
  'address',
  'addr',
  'email',
  'imei',
  'meid',
  'serial',
  'remark',
  'comment',
  'photo',
  'image',
  'openid',
  'unionid',
  'idcard',
  'orderid',
  'userid',
  'passport',
  'wechat',
  'latitude',
  'longitude',
  'gps',
  'telephone',
  'username',
  'nickname',
  'realname',
  'fullname',
  'firstname',
  'lastname',
  'surname',
  'contact',
];
// A word starting or ending with a stem, or ending in "sn"/"name" after at least one other letter
// (`sn$` in the reference: `devicesn` is a serial, `username` a name).
const GLUED_WORD = new RegExp(`^(?:${GLUED_STEMS.join('|')})|(?:${GLUED_STEMS.join('|')})$|.(?:sn|name)$`);

// Two-word identifiers of people and their orders (`idCard`, `order_id`, `userId`).
const WORD_PAIRS = new Set(['id card', 'id no', 'id number', 'order id', 'order no', 'order number', 'user id', 'open id', 'union id', 'tel no']);

const CJK_TERMS = [
  '姓名',
  '名字',
  '手机',
  '电话',
  '地址',
  '身份证',
  '证件',
  '序列号',
  '串号',
  '图片',
  '照片',
  '相片',
  '备注',
  '留言',
  '收货人',
  '收件人',
  '寄件人',
  '联系人',
  '机主',
  '经办人',
  '质检员',
  '邮箱',
  '微信',
  '订单号',
  '用户',
  '经纬度',
  '定位',
  '坐标',
  '银行卡',
  '车牌',
  '签名',
];

const WORD = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;
const HAS_CJK = /[\u3400-\u9fff]/;

// Property names repeat across documents (they come from a schema), so answers are remembered.
// The cache only ever holds names, which are not personal data once they pass the schema, and
// is bounded so that a stream of random names cannot grow it without limit.
const ANSWER_CACHE_LIMIT = 4096;
const answerCache = new Map<string, boolean>();

/**
 * True when property name `name` suggests personal data (see module comment for the matching
 * rules). Deterministic; never throws; the empty string is false.
 */
export function isPersonalPropertyName(name: string): boolean {
  const cached = answerCache.get(name);
  if (cached !== undefined) return cached;
  const answer = matchesPersonalPropertyName(name);
  if (answerCache.size >= ANSWER_CACHE_LIMIT) answerCache.clear();
  answerCache.set(name, answer);
  return answer;
}

function matchesPersonalPropertyName(name: string): boolean {
  if (HAS_CJK.test(name) && CJK_TERMS.some((term) => name.includes(term))) return true;
  const words = name.match(WORD);
  if (words === null) return false;
  let previous = '';
  for (const original of words) {
    const word = original.toLowerCase();
    if (WHOLE_WORDS.has(word) || GLUED_WORD.test(word) || WORD_PAIRS.has(`${previous} ${word}`)) return true;
    previous = word;
  }
  return false;
}

/**
 * Walks every property name of `doc` (any depth, inside arrays too) and returns one
 * `pii.property_name` finding per offending property, located at the property's JSON Pointer.
 * The path shows the name only when it is a plain identifier without PII; otherwise the last
 * token reads `~invalid-key`. Failure mode: throws a RangeError for documents nested deeper than
 * MAX_JSON_DEPTH (see walk-json.ts).
 */
export function findPersonalPropertyNames(doc: unknown): PrivacyFinding[] {
  const findings: PrivacyFinding[] = [];
  const seen = new Set<string>();
  walkJson(doc, {
    property: (name, at) => {
      if (!isPersonalPropertyName(name) || seen.has(at.pointer)) return;
      seen.add(at.pointer);
      findings.push({ path: at.pointer, code: PROPERTY_NAME_CODE, message: PROPERTY_NAME_MESSAGE });
    },
  });
  return findings;
}

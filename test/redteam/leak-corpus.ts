/**
 * The red-team corpus: personal values of every class the gate must refuse, each written in the ways a
 * sender hides them. Base values × variants: separators of every kind, Chinese numerals (lower-case,
 * financial capitals, 幺 for 1), full width, invisible characters, homoglyphs, and encodings (base64,
 * URL encoding, HTML entities, \u escapes). Splits across two fields are built by the tests from the
 * same bases (`splitLeaks`). Identifier values carry valid check digits where their class has one.
 */
import { luhnCheckDigit, residentIdCheckCharacter } from '../../src/privacy/checksums.ts';

export interface Leak {
  /** Stable id for messages: `<class>/<base index>/<variant>`. Never the value. */
  readonly id: string;
  readonly kind: string;
  /** The personal datum as a person would recognise it; searched for in dumps and logs. */
  readonly base: string;
  /** How it is written into the document. */
  readonly text: string;
}

const withLuhn = (payload: string): string => payload + luhnCheckDigit(payload);
const withIdCheck = (first17: string): string => first17 + residentIdCheckCharacter(first17);

/** Values made of digits: every digit-level variant applies. */
const DIGIT_BASES: Readonly<Record<string, readonly string[]>> = {
  cn_mobile: ['13912345678', '18600001111', '15867543210'],
  cn_landline: ['01062345678', '057187654321'],
  resident_id_18: [withIdCheck('11010519900307123'), withIdCheck('44030519851122451')],
  resident_id_15: ['440305851122451'],
  imei: [withLuhn('35693803043917'), withLuhn('86745803633975')],
  iccid: [withLuhn('8986001234567890123')],
  imsi: ['460001234567890'],
  bank_card: [withLuhn('622202020011223344'), withLuhn('453201511283036')],
};

/** Values with letters, CJK or punctuation: the text-level variants apply. */
const TEXT_BASES: Readonly<Record<string, readonly string[]>> = {
  passport_permit: ['E12345678', 'EA1234567', 'G87654321', 'C12345678', 'H12345678', 'A123456(3)', 'A123456789', '1234567(8)', '护照号码：P1234567'],
  meid: ['A10000009296F2'],
  email: ['zhangwei88@qq.com', 'li.na@163.com', 'zhangwei88 at qq dot com', 'li.na[at]163[dot]com', 'wangfang艾特126点com'],
  person_name: ['张伟先生', '收货人：马洋', 'Ms. Li Na', '张伟的iPhone', '陈娟', '机主 王芳', "Wang Fang's iPhone", '欧阳娜娜女士'],
  cn_address: ['北京市朝阳区建国路88号', '上海市浦东新区世纪大道一百号', '朝阳区建国路', '科技园路189号1栋1735室', '3栋2单元501室', '88 Jianguo Road'],
  licence_plate: ['京A12345', '粤B·D12345', '沪AD12345', 'Jing A12345'],
  messaging_id: ['微信：zhangwei_88', 'QQ 123456789', 'wxid_abc123def456'],
  ip_address: ['192.168.1.10', '223.5.5.5', '2001:db8:85a3::8a2e:370:7334', 'fe80::1ff:fe23:4567:890a'],
  gps_pair: ['39.9042, 116.4074', '31.230416,121.473701'],
  geohash: ['wx4g0ec1', 'geohash: wtw3sjq6'],
  date_of_birth: ['1990-05-12', '出生日期：1985年3月7日', 'DOB 20030405'],
  mac_address: ['00:1A:2B:3C:4D:5E', '001A2B3C4D5E', '00-1a-2b-3c-4d-5e'],
  serial_number: ['SN: R58M123ABCD', 'F2LXK0ABHG7F', '序列号：C02XG2JHJGH5'],
};

const LOWER_NUMERALS = '〇一二三四五六七八九';
const CAPITAL_NUMERALS = '零壹贰叁肆伍陆柒捌玖';
const toNumerals = (digits: string, numerals: string): string => digits.replace(/[0-9]/g, (d) => numerals[Number(d)]!);
const fullWidth = (text: string): string => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const grouped = (digits: string, separator: string): string => digits.replace(/(\d{3})(\d{4})(?=\d)/, `$1${separator}$2${separator}`);
const interleave = (text: string, filler: string): string => [...text].join(filler);
const percentEncoded = (text: string): string => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
const htmlEntities = (text: string): string => [...text].map((c) => `&#${c.codePointAt(0)};`).join('');
const unicodeEscapes = (text: string): string => [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const CYRILLIC: Readonly<Record<string, string>> = {
  a: 'а',
  e: 'е',
  o: 'о',
  p: 'р',
  c: 'с',
  x: 'х',
  y: 'у',
  A: 'А',
  B: 'В',
  E: 'Е',
  H: 'Н',
  K: 'К',
  M: 'М',
  O: 'О',
  P: 'Р',
  C: 'С',
  T: 'Т',
  X: 'Х',
};
const homoglyphs = (text: string): string => text.replace(/[aeopcxyABEHKMOPCTX]/g, (c) => CYRILLIC[c] ?? c);

const DIGIT_VARIANTS: Readonly<Record<string, (digits: string) => string>> = {
  raw: (d) => d,
  spaced: (d) => grouped(d, ' '),
  dotted: (d) => grouped(d, '.'),
  slashed: (d) => grouped(d, '/'),
  underscored: (d) => grouped(d, '_'),
  commas: (d) => grouped(d, ','),
  hyphens: (d) => grouped(d, '-'),
  parenthesised: (d) => `(${d.slice(0, 3)})${d.slice(3)}`,
  spoken_dash: (d) => grouped(d, '杠'),
  fullwidth: (d) => fullWidth(grouped(d, ' ')),
  chinese_numerals: (d) => toNumerals(d, LOWER_NUMERALS),
  capital_numerals: (d) => toNumerals(d, CAPITAL_NUMERALS),
  yao_for_one: (d) => toNumerals(d, LOWER_NUMERALS).replaceAll('一', '幺'),
  zero_width: (d) => interleave(d, '\u200b'),
  hangul_filler: (d) => interleave(d, '\u3164'),
  letter_o_for_zero: (d) => d.slice(0, 1) + d.slice(1, -1).replaceAll('0', 'O') + d.slice(-1),
  labelled: (d) => `联系电话：${grouped(d, ' ')}`,
  base64: (d) => base64(d),
  base64url_labelled: (d) => base64url(`tel ${d}`),
  url_encoded: (d) => percentEncoded(d),
  html_entities: (d) => htmlEntities(d),
  unicode_escapes: (d) => unicodeEscapes(d),
  glued_in_model: (d) => `iPhone ${grouped(d, '-')} 128GB`,
};

const TEXT_VARIANTS: Readonly<Record<string, (text: string) => string>> = {
  raw: (t) => t,
  fullwidth: (t) => fullWidth(t),
  zero_width: (t) => interleave(t, '\u200b'),
  braille_blank: (t) => interleave(t, '\u2800'),
  homoglyphs: (t) => homoglyphs(t),
  base64: (t) => base64(t),
  url_encoded: (t) => percentEncoded(t),
  html_entities: (t) => htmlEntities(t),
  unicode_escapes: (t) => unicodeEscapes(t),
};

function build(): Leak[] {
  const leaks: Leak[] = [];
  const add = (kind: string, index: number, variants: Readonly<Record<string, (value: string) => string>>, base: string) => {
    const seen = new Set<string>();
    for (const [variant, write] of Object.entries(variants)) {
      const text = write(base);
      if (seen.has(text)) continue; // a variant that changes nothing (homoglyphs of CJK) is not a new case
      seen.add(text);
      leaks.push({ id: `${kind}/${index}/${variant}`, kind, base, text });
    }
  };
  for (const [kind, bases] of Object.entries(DIGIT_BASES)) bases.forEach((base, index) => add(kind, index, DIGIT_VARIANTS, base));
  for (const [kind, bases] of Object.entries(TEXT_BASES)) bases.forEach((base, index) => add(kind, index, TEXT_VARIANTS, base));
  return leaks;
}

/** Every leak case (≈ 600). */
export const LEAKS: readonly Leak[] = build();

/** Every class in the corpus, for the coverage check. */
export const LEAK_KINDS: readonly string[] = [...Object.keys(DIGIT_BASES), ...Object.keys(TEXT_BASES)];

/**
 * Leaks split over two neighbouring string values: a digit datum cut in two (each half too short to be
 * anything), an e-mail cut at its '@'.
 */
export const SPLIT_LEAKS: readonly { readonly id: string; readonly base: string; readonly parts: readonly [string, string] }[] = [
  ...Object.entries(DIGIT_BASES).flatMap(([kind, bases]) =>
    bases.map((base, index) => {
      const cut = Math.floor(base.length / 2);
      return { id: `${kind}/${index}/split`, base, parts: [base.slice(0, cut), base.slice(cut)] as const };
    }),
  ),
  { id: 'email/0/split', base: 'zhangwei88@qq.com', parts: ['zhangwei88', '@qq.com'] },
  { id: 'email/1/split', base: 'li.na@163.com', parts: ['li.na@', '163.com'] },
];

/**
 * The strings a dump or log must not contain for a leak: the base, the written form, and the digits of
 * the base when it has seven or more (a number stored without its separators is still the number).
 */
export function needlesOf(leak: { readonly base: string; readonly text?: string }): string[] {
  const digits = leak.base.normalize('NFKC').replace(/\D/g, '');
  return [...new Set([leak.base, ...(leak.text !== undefined && leak.text.length >= 6 ? [leak.text] : []), ...(digits.length >= 7 ? [digits] : [])])];
}

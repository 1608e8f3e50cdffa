/**
 * fast-check generators for the personal data the gate must always catch, the forms senders
 * write it in, and the legitimate strings it must never flag. Shared by the property tests.
 */
import fc from 'fast-check';
import catalogue from '../fixtures/privacy/catalogue-models.json' with { type: 'json' };
import { luhnCheckDigit, residentIdCheckCharacter } from '../../src/privacy/checksums.ts';

const digit = fc.constantFrom(...'0123456789');
const digits = (length: number): fc.Arbitrary<string> => fc.string({ unit: digit, minLength: length, maxLength: length });

export const mobileNumber = fc.tuple(fc.constantFrom(...'3456789'), digits(9)).map(([second, rest]) => `1${second}${rest}`);

// Birth dates from 1900 to 2024 so that any scan date after 2024 sees them as real and past.
const birthDate = fc
  .date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2024, 11, 31)), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10).replace(/-/g, ''));

export const residentId18 = fc.tuple(fc.constantFrom(...'123456789'), digits(5), birthDate, digits(3)).map(([first, region, birth, sequence]) => {
  const payload = `${first}${region}${birth}${sequence}`;
  return payload + residentIdCheckCharacter(payload);
});

export const imei = digits(14).map((payload) => payload + luhnCheckDigit(payload));

export const bankCard = fc
  .tuple(fc.constantFrom('62', '4', '51', '55', '22', '35'), fc.integer({ min: 16, max: 19 }))
  .chain(([prefix, length]) => digits(length - prefix.length - 1).map((middle) => prefix + middle))
  .map((payload) => payload + luhnCheckDigit(payload));

const simpleEmail = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9._+-]{1,12}$/),
    fc.stringMatching(/^[a-z0-9-]{1,10}$/),
    fc.constantFrom('cn', 'com', 'net', 'org', 'com.cn', 'edu.cn', 'io'),
  )
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);
export const email = fc.oneof(fc.emailAddress(), simpleEmail);

const PROVINCES = [...'京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼'];
const PLATE_LETTERS = [...'ABCDEFGHJKLMNPQRSTUVWXYZ'];
const plateLetter = fc.constantFrom(...PLATE_LETTERS);
const plateAlphanumeric = fc.constantFrom(...PLATE_LETTERS, ...'0123456789');
export const licencePlate = fc
  .tuple(
    fc.constantFrom(...PROVINCES),
    plateLetter,
    fc.oneof(
      // ordinary: five letters/digits, the last possibly 挂/学/警/港/澳
      fc
        .tuple(fc.array(plateAlphanumeric, { minLength: 4, maxLength: 4 }), fc.constantFrom(...PLATE_LETTERS, ...'0123456789挂学警港澳'))
        .map(([body, last]) => body.join('') + last),
      // new energy, small cars: D/F (or A–K) + letter/digit + 4 digits
      fc.tuple(fc.constantFrom(...'ABCDEFGHJK'), plateAlphanumeric, digits(4)).map((parts) => parts.join('')),
      // new energy, large vehicles: 5 digits + D/F
      fc.tuple(digits(5), fc.constantFrom(...'ABCDEFGHJK')).map((parts) => parts.join('')),
    ),
  )
  .map(([province, letter, body]) => `${province}${letter}${body}`);

// --- forms in which senders write the same value ---------------------------------------------

export type ValueForm = 'raw' | 'full-width' | 'separated' | 'full-width separated';
export const valueForm = fc.constantFrom<ValueForm>('raw', 'full-width', 'separated', 'full-width separated');

/** ASCII → full-width (U+FF01–U+FF5E); anything else unchanged. */
export function toFullWidth(text: string): string {
  return text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

const DIGIT_SEPARATORS = [' ', '-', '\u2010', '\u2013', '\u2014', '\u2212', '\u3000', '\u00a0', '\uff0d', '\u00b7', '\u200b', '  ', ' - '];
const PLATE_SEPARATORS = ['', ' ', '·', '-'];

/**
 * Puts separators between the digits of `value` (and, for plates, after the province and the
 * authority letter), chosen by `choices` (cycled).
 */
export function separate(value: string, choices: readonly number[]): string {
  let out = '';
  let k = 0;
  const next = (): number => choices[k++ % Math.max(choices.length, 1)] ?? 0;
  const chars = [...value];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    out += c;
    const following = chars[i + 1];
    if (following === undefined) continue;
    if (/[0-9]/.test(c) && /[0-9]/.test(following)) {
      const choice = next();
      // choice 0 leaves this pair of digits together
      if (choice % 3 !== 0) out += DIGIT_SEPARATORS[choice % DIGIT_SEPARATORS.length];
    } else if ((i === 0 && /[\u4e00-\u9fa5]/.test(c)) || (i === 1 && /[\u4e00-\u9fa5]/.test(chars[0] ?? ''))) {
      out += PLATE_SEPARATORS[next() % PLATE_SEPARATORS.length];
    }
  }
  return out;
}

/** Renders `value` in `form`; `choices` drives where separators go. */
export function render(value: string, form: ValueForm, choices: readonly number[]): string {
  switch (form) {
    case 'raw':
      return value;
    case 'full-width':
      return toFullWidth(value);
    case 'separated':
      return separate(value, choices);
    case 'full-width separated':
      return toFullWidth(separate(value, choices));
  }
}

export const separatorChoices = fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 20 });

// --- legitimate strings ----------------------------------------------------------------------

export interface CatalogueEntry {
  readonly brand: string;
  readonly model: string;
  readonly category: string;
}
export const CATALOGUE: readonly CatalogueEntry[] = catalogue;

export const MODEL_CODES: readonly string[] = [
  'TG100V88WMUIADY5',
  'KFR-35GW/NhGc1B',
  'BCD-516WKPZM',
  'EG100MATE2S',
  'L65M7-EA',
  'CXW-258-JQ19TS',
  'iPhone 14 Pro 256GB',
  'ThinkPad X1 Carbon Gen 9',
  'Watch Series 7 45mm',
  'KA92NV02TI',
  'SN23HI60CE',
  'WD Blue SN770 1TB',
  'XQG100-BD14376L',
  'M2102J2SC',
  'RS62R5007M9',
];

export const ENUM_VALUES: readonly string[] = [
  'mobile_phone',
  'door_to_door',
  'in_store',
  'online',
  'GB_T_45656_2025',
  'T_TAF_173_2023',
  'NIST_800_88_R1',
  'NIST_800_88_R2',
  'IEEE_2883_2022',
  'ISO_IEC_27040',
  'GB_INFO_CLEARANCE_2025',
  'VENDOR_RESET',
  'R2_REC',
  'CTIA',
  'PROPRIETARY',
  'resold_as_is',
  'parts_harvested',
  'dismantled_recycled',
  'screen_scratch_minor',
  'water_damage_ldi_tripped',
  'encrypted_factory_reset',
  'success_with_exceptions',
  'R410A',
  'R600a',
  'R134a',
  'washing_machine',
  'air_conditioner',
  'smartwatch_band',
  'electric_bicycle',
  'A',
  'X',
  'F6',
  'C7',
  'purge',
];

export const BRAND_NAMES: readonly string[] = [
  '华为',
  '小天鹅',
  '海尔',
  '美的',
  '格力',
  '海信',
  '小米',
  '荣耀',
  '联想',
  '西门子',
  '方太',
  'Apple',
  'OPPO',
  'vivo',
  'TCL',
];

export const MONTHS = fc
  .tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }))
  .map(([year, month]) => `${year}-${String(month).padStart(2, '0')}`);

const LEGITIMATE_FIXED = [...CATALOGUE.flatMap((entry) => [entry.model, entry.brand, entry.category]), ...MODEL_CODES, ...ENUM_VALUES, ...BRAND_NAMES];

export const legitimateValue = fc.oneof(
  fc.constantFrom(...LEGITIMATE_FIXED),
  MONTHS,
  fc.integer({ min: 11, max: 82 }).map((region) => `${region}0000`),
);

const SPEC_WORDS = [
  'Pro',
  'Max',
  'Plus',
  'Air',
  'mini',
  'Lite',
  'Ultra',
  '5G',
  'Gen',
  '白色',
  '黑色',
  '星空灰',
  '典藏版',
  '标准版',
  '国行',
  '全网通',
  '变频',
  '一级能效',
];
const UNITS = ['GB', 'TB', 'mm', 'L', 'kg', 'W', '寸', '英寸', '升', '匹'];

/** Strings put together from catalogue models, spec words, sizes and enum values. */
export const generatedCleanString = fc
  .array(
    fc.oneof(
      fc.constantFrom(...CATALOGUE.map((entry) => entry.model), ...MODEL_CODES, ...BRAND_NAMES),
      fc.constantFrom(...SPEC_WORDS),
      fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.constantFrom(...UNITS)).map(([n, unit]) => `${n}${unit}`),
      fc.constantFrom(...ENUM_VALUES),
      fc.stringMatching(/^[a-z]{2,10}(?:_[a-z]{2,10}){0,3}$/),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => parts.join(' '));

/** Any host string a value may be inserted into. */
export const hostString = fc.oneof(
  legitimateValue,
  generatedCleanString,
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...'0123456789 -Xx@.京AB'), maxLength: 10 }),
  fc.uuid(),
);

/** Inserts `value` into `host` at `position` (taken modulo the number of UTF-16 gaps). */
export function insertAt(host: string, value: string, position: number): string {
  const at = position % (host.length + 1);
  return host.slice(0, at) + value + host.slice(at);
}

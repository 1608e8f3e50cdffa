/**
 * Model names as partners write them — "iPhone 13 128GB 午夜色", "ｉＰｈｏｎｅ13  128G", "MatePad 11.5S 柔光版
 * 8+256" — reduced to the key the catalogue is matched by: compatibility forms folded, lowercase, storage
 * and memory split off into the spec, colour words dropped, spaces removed. Pure; never throws.
 */

export interface NormalisedModelName {
  /** The name as the hub displays it: NFKC, single spaces, trimmed. */
  readonly display: string;
  /** The catalogue match key: no storage, memory or colour, lowercase, no spaces. Empty if nothing is left. */
  readonly key: string;
  readonly storageGb?: number;
  readonly ramGb?: number;
}

// Storage sizes written with a bare G are common (128G); a bare G after other numbers is a network (5G)
// or part of a code (35GW), so only these sizes count.
const BARE_G_SIZES = new Set([16, 32, 64, 128, 256, 512]);
const MEMORY_PLUS_STORAGE = /(?<![A-Za-z0-9.])(\d{1,2})\s*(?:GB|G)?\s*\+\s*(\d{2,4}|[1-4]\s*T)\s*(?:GB|G|TB|B)?(?![A-Za-z0-9])/iu;
// A bare T only in the memory+storage form above: standalone it is a model suffix (OnePlus 8T, Xiaomi 12T).
const STORAGE = /(?<![A-Za-z0-9.+])(\d{1,4})\s*(GB|G|TB)(?![A-Za-z0-9])/giu;

const ENGLISH_COLOURS = [
  'space gray',
  'space grey',
  'space black',
  'rose gold',
  'sierra blue',
  'alpine green',
  'pacific blue',
  'midnight green',
  'deep purple',
  'natural titanium',
  'black titanium',
  'white titanium',
  'blue titanium',
  'black',
  'white',
  'silver',
  'gold',
  'blue',
  'green',
  'red',
  'purple',
  'pink',
  'yellow',
  'graphite',
  'midnight',
  'starlight',
  'gray',
  'grey',
  'orange',
  'violet',
  'coral',
  'lavender',
  'cream',
];
// A token that ends in 色 (午夜色, 深空灰色) is a colour; so is one of these names, alone or (for names of two
// characters or more) at the start of a token (玫瑰金女士款 → 女士款). A single character only alone: 红米 is a brand.
const CJK_COLOUR_NAMES = [
  '玫瑰金',
  '远峰蓝',
  '雅川青',
  '曜石黑',
  '幻夜黑',
  '亮黑',
  '冰霜银',
  '翡冷翠',
  '深空灰',
  '暗夜紫',
  '星光',
  '午夜',
  '钛金属',
  '原色钛金属',
  '黑色钛金属',
  '白色钛金属',
  '蓝色钛金属',
  '雪域白',
  '羽砂黑',
  '羽砂紫',
  '羽砂白',
  '夏日胡杨',
  '秋日胡杨',
  '冰晶蓝',
  '曜金黑',
  '香槟金',
  '流光紫',
  '陶瓷白',
  '昆仑白',
  '雅丹黑',
  '青山黛',
];
const CJK_SINGLE_COLOURS = /^[黑白金银蓝绿红紫粉灰]色?$/u;
const ENGLISH_COLOUR_PATTERN = new RegExp(`(?<![a-z0-9])(?:${ENGLISH_COLOURS.join('|')})(?![a-z0-9])`, 'giu');
const CJK_COLOUR_PREFIX = new RegExp(`^(?:${[...CJK_COLOUR_NAMES].sort((a, b) => b.length - a.length).join('|')})(?:色)?`, 'u');
const CJK_COLOUR_TOKEN = /^[\u4e00-\u9fff]{1,4}色$/u;

function storageOf(amount: string): number {
  const compact = amount.replace(/\s+/gu, '');
  return /t$/iu.test(compact) ? Number.parseInt(compact, 10) * 1024 : Number.parseInt(compact, 10);
}

/** Normalises a model name; see NormalisedModelName. */
export function normaliseModelName(raw: string): NormalisedModelName {
  const display = raw.normalize('NFKC').replace(/\s+/gu, ' ').trim();
  let rest = display;
  let storageGb: number | undefined;
  let ramGb: number | undefined;
  const pair = MEMORY_PLUS_STORAGE.exec(rest);
  if (pair !== null) {
    ramGb = Number.parseInt(pair[1]!, 10);
    storageGb = storageOf(pair[2]!);
    rest = `${rest.slice(0, pair.index)} ${rest.slice(pair.index + pair[0].length)}`;
  }
  rest = rest.replace(STORAGE, (whole, amount: string, unit: string) => {
    const size = /t/iu.test(unit) ? Number.parseInt(amount, 10) * 1024 : Number.parseInt(amount, 10);
    if (/^g$/iu.test(unit) && !BARE_G_SIZES.has(size)) return whole;
    if (/^t$/iu.test(unit) && size > 8 * 1024) return whole;
    storageGb ??= size;
    return ' ';
  });
  rest = rest.replace(ENGLISH_COLOUR_PATTERN, ' ');
  const tokens = rest.split(' ').flatMap((token) => {
    if (token === '' || CJK_COLOUR_TOKEN.test(token) || CJK_SINGLE_COLOURS.test(token)) return [];
    const stripped = token.replace(CJK_COLOUR_PREFIX, '');
    return stripped === '' ? [] : [stripped];
  });
  const key = tokens.join('').toLowerCase();
  return { display, key, ...(storageGb === undefined ? {} : { storageGb }), ...(ramGb === undefined ? {} : { ramGb }) };
}

// Letters, CJK, digits, spaces and `+ - . / ( )`; starts with a letter, CJK or digit; 1–64 characters.
const MODEL_NAME_GRAMMAR = /^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff +\-./()]{0,63}$/u;

/**
 * Whether a catalogue entry's model name follows the model-name grammar (after NFKC, so full-width
 * letters pass as their ASCII forms). The detectors run on the name as well; the grammar alone keeps out
 * e-mail (@), URLs (:), and anything in another script (Cyrillic or Greek look-alikes).
 */
export function isModelNameGrammatical(text: string): boolean {
  const display = text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
  return MODEL_NAME_GRAMMAR.test(display) && normaliseModelName(display).key !== '';
}

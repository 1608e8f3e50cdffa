/**
 * Decodes the encodings a value can be hidden in so the detectors can scan it again: URL encoding
 * (`%31%33%38…`), HTML entities (`&#49;`, `&#x31;`, `&commat;`), JavaScript/JSON escapes
 * (`\u0031`, `\x31`, `\u{31}`), and base64/base64url or hex runs that decode to readable UTF-8 text.
 * Each is replaced where it stands, so a label next to an encoded number stays next to it.
 *
 * A base64 or hex run counts only when its bytes are valid UTF-8 made of printable characters: random
 * tokens (pseudonyms, certificate references) decode to bytes that fail that test except with
 * negligible probability, so they are left as they are.
 */

const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
const HTML_ENTITY = /&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z]{2,10}));?/g;
const ESCAPE = /\\u\{([0-9A-Fa-f]{1,6})\}|\\u([0-9A-Fa-f]{4})|\\x([0-9A-Fa-f]{2})/g;
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;
const HEX_RUN = /(?<![0-9A-Za-z])(?:0x)?((?:[0-9A-Fa-f]{2}){5,})(?![0-9A-Za-z])/g;
const MAY_BE_ENCODED = /%[0-9A-Fa-f]{2}|&#?[A-Za-z0-9]{2,10};?|\\[ux]|[A-Za-z0-9+/_-]{8}/;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  commat: '@',
  period: '.',
  comma: ',',
  colon: ':',
  semi: ';',
  sol: '/',
  bsol: '\\',
  lpar: '(',
  rpar: ')',
  lowbar: '_',
  hyphen: '-',
  dash: '-',
  minus: '-',
  plus: '+',
  num: '#',
  excl: '!',
  quest: '?',
  percnt: '%',
  equals: '=',
  ast: '*',
  verbar: '|',
  lsqb: '[',
  rsqb: ']',
  lbrack: '[',
  rbrack: ']',
  lcub: '{',
  rcub: '}',
  midast: '*',
  middot: '·',
  sdot: '.',
  bull: '•',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  zwsp: '',
  zwj: '',
  zwnj: '',
  shy: '',
  at: '@',
  dot: '.',
};

// Printable: no C0/C1 control other than tab and newlines, no replacement character, no private use.
const UNPRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff]/;
const MIN_DECODED_LENGTH = 5;

/** Cheap pre-check: false when `text` certainly holds none of the encodings above. */
export function mayBeEncoded(text: string): boolean {
  return MAY_BE_ENCODED.test(text);
}

/**
 * `text` with every decodable encoded part replaced by its decoding, or undefined when nothing
 * decoded. One layer only; the caller decodes the result again for nested encodings (bounded).
 * Never throws.
 */
export function decodeEmbedded(text: string): string | undefined {
  let decoded = text;
  if (decoded.includes('%')) decoded = decoded.replace(PERCENT_RUN, decodePercentRun);
  if (decoded.includes('&')) decoded = decoded.replace(HTML_ENTITY, decodeEntity);
  if (decoded.includes('\\')) decoded = decoded.replace(ESCAPE, decodeEscape);
  decoded = decoded.replace(HEX_RUN, (run, hex: string) => readableText(Buffer.from(hex, 'hex')) ?? run);
  decoded = decoded.replace(BASE64_RUN, decodeBase64Run);
  return decoded === text ? undefined : decoded;
}

function decodePercentRun(run: string): string {
  const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
  return readableText(bytes, 1) ?? run;
}

function decodeEntity(entity: string, decimal?: string, hex?: string, name?: string): string {
  const codePoint = decimal !== undefined ? Number(decimal) : hex !== undefined ? parseInt(hex, 16) : undefined;
  if (codePoint !== undefined) return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
  return (name !== undefined ? NAMED_ENTITIES[name.toLowerCase()] : undefined) ?? entity;
}

function decodeEscape(escape: string, braced?: string, four?: string, two?: string): string {
  const codePoint = parseInt(braced ?? four ?? two ?? '', 16);
  return Number.isNaN(codePoint) || codePoint > 0x10ffff ? escape : String.fromCodePoint(codePoint);
}

function decodeBase64Run(run: string): string {
  const body = run.replace(/=+$/, '');
  // A length of 1 mod 4 is never valid base64.
  if (body.length % 4 === 1 || !startsWithTextByte(body)) return run;
  const bytes = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return readableText(bytes) ?? run;
}

const BASE64_VALUE = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));
BASE64_VALUE.set('-', 62).set('_', 63);

// Most random tokens fail on their first byte: it must be printable ASCII or a UTF-8 lead byte.
// Checked from the first two characters without decoding the run (no Buffer per token).
function startsWithTextByte(body: string): boolean {
  const first = ((BASE64_VALUE.get(body.charAt(0)) ?? 0) << 2) | ((BASE64_VALUE.get(body.charAt(1)) ?? 0) >> 4);
  return (first >= 0x20 && first < 0x7f) || first === 0x09 || first === 0x0a || first === 0x0d || (first >= 0xc2 && first <= 0xf4);
}

function readableText(bytes: Buffer, minimumLength = MIN_DECODED_LENGTH): string | undefined {
  if (bytes.length < minimumLength - 2 || !isPrintableUtf8(bytes)) return undefined;
  const text = bytes.toString('utf8');
  // Two characters at least: a CJK name is two characters in six bytes.
  if (text.length < 2 || UNPRINTABLE.test(text)) return undefined;
  return text;
}

// Checks UTF-8 well-formedness and printability byte by byte: random bytes fail within the first
// few, and no exception is thrown (a fatal TextDecoder throwing per token costs more than the scan).
function isPrintableUtf8(bytes: Buffer): boolean {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false;
      i += 1;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return false;
    for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return false;
    i += length;
  }
  return true;
}

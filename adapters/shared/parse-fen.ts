// Optional currency sign or code, yuan with optional thousands separators (groups of three only, so that
// "1,85,0" is refused rather than read as 1850), at most two decimals (fen), optional 元.
const PRICE = /^(?:¥|RMB|CNY)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*元?$/i;

/**
 * A price in yuan as partners write it (`¥1,850.00`, `￥1850`, `1850.5`, `1,850元`) as an integer number
 * of fen, computed on the digits (never through a float). Undefined for negative amounts, more than two
 * decimals, misplaced separators, and amounts beyond Number.MAX_SAFE_INTEGER fen.
 */
export function parseFen(text: string): number | undefined {
  const match = PRICE.exec(text.normalize('NFKC').trim());
  if (match === null) return undefined;
  const yuan = match[1]!.replaceAll(',', '');
  const fen = BigInt(yuan) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  return fen <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(fen) : undefined;
}

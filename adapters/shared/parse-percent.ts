/**
 * A whole percentage from 0 to 100 written as `78%`, `78 %` or `78`; undefined for fractions, values over
 * 100 and anything else.
 */
export function parsePercent(text: string): number | undefined {
  const match = /^(\d{1,3})\s*%?$/.exec(text.normalize('NFKC').trim());
  if (match === null) return undefined;
  const value = Number(match[1]);
  return value <= 100 ? value : undefined;
}

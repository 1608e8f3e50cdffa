const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * A non-negative decimal (`21.181`, `9.8`, `194`) times 10^exponent, computed by moving the decimal point in
 * the text, so `194` grams at exponent -3 is exactly the double nearest 0.194 kg. Undefined for signs,
 * separators, exponents, or anything that is not a plain decimal.
 */
export function parseDecimal(text: string, exponent = 0): number | undefined {
  const match = DECIMAL.exec(text.normalize('NFKC').trim());
  if (match === null) return undefined;
  const value = Number(`${match[1]}${match[2] === undefined ? '' : `.${match[2]}`}e${exponent}`);
  return Number.isFinite(value) ? value : undefined;
}

/** A non-negative whole number written with digits only (`157`, `0`); undefined otherwise or beyond 2^53. */
export function parseWholeNumber(text: string): number | undefined {
  const input = text.normalize('NFKC').trim();
  if (!/^\d+$/.test(input)) return undefined;
  const value = Number(input);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Splits an integer amount of fen over weighted shares so the parts add up to the amount exactly
 * (Hamilton's largest-remainder method): each part gets the floor of its exact pro-rata share, and the fen
 * left over go one each to the largest fractional remainders. Ties break by the shares' keys in ascending
 * order, so the same input always gives the same split.
 *
 * Invariants (property-tested): parts sum to `amountFen`; every part is within 1 fen of its exact share
 * (strictly less than 1 fen away); zero weights get zero; equal weights differ by at most 1 fen.
 * Throws RangeError on a negative or non-integer amount, a negative or non-finite weight, or when the
 * amount is positive and every weight is zero. Exact arithmetic: weights and amount are multiplied as
 * BigInt, so there is no floating point near money.
 */
export function splitLargestRemainder(amountFen: number, shares: readonly { key: string; weight: number }[]): Map<string, number> {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) throw new RangeError('amount must be a non-negative whole number of fen');
  for (const share of shares) {
    if (!Number.isSafeInteger(share.weight) || share.weight < 0) throw new RangeError('weights must be non-negative whole numbers');
  }
  const result = new Map<string, number>(shares.map((share) => [share.key, 0]));
  if (amountFen === 0) return result;
  const totalWeight = shares.reduce((sum, share) => sum + BigInt(share.weight), 0n);
  if (totalWeight === 0n) throw new RangeError('a positive amount needs at least one positive weight');

  const amount = BigInt(amountFen);
  const parts = shares.map((share) => {
    const exact = amount * BigInt(share.weight);
    return { key: share.key, floor: exact / totalWeight, remainder: exact % totalWeight };
  });
  let leftover = amount - parts.reduce((sum, part) => sum + part.floor, 0n);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder === b.remainder ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.remainder > b.remainder ? -1 : 1,
  );
  for (const part of byRemainder) {
    if (leftover === 0n) break;
    if (part.remainder === 0n) continue;
    part.floor += 1n;
    leftover -= 1n;
  }
  for (const part of parts) result.set(part.key, Number(part.floor));
  return result;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPeriod, periodBounds, periodOf, previousPeriod } from '../../src/ledger/periods.ts';
import { equalSplit, mergeLines, queryJournalLines, splitQueryCharge } from '../../src/ledger/revenue-split.ts';
import { splitLargestRemainder } from '../../src/ledger/split-largest-remainder.ts';

/** Basis points that sum to 10,000, as the policy loader requires. */
const splitBp = fc
  .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }))
  .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const)
  .map(([low, high]) => ({ users: low, parties: high - low, hub: 10_000 - high }));
const suppliers = fc.dictionary(fc.constantFrom('platform-a', 'platform-b', 'recycler-a', 'recycler-b', 'platform-c'), fc.integer({ min: 0, max: 1_000_000 }));
const charge = fc.record({
  subjects: fc.integer({ min: 0, max: 5_000_000 }),
  pricePerSubjectFen: fc.integer({ min: 0, max: 500 }),
  split: splitBp,
  supplierDocuments: suppliers.map((d) => new Map(Object.entries(d))),
});

/** |part − exact| < 1 with exact = total × num / den, in integers: |part·den − total·num| < den. */
const withinOneFen = (part: number, total: number, num: number, den: number) =>
  (BigInt(part) * BigInt(den) - BigInt(total) * BigInt(num)) ** 2n < BigInt(den) ** 2n;

describe('the split of a query charge', () => {
  it('puts every fen of the price somewhere, each pool and each party within 1 fen of its exact share (10,000 runs)', () => {
    fc.assert(
      fc.property(charge, (input) => {
        const result = splitQueryCharge({ payerPartyId: 'brand-a', ...input });
        const price = input.subjects * input.pricePerSubjectFen;
        expect(result.priceFen).toBe(price);
        expect(result.usersPoolFen + result.partiesPoolFen + result.hubFeeFen).toBe(price);
        expect([...result.parties.values()].reduce((a, b) => a + b, 0)).toBe(result.partiesPoolFen);
        expect(withinOneFen(result.usersPoolFen, price, input.split.users, 10_000)).toBe(true);
        const weights = [...input.supplierDocuments.values()].reduce((a, b) => a + b, 0);
        if (weights > 0) {
          expect(withinOneFen(result.partiesPoolFen, price, input.split.parties, 10_000)).toBe(true);
          expect(withinOneFen(result.hubFeeFen, price, input.split.hub, 10_000)).toBe(true);
          for (const [party, documents] of input.supplierDocuments) {
            expect(withinOneFen(result.parties.get(party) ?? 0, result.partiesPoolFen, documents, weights)).toBe(true);
          }
        } else {
          // Nobody supplied anything: the parties' share goes to the hub, never lost.
          expect(result.parties.size).toBe(0);
          expect(withinOneFen(result.hubFeeFen, price, input.split.hub + input.split.parties, 10_000)).toBe(true);
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('gives journal lines that sum to zero, one per account (10,000 runs)', () => {
    fc.assert(
      fc.property(charge, fc.integer({ min: 1, max: 4 }), (input, platforms) => {
        const split = splitQueryCharge({ payerPartyId: 'brand-a', ...input });
        // The users' pool, spread over platforms as their users' shares would be.
        const perPlatform = splitLargestRemainder(
          split.usersPoolFen,
          Array.from({ length: platforms }, (_, i) => ({ key: `platform-${'abcd'[i]}`, weight: 1 })),
        );
        const lines = queryJournalLines('brand-a', split, perPlatform);
        expect(lines.reduce((sum, line) => sum + line.amountFen, 0)).toBe(0);
        expect(new Set(lines.map((line) => line.account)).size).toBe(lines.length);
        expect(lines.every((line) => line.amountFen !== 0)).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });

  it("refuses users' shares that do not add up to the users' pool", () => {
    const split = splitQueryCharge({
      payerPartyId: 'brand-a',
      subjects: 10,
      pricePerSubjectFen: 8,
      split: { users: 5000, parties: 3000, hub: 2000 },
      supplierDocuments: new Map([['platform-a', 10]]),
    });
    expect(() => queryJournalLines('brand-a', split, new Map([['platform-a', 39]]))).toThrow(/users' pool is 40/);
  });

  it('merges lines per account and drops zeros', () => {
    expect(
      mergeLines([
        { account: 'a', amountFen: 5 },
        { account: 'b', amountFen: 0 },
        { account: 'a', amountFen: -2 },
        { account: 'c', amountFen: 3 },
        { account: 'c', amountFen: -3 },
      ]),
    ).toEqual([{ account: 'a', amountFen: 3 }]);
  });
});

describe("the equal split of a users' pool", () => {
  it('is the largest-remainder split with equal weights: floor for all, one more for the first `extra` (10,000 runs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 300 }), (pool, count) => {
        const { baseFen, extraFen } = equalSplit(pool, count);
        expect(baseFen * count + extraFen).toBe(pool);
        expect(extraFen >= 0 && extraFen < count).toBe(true);
        const reference = [
          ...splitLargestRemainder(
            pool,
            Array.from({ length: count }, (_, i) => ({ key: String(i).padStart(3, '0'), weight: 1 })),
          ).values(),
        ];
        expect(reference.filter((fen) => fen === baseFen + 1).length).toBe(extraFen === 0 ? 0 : extraFen);
        expect(reference.filter((fen) => fen === baseFen).length).toBe(count - extraFen);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('periods', () => {
  it('are calendar months in UTC: an instant lies in its period, and periods follow each other', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true }), (instant) => {
        const period = periodOf(instant);
        expect(isPeriod(period)).toBe(true);
        const { start, end } = periodBounds(period);
        expect(start <= instant && instant < end).toBe(true);
        expect(periodOf(end)).not.toBe(period);
        expect(previousPeriod(periodOf(end))).toBe(period);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses what is not YYYY-MM', () => {
    for (const bad of ['2026-13', '2026-00', '2026-1', '26-10', '2026-10-01', '']) expect(isPeriod(bad)).toBe(false);
    expect(() => periodBounds('2026-13')).toThrow(/YYYY-MM/);
  });
});

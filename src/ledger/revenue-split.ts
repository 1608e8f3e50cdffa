import type { RevenueSplitBp } from '../policy/policy.types.ts';
import { splitLargestRemainder } from './split-largest-remainder.ts';

/** Ledger accounts, by what they hold. Users' pools are kept per platform: each platform pays its own users. */
export const ACCOUNTS = {
  party: (partyId: string) => `party:${partyId}`,
  usersPool: (platformId: string) => `users:${platformId}`,
  payable: (platformId: string) => `payable:${platformId}`,
  hubFees: 'hub:fees',
  /** What payers were charged for queries whose split the period's close has not yet allocated. */
  pending: 'pending:queries',
} as const;

export interface JournalLine {
  account: string;
  /** Signed integer fen: credits positive, debits negative. */
  amountFen: number;
}

export interface QueryCharge {
  payerPartyId: string;
  /** Subjects counted by the query's released rows. */
  subjects: number;
  pricePerSubjectFen: number;
  split: RevenueSplitBp;
  /** Documents each party supplied to the released rows (its weight in the parties' pool). */
  supplierDocuments: ReadonlyMap<string, number>;
}

export interface QuerySplit {
  priceFen: number;
  usersPoolFen: number;
  partiesPoolFen: number;
  hubFeeFen: number;
  /** Each supplying party's part of the parties' pool. */
  parties: Map<string, number>;
}

/**
 * Splits a query's price three ways by the policy's basis points (users, parties, hub), then the
 * parties' pool by the documents each party supplied, both with the largest-remainder method, so every
 * fen of the price lands somewhere and no part is a whole fen away from its exact share.
 */
export function splitQueryCharge(charge: QueryCharge): QuerySplit {
  const priceFen = charge.subjects * charge.pricePerSubjectFen;
  if (!Number.isSafeInteger(priceFen)) throw new RangeError('the price of a query must be a safe integer of fen');
  const pools = splitLargestRemainder(priceFen, [
    { key: 'users', weight: charge.split.users },
    { key: 'parties', weight: charge.split.parties },
    { key: 'hub', weight: charge.split.hub },
  ]);
  let partiesPoolFen = pools.get('parties')!;
  let hubFeeFen = pools.get('hub')!;
  const suppliers = [...charge.supplierDocuments].filter(([, documents]) => documents > 0).map(([key, weight]) => ({ key, weight }));
  // With nobody to credit (a query whose rows carry no supplier), the parties' share goes to the hub
  // rather than vanishing: the journal must still balance.
  if (suppliers.length === 0) {
    hubFeeFen += partiesPoolFen;
    partiesPoolFen = 0;
  }
  const parties = suppliers.length === 0 ? new Map<string, number>() : splitLargestRemainder(partiesPoolFen, suppliers);
  return { priceFen, usersPoolFen: pools.get('users')!, partiesPoolFen, hubFeeFen, parties };
}

/**
 * The journal lines of a billed query: the payer debited the price; each platform's users' pool credited
 * with its users' shares (`usersPoolByPlatform`, which sums to the split's users' pool); each supplier
 * and the hub credited. Zero lines are left out; a party credited twice is one line.
 */
export function queryJournalLines(payerPartyId: string, split: QuerySplit, usersPoolByPlatform: ReadonlyMap<string, number>): JournalLine[] {
  const usersTotal = [...usersPoolByPlatform.values()].reduce((sum, fen) => sum + fen, 0);
  if (usersTotal !== split.usersPoolFen) {
    throw new RangeError(`the users' shares sum to ${usersTotal} fen but the users' pool is ${split.usersPoolFen}`);
  }
  const lines: JournalLine[] = [{ account: ACCOUNTS.party(payerPartyId), amountFen: -split.priceFen }];
  for (const [platformId, fen] of [...usersPoolByPlatform].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push({ account: ACCOUNTS.usersPool(platformId), amountFen: fen });
  }
  for (const [partyId, fen] of [...split.parties].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push({ account: ACCOUNTS.party(partyId), amountFen: fen });
  }
  lines.push({ account: ACCOUNTS.hubFees, amountFen: split.hubFeeFen });
  return mergeLines(lines);
}

/** One line per account (amounts added), zero lines dropped, order of first appearance kept. */
export function mergeLines(lines: readonly JournalLine[]): JournalLine[] {
  const byAccount = new Map<string, number>();
  for (const line of lines) byAccount.set(line.account, (byAccount.get(line.account) ?? 0) + line.amountFen);
  return [...byAccount].filter(([, fen]) => fen !== 0).map(([account, amountFen]) => ({ account, amountFen }));
}

/**
 * An equal split of `poolFen` over `count` subjects: everyone gets the floor, and the first
 * `poolFen mod count` subjects in the tie-break order get one fen more. The same as the largest-remainder
 * method with equal weights, computed without materialising the shares.
 */
export function equalSplit(poolFen: number, count: number): { baseFen: number; extraFen: number } {
  if (count <= 0) return { baseFen: 0, extraFen: 0 };
  const baseFen = Math.floor(poolFen / count);
  return { baseFen, extraFen: poolFen - baseFen * count };
}

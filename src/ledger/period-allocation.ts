import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { DbOrTx } from '../db/database.ts';
import { postJournal } from './journal.repository.ts';
import type { Period } from './periods.ts';
import { expandPointers, shareMembers, summariseShares, supplierDocuments } from './pointer-expansion.repository.ts';
import { allocationItems, insertAllocations, scopePointers, type AllocationItem } from './pointers.repository.ts';
import { ACCOUNTS, equalSplit, mergeLines, splitQueryCharge, type JournalLine } from './revenue-split.ts';

/**
 * Settles a period's queries, in the payout close's transaction: every pointer billed in the period (+1)
 * and every reversal of one posted in it (−1) is expanded in one set-based pass, split exactly as billing
 * at query time used to (the price three ways by the policy's basis points, the parties' pool by documents
 * supplied, the users' pool equally by the largest remainder with the md5(query, subject) tie-break), and
 * posted as one allocation journal per item out of the pending account. Leaves `pointer_earned
 * (subject_id, earned_fen)`, each subject's net share of the period's items, for the payout run.
 */
export async function allocatePeriod(tx: DbOrTx, period: Period, now: Date): Promise<void> {
  const items = await allocationItems(tx, period);
  await sql`drop table if exists pointer_earned`.execute(tx);
  if (items.length === 0) {
    await sql`create temp table pointer_earned (subject_id uuid, earned_fen bigint) on commit drop`.execute(tx);
    return;
  }
  const splits = await shareItems(tx, items);

  const allocations = [];
  for (const item of items.filter((i) => !i.allocated)) {
    const split = splits.get(item.queryId)!;
    const usersLines = [...split.pools].map(([platformId, fen]) => ({ account: ACCOUNTS.usersPool(platformId), amountFen: fen }));
    const lines = mergeLines([...split.lines, ...usersLines]).map((line) => ({ account: line.account, amountFen: item.sign * line.amountFen }));
    const journalId = uuidv7();
    await postJournal(
      tx,
      {
        id: journalId,
        kind: 'allocation',
        period,
        queryId: item.queryId,
        memo: item.sign > 0 ? `split of query ${item.queryId}` : `split taken back: reversal of query ${item.queryId}`,
        lines,
      },
      now,
    );
    const cutoff = split.cutoff;
    allocations.push({
      journalId,
      queryId: item.queryId,
      period,
      sign: item.sign,
      subjects: split.subjects,
      usersPoolFen: split.usersPoolFen,
      baseFen: split.baseFen,
      extraFen: split.extraFen,
      cutoffMd5: cutoff?.tie ?? null,
      cutoffSubject: cutoff?.subjectId ?? null,
      at: now,
    });
  }
  await insertAllocations(tx, allocations);
  await sql`drop table if exists pointer_signs`.execute(tx);
  await sql`
    create temp table pointer_signs on commit drop as
    select sum(sign)::int as sign, query_id from unnest(${items.map((i) => i.queryId)}::uuid[], ${items.map((i) => i.sign)}::int[]) as t(query_id, sign)
    group by query_id`.execute(tx);
  await sql`
    create temp table pointer_earned on commit drop as
    select s.subject_id, sum(s.share_fen * g.sign)::bigint as earned_fen
    from pointer_shares s join pointer_signs g on g.query_id = s.query_id
    group by s.subject_id`.execute(tx);
}

export interface ItemSplit {
  item: AllocationItem;
  subjects: number;
  usersPoolFen: number;
  baseFen: number;
  extraFen: number;
  /** The allocation journal's lines other than the users' pools, for a +1 item. */
  lines: JournalLine[];
  /** The users' pool as shared, per platform. */
  pools: Map<string, number>;
  /** The last subject given the extra fen, if any was. */
  cutoff: { tie: string; subjectId: string } | null;
}

/**
 * Expands the items' queries in one pass and splits each: leaves `pointer_shares (query_id, subject_id,
 * platform_id, order_md5, share_fen, rank, …)`, and returns each query's split.
 */
export async function shareItems(tx: DbOrTx, items: readonly AllocationItem[]): Promise<Map<string, ItemSplit>> {
  const unique = [...new Map(items.map((item) => [item.queryId, item])).values()];
  await scopePointers(
    tx,
    unique.map((item) => item.queryId),
  );
  await expandPointers(tx);
  // The users' pool is the users' basis points of the price (the parties' documents only split the rest),
  // so the members can be shared out in SQL before the documents are counted.
  const charge = (item: AllocationItem, supplierDocuments: Map<string, number>) =>
    splitQueryCharge({
      payerPartyId: item.partyId,
      subjects: item.billedSubjects,
      pricePerSubjectFen: item.pricePerSubjectFen,
      split: item.split,
      supplierDocuments,
    });
  await sql`drop table if exists pointer_pool`.execute(tx);
  await sql`
    create temp table pointer_pool on commit drop as
    select * from unnest(${unique.map((item) => item.queryId)}::uuid[], ${unique.map((item) => String(charge(item, new Map()).usersPoolFen))}::bigint[])
      as t(query_id, users_pool_fen)`.execute(tx);
  await sql`analyze pointer_pool`.execute(tx);
  await shareMembers(tx);
  const members = await summariseShares(tx);
  const documents = await supplierDocuments(tx);

  const splits = new Map<string, ItemSplit>();
  for (const item of unique) {
    const counted = members.get(item.queryId);
    const subjects = counted?.subjects ?? 0;
    const split = charge(item, documents.get(item.queryId) ?? new Map());
    // Nobody left to share the users' pool (possible only under noise): it goes to the hub rather than vanish.
    const usersPoolFen = subjects === 0 ? 0 : split.usersPoolFen;
    const lines: JournalLine[] = [{ account: ACCOUNTS.pending, amountFen: -split.priceFen }];
    for (const [partyId, fen] of [...split.parties].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      lines.push({ account: ACCOUNTS.party(partyId), amountFen: fen });
    lines.push({ account: ACCOUNTS.hubFees, amountFen: split.hubFeeFen + split.usersPoolFen - usersPoolFen });
    const { baseFen, extraFen } = equalSplit(usersPoolFen, subjects);
    splits.set(item.queryId, { item, subjects, usersPoolFen, baseFen, extraFen, lines, pools: counted?.pools ?? new Map(), cutoff: counted?.cutoff ?? null });
  }
  return splits;
}

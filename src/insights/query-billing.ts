import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import { postJournal } from '../ledger/journal.repository.ts';
import { periodOf } from '../ledger/periods.ts';
import { equalSplit, queryJournalLines, splitQueryCharge } from '../ledger/revenue-split.ts';
import type { AllowedPolicy } from '../policy/policy.types.ts';

export interface BillQueryInput {
  queryId: string;
  partyId: string;
  policy: AllowedPolicy;
  now: Date;
  /** Joins `insight_base b` to `insight_groups ig`. */
  joinOn: RawBuilder<unknown>;
  /** Whether the remainder row was released (its subjects count too). */
  remainderReleased: boolean;
  /**
   * Under differential privacy, the released (noisy) total the price is computed from: a bill at the exact
   * count would tell the payer what the noise hides. The users' pool is still shared by the subjects
   * actually counted.
   */
  billedSubjects?: number;
}

/**
 * Bills one released query, inside its transaction: records every subject of a released row as a
 * contribution carrying its share of the users' pool, and posts the query's balanced journal (the payer
 * debited; users' pools per platform, supplying parties and the hub credited). Works on the query's
 * working set (`insight_base`, `insight_groups`), set-based. Returns how many subjects were counted.
 *
 * The users' pool is split equally by the largest-remainder method: everyone gets the floor and the fen
 * left over go one each to the first subjects in an order drawn from md5(query id, subject id) — fixed
 * for a query (so reproducible) but different from query to query, so no subject is always first.
 */
export async function billQuery(tx: DbOrTx, input: BillQueryInput): Promise<number> {
  const { queryId, partyId, policy, now, joinOn } = input;
  const released = sql`(ig.released or ${input.remainderReleased})`;
  // postJournal holds the period open (or refuses a closed one, rolling the contributions back with it).
  const period = periodOf(now);

  await sql`drop table if exists query_contributors`.execute(tx);
  await sql`
    create temp table query_contributors on commit drop as
    select b.subject_id, min(b.supplier_platform) as platform_id
    from insight_base b join insight_groups ig on ${joinOn}
    where ${released}
    group by b.subject_id`.execute(tx);
  const subjects = Number((await sql<{ n: number }>`select count(*)::int as n from query_contributors`.execute(tx)).rows[0]!.n);
  if (subjects === 0) return 0;

  const { rows: supplied } = await sql<{ party: string; documents: number }>`
    select x.party, count(*)::int as documents
    from insight_base b join insight_groups ig on ${joinOn}
    cross join lateral (values (b.supplier_platform), (b.supplier_inspection), (b.supplier_disposition)) as x(party)
    where ${released} and x.party is not null
    group by x.party`.execute(tx);
  const split = splitQueryCharge({
    payerPartyId: partyId, subjects: input.billedSubjects ?? subjects, pricePerSubjectFen: policy.pricePerSubjectFen, split: policy.revenueSplitBp,
    supplierDocuments: new Map(supplied.map((row) => [row.party, Number(row.documents)])),
  });
  const { baseFen, extraFen } = equalSplit(split.usersPoolFen, subjects);
  const share = extraFen === 0
    ? sql`${baseFen}::bigint`
    : sql`${baseFen}::bigint + case when row_number() over (order by md5(${queryId} || c.subject_id::text), c.subject_id) <= ${extraFen} then 1 else 0 end`;
  await sql`drop table if exists query_shares`.execute(tx);
  await sql`
    create temp table query_shares on commit drop as
    select c.subject_id, c.platform_id, ${share} as user_share_fen from query_contributors c`.execute(tx);
  await sql`
    insert into contributions (subject_id, query_id, party_id, purpose, price_fen, user_share_fen, created_at)
    select s.subject_id, ${queryId}::uuid, ${partyId}, ${policy.id}, ${policy.pricePerSubjectFen}::bigint, s.user_share_fen, ${now}::timestamptz
    from query_shares s`.execute(tx);
  const { rows: byPlatform } = await sql<{ platform_id: string; fen: string }>`
    select platform_id, sum(user_share_fen)::bigint as fen from query_shares group by platform_id`.execute(tx);

  const lines = queryJournalLines(partyId, split, new Map(byPlatform.map((row) => [row.platform_id, Number(row.fen)])));
  await postJournal(tx, { kind: 'query', period, queryId, memo: `${policy.id} query by ${partyId}`, lines }, now);
  return subjects;
}

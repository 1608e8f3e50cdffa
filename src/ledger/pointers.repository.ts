import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { RevenueSplitBp } from '../policy/policy.types.ts';
import { expandPointers } from './pointer-expansion.repository.ts';
import type { Period } from './periods.ts';

export interface NewPointer {
  queryId: string;
  partyId: string;
  purpose: string;
  policyVersion: number;
  period: Period;
  at: Date;
  consentPosition: string;
  groupBy: readonly string[];
  filters: Record<string, string | readonly string[]>;
  measures: readonly string[];
  releasedKeys: readonly string[];
  remainderReleased: boolean;
  recordsPerSubject: number | null;
  usesInspection: boolean;
  usesDisposition: boolean;
  usesCatalogue: boolean;
  pricePerSubjectFen: number;
  billedSubjects: number;
  split: RevenueSplitBp;
  journalId: string;
}

/** Where the consent ledger stands in this transaction's snapshot (every position at or below it committed). */
export async function consentPosition(db: DbOrTx): Promise<string> {
  const { rows } = await sql<{ position: string }>`select hub_consent_position()::text as position`.execute(db);
  return rows[0]!.position;
}

export async function insertPointer(db: DbOrTx, p: NewPointer): Promise<void> {
  await db
    .insertInto('query_pointers')
    .values({
      query_id: p.queryId,
      party_id: p.partyId,
      purpose: p.purpose,
      policy_version: p.policyVersion,
      period: p.period,
      at: p.at,
      consent_position: p.consentPosition,
      group_by: [...p.groupBy],
      filters: JSON.stringify(p.filters) as never,
      measures: [...p.measures],
      released_keys: [...p.releasedKeys],
      remainder_released: p.remainderReleased,
      records_per_subject: p.recordsPerSubject,
      uses_inspection: p.usesInspection,
      uses_disposition: p.usesDisposition,
      uses_catalogue: p.usesCatalogue,
      price_per_subject_fen: String(p.pricePerSubjectFen),
      billed_subjects: p.billedSubjects,
      price_fen: String(p.billedSubjects * p.pricePerSubjectFen),
      users_bp: p.split.users,
      parties_bp: p.split.parties,
      hub_bp: p.split.hub,
      journal_id: p.journalId,
    })
    .execute();
}

/** The queries an expansion reads, as the temp table `pointer_scope`. */
export async function scopePointers(db: DbOrTx, queryIds: readonly string[]): Promise<void> {
  await sql`drop table if exists pointer_scope`.execute(db);
  await sql`create temp table pointer_scope on commit drop as select distinct unnest(${[...queryIds]}::uuid[]) as query_id`.execute(db);
}

/**
 * How many subjects a pointer counts, before it is stored: written inside a savepoint, expanded, counted,
 * and rolled back, so the stored pointer carries the count it was priced at.
 */
export async function countPointerMembers(db: DbOrTx, pointer: NewPointer): Promise<number> {
  await sql`savepoint pointer_count`.execute(db);
  try {
    await insertPointer(db, pointer);
    await scopePointers(db, [pointer.queryId]);
    await expandPointers(db);
    const { rows } = await sql<{ n: number }>`select count(distinct subject_id)::int as n from pointer_rows`.execute(db);
    return Number(rows[0]!.n);
  } finally {
    await sql`rollback to savepoint pointer_count`.execute(db);
  }
}

export interface AllocationItem {
  queryId: string;
  partyId: string;
  /** +1: the query billed in the period; −1: a reversal of it posted in the period. */
  sign: 1 | -1;
  billedSubjects: number;
  pricePerSubjectFen: number;
  split: RevenueSplitBp;
  /** Its split is already posted (a reversal of a query allocated before: the reversing journal took it back). */
  allocated: boolean;
}

/** A period's queries (+1) and reversals of queries (−1): whose shares the period's close settles. */
export async function allocationItems(db: DbOrTx, period: Period): Promise<AllocationItem[]> {
  const { rows } = await sql<{
    query_id: string;
    party_id: string;
    sign: number;
    billed_subjects: number;
    price_per_subject_fen: string;
    users_bp: number;
    parties_bp: number;
    hub_bp: number;
    allocated: boolean;
  }>`
    select p.query_id, p.party_id, t.sign, p.billed_subjects, p.price_per_subject_fen, p.users_bp, p.parties_bp, p.hub_bp,
      exists (select from query_allocations a where a.query_id = t.query_id and a.sign = t.sign) as allocated
    from (
      select query_id, 1 as sign from query_pointers where period = ${period}
      union all
      select o.query_id, -1 as sign from journals j join journals o on o.id = j.reverses
      where j.kind = 'reversal' and j.period = ${period} and o.kind = 'query'
    ) t
    join query_pointers p on p.query_id = t.query_id
    order by p.query_id, t.sign desc`.execute(db);
  return rows.map((row) => ({
    queryId: row.query_id,
    partyId: row.party_id,
    sign: row.sign > 0 ? 1 : -1,
    billedSubjects: row.billed_subjects,
    pricePerSubjectFen: Number(row.price_per_subject_fen),
    split: { users: row.users_bp, parties: row.parties_bp, hub: row.hub_bp },
    allocated: row.allocated,
  }));
}

export interface NewAllocation {
  journalId: string;
  queryId: string;
  period: Period;
  sign: number;
  subjects: number;
  usersPoolFen: number;
  baseFen: number;
  extraFen: number;
  cutoffMd5: string | null;
  cutoffSubject: string | null;
  at: Date;
}

export async function insertAllocations(db: DbOrTx, rows: readonly NewAllocation[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('query_allocations')
    .values(
      rows.map((a) => ({
        journal_id: a.journalId,
        query_id: a.queryId,
        period: a.period,
        sign: a.sign,
        subjects: a.subjects,
        users_pool_fen: String(a.usersPoolFen),
        base_fen: String(a.baseFen),
        extra_fen: String(a.extraFen),
        cutoff_md5: a.cutoffMd5,
        cutoff_subject: a.cutoffSubject,
        created_at: a.at,
      })),
    )
    .execute();
}

/** Whether a billed query was billed as a pointer (rather than by the per-subject contributions of before). */
export async function isPointerQuery(db: DbOrTx, queryId: string): Promise<boolean> {
  return (await db.selectFrom('query_pointers').select('query_id').where('query_id', '=', queryId).executeTakeFirst()) !== undefined;
}

export interface CountingPointer {
  queryId: string;
  partyId: string;
  purpose: string;
  period: Period;
  at: Date;
  pricePerSubjectFen: number;
  groupBy: string[];
  filters: Record<string, unknown>;
  measures: string[];
}

/** The pointers whose purpose the subject granted at or before their consent position: the candidates to expand. */
export async function candidatePointers(db: DbOrTx, subjectId: string): Promise<string[]> {
  const { rows } = await sql<{ query_id: string }>`
    select p.query_id from query_pointers p
    where exists (
      select from consent_events e
      where e.subject_id = ${subjectId}::uuid and e.purpose = p.purpose and e.status = 'granted' and e.position <= p.consent_position
    )`.execute(db);
  return rows.map((row) => row.query_id);
}

/** The pointers `pointer_rows` holds (after an expansion), newest first. */
export async function expandedPointers(db: DbOrTx): Promise<CountingPointer[]> {
  const { rows } = await sql<{
    query_id: string;
    party_id: string;
    purpose: string;
    period: string;
    at: Date;
    price_per_subject_fen: string;
    group_by: string[];
    filters: Record<string, unknown>;
    measures: string[];
  }>`
    select p.query_id, p.party_id, p.purpose, p.period, p.at, p.price_per_subject_fen, p.group_by, p.filters, p.measures
    from query_pointers p where p.query_id in (select query_id from pointer_rows)
    order by p.at desc, p.query_id desc`.execute(db);
  return rows.map((row) => ({
    queryId: row.query_id,
    partyId: row.party_id,
    purpose: row.purpose,
    period: row.period,
    at: row.at,
    pricePerSubjectFen: Number(row.price_per_subject_fen),
    groupBy: row.group_by,
    filters: row.filters,
    measures: row.measures,
  }));
}

/** Reversals posted of the given queries: the reversing journal, its period and time. */
export async function reversalsOf(db: DbOrTx, queryIds: readonly string[]): Promise<{ journalId: string; queryId: string; period: Period; at: Date }[]> {
  if (queryIds.length === 0) return [];
  const { rows } = await sql<{ id: string; query_id: string; period: string; created_at: Date }>`
    select j.id, o.query_id, j.period, j.created_at from journals j join journals o on o.id = j.reverses
    where j.kind = 'reversal' and o.kind = 'query' and o.query_id = any(${[...queryIds]}::uuid[])`.execute(db);
  return rows.map((row) => ({ journalId: row.id, queryId: row.query_id, period: row.period, at: row.created_at }));
}

/** One subject's share of each allocated query (from the stored split and cutoff: no expansion). */
export async function allocatedShares(db: DbOrTx, subjectId: string, queryIds: readonly string[]): Promise<Map<string, number>> {
  if (queryIds.length === 0) return new Map();
  const { rows } = await sql<{ query_id: string; fen: string }>`
    select distinct on (a.query_id) a.query_id,
      a.base_fen + case when a.cutoff_md5 is not null
        and (md5(a.query_id::text || ${subjectId}), ${subjectId}::uuid) <= (a.cutoff_md5, a.cutoff_subject) then 1 else 0 end as fen
    from query_allocations a where a.query_id = any(${[...queryIds]}::uuid[]) order by a.query_id, a.sign desc`.execute(db);
  return new Map(rows.map((row) => [row.query_id, Number(row.fen)]));
}

/** A query's allocation (its +1 split), if the close of its period has run. */
export async function findAllocation(
  db: DbOrTx,
  queryId: string,
): Promise<
  | {
      journal_id: string;
      subjects: number;
      users_pool_fen: string;
      base_fen: string;
      extra_fen: string;
      cutoff_md5: string | null;
      cutoff_subject: string | null;
    }
  | undefined
> {
  return db
    .selectFrom('query_allocations')
    .select(['journal_id', 'subjects', 'users_pool_fen', 'base_fen', 'extra_fen', 'cutoff_md5', 'cutoff_subject'])
    .where('query_id', '=', queryId)
    .where('sign', '=', 1)
    .executeTakeFirst();
}

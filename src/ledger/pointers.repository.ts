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
  await db.insertInto('query_pointers').values({
    query_id: p.queryId, party_id: p.partyId, purpose: p.purpose, policy_version: p.policyVersion, period: p.period, at: p.at,
    consent_position: p.consentPosition, group_by: [...p.groupBy], filters: JSON.stringify(p.filters) as never, measures: [...p.measures],
    released_keys: [...p.releasedKeys], remainder_released: p.remainderReleased, records_per_subject: p.recordsPerSubject,
    uses_inspection: p.usesInspection, uses_disposition: p.usesDisposition, uses_catalogue: p.usesCatalogue,
    price_per_subject_fen: String(p.pricePerSubjectFen), billed_subjects: p.billedSubjects,
    price_fen: String(p.billedSubjects * p.pricePerSubjectFen), users_bp: p.split.users, parties_bp: p.split.parties, hub_bp: p.split.hub,
    journal_id: p.journalId,
  }).execute();
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
}

/** A period's queries and reversals of queries whose split is not yet allocated. */
export async function allocationItems(db: DbOrTx, period: Period): Promise<AllocationItem[]> {
  const { rows } = await sql<{ query_id: string; party_id: string; sign: number; billed_subjects: number; price_per_subject_fen: string; users_bp: number; parties_bp: number; hub_bp: number }>`
    select p.query_id, p.party_id, t.sign, p.billed_subjects, p.price_per_subject_fen, p.users_bp, p.parties_bp, p.hub_bp
    from (
      select query_id, 1 as sign from query_pointers where period = ${period}
      union all
      select o.query_id, -1 as sign from journals j join journals o on o.id = j.reverses
      where j.kind = 'reversal' and j.period = ${period} and o.kind = 'query'
    ) t
    join query_pointers p on p.query_id = t.query_id
    where not exists (select from query_allocations a where a.query_id = t.query_id and a.sign = t.sign)
    order by p.query_id, t.sign desc`.execute(db);
  return rows.map((row) => ({
    queryId: row.query_id, partyId: row.party_id, sign: row.sign > 0 ? 1 : -1, billedSubjects: row.billed_subjects,
    pricePerSubjectFen: Number(row.price_per_subject_fen), split: { users: row.users_bp, parties: row.parties_bp, hub: row.hub_bp },
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
  await db.insertInto('query_allocations').values(rows.map((a) => ({
    journal_id: a.journalId, query_id: a.queryId, period: a.period, sign: a.sign, subjects: a.subjects, users_pool_fen: String(a.usersPoolFen),
    base_fen: String(a.baseFen), extra_fen: String(a.extraFen), cutoff_md5: a.cutoffMd5, cutoff_subject: a.cutoffSubject, created_at: a.at,
  }))).execute();
}

/** Whether a billed query was billed as a pointer (rather than by the per-subject contributions of before). */
export async function isPointerQuery(db: DbOrTx, queryId: string): Promise<boolean> {
  return (await db.selectFrom('query_pointers').select('query_id').where('query_id', '=', queryId).executeTakeFirst()) !== undefined;
}

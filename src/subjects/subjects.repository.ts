import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** A platform's subjects with their sealed pseudonyms, in id order (open them with subjectRefCipher). */
export async function listPlatformSubjects(db: DbOrTx, platformId: string): Promise<{ id: string; subject_ref_sealed: Buffer }[]> {
  return db.selectFrom('subjects').select(['id', 'subject_ref_sealed']).where('platform_id', '=', platformId).orderBy('id').execute();
}

/** Whether the vault holds this subject. */
export async function subjectExists(db: DbOrTx, subjectId: string): Promise<boolean> {
  return (await db.selectFrom('subjects').select('id').where('id', '=', subjectId).executeTakeFirst()) !== undefined;
}

export interface SubjectRecordRow {
  id: string;
  category: string;
  brand: string;
  /** Null while the brand has not catalogued the model. */
  model: string | null;
  usage_months: number;
  trade_in_month: string;
  region_code: string | null;
  channel: string;
  quoted_valuation_fen: string;
  grade: string | null;
  disposition: string | null;
}

/**
 * The analytic records linked to a subject, newest trade-in first, with the latest inspection grade and
 * disposition: exactly what the hub holds about the user, and nothing it does not.
 */
export async function listSubjectRecords(db: DbOrTx, subjectId: string, limit: number): Promise<SubjectRecordRow[]> {
  const { rows } = await sql<SubjectRecordRow>`
    select r.id, r.category, r.brand, r.model, r.usage_months, r.trade_in_month, r.region_code, r.channel, r.quoted_valuation_fen,
           (select i.grade from inspections i where i.record_id = r.id order by i.created_at desc limit 1) as grade,
           (select d.disposition from dispositions d where d.record_id = r.id order by d.created_at desc limit 1) as disposition
    from record_subjects rs join records r on r.id = rs.record_id
    where rs.subject_id = ${subjectId}
    order by r.trade_in_month desc, r.id desc
    limit ${limit}`.execute(db);
  return rows;
}

/** Queries that counted the subject before queries were billed as pointers (one contribution per subject), newest first. */
export async function listLegacyContributions(
  db: DbOrTx,
  subjectId: string,
  limit: number,
): Promise<{ query_id: string; party_id: string; purpose: string; price_fen: string; created_at: Date }[]> {
  return db
    .selectFrom('contributions')
    .select(['query_id', 'party_id', 'purpose', 'price_fen', 'created_at'])
    .where('subject_id', '=', subjectId)
    .where('reverses_query_id', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('query_id', 'desc')
    .limit(limit)
    .execute();
}

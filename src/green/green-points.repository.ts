import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { GreenPointsTable } from './green-points.table.ts';

// Reads only: entries are written by the trigger on `dispositions` (migration …_green-points). Under the
// serving role a user reads their own entries, a platform its users', the operator all (the table's policy).

/** A subject's entries, newest first. */
export async function listSubjectEntries(db: DbOrTx, subjectId: string, limit: number): Promise<GreenPointsTable[]> {
  return db
    .selectFrom('green_points')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .orderBy('created_at', 'desc')
    .orderBy('record_id')
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
}

export interface GreenMonthRow {
  month: string;
  points: number;
  co2e_kg: string;
}

/** A subject's net points and kg per month (the month an entry was posted), newest first. */
export async function subjectMonths(db: DbOrTx, subjectId: string): Promise<GreenMonthRow[]> {
  const { rows } = await sql<GreenMonthRow>`
    select month, sum(points)::int as points, sum(co2e_kg) as co2e_kg
    from green_points where subject_id = ${subjectId}
    group by month order by month desc`.execute(db);
  return rows;
}

export interface StandingAwardRow {
  record_id: string;
  co2e_kg: string;
  points: number;
}

/** Each device's standing award for the subject: its last entry, when that is an award (not reversed). */
export async function standingAwards(db: DbOrTx, subjectId: string): Promise<StandingAwardRow[]> {
  const { rows } = await sql<StandingAwardRow>`
    select record_id, co2e_kg, points from (
      select distinct on (record_id) record_id, kind, co2e_kg, points
      from green_points where subject_id = ${subjectId}
      order by record_id, seq desc
    ) last where kind = 'award'`.execute(db);
  return rows;
}

export interface PlatformMonthTotalsRow {
  users: number;
  points: number;
  co2e_kg: string;
  entries: number;
}

/** A platform's month: users with entries, their net points and kg, and the number of entries. */
export async function platformMonthTotals(db: DbOrTx, platformId: string, month: string): Promise<PlatformMonthTotalsRow> {
  const { rows } = await sql<PlatformMonthTotalsRow>`
    select count(distinct subject_id)::int as users, coalesce(sum(points), 0)::int as points,
           coalesce(sum(co2e_kg), 0) as co2e_kg, count(*)::int as entries
    from green_points where platform_id = ${platformId} and month = ${month}::date`.execute(db);
  return rows[0]!;
}

export interface PlatformMonthLineRow {
  subject_id: string;
  subject_ref_sealed: Buffer;
  points: number;
  co2e_kg: string;
  devices: number;
}

/**
 * A page of a platform's month, one line per user with entries in it (net points and kg, devices
 * concerned), in subject-id order after `afterSubjectId`: the pseudonyms are sealed, so the caller opens them.
 */
export async function platformMonthLines(
  db: DbOrTx,
  platformId: string,
  month: string,
  page: { first: number; afterSubjectId?: string },
): Promise<PlatformMonthLineRow[]> {
  const after = page.afterSubjectId ?? null;
  const { rows } = await sql<PlatformMonthLineRow>`
    select g.subject_id, s.subject_ref_sealed, sum(g.points)::int as points, sum(g.co2e_kg) as co2e_kg, count(distinct g.record_id)::int as devices
    from green_points g join subjects s on s.id = g.subject_id
    where g.platform_id = ${platformId} and g.month = ${month}::date
      and (${after}::uuid is null or g.subject_id > ${after}::uuid)
    group by g.subject_id, s.subject_ref_sealed
    order by g.subject_id
    limit ${page.first}`.execute(db);
  return rows;
}

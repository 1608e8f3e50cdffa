import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/**
 * The version of the data an insights answer reads, in the reading transaction's snapshot: the count of
 * committed writing statements on the watched tables (kept by triggers), and the latest consent expiry of
 * the purpose already passed (consents also change, without a write, when they expire).
 */
export async function readDataVersion(db: DbOrTx, purpose: string, now: Date): Promise<string> {
  const { rows } = await sql<{ changes: string; expired: Date | null }>`
    select (select coalesce(sum(changes), 0)::text from insight_data_version) as changes,
           (select max(expires_at) from consents where purpose = ${purpose} and expires_at is not null and expires_at <= ${now}) as expired`.execute(db);
  const row = rows[0]!;
  return `${row.changes}/${row.expired === null ? '-' : new Date(row.expired).toISOString()}`;
}

export interface ReleaseKey {
  partyId: string;
  purpose: string;
  month: string;
  digest: string;
}

/** Whether the party was already answered this release (this request over this data) this month. */
export async function releasedBefore(db: DbOrTx, key: ReleaseKey): Promise<boolean> {
  const { rows } = await sql<{ found: number }>`
    select 1 as found from dp_releases
    where party_id = ${key.partyId} and purpose = ${key.purpose} and month = ${key.month}::date and release_digest = ${key.digest}`.execute(db);
  return rows.length > 0;
}

/** Records a charged release, so a repeat this month costs nothing. */
export async function recordRelease(db: DbOrTx, key: ReleaseKey, now: Date): Promise<void> {
  await sql`
    insert into dp_releases (party_id, purpose, month, release_digest, created_at)
    values (${key.partyId}, ${key.purpose}, ${key.month}::date, ${key.digest}, ${now})
    on conflict (party_id, purpose, month, release_digest) do nothing`.execute(db);
}

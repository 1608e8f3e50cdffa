import pg from 'pg';
import { keyedHash } from '../../src/hub-keys/keyed-hash.ts';

/** What the database holds for a set of acknowledged trade-ins, compared with that set. */
export interface StoredTradeIns {
  acknowledged: number;
  /** Acknowledged externalRefs the hub holds no submission for. */
  lost: number;
  /**
   * Rows beyond one per acknowledged document: records, tickets or subject links more than the
   * acknowledged submissions account for, or records without exactly one ticket.
   */
  duplicated: number;
  submissions: number;
  records: number;
  tickets: number;
}

/**
 * Checks a database that holds only `platform`'s trade-ins: every acknowledged externalRef has its
 * submission (looked up by the keyed hash the hub stores instead of the reference), and the database
 * holds exactly one submission, record and ticket per acknowledged document, and one subject link per
 * acknowledged document that named a subject — nothing twice, nothing extra.
 */
export async function checkStoredTradeIns(
  url: string,
  secret: Buffer,
  platform: string,
  acknowledged: readonly string[],
  withSubject: number,
): Promise<StoredTradeIns> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const keys = [...new Set(acknowledged)].map((ref) => keyedHash(secret, 'submission', platform, 'tradein', ref));
    const {
      rows: [found],
    } = await client.query<{ n: string }>(`select count(*) as n from submissions where party_id = $1 and kind = 'tradein' and key_hash = any($2::bytea[])`, [
      platform,
      keys,
    ]);
    const {
      rows: [totals],
    } = await client.query<{ submissions: string; records: string; tickets: string; links: string; odd: string; orphans: string }>(`
      select (select count(*) from submissions where kind = 'tradein') as submissions,
             (select count(*) from records) as records,
             (select count(*) from tickets) as tickets,
             (select count(*) from record_subjects) as links,
             (select count(*) from records r left join (select record_id, count(*) as n from tickets group by record_id) t on t.record_id = r.id where coalesce(t.n, 0) <> 1) as odd,
             (select count(*) from submissions s where s.kind = 'tradein' and not exists (select 1 from tickets t where t.id = s.ticket_id)) as orphans`);
    const present = Number(found!.n);
    const expected = keys.length;
    const extra = (n: string, of: number) => Math.max(0, Number(n) - of);
    return {
      acknowledged: expected,
      lost: expected - present + Number(totals!.orphans),
      duplicated:
        extra(totals!.submissions, present) +
        extra(totals!.records, present) +
        extra(totals!.tickets, present) +
        extra(totals!.links, withSubject) +
        Number(totals!.odd),
      submissions: Number(totals!.submissions),
      records: Number(totals!.records),
      tickets: Number(totals!.tickets),
    };
  } finally {
    await client.end();
  }
}

/** How many of `refs` the hub holds a trade-in submission for (one query; the database may hold others). */
export async function countPresentTradeIns(url: string, secret: Buffer, platform: string, refs: readonly string[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const keys = [...new Set(refs)].map((ref) => keyedHash(secret, 'submission', platform, 'tradein', ref));
    const {
      rows: [found],
    } = await client.query<{ n: string }>(`select count(*) as n from submissions where party_id = $1 and kind = 'tradein' and key_hash = any($2::bytea[])`, [
      platform,
      keys,
    ]);
    return Number(found!.n);
  } finally {
    await client.end();
  }
}

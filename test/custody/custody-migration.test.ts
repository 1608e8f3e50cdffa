import { sql } from 'kysely';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/client.ts';
import { MIGRATIONS } from '../../src/db/migrations.ts';
import { testDatabaseTarget } from '../support/test-hub.ts';

const CUSTODY_MIGRATION = '2026-12-07T11-00-00_ticket-custody';

describe('the ticket-custody migration', () => {
  const target = testDatabaseTarget();
  let handle: DatabaseHandle;
  const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 8, minute));
  const tickets = { untouched: uuidv7(), inspected: uuidv7(), contested: uuidv7(), disposed: uuidv7() };

  beforeAll(async () => {
    handle = await openDatabase(target);
    const db = handle.db;
    // The schema as it was before custody, with tickets some recyclers had already written onto.
    for (const [name, migration] of Object.entries(MIGRATIONS)) {
      if (name === CUSTODY_MIGRATION) break;
      await migration.up(db);
    }
    const records = Object.fromEntries(Object.keys(tickets).map((key) => [key, uuidv7()])) as Record<keyof typeof tickets, string>;
    for (const [key, platform] of [
      ['untouched', 'platform-a'],
      ['inspected', 'platform-a'],
      ['contested', 'platform-b'],
      ['disposed', 'platform-a'],
    ] as const) {
      await sql`insert into tickets (id, record_id, platform_id, created_at) values (${tickets[key]}, ${records[key]}, ${platform}, ${at(0)})`.execute(db);
    }
    const inspection = (record: string, recycler: string, minute: number) =>
      sql`insert into inspections (id, record_id, recycler_id, grade, inspected_month, faults, created_at)
          values (${uuidv7()}, ${record}, ${recycler}, 'B', '2026-10-01', '{}', ${at(minute)})`.execute(db);
    const disposition = (record: string, recycler: string, minute: number) =>
      sql`insert into dispositions (id, record_id, recycler_id, disposition, completed_month, created_at)
          values (${uuidv7()}, ${record}, ${recycler}, 'refurbished', '2026-10-01', ${at(minute)})`.execute(db);
    await inspection(records.inspected, 'recycler-a', 5);
    await disposition(records.inspected, 'recycler-a', 9);
    // Before custody any recycler could write onto any ticket: the one that wrote first had the device.
    await inspection(records.contested, 'recycler-x', 20);
    await inspection(records.contested, 'recycler-a', 3);
    await disposition(records.disposed, 'recycler-b', 7);
    await MIGRATIONS[CUSTODY_MIGRATION]!.up(db);
  });

  afterAll(async () => {
    await handle.close();
    if (target.kind === 'postgres') {
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      await client.query(`drop schema if exists ${target.schema} cascade`);
      await client.end();
    }
  });

  async function chainOf(ticket: string) {
    const { rows } = await sql<{ sequence: number; holder_id: string; from_party_id: string | null; handed_over_at: Date; released_at: Date | null }>`
      select sequence, holder_id, from_party_id, handed_over_at, released_at from ticket_custody where ticket_id = ${ticket} order by sequence`.execute(
      handle.db,
    );
    return rows.map((row) => [row.sequence, row.holder_id, row.from_party_id, row.handed_over_at.toISOString(), row.released_at?.toISOString() ?? null]);
  }

  it('leaves a ticket nobody has written onto with its platform', async () => {
    expect(await chainOf(tickets.untouched)).toEqual([[0, 'platform-a', null, at(0).toISOString(), null]]);
  });

  it('hands a written-onto ticket to the recycler that wrote, at its first document', async () => {
    expect(await chainOf(tickets.inspected)).toEqual([
      [0, 'platform-a', null, at(0).toISOString(), at(5).toISOString()],
      [1, 'recycler-a', 'platform-a', at(5).toISOString(), null],
    ]);
    expect(await chainOf(tickets.disposed)).toEqual([
      [0, 'platform-a', null, at(0).toISOString(), at(7).toISOString()],
      [1, 'recycler-b', 'platform-a', at(7).toISOString(), null],
    ]);
  });

  it('gives a ticket several recyclers wrote onto to the one that wrote first', async () => {
    expect(await chainOf(tickets.contested)).toEqual([
      [0, 'platform-b', null, at(0).toISOString(), at(3).toISOString()],
      [1, 'recycler-a', 'platform-b', at(3).toISOString(), null],
    ]);
  });

  it('refuses a second open link for a ticket', async () => {
    await expect(
      sql`insert into ticket_custody (ticket_id, sequence, holder_id, from_party_id, handed_over_at)
      values (${tickets.untouched}, 1, 'recycler-a', 'platform-a', now())`.execute(handle.db),
    ).rejects.toThrow();
  });
});

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/client.ts';
import { MIGRATIONS } from '../../src/db/migrations.ts';
import { keyedHash } from '../../src/hub-keys/keyed-hash.ts';
import { subjectRefCipher } from '../../src/hub-keys/subject-ref-cipher.ts';
import { subjectIdFor } from '../../src/subjects/subject-id.ts';
import { upgradeLegacyVocabularyValues } from '../../src/vocabulary/vocabulary-upgrade.service.ts';
import { testDatabaseTarget } from '../support/test-hub.ts';

const VOCABULARIES = '2026-12-07T16-00-00_vocabularies';

/** Every row of every table, as text: what a dump would show. */
async function dump(handle: DatabaseHandle): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(handle.db);
  const parts: string[] = [];
  for (const { table_name: table } of tables.rows) {
    const { rows } = await sql<{ row: string }>`select t::text as row from ${sql.table(table)} t`.execute(handle.db);
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

describe('moving values stored before the vocabulary rule (start-up step after migration 2026-12-07T10)', () => {
  const target = testDatabaseTarget();
  const secret = randomBytes(32);
  const subjectRef = 'Lg4Tn8Xq1Wp6Rz3Vb9Km2Yc7Hd5Js0Fa';
  const subjectId = subjectIdFor(secret, 'platform-a', subjectRef);
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await openDatabase(target);
    const db = handle.db as never as import('kysely').Kysely<any>;
    // The database as an older hub left it: every migration before the vocabulary rule, and raw values.
    for (const [name, migration] of Object.entries(MIGRATIONS)) {
      if (name === VOCABULARIES) break;
      await migration.up(db);
    }
    const at = new Date('2026-10-01T00:00:00Z');
    await sql`insert into catalogue_models (brand, model, category, launch_month, launch_price_fen, party_id, created_at)
      values ('Apple', 'iPhone 13 128GB', 'mobile_phone', '2021-09-01', 599900, 'brand-a', ${at}),
             ('Nothing', 'Phone (2)', 'mobile_phone', '2023-07-01', 399900, 'brand-n', ${at})`.execute(db);
    const record = (id: string, brand: string, model: string) =>
      sql`insert into records
      (id, category, brand, model, usage_months, trade_in_month, channel, quoted_valuation_fen, created_at)
      values (${id}, 'mobile_phone', ${brand}, ${model}, 12, '2026-09-01', 'online', 100000, ${at})`.execute(db);
    await record('01900000-0000-7000-8000-000000000001', 'APPLE', 'iphone13 128G');
    await record('01900000-0000-7000-8000-000000000002', '苹果', 'iPhone 19 Ultra Secret');
    await record('01900000-0000-7000-8000-000000000003', 'Some Shop', 'Gadget X1');
    await sql`insert into subjects (id, platform_id, subject_ref, created_at) values (${subjectId}, 'platform-a', ${subjectRef}, ${at})`.execute(db);
    const wipe = JSON.stringify({ required: true, result: 'success', certificateRef: 'WC-LEGACYCERT42' });
    await sql`insert into inspections (id, record_id, recycler_id, grade, grade_scheme, grade_value, inspected_month, faults, data_wipe, created_at)
      values ('01900000-0000-7000-8000-0000000000a1', '01900000-0000-7000-8000-000000000001', 'recycler-a', 'B', 'CTIA', '1b', '2026-10-01', '{}', ${wipe}::jsonb, ${at}),
             ('01900000-0000-7000-8000-0000000000a2', '01900000-0000-7000-8000-000000000002', 'recycler-a', 'C', 'PROPRIETARY', '张伟', '2026-10-01', '{}', null, ${at})`.execute(
      db,
    );
    await MIGRATIONS[VOCABULARIES]!.up(db);
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

  it('moves every value to its new form and leaves nothing raw behind', async () => {
    const report = await upgradeLegacyVocabularyValues(handle.db, secret, new Date());
    expect(report).toEqual({ catalogue: 2, records: 3, subjects: 1, inspections: 2 });
    const records = await sql<{ id: string; brand: string; model: string | null; has_hash: boolean }>`
      select id, brand, model, model_hash is not null as has_hash from records order by id`.execute(handle.db);
    expect(records.rows.map(({ id: _id, ...rest }) => rest)).toEqual([
      { brand: 'apple', model: 'iPhone 13 128GB', has_hash: false },
      { brand: 'apple', model: null, has_hash: true },
      { brand: 'unlisted', model: null, has_hash: true },
    ]);
    const subject = await sql<{ subject_ref_sealed: Buffer }>`select subject_ref_sealed from subjects`.execute(handle.db);
    expect(subjectRefCipher(secret).open(subjectId, subject.rows[0]!.subject_ref_sealed)).toBe(subjectRef);
    const inspections = await sql<{ grade_scheme: string | null; grade_value: string | null; data_wipe: Record<string, unknown> | null }>`
      select grade_scheme, grade_value, data_wipe from inspections order by id`.execute(handle.db);
    expect(inspections.rows).toEqual([
      {
        grade_scheme: 'CTIA',
        grade_value: '1 B',
        data_wipe: {
          required: true,
          result: 'success',
          certificateRefHash: keyedHash(secret, 'certificate', 'recycler-a', 'WC-LEGACYCERT42').toString('base64url'),
        },
      },
      { grade_scheme: null, grade_value: null, data_wipe: null },
    ]);
    const text = await dump(handle);
    for (const raw of [subjectRef, 'WC-LEGACYCERT42', 'iPhone 19', 'Secret', 'Some Shop', 'Gadget', '张伟', 'iphone13 128G'])
      expect(text, raw).not.toContain(raw);
    const legacyColumns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_schema = current_schema() and column_name like '%legacy%'`.execute(handle.db);
    expect(legacyColumns.rows).toEqual([]);
  });

  it('does nothing the second time (the columns are gone)', async () => {
    expect(await upgradeLegacyVocabularyValues(handle.db, secret, new Date())).toBeUndefined();
  });
});

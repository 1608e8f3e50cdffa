// The insights benchmark's data set, generated inside PostgreSQL with generate_series: millions of rows
// never travel through Node. Shapes and distributions follow src/demo/demo-documents.ts (the demo seed),
// scaled up: weighted models from DEMO_CATALOGUE, trade-ins 2024-06 … 2026-10, usage tied to the model's
// age, valuations from the launch price, 85% of records inspected and 65% of those disposed of.
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { DEMO_CATALOGUE, DEMO_FAULTS_BY_CATEGORY } from '../../src/demo/demo-catalogue.ts';

/** The brand party whose agreement the benchmark queries under. */
export const BENCH_BRAND = 'bench-brand';
export const BENCH_PURPOSE = 'product-rnd';

export interface InsightsDataSet {
  records: number;
  subjects: number;
  recordSubjects: number;
  inspections: number;
  dispositions: number;
  consents: number;
  /** Subjects whose product-rnd consent is granted and unexpired. */
  consentingSubjects: number;
  /** Seconds per generation phase; not a result, only how long setting up took. */
  phaseSeconds: Record<string, number>;
}

// The tables filled in bulk: their indexes are dropped during the load and rebuilt afterwards from the
// definitions PostgreSQL reports, so the schema ends up exactly as the migrations made it.
const BULK_TABLES = ['records', 'inspections', 'dispositions', 'subjects', 'record_subjects', 'consents'];
const STORE_TABLES = ['records', 'inspections', 'dispositions', 'record_subjects', 'consents', 'catalogue_models'];
const REGIONS = ['110000', '310000', '440100', '440300', '330100', '320100', '320200', '510100', '420100', '370200', '500000', '610100', '430100', '350200'];
const DIGITAL = ['mobile_phone', 'tablet', 'smartwatch_band', 'computer'];
const FIRST_INSTANT = '2024-06-01T00:00:00Z';
// Trade-ins spread evenly over 2024-06-01 … 2026-11-01 (29 months), in creation order, as they arrive.
const SPAN_SECONDS = (Date.parse('2026-11-01T00:00:00Z') - Date.parse(FIRST_INSTANT)) / 1000;
const PLATFORMS = 3;

/** A UUIDv7-shaped id: the instant's milliseconds, then 74 bits of the given md5 (version 7, variant 10). */
const uuid7Sql = (instant: string, md5: string) =>
  `(lpad(to_hex(floor(extract(epoch from ${instant}) * 1000)::bigint), 12, '0') || '7' || substr(${md5}, 1, 3) || '8' || substr(${md5}, 4, 15))::uuid`;

// Record i's creation instant and id. record_subjects recomputes both from i, so the two statements must
// share these expressions ($1 = seconds between consecutive records).
const recordCreatedSql = (i: string) => `(timestamptz '${FIRST_INSTANT}' + ((${i} - 1) * $1::float8) * interval '1 second')`;
const recordIdSql = (i: string) => uuid7Sql(recordCreatedSql(i), `md5('r' || ${i})`);
// Subjects: record i belongs to subject 1 + ((i - 1)·P mod N) mod S. (i - 1)·P mod N is a permutation of
// 0 … N - 1 (P is a prime not dividing N), so with S = ⌈N / 1.5⌉ every subject has one or two records,
// far apart in time: half the users traded in twice. $2 = N, $3 = S, $4 = P.
const subjectOfRecordSql = (i: string) => `(1 + (((${i} - 1) * $4::bigint) % $2::bigint) % $3::bigint)`;
const subjectIdSql = (s: string) => `md5('s' || ${s})::uuid`;
const platformSql = (s: string) => `'bench-platform-' || (1 + ${s} % ${PLATFORMS})`;

function coprimePrime(n: number): number {
  return [1_000_003, 998_244_353, 1_000_000_007].find((p) => n % p !== 0)!;
}

async function timed(phases: Record<string, number>, name: string, work: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await work();
  phases[name] = Number(((performance.now() - started) / 1000).toFixed(1));
  console.error(`  generated ${name} in ${phases[name]} s`);
}

/**
 * Fills a freshly migrated hub database with `records` trade-ins and everything the insights query reads:
 * inspections, dispositions, the catalogue, subjects (one per 1.5 records), their links, consents (40% of
 * subjects granted for product-rnd until a year after `now`, 10% refused, 5% withdrawn; half granted for
 * recycling-optimization), the parties and an active product-rnd agreement for BENCH_BRAND. Vacuums and
 * analyzes the tables at the end. Deterministic apart from uuids of consent events and the agreement.
 */
export async function generateInsightsDataSet(url: string, options: { records: number; now: Date }): Promise<InsightsDataSet> {
  const n = options.records;
  const subjects = Math.ceil(n / 1.5);
  const seriesParams = [SPAN_SECONDS / n, n, subjects, coprimePrime(n)];
  const phases: Record<string, number> = {};
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`set maintenance_work_mem = '1GB'`);
    await client.query('set synchronous_commit = off');
    await client.query('select setseed(0.20261123)');

    const models = DEMO_CATALOGUE.map((m, i) => ({ ...m, idx: i + 1, faults: DEMO_FAULTS_BY_CATEGORY[m.category] ?? [] }));
    await client.query(
      `
      create temp table bench_models as
      select m.idx, m.brand, m.model, m.category, (m."launchMonth" || '-01')::date as launch_month,
        (split_part(m."launchMonth", '-', 1)::int * 12 + split_part(m."launchMonth", '-', 2)::int - 1) as launch_index,
        m."launchPriceFen" as launch_price_fen, m."weightKg"::numeric(10, 3) as weight_kg, m.faults,
        m.category = any($2::text[]) as digital
      from jsonb_to_recordset($1::jsonb) as m(idx int, brand text, model text, category text, "launchMonth" text,
        "launchPriceFen" bigint, "weightKg" numeric, faults text[])`,
      [JSON.stringify(models), DIGITAL],
    );
    // Weighted draw: model i appears `share` times in the array.
    const draw = DEMO_CATALOGUE.flatMap((m, i) => Array.from({ length: m.share }, () => i + 1));

    const definitions = await client.query<{ drop: string; create: string }>(
      `
      select format('alter table %s drop constraint %I', c.conrelid::regclass, c.conname) as drop,
             format('alter table %s add constraint %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) as create
      from pg_constraint c where c.conrelid = any($1::text[]::regclass[]) and c.contype in ('p', 'u')
      union all
      select format('drop index %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
      from pg_index i where i.indrelid = any($1::text[]::regclass[])
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
      [BULK_TABLES],
    );
    for (const row of definitions.rows) await client.query(row.drop);
    // The analytic store's triggers would recompute subjects row batch by row batch against tables without
    // their indexes; the load runs without them and the store is built once at the end, as the rebuild does.
    for (const table of STORE_TABLES) await client.query(`alter table ${table} disable trigger user`);

    await timed(phases, 'records', () =>
      client.query(
        `
      insert into records (id, category, brand, model, spec, usage_months, trade_in_month, region_code, channel,
        quoted_valuation_fen, subsidy_fen, energy_grade_old, new_purchase_category, new_purchase_energy_grade, new_purchase_water_grade, created_at)
      select ${recordIdSql('x.i')}, x.category, x.brand, x.model, null, x.usage_months, x.trade_in_month,
        ($4::text[])[1 + floor(x.r_region * ${REGIONS.length})::int],
        case when x.digital then (case when x.r_channel < 0.65 then 'online' else 'in_store' end)
             else (case when x.r_channel < 0.6 then 'door_to_door' else 'in_store' end) end,
        (round(x.launch_price_fen * power(case when x.digital then 0.72 else 0.8 end, x.usage_months / 12.0::float8) * (0.55 + x.r_value * 0.35) / 1000) * 1000)::bigint,
        case when x.digital then least(50000, round(x.launch_price_fen * 0.15 / 100) * 100)
             else least(200000, round(x.launch_price_fen * 0.2 / 100) * 100) end::bigint,
        case when not x.digital then 3 + floor(x.r_grade_old * 3)::int end,
        x.category, case when not x.digital then (case when x.r_grade_new < 0.7 then 1 else 2 end) end, null, x.created_at
      from (
        select s.*, m.category, m.brand, m.model, m.digital, m.launch_price_fen,
          greatest(3, least(360, round((s.month_index - m.launch_index) * (0.6 + s.r_usage * 0.4))))::int as usage_months
        from (
          select g.i, g.created_at, date_trunc('month', g.created_at at time zone 'UTC')::date as trade_in_month,
            (extract(year from g.created_at at time zone 'UTC') * 12 + extract(month from g.created_at at time zone 'UTC') - 1)::int as month_index,
            ($3::int[])[1 + floor(random() * ${draw.length})::int] as model_idx,
            random() as r_usage, random() as r_value, random() as r_region, random() as r_channel, random() as r_grade_old, random() as r_grade_new
          from (select i, ${recordCreatedSql('i')} as created_at from generate_series(1, $2::bigint) i) g
        ) s join bench_models m on m.idx = s.model_idx
      ) x`,
        [SPAN_SECONDS / n, n, draw, REGIONS],
      ),
    );

    await timed(phases, 'inspections', () =>
      client.query(`
      insert into inspections (id, record_id, recycler_id, grade, grade_scheme, grade_value, inspected_month, faults,
        battery_health_pct, battery_cycles, repair_history, lock_status, final_valuation_fen, data_wipe, created_at)
      select ${uuid7Sql('y.created_at', "md5('i' || y.record_id::text)")}, y.record_id, 'bench-recycler', y.grade, 'PROPRIETARY', y.word,
        date_trunc('month', y.created_at at time zone 'UTC')::date,
        (case when y.grade = 'E' then array['no_power'] else '{}'::text[] end)
          || (case when y.fault_count = 0 then '{}'::text[]
                   when y.fault_count = 1 then array[y.pool[1 + y.f1]]
                   else array[y.pool[1 + y.f1], y.pool[1 + (y.f1 + 1 + floor(y.r_f2 * (y.pool_size - 1))::int) % y.pool_size]] end),
        case when y.digital then greatest(55, least(100, round(100 - y.years * 7 - y.r_battery * 8)))::smallint end,
        case when y.digital then round(y.years * 300 * (0.7 + y.r_battery * 0.6))::int end,
        case when y.r_repair < 0.85 then 'none' when y.r_repair < 0.93 then 'screen_replaced' when y.r_repair < 0.98 then 'battery_replaced' else 'non_original_parts' end,
        case when y.r_lock < 0.97 then 'none' else 'account_lock' end,
        (round(y.quoted * (case y.grade when 'A' then 1.0 when 'B' then 0.95 when 'C' then 0.85 when 'D' then 0.7 when 'E' then 0.35 else 0.1 end) / 1000) * 1000)::bigint,
        case when y.digital then '{"required": true, "standard": "GB_T_42460_2023", "technique": "overwrite", "result": "success"}'::jsonb end,
        y.created_at
      from (
        select w.*, case when w.wear < 0.35 then 'A' when w.wear < 0.6 then 'B' when w.wear < 0.85 then 'C' when w.wear < 1.1 then 'D'
                         when w.r_dead < 0.7 then 'E' else 'X' end as grade,
          case when w.wear < 0.35 then '99新' when w.wear < 0.6 then '95新' when w.wear < 0.72 then '9成新' when w.wear < 0.85 then '8成新'
               when w.wear < 1.1 then '7成新及以下' when w.r_dead < 0.7 then '无法开机' else '报废' end as word,
          case when w.wear < 0.35 then 0 when w.wear < 0.6 then floor(w.r_faults * 2)::int else least(2, floor(w.r_faults * 4)::int) end as fault_count,
          floor(w.r_f1 * w.pool_size)::int as f1
        from (
          select r.id as record_id, r.quoted_valuation_fen as quoted, r.usage_months / 12.0 as years,
            r.created_at + interval '2 days' + random() * interval '20 days' as created_at,
            m.digital, m.faults as pool, cardinality(m.faults) as pool_size,
            r.usage_months / 72.0 + random() * 0.6 as wear, random() as r_dead, random() as r_faults, random() as r_f1, random() as r_f2,
            random() as r_battery, random() as r_repair, random() as r_lock, random() as keep
          from records r join bench_models m on m.brand = r.brand and m.model = r.model
        ) w where w.keep < 0.85
      ) y`),
    );

    await timed(phases, 'dispositions', () =>
      client.query(`
      insert into dispositions (id, record_id, recycler_id, disposition, completed_month, weight_kg, materials_kg,
        refrigerant_type, refrigerant_recovered_g, processor_licensed, created_at)
      select ${uuid7Sql('z.created_at', "md5('d' || z.record_id::text)")}, z.record_id, 'bench-recycler', z.disposition,
        least(date '2026-11-01', (z.inspected_month + (1 + floor(z.r_month * 2)::int) * interval '1 month')::date),
        z.weight_kg,
        case when z.disposition = 'dismantled_recycled' then jsonb_build_object('steel', round(z.weight_kg * 0.5, 1), 'copper', round(z.weight_kg * 0.08, 1),
          'aluminium', round(z.weight_kg * 0.05, 1), 'plastic', round(z.weight_kg * 0.25, 1)) end,
        case when z.disposition = 'dismantled_recycled' and z.category = 'refrigerator' then 'R600a'
             when z.disposition = 'dismantled_recycled' and z.category = 'air_conditioner' then (case when z.r_gas < 0.6 then 'R410A' else 'R32' end) end,
        case when z.disposition = 'dismantled_recycled' and z.category in ('refrigerator', 'air_conditioner') then round(60 + z.r_gas * 900)::int end,
        true, z.created_at
      from (
        select i.record_id, i.inspected_month, i.created_at + interval '30 days' as created_at, m.category,
          round((m.weight_kg * (0.95 + random() * 0.1))::numeric, 3) as weight_kg, random() as r_month, random() as r_gas,
          case when m.digital then (case when i.grade in ('A', 'B') then 'resold_as_is' when i.grade in ('C', 'D') then 'refurbished' else 'parts_harvested' end)
               when i.grade in ('A', 'B') and random() < 0.4 then 'resold_as_is' else 'dismantled_recycled' end as disposition,
          random() as keep
        from inspections i join records r on r.id = i.record_id join bench_models m on m.brand = r.brand and m.model = r.model
      ) z where z.keep < 0.65`),
    );

    await timed(phases, 'subjects', () =>
      client.query(
        `
      insert into subjects (id, platform_id, subject_ref_sealed, created_at)
      select ${subjectIdSql('s')}, ${platformSql('s')}, decode(md5('ref' || s), 'hex'), timestamptz '${FIRST_INSTANT}' + random() * interval '880 days'
      from generate_series(1, $1::bigint) s`,
        [subjects],
      ),
    );

    await timed(phases, 'record_subjects', () =>
      client.query(
        `
      insert into record_subjects (subject_id, record_id, platform_id, created_at)
      select ${subjectIdSql('x.s')}, ${recordIdSql('x.i')}, ${platformSql('x.s')}, ${recordCreatedSql('x.i')}
      from (select i, ${subjectOfRecordSql('i')} as s from generate_series(1, $2::bigint) i) x`,
        seriesParams,
      ),
    );

    await timed(phases, 'consents', async () => {
      const grantedUntil = new Date(options.now);
      grantedUntil.setUTCFullYear(grantedUntil.getUTCFullYear() + 1);
      // product-rnd: 40% granted (expiring a year from now), 10% refused, 5% withdrawn, the rest never asked.
      await client.query(
        `
        insert into consents (subject_id, purpose, status, event_id, granted_at, expires_at, updated_at)
        select ${subjectIdSql('x.s')}, $2, x.status, gen_random_uuid(),
          case when x.status <> 'refused' then $3::timestamptz end, case when x.status = 'granted' then $4::timestamptz end, $3::timestamptz
        from (select s, case when r < 0.40 then 'granted' when r < 0.50 then 'refused' when r < 0.55 then 'withdrawn' end as status
              from (select s, random() as r from generate_series(1, $1::bigint) s) g) x
        where x.status is not null`,
        [subjects, BENCH_PURPOSE, options.now, grantedUntil],
      );
      // Another purpose, so the consents table and its partial index hold more than the purpose queried.
      await client.query(
        `
        insert into consents (subject_id, purpose, status, event_id, granted_at, expires_at, updated_at)
        select ${subjectIdSql('s')}, 'recycling-optimization', 'granted', gen_random_uuid(), $2::timestamptz, $3::timestamptz, $2::timestamptz
        from generate_series(1, $1::bigint) s where random() < 0.5`,
        [subjects, options.now, grantedUntil],
      );
    });

    await timed(phases, 'reference rows', async () => {
      await client.query(
        `
        insert into catalogue_models (brand, model, category, launch_month, launch_price_fen, weight_kg, spec, party_id, created_at)
        select brand, model, category, launch_month, launch_price_fen, weight_kg, null, $1, $2 from bench_models`,
        [BENCH_BRAND, options.now],
      );
      await client.query(
        `
        insert into parties (id, role, display_name, created_at) values
          ($1, 'brand', 'Bench brand', $2), ('bench-recycler', 'recycler', 'Bench recycler', $2), ('operator', 'operator', 'Operator', $2)`,
        [BENCH_BRAND, options.now],
      );
      for (let p = 1; p <= PLATFORMS; p++) {
        await client.query(`insert into parties (id, role, display_name, created_at) values ($1, 'platform', $1, $2)`, [`bench-platform-${p}`, options.now]);
      }
      const decided = new Date(options.now.getTime() - 86_400_000);
      const validTo = new Date(decided);
      validTo.setUTCFullYear(validTo.getUTCFullYear() + 1);
      await client.query(
        `
        insert into agreements (party_id, id, purpose, policy_version, status, requested_at, decided_at, decided_by, valid_from, valid_to)
        values ($1, $2, $3, 1, 'active', $4, $4, 'operator', $4, $5)`,
        [BENCH_BRAND, uuidv7(), BENCH_PURPOSE, decided, validTo],
      );
    });

    await timed(phases, 'indexes', async () => {
      for (const row of definitions.rows) await client.query(row.create);
    });
    await timed(phases, 'analytic store', async () => {
      for (const table of STORE_TABLES) await client.query(`alter table ${table} enable trigger user`);
      await client.query('analyze');
      await client.query('select insight_store_add(array(select distinct subject_id from record_subjects), $1::timestamptz)', [options.now]);
    });
    // VACUUM as well as ANALYZE: sets hint bits and the visibility map now, as a settled database would
    // have them, instead of letting the first measured queries or autovacuum pay for it mid-run.
    await timed(phases, 'vacuum analyze', async () => {
      for (const table of [
        ...BULK_TABLES,
        'catalogue_models',
        'parties',
        'agreements',
        'insight_cells',
        'insight_cell_values',
        'insight_cell_faults',
        'insight_members',
      ]) {
        await client.query(`vacuum (analyze) ${table}`);
      }
    });

    const counts = await client.query<Record<string, string>>(
      `
      select (select count(*) from records) as records, (select count(*) from subjects) as subjects,
        (select count(*) from record_subjects) as record_subjects, (select count(*) from inspections) as inspections,
        (select count(*) from dispositions) as dispositions, (select count(*) from consents) as consents,
        (select count(*) from consents where purpose = $1 and status = 'granted' and expires_at > $2) as consenting,
        (select count(*) from record_subjects rs join records r on r.id = rs.record_id) as linked`,
      [BENCH_PURPOSE, options.now],
    );
    const c = counts.rows[0]!;
    if (Number(c.linked) !== n || Number(c.records) !== n) throw new Error(`generated ${c.records} records with ${c.linked} subject links; expected ${n} each`);
    return {
      records: Number(c.records),
      subjects: Number(c.subjects),
      recordSubjects: Number(c.record_subjects),
      inspections: Number(c.inspections),
      dispositions: Number(c.dispositions),
      consents: Number(c.consents),
      consentingSubjects: Number(c.consenting),
      phaseSeconds: phases,
    };
  } finally {
    await client.end();
  }
}

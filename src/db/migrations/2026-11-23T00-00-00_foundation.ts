// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// Citus compatibility (DESIGN §3.4): subject-owned tables carry `subject_id` in their primary key so they
// can be distributed by it; parties, keys and the catalogue are small reference tables; party-owned
// submission rows carry `party_id` in their primary key. No foreign keys between tables that would live
// on different shards; the application keeps those links consistent inside its transactions.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table hub_settings (
      key text primary key,
      value text not null
    )`.execute(db);

  await sql`
    create table parties (
      id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      role text not null check (role in ('platform', 'brand', 'recycler', 'regulator', 'operator')),
      display_name text not null,
      created_at timestamptz not null,
      disabled_at timestamptz
    )`.execute(db);

  await sql`
    create table party_keys (
      party_id text not null references parties (id),
      kid text not null check (length(kid) between 1 and 128),
      alg text not null check (alg in ('ES256', 'EdDSA')),
      public_jwk jsonb not null,
      created_at timestamptz not null,
      revoked_at timestamptz,
      primary key (party_id, kid)
    )`.execute(db);

  await sql`
    create table ingest_batches (
      id uuid primary key,
      party_id text not null,
      kind text not null check (kind in ('tradein', 'inspection', 'disposition', 'catalogue')),
      channel text not null check (channel in ('graphql', 'bulk')),
      received_at timestamptz not null,
      item_count integer not null,
      accepted_count integer not null,
      rejected_count integer not null
    )`.execute(db);

  // Analytic fields only: nothing here names or points at a person.
  await sql`
    create table records (
      id uuid primary key,
      category text not null,
      brand text not null,
      model text not null,
      spec jsonb,
      usage_months smallint not null,
      trade_in_month date not null,
      region_code text,
      channel text not null,
      quoted_valuation_fen bigint not null,
      subsidy_fen bigint,
      energy_grade_old smallint,
      new_purchase_category text,
      new_purchase_energy_grade smallint,
      new_purchase_water_grade smallint,
      created_at timestamptz not null
    )`.execute(db);

  // The only cross-party key: a random id the platform prints on the parcel label.
  await sql`
    create table tickets (
      id uuid primary key,
      record_id uuid not null,
      platform_id text not null,
      created_at timestamptz not null
    )`.execute(db);

  await sql`
    create table inspections (
      id uuid primary key,
      record_id uuid not null,
      recycler_id text not null,
      grade text not null,
      grade_scheme text,
      grade_value text,
      inspected_month date not null,
      faults text[] not null,
      battery_health_pct smallint,
      battery_cycles integer,
      repair_history text,
      lock_status text,
      final_valuation_fen bigint,
      data_wipe jsonb,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index inspections_record_idx on inspections (record_id)`.execute(db);

  await sql`
    create table dispositions (
      id uuid primary key,
      record_id uuid not null,
      recycler_id text not null,
      disposition text not null,
      completed_month date not null,
      weight_kg numeric(10, 3),
      materials_kg jsonb,
      refrigerant_type text,
      refrigerant_recovered_g integer,
      processor_licensed boolean,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index dispositions_record_idx on dispositions (record_id)`.execute(db);

  await sql`
    create table catalogue_models (
      brand text not null,
      model text not null,
      category text not null,
      launch_month date not null,
      launch_price_fen bigint not null,
      weight_kg numeric(10, 3),
      spec jsonb,
      party_id text not null,
      created_at timestamptz not null,
      primary key (brand, model)
    )`.execute(db);

  // The subject vault, kept apart from records and read only by consent and payout code. A subject's id
  // is derived from (platform, subjectRef) with the hub's keyed hash, so finding it needs no unique index
  // beside the distribution column.
  await sql`
    create table subjects (
      id uuid primary key,
      platform_id text not null,
      subject_ref text not null,
      created_at timestamptz not null
    )`.execute(db);

  await sql`
    create table record_subjects (
      subject_id uuid not null,
      record_id uuid not null,
      platform_id text not null,
      created_at timestamptz not null,
      primary key (subject_id, record_id)
    )`.execute(db);
  await sql`create index record_subjects_record_idx on record_subjects (record_id)`.execute(db);

  // Idempotency and the party's own list of submissions. `key_hash` is an HMAC of the party's externalRef
  // under the hub's secret: the raw reference is never stored. `content_hash` tells a replay from a conflict.
  await sql`
    create table submissions (
      party_id text not null,
      kind text not null check (kind in ('tradein', 'inspection', 'disposition', 'catalogue')),
      key_hash bytea not null,
      id uuid not null,
      content_hash bytea not null,
      ticket_id uuid,
      target_id uuid,
      batch_id uuid not null,
      created_at timestamptz not null,
      primary key (party_id, kind, key_hash)
    )`.execute(db);
  await sql`create unique index submissions_party_id_idx on submissions (party_id, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'submissions',
    'record_subjects',
    'subjects',
    'catalogue_models',
    'dispositions',
    'inspections',
    'tickets',
    'records',
    'ingest_batches',
    'party_keys',
    'parties',
    'hub_settings',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}

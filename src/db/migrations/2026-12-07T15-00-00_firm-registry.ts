// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// The participating-firm registry: one row per party, a reference table like `parties` (small, read by
// every replica, Citus-replicated). It holds what the programme publishes about a firm — capacities, unified
// social credit code, dismantling licence, status — and deliberately no contact data.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table firms (
      party_id text primary key references parties (id),
      capacities text[] not null check (
        cardinality(capacities) between 1 and 9
        and capacities <@ array['sales_firm', 'recycler', 'dismantler', 'ecommerce_platform', 'third_party_service',
                                'brand', 'notary', 'regulator', 'operator']::text[]
      ),
      credit_code text unique check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
      licence_number text,
      licence_valid_until date,
      status text not null check (status in ('pending', 'active', 'suspended', 'withdrawn')),
      registered_at timestamptz not null,
      updated_at timestamptz not null,
      -- A licence is a dismantler's, and has a term.
      check ((licence_number is null) = (licence_valid_until is null)),
      check (licence_number is null or 'dismantler' = any(capacities))
    )`.execute(db);

  // Public registry data, no secret in it: readable by the row-level-security role like `parties`.
  const role = await sql<{ present: boolean }>`select exists (select from pg_roles where rolname = 'hub_app') as present`.execute(db);
  if (role.rows[0]?.present === true) await sql`grant select on firms to hub_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists firms`.execute(db);
}

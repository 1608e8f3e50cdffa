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

  // Public registry data, no secret in it: readable by the serving roles like `parties`; the operator's
  // writes go through the admin role (2026-12-07T12 serving roles), never the owner. The monthly report
  // reads custody across parties as the analytics role.
  await sql`grant select on firms to hub_app, hub_analytics`.execute(db);
  await sql`grant select, insert, update on firms to hub_admin`.execute(db);
  await sql`grant select on ticket_custody to hub_analytics`.execute(db);
  await sql`create policy ticket_custody_analytics on ticket_custody for select to hub_analytics using (true)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists firms`.execute(db);
}

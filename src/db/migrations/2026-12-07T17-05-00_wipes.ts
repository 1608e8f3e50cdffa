// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// Notarised data wipes and journey views (issue #15 items 1 and 5).
// - A `notary` party role (a third-party wipe verifier) and a fifth document kind, `wipe_attestation`.
// - `wipe_attestations`: what a notary attested about a device a recycler held, and the hub's signed
//   certificate for a successful one. Vocabulary only (no serial, no text). Citus layout like custody: the
//   ticket id leads the key, so it co-locates with `tickets`; no foreign keys.
// - Journeys: a platform reads the inspections and dispositions of its own tickets' records; a party in a
//   ticket's custody chain reads the ticket's record (the trade-in facts). Both through SECURITY DEFINER
//   predicates, because the policies on tickets already read inspections and dispositions (a policy reading
//   a table whose policy reads it back is infinite recursion).
import { type Kysely, sql } from 'kysely';

const PARTY = `nullif(current_setting('hub.party_id', true), '')`;
const SUBJECT = `nullif(current_setting('hub.subject_id', true), '')::uuid`;

const FUNCTIONS = ['hub_is_notary()', 'hub_platform_record(uuid)', 'hub_custody_record(uuid)', 'hub_wipe_ticket_holders(uuid[])'];

export async function up(db: Kysely<any>): Promise<void> {
  // Inline column checks carry PostgreSQL's default names (<table>_<column>_check).
  await sql`alter table parties drop constraint parties_role_check`.execute(db);
  await sql`alter table parties add constraint parties_role_check check (role in ('platform', 'brand', 'recycler', 'regulator', 'operator', 'notary'))`.execute(
    db,
  );
  for (const table of ['submissions', 'ingest_batches']) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.raw(`${table}_kind_check`)}`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${sql.raw(`${table}_kind_check`)}
              check (kind in ('tradein', 'inspection', 'disposition', 'catalogue', 'wipe_attestation'))`.execute(db);
  }

  await sql`
    create table wipe_attestations (
      ticket_id uuid not null,
      id uuid not null,
      record_id uuid not null,
      notary_id text not null,
      -- The recycler or dismantler that held the device when the notary attested its wipe.
      holder_id text not null,
      standard text not null check (standard in ('GB_INFO_CLEARANCE_2025', 'NIST_800_88_R1', 'NIST_800_88_R2', 'IEEE_2883_2022', 'ISO_IEC_27040', 'VENDOR_RESET', 'OTHER')),
      level text not null check (level in ('clear', 'purge', 'destroy')),
      method text not null check (method in ('overwrite', 'block_erase', 'crypto_erase', 'sanitize_cmd', 'encrypted_factory_reset', 'degauss', 'physical')),
      verification text not null check (verification in ('full', 'sampling', 'none')),
      result text not null check (result in ('success', 'success_with_exceptions', 'failed')),
      wiped_month date not null check (extract(day from wiped_month) = 1),
      certificate_id uuid,
      certificate text,
      created_at timestamptz not null,
      primary key (ticket_id, id),
      -- A certificate is issued for a successful attestation, and only for one.
      check ((certificate is null) = (result <> 'success')),
      check ((certificate is null) = (certificate_id is null))
    )`.execute(db);
  await sql`create index wipe_attestations_record_idx on wipe_attestations (record_id)`.execute(db);
  await sql`create index wipe_attestations_notary_idx on wipe_attestations (notary_id, ticket_id)`.execute(db);

  // Whether the calling party is an active notary in the firm registry (a role is not enough: the
  // programme admits verifiers).
  await sql`
    create function hub_is_notary() returns boolean
    language sql stable security definer set search_path from current as $$
      select exists (
        select from parties p join firms f on f.party_id = p.id
        where p.id = nullif(current_setting('hub.party_id', true), '') and p.disabled_at is null
          and f.status = 'active' and 'notary' = any(f.capacities)
      )
    $$`.execute(db);
  // Whether a record is the calling platform's own trade-in.
  await sql`
    create function hub_platform_record(record uuid) returns boolean
    language sql stable security definer set search_path from current as $$
      select exists (select from tickets t where t.record_id = record and t.platform_id = nullif(current_setting('hub.party_id', true), ''))
    $$`.execute(db);
  // Whether the calling party is in the custody chain of a record's ticket (holds or held it).
  await sql`
    create function hub_custody_record(record uuid) returns boolean
    language sql stable security definer set search_path from current as $$
      select exists (
        select from tickets t join ticket_custody c on c.ticket_id = t.id
        where t.record_id = record and nullif(current_setting('hub.party_id', true), '') in (c.holder_id, c.from_party_id)
      )
    $$`.execute(db);
  // For a notary: of these tickets, those a registered, active recycler (or dismantler) holds now, with the
  // record and the holder. The open links are locked FOR SHARE until the transaction ends, so a hand-over
  // waits for the attestation and the attestation names the holder of its time. Nothing for anyone else.
  await sql`
    create function hub_wipe_ticket_holders(ids uuid[]) returns table (ticket_id uuid, record_id uuid, holder_id text)
    language sql volatile security definer set search_path from current as $$
      select c.ticket_id, t.record_id, c.holder_id
      from ticket_custody c join tickets t on t.id = c.ticket_id join parties p on p.id = c.holder_id
      where c.ticket_id = any(ids) and c.released_at is null and p.role = 'recycler' and p.disabled_at is null
        and hub_is_notary()
      order by c.ticket_id
      for share of c
    $$`.execute(db);
  for (const fn of FUNCTIONS) await sql`revoke all on function ${sql.raw(fn)} from public`.execute(db);
  await sql`grant execute on function hub_is_notary(), hub_platform_record(uuid), hub_custody_record(uuid), hub_wipe_ticket_holders(uuid[]) to hub_app`.execute(
    db,
  );

  await sql`grant select, insert on wipe_attestations to hub_app`.execute(db);
  await sql`grant select on wipe_attestations to hub_analytics`.execute(db);
  await sql`alter table wipe_attestations enable row level security`.execute(db);
  // The notary's own attestations; written only by an active notary in its own name.
  await sql`create policy wipe_attestations_notary on wipe_attestations for select to hub_app using (notary_id = ${sql.raw(PARTY)})`.execute(db);
  await sql`create policy wipe_attestations_append on wipe_attestations for insert to hub_app with check (notary_id = ${sql.raw(PARTY)} and hub_is_notary())`.execute(
    db,
  );
  // The parties of the device's custody chain (the issuing platform is its first link).
  await sql`create policy wipe_attestations_custody on wipe_attestations for select to hub_app using (hub_custody_member(ticket_id))`.execute(db);
  // The user whose device it was.
  await sql`
    create policy wipe_attestations_subject on wipe_attestations for select to hub_app
    using (exists (select from record_subjects rs where rs.record_id = wipe_attestations.record_id and rs.subject_id = ${sql.raw(SUBJECT)}))`.execute(db);
  // Statutory figures and brands' counts read across parties as the analytics role.
  await sql`create policy wipe_attestations_analytics on wipe_attestations for select to hub_analytics using (true)`.execute(db);

  // Journeys: a platform reads the later facts of its own trade-ins; the chain's parties read the trade-in.
  await sql`create policy inspections_platform on inspections for select to hub_app using (hub_platform_record(record_id))`.execute(db);
  await sql`create policy dispositions_platform on dispositions for select to hub_app using (hub_platform_record(record_id))`.execute(db);
  await sql`create policy records_custody on records for select to hub_app using (hub_custody_record(id))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop policy if exists records_custody on records`.execute(db);
  await sql`drop policy if exists dispositions_platform on dispositions`.execute(db);
  await sql`drop policy if exists inspections_platform on inspections`.execute(db);
  await sql`drop table if exists wipe_attestations`.execute(db);
  for (const fn of [...FUNCTIONS].reverse()) await sql`drop function if exists ${sql.raw(fn)}`.execute(db);
  for (const table of ['submissions', 'ingest_batches']) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.raw(`${table}_kind_check`)}`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${sql.raw(`${table}_kind_check`)}
              check (kind in ('tradein', 'inspection', 'disposition', 'catalogue'))`.execute(db);
  }
  await sql`alter table parties drop constraint parties_role_check`.execute(db);
  await sql`alter table parties add constraint parties_role_check check (role in ('platform', 'brand', 'recycler', 'regulator', 'operator'))`.execute(db);
}

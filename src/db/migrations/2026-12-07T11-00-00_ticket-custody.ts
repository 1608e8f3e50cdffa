// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// Ticket custody: who holds each traded-in device, as a chain of hand-overs per ticket. Only the current
// holder may write inspections and dispositions for a ticket or hand it on; each party in a chain may read
// it. A link names parties and a time, nothing about the user.
//
// Layout (Citus-friendly, DESIGN §3.4): the ticket id leads the primary key, so the table distributes by
// ticket and co-locates with `tickets`; no foreign keys. A link is written once and later only closed:
// `released_at` is set when the holder hands the ticket on, in the same transaction that appends the next
// link. The open link (released_at null) is the current holder, at most one per ticket (a unique index).
// Writers lock that open link FOR SHARE while they write and a hand-over closes it with UPDATE, so a
// document and a hand-over of the same ticket never interleave: after a hand-over commits, the former
// holder's waiting write re-reads the link, finds it closed, and is refused.
//
// Backfill of tickets issued before custody existed:
// - every ticket starts with the platform that submitted the trade-in (sequence 0, at the ticket's creation);
// - a ticket with inspections or dispositions is then handed over (sequence 1) to the recycler that wrote
//   them, at the time of its first such document, and that recycler holds it now. Before custody any
//   recycler could write onto any ticket; where several recyclers wrote onto one ticket, the one whose
//   document came first is taken as the holder (the others' rows stay, as history, but they cannot write
//   any more).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table ticket_custody (
      ticket_id uuid not null,
      sequence integer not null,
      holder_id text not null,
      from_party_id text,
      handed_over_at timestamptz not null,
      released_at timestamptz,
      primary key (ticket_id, sequence),
      check ((sequence = 0) = (from_party_id is null)),
      check (from_party_id is null or from_party_id <> holder_id)
    )`.execute(db);
  await sql`create unique index ticket_custody_current on ticket_custody (ticket_id) where released_at is null`.execute(db);
  // "Which of these tickets do I hold" and "which chains am I in" start from the party.
  await sql`create index ticket_custody_holder_idx on ticket_custody (holder_id, ticket_id)`.execute(db);

  await sql`
    with writers as (
      select record_id, recycler_id, created_at, id from inspections
      union all
      select record_id, recycler_id, created_at, id from dispositions
    ),
    first_writer as (
      select distinct on (record_id) record_id, recycler_id, created_at
      from writers order by record_id, created_at, id
    )
    insert into ticket_custody (ticket_id, sequence, holder_id, from_party_id, handed_over_at, released_at)
    select t.id, 0, t.platform_id, null, t.created_at, f.created_at
    from tickets t left join first_writer f on f.record_id = t.record_id
    union all
    select t.id, 1, f.recycler_id, t.platform_id, f.created_at, null
    from tickets t join first_writer f on f.record_id = t.record_id`.execute(db);

  // Row-level security as in the …_row-level-security migration, when its role exists: a party sees the
  // links it is in (as holder or as giver) and those of its own platform's tickets; it appends only links it
  // hands over itself (or, as a platform, the first link of a ticket it issued) and closes only its own.
  const role = await sql<{ present: boolean }>`select exists (select from pg_roles where rolname = 'hub_app') as present`.execute(db);
  if (role.rows[0]?.present !== true) return;
  const party = sql.raw(`nullif(current_setting('hub.party_id', true), '')`);
  await sql`grant select, insert, update on ticket_custody to hub_app`.execute(db);
  await sql`alter table ticket_custody enable row level security`.execute(db);
  await sql`
    create policy ticket_custody_read on ticket_custody for select to hub_app
    using (
      holder_id = ${party} or from_party_id = ${party}
      or exists (select from tickets t where t.id = ticket_custody.ticket_id and t.platform_id = ${party})
    )`.execute(db);
  await sql`
    create policy ticket_custody_append on ticket_custody for insert to hub_app
    with check ((sequence = 0 and holder_id = ${party}) or from_party_id = ${party})`.execute(db);
  await sql`
    create policy ticket_custody_release on ticket_custody for update to hub_app
    using (holder_id = ${party}) with check (holder_id = ${party})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists ticket_custody`.execute(db);
}

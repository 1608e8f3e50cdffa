// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// Versioned documents (issue #15 item 7): tradein.v2 adds the new purchase's list and paid price. Both
// versions are stored in one analytic shape: two nullable columns on `records`, null for tradein.v1 (and for
// a v2 trade-in without a new purchase). A check keeps them coherent whatever writes them: both or neither,
// within the schema's bounds, paid at most list. Each submission records the version it was sent as
// (existing rows, sent before versions existed, are version 1).
//
// No new table, so no new policy: the columns inherit `records`' and `submissions`' row-level security and
// grants (table-level). The analytic store's triggers on `records` read named columns only, so they fire as
// before; nothing in the store reads the prices.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table records
    add column new_purchase_list_price_fen bigint,
    add column new_purchase_paid_price_fen bigint,
    add constraint records_new_purchase_prices check (
      (new_purchase_list_price_fen is null) = (new_purchase_paid_price_fen is null)
      and (new_purchase_list_price_fen is null or (
        new_purchase_list_price_fen between 0 and 20000000
        and new_purchase_paid_price_fen between 0 and new_purchase_list_price_fen
        and new_purchase_category is not null)))`.execute(db);
  await sql`alter table submissions
    add column version smallint not null default 1,
    add constraint submissions_version check (version >= 1)`.execute(db);
}

import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { FirmCapacity } from '../firms/firms.table.ts';
import { co2eAvoidedSql } from '../insights/carbon-factors.ts';

/** Months are compared as dates (the first of the month), as records store them. */
const firstDay = (month: string) => `${month}-01`;

export interface SalesCellRow {
  partyId: string;
  name: string;
  tradeIns: number;
  newPurchases: number;
  subsidyFen: string;
  pricedPurchases: number;
  listPriceFen: string;
  paidPriceFen: string;
  subsidyAboveDiscount: number;
}

/**
 * Per platform, the trade-ins it ticketed with that trade-in month: how many came with a new purchase,
 * and the subsidies claimed on them (integer fen as a string); of the new purchases, those sent with their
 * prices (tradein.v2), the sums of their list and paid prices, and how many claim a subsidy larger than the
 * discount the user got (list − paid).
 */
export async function salesByPlatform(db: DbOrTx, month: string): Promise<SalesCellRow[]> {
  const { rows } = await sql<{
    party_id: string;
    name: string | null;
    trade_ins: number;
    new_purchases: number;
    subsidy_fen: string;
    priced: number;
    list_fen: string;
    paid_fen: string;
    subsidy_above_discount: number;
  }>`
    select t.platform_id as party_id, p.display_name as name, count(*)::int as trade_ins,
      (count(*) filter (where r.new_purchase_category is not null))::int as new_purchases,
      coalesce(sum(r.subsidy_fen), 0)::text as subsidy_fen,
      (count(*) filter (where r.new_purchase_list_price_fen is not null))::int as priced,
      coalesce(sum(r.new_purchase_list_price_fen), 0)::text as list_fen,
      coalesce(sum(r.new_purchase_paid_price_fen), 0)::text as paid_fen,
      (count(*) filter (where r.subsidy_fen > r.new_purchase_list_price_fen - r.new_purchase_paid_price_fen))::int as subsidy_above_discount
    from tickets t
    join records r on r.id = t.record_id
    left join parties p on p.id = t.platform_id
    where r.trade_in_month = ${firstDay(month)}::date
    group by t.platform_id, p.display_name
    order by t.platform_id`.execute(db);
  return rows.map((row) => ({
    partyId: row.party_id,
    name: row.name ?? row.party_id,
    tradeIns: row.trade_ins,
    newPurchases: row.new_purchases,
    subsidyFen: row.subsidy_fen,
    pricedPurchases: row.priced,
    listPriceFen: row.list_fen,
    paidPriceFen: row.paid_fen,
    subsidyAboveDiscount: row.subsidy_above_discount,
  }));
}

export interface InspectionCellRow {
  partyId: string;
  name: string;
  inspectedDevices: number;
}

/** Per recycler, the devices it inspected in the month (a device inspected twice counts once). */
export async function inspectionsByRecycler(db: DbOrTx, month: string): Promise<InspectionCellRow[]> {
  const { rows } = await sql<{ party_id: string; name: string | null; inspected: number }>`
    select x.recycler_id as party_id, p.display_name as name, count(distinct x.record_id)::int as inspected
    from inspections x
    left join parties p on p.id = x.recycler_id
    where x.inspected_month = ${firstDay(month)}::date
    group by x.recycler_id, p.display_name
    order by x.recycler_id`.execute(db);
  return rows.map((row) => ({ partyId: row.party_id, name: row.name ?? row.party_id, inspectedDevices: row.inspected }));
}

export interface DispositionCellRow {
  partyId: string;
  name: string;
  disposedDevices: number;
  dismantledUnits: number;
  kgDismantled: number;
  kgCo2eAvoided: number;
}

/**
 * Per recycler, the devices whose latest disposition it completed in the month: how many, how many
 * dismantled, kg of materials recovered from those (their processed weight where no materials were
 * reported) and kg CO2e avoided (src/insights/carbon-factors.ts).
 */
export async function dispositionsByRecycler(db: DbOrTx, month: string): Promise<DispositionCellRow[]> {
  const { rows } = await sql<{ party_id: string; name: string | null; disposed: number; dismantled: number; kg: number; co2e: number }>`
    with latest as (
      select distinct on (y.record_id) y.*
      from dispositions y
      where y.record_id in (select record_id from dispositions where completed_month = ${firstDay(month)}::date)
      order by y.record_id, y.created_at desc, y.id desc
    ),
    per_device as (
      select d.recycler_id,
        d.disposition = 'dismantled_recycled' as dismantled,
        case when d.disposition = 'dismantled_recycled' then coalesce(m.kg, d.weight_kg, 0) else 0 end as kg,
        ${sql.raw(co2eAvoidedSql())} as co2e
      from latest d
      join records r on r.id = d.record_id
      left join lateral (
        select sum(e.value::text::numeric) as kg
        from jsonb_each(case when jsonb_typeof(d.materials_kg) = 'object' then d.materials_kg end) e
        where jsonb_typeof(e.value) = 'number'
      ) m on true
      where d.completed_month = ${firstDay(month)}::date
    )
    select v.recycler_id as party_id, p.display_name as name, count(*)::int as disposed,
      (count(*) filter (where v.dismantled))::int as dismantled,
      round(coalesce(sum(v.kg), 0)::numeric, 3)::float8 as kg,
      round(coalesce(sum(v.co2e), 0)::numeric, 3)::float8 as co2e
    from per_device v
    left join parties p on p.id = v.recycler_id
    group by v.recycler_id, p.display_name
    order by v.recycler_id`.execute(db);
  return rows.map((row) => ({
    partyId: row.party_id,
    name: row.name ?? row.party_id,
    disposedDevices: row.disposed,
    dismantledUnits: row.dismantled,
    kgDismantled: Number(row.kg),
    kgCo2eAvoided: Number(row.co2e),
  }));
}

export interface LeakageCellRow {
  partyId: string;
  name: string;
  tradeIns: number;
  reached: number;
}

/**
 * Per platform, its trade-ins of `tradeInMonth` and how many of those devices reached a licensed handler
 * — custody handed to it (src/custody), or an inspection or disposition by it, no later than
 * `deadlineMonth` — where a licensed handler is an active registered firm holding the recycler capacity,
 * or the dismantler capacity with its licence valid in that month. The registry's current status is used:
 * the registry keeps no history of statuses.
 */
export async function custodyReachByPlatform(db: DbOrTx, tradeInMonth: string, deadlineMonth: string): Promise<LeakageCellRow[]> {
  const { rows } = await sql<{ party_id: string; name: string | null; trade_ins: number; reached: number }>`
    select t.platform_id as party_id, p.display_name as name, count(*)::int as trade_ins,
      (count(*) filter (where exists (
        select 1
        from (
          select x.recycler_id as handler, x.inspected_month as work_month from inspections x where x.record_id = r.id
          union all
          select y.recycler_id, y.completed_month from dispositions y where y.record_id = r.id
          union all
          select c.holder_id, date_trunc('month', c.handed_over_at)::date from ticket_custody c where c.ticket_id = t.id and c.sequence > 0
        ) h
        join firms f on f.party_id = h.handler
        where h.work_month <= ${firstDay(deadlineMonth)}::date
          and f.status = 'active'
          and ('recycler' = any(f.capacities) or ('dismantler' = any(f.capacities) and f.licence_valid_until >= h.work_month))
      )))::int as reached
    from tickets t
    join records r on r.id = t.record_id
    left join parties p on p.id = t.platform_id
    where r.trade_in_month = ${firstDay(tradeInMonth)}::date
    group by t.platform_id, p.display_name
    order by t.platform_id`.execute(db);
  return rows.map((row) => ({ partyId: row.party_id, name: row.name ?? row.party_id, tradeIns: row.trade_ins, reached: row.reached }));
}

export interface ReportingFirmRow {
  partyId: string;
  name: string;
  capacities: FirmCapacity[];
}

/** Active registry entries: the firms expected to have figures for a month. */
export async function activeFirms(db: DbOrTx): Promise<ReportingFirmRow[]> {
  const rows = await db
    .selectFrom('firms as f')
    .innerJoin('parties as p', 'p.id', 'f.party_id')
    .select(['f.party_id', 'p.display_name', 'f.capacities'])
    .where('f.status', '=', 'active')
    .orderBy('f.party_id')
    .execute();
  return rows.map((row) => ({ partyId: row.party_id, name: row.display_name, capacities: row.capacities }));
}

import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { QuotedDevice } from './fairness-watch.ts';

export interface CatalogueEntry {
  category: string;
  launchMonth: string;
  launchPriceFen: number;
}

export async function findCatalogueModel(db: DbOrTx, brand: string, modelKey: string): Promise<(CatalogueEntry & { model: string }) | undefined> {
  const row = await db
    .selectFrom('catalogue_models')
    .select(['model', 'category', 'launch_month', 'launch_price_fen'])
    .where('brand', '=', brand)
    .where('model_key', '=', modelKey)
    .orderBy('model')
    .executeTakeFirst();
  return row && { model: row.model, category: row.category, launchMonth: row.launch_month, launchPriceFen: Number(row.launch_price_fen) };
}

/**
 * The observed pool of one model, grade and age band, under the store's contribution rule: each subject who
 * consents to `purpose` (granted, not expired at `now`) adds at most their latest trade-in (trade-in month,
 * then id), and only when its latest inspection with a final valuation has that grade, aged (trade-in month −
 * launch month) within the band. One subject is in one pool at most, and its valuation is clamped to
 * [0, launch price], so one person moves the count by 1 and the sum by at most the launch price.
 */
export async function observedPool(
  db: DbOrTx,
  query: { purpose: string; now: Date; brand: string; model: string; grade: string; ageFrom: number; ageTo: number; launchPriceFen: number },
): Promise<{ devices: number; sumFen: number }> {
  const { rows } = await sql<{ devices: number; sum_fen: string }>`
    with consenting as (
      select distinct on (rs.subject_id) rs.subject_id, r.id as record_id, r.brand, r.model, r.trade_in_month
      from consents c
      join record_subjects rs on rs.subject_id = c.subject_id
      join records r on r.id = rs.record_id
      where c.purpose = ${query.purpose} and c.status = 'granted' and (c.expires_at is null or c.expires_at > ${query.now}::timestamptz)
      order by rs.subject_id, r.trade_in_month desc, r.id desc
    ), pooled as (
      select distinct on (x.record_id) x.record_id, x.grade, x.final_valuation_fen, s.trade_in_month
      from consenting s
      join inspections x on x.record_id = s.record_id and x.final_valuation_fen is not null
      where s.brand = ${query.brand} and s.model = ${query.model}
      order by x.record_id, x.created_at desc, x.id desc
    )
    select count(*)::int as devices, coalesce(sum(least(greatest(p.final_valuation_fen, 0), ${query.launchPriceFen}::bigint)), 0)::text as sum_fen
    from pooled p
    join catalogue_models c on c.brand = ${query.brand} and c.model = ${query.model}
    where p.grade = ${query.grade}
      and (extract(year from age(p.trade_in_month, c.launch_month)) * 12 + extract(month from age(p.trade_in_month, c.launch_month)))
          between ${query.ageFrom} and ${query.ageTo}`.execute(db);
  return { devices: rows[0]?.devices ?? 0, sumFen: Number(rows[0]?.sum_fen ?? 0) };
}

/**
 * Every trade-in of the months given (inclusive, YYYY-MM) that a recycler inspected and whose model is in
 * the catalogue, with its platform, age at trade-in, latest inspection's grade and faults, and quote.
 */
export async function quotedDevices(db: DbOrTx, fromMonth: string, toMonth: string): Promise<QuotedDevice[]> {
  const { rows } = await sql<{
    platform_id: string;
    month: string;
    category: string;
    launch_price_fen: string;
    age_months: number;
    grade: string;
    faults: string[];
    quoted: string;
  }>`
    select t.platform_id, to_char(r.trade_in_month, 'YYYY-MM') as month, c.category, c.launch_price_fen::text as launch_price_fen,
      (extract(year from age(r.trade_in_month, c.launch_month)) * 12 + extract(month from age(r.trade_in_month, c.launch_month)))::int as age_months,
      x.grade, x.faults, r.quoted_valuation_fen::text as quoted
    from tickets t
    join records r on r.id = t.record_id
    join catalogue_models c on c.brand = r.brand and c.model = r.model
    join lateral (select * from inspections i where i.record_id = r.id order by i.created_at desc, i.id desc limit 1) x on true
    where r.trade_in_month between ${`${fromMonth}-01`}::date and ${`${toMonth}-01`}::date`.execute(db);
  return rows.map((row) => ({
    platformId: row.platform_id,
    month: row.month,
    category: row.category,
    launchPriceFen: Number(row.launch_price_fen),
    ageMonths: Math.max(0, row.age_months),
    grade: row.grade,
    faults: row.faults,
    quotedValuationFen: Number(row.quoted),
  }));
}

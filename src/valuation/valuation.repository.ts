import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

export interface CatalogueEntry { category: string; launchMonth: string; launchPriceFen: number }

export async function findCatalogueModel(db: DbOrTx, brand: string, model: string): Promise<CatalogueEntry | undefined> {
  const row = await db.selectFrom('catalogue_models').select(['category', 'launch_month', 'launch_price_fen']).where('brand', '=', brand).where('model', '=', model).executeTakeFirst();
  return row && { category: row.category, launchMonth: row.launch_month, launchPriceFen: Number(row.launch_price_fen) };
}

/**
 * The observed pool of one model, grade and age band: devices whose latest inspection with a final
 * valuation has that grade, aged (trade-in month − launch month) within the band. Each device counts once
 * and its valuation is clamped to [0, launch price], so one device moves the sum by at most the launch price.
 */
export async function observedPool(
  db: DbOrTx, query: { brand: string; model: string; grade: string; ageFrom: number; ageTo: number; launchPriceFen: number },
): Promise<{ devices: number; sumFen: number }> {
  const { rows } = await sql<{ devices: number; sum_fen: string }>`
    with latest as (
      select distinct on (x.record_id) x.record_id, x.grade, x.final_valuation_fen
      from inspections x
      join records r on r.id = x.record_id
      where r.brand = ${query.brand} and r.model = ${query.model} and x.final_valuation_fen is not null
      order by x.record_id, x.created_at desc, x.id desc
    )
    select count(*)::int as devices, coalesce(sum(least(greatest(l.final_valuation_fen, 0), ${query.launchPriceFen}::bigint)), 0)::text as sum_fen
    from latest l
    join records r on r.id = l.record_id
    join catalogue_models c on c.brand = r.brand and c.model = r.model
    where l.grade = ${query.grade}
      and (extract(year from age(r.trade_in_month, c.launch_month)) * 12 + extract(month from age(r.trade_in_month, c.launch_month)))
          between ${query.ageFrom} and ${query.ageTo}`.execute(db);
  return { devices: rows[0]?.devices ?? 0, sumFen: Number(rows[0]?.sum_fen ?? 0) };
}

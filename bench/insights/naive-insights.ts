import { sql } from 'kysely';
import type { DbOrTx } from '../../src/db/database.ts';

export interface NaiveInsightRow {
  model: string;
  count: number;
  usageMonthsAvg: number;
  valuationP50: number;
}

/**
 * The baseline: the plain SQL anyone would write for "count, average usage and median valuation per model,
 * over consenting subjects" — one statement, the same consent condition as runInsights (granted, unexpired
 * at `now`), a plain left join to inspections (the data set has at most one per record), no k-anonymity,
 * no distinct-subject counts, no contributions, no access log, no temp tables.
 */
export async function naiveInsights(db: DbOrTx, purpose: string, categories: string[] | undefined, now: Date): Promise<NaiveInsightRow[]> {
  const filter = categories === undefined ? sql`` : sql`and r.category = any(${categories}::text[])`;
  const { rows } = await sql<{ model: string; count: string; usage_months_avg: number; valuation_p50: number }>`
    select r.model, count(*) as count, avg(r.usage_months)::float8 as usage_months_avg,
      percentile_cont(0.5) within group (order by coalesce(i.final_valuation_fen, r.quoted_valuation_fen)) as valuation_p50
    from records r
    join record_subjects rs on rs.record_id = r.id
    join consents c on c.subject_id = rs.subject_id
    left join inspections i on i.record_id = r.id
    where c.purpose = ${purpose} and c.status = 'granted' and (c.expires_at is null or c.expires_at > ${now}) ${filter}
    group by r.model`.execute(db);
  return rows.map((row) => ({ model: row.model, count: Number(row.count), usageMonthsAvg: row.usage_months_avg, valuationP50: row.valuation_p50 }));
}

import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { HubError } from '../errors/hub-errors.ts';
import { decideThenLog, type Decided } from '../audit/decide-then-log.ts';
import { actAs } from '../db/act-as.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import { DEFS_SCHEMA } from '../documents/document-validator.ts';
import type { RequestFilters } from '../policy/evaluate-policy.ts';
import type { PolicyDimension, PolicyMeasure } from '../policy/policy-vocabulary.ts';
import type { PolicySet } from '../policy/policy.types.ts';
import { decideStatutory } from '../policy/statutory-decision.ts';
import type { Principal } from '../auth/principal.ts';
import { CARBON_FACTOR_SET, co2eAvoidedSql } from './carbon-factors.ts';

/** The purpose whose policy decides who may see the statutory statistics, and with which k. */
export const REGULATORY_STATISTICS_PURPOSE = 'regulatory-statistics';

/** The longest period one request may cover, in calendar months counting both ends. */
export const MAX_STATISTICS_MONTHS = 36;

// The shape the policy judges: always the same cells and measures, whatever the filters.
const GROUP_BY: readonly PolicyDimension[] = ['tradeInMonth', 'category', 'province'];
const MEASURES: readonly PolicyMeasure[] = ['count', 'co2eAvoidedKg'];

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const PROVINCE = /^[1-9]\d0000$/;
const CATEGORIES: ReadonlySet<string> = new Set((DEFS_SCHEMA.$defs as Record<string, { enum: string[] }>).category!.enum);

export interface RegulatoryStatisticsRequest {
  /** First trade-in month, YYYY-MM, inclusive. */
  fromMonth: string;
  /** Last trade-in month, YYYY-MM, inclusive; at most MAX_STATISTICS_MONTHS after fromMonth counting both. */
  toMonth: string;
  /** Device categories of the standard; absent means all. */
  category?: readonly string[] | null;
  /** Province codes (`^[1-9]\d0000$`); absent means all, including records without a region. */
  province?: readonly string[] | null;
}

/** One released cell: trade-in month × category × province. */
export interface RegulatoryStatisticsRow {
  month: string;
  category: string;
  /** Province code; null for records that carry no region. */
  province: string | null;
  tradeIns: number;
  /** Records with at least one inspection. */
  inspections: number;
  /** Records whose latest disposition is dismantled_recycled. */
  dismantledUnits: number;
  /** kg of materials recovered from the dismantled units (their weight where materials were not reported). */
  kgRecovered: number;
  /** kg CO2e avoided, hub-computed with `carbonFactorSet`. */
  kgCo2eAvoided: number;
}

export interface RegulatoryStatisticsAnswer {
  /** The access-log entry id of this query. */
  queryId: string;
  policyVersion: number;
  minGroupSize: number;
  rows: RegulatoryStatisticsRow[];
  /** Cells with fewer than minGroupSize trade-ins, withheld whole (never merged into another cell). */
  suppressedCells: number;
  carbonFactorSet: string;
}

export type RegulatoryStatisticsOutcome = Decided<RegulatoryStatisticsAnswer>;

export interface RegulatoryStatisticsContext {
  db: Db;
  policies: PolicySet;
  now: () => Date;
}

export type StatisticsArgument = 'fromMonth' | 'toMonth' | 'category' | 'province';

/** A malformed request, named by its argument; the message never repeats the value. */
/** A malformed argument; the schema shows it as `StatisticsArgumentInvalid` (nothing run or logged). */
export class StatisticsArgumentError extends HubError {
  override readonly name = 'StatisticsArgumentError';
  constructor(
    readonly argument: StatisticsArgument,
    message: string,
  ) {
    super('statistics.argument_invalid', message);
  }
}

const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/**
 * Checks a request's shape before any decision is taken: months are YYYY-MM with fromMonth not after
 * toMonth and at most MAX_STATISTICS_MONTHS months counting both ends; category and province, when given,
 * are non-empty lists of categories of the standard and province codes. Pure. Throws
 * StatisticsArgumentError naming the first bad argument; returns the filters the policy judges, lists
 * de-duplicated.
 */
export function statisticsFilters(request: RegulatoryStatisticsRequest): RequestFilters {
  for (const argument of ['fromMonth', 'toMonth'] as const) {
    if (!MONTH.test(request[argument])) throw new StatisticsArgumentError(argument, `${argument} must be a month written YYYY-MM`);
  }
  const span = monthIndex(request.toMonth) - monthIndex(request.fromMonth) + 1;
  if (span < 1) throw new StatisticsArgumentError('toMonth', 'toMonth must not be before fromMonth');
  if (span > MAX_STATISTICS_MONTHS) {
    throw new StatisticsArgumentError('toMonth', `toMonth must be at most ${MAX_STATISTICS_MONTHS} months from fromMonth, counting both`);
  }
  const filters: Record<string, string | string[]> = { tradeInMonthFrom: request.fromMonth, tradeInMonthTo: request.toMonth };
  const lists = [
    ['category', request.category, (value: string) => CATEGORIES.has(value), 'a device category of the standard'],
    ['province', request.province, (value: string) => PROVINCE.test(value), 'a province code such as 110000'],
  ] as const;
  for (const [argument, values, valid, what] of lists) {
    if (values === undefined || values === null) continue;
    if (values.length === 0) throw new StatisticsArgumentError(argument, `${argument} must name at least one value, or be left out`);
    if (!values.every(valid)) throw new StatisticsArgumentError(argument, `each ${argument} must be ${what}`);
    filters[argument] = [...new Set(values)];
  }
  return filters;
}

/**
 * The statutory monthly statistics (DESIGN §8): per trade-in month × category × province, the trade-ins,
 * inspected records, dismantled units, kg recovered and kg CO2e avoided. Statutory, so every record counts
 * — anonymous ones and those of subjects who never consented — and nothing is billed or recorded as a
 * contribution. The regulatory-statistics policy decides who may ask; every decision, allowed or denied,
 * is appended to the access log in the transaction that runs the query. A cell with fewer than the
 * policy's k trade-ins is withheld whole and counted in `suppressedCells`; it is never merged with other
 * cells, because a remainder spanning regions would blur what each region must report.
 *
 * Throws StatisticsArgumentError for a malformed request before the policy is asked: a shape error is not
 * an access decision, so it is not logged.
 */
export async function runRegulatoryStatistics(
  context: RegulatoryStatisticsContext,
  principal: Principal | null,
  request: RegulatoryStatisticsRequest,
): Promise<RegulatoryStatisticsOutcome> {
  const filters = statisticsFilters(request);
  const now = context.now();
  const policyRequest = { groupBy: [...GROUP_BY], measures: [...MEASURES], filters };
  // A statutory purpose needs no agreement; were the policy ever made consent-based, the missing agreement
  // denies, because this query does not filter on consent.
  const { decision, policy } = decideStatutory(context.policies, { principal, purpose: REGULATORY_STATISTICS_PURPOSE, now, request: policyRequest });

  const partyId = principal?.kind === 'party' ? principal.partyId : null;
  return context.db.transaction().execute(async (tx) => {
    // Every record in the range, read-only, as the analytics role (never the owner).
    await actAs(tx, 'hub_analytics');
    return decideThenLog(tx, now, { partyId, purpose: REGULATORY_STATISTICS_PURPOSE, request: policyRequest, decision }, async () => {
      const allowed = policy!;
      const queryId = uuidv7();
      const { rows, suppressedCells } = await aggregateCells(tx, request, filters, allowed.minGroupSize);
      return {
        allowed: true,
        answer: { queryId, policyVersion: allowed.version, minGroupSize: allowed.minGroupSize, rows, suppressedCells, carbonFactorSet: CARBON_FACTOR_SET },
        log: { id: queryId, rowsReleased: rows.length, rowsSuppressed: suppressedCells, subjectsCounted: 0, priceFen: 0 },
      } as const;
    });
  });
}

/** One statement over all records in the range; the figures of cells below k never leave the database. */
async function aggregateCells(
  tx: DbOrTx,
  request: RegulatoryStatisticsRequest,
  filters: RequestFilters,
  k: number,
): Promise<{ rows: RegulatoryStatisticsRow[]; suppressedCells: number }> {
  const conditions = [sql`r.trade_in_month between ${`${request.fromMonth}-01`}::date and ${`${request.toMonth}-01`}::date`];
  if (filters.category !== undefined) conditions.push(sql`r.category = any(${filters.category}::text[])`);
  if (filters.province !== undefined) conditions.push(sql`substr(r.region_code, 1, 2) || '0000' = any(${filters.province}::text[])`);

  // Months are trade-in months, so a device dismantled later still counts in the month it was traded in.
  // Materials are summed over every numeric member, whatever the standard adds later; a disposition that
  // reports none (or an empty object) counts its processed weight instead.
  const { rows } = await sql<{
    month: string;
    category: string;
    province: string | null;
    released: boolean;
    trade_ins: number | null;
    inspections: number | null;
    dismantled_units: number | null;
    kg_recovered: number | null;
    kg_co2e: number | null;
  }>`
    with per_record as (
      select to_char(r.trade_in_month, 'YYYY-MM') as month, r.category,
        case when r.region_code is not null then substr(r.region_code, 1, 2) || '0000' end as province,
        exists (select 1 from inspections x where x.record_id = r.id) as inspected,
        coalesce(d.disposition = 'dismantled_recycled', false) as dismantled,
        case when d.disposition = 'dismantled_recycled' then coalesce(m.kg, d.weight_kg) end as kg_recovered,
        ${sql.raw(co2eAvoidedSql())} as co2e
      from records r
      left join lateral (
        select * from dispositions y where y.record_id = r.id order by y.created_at desc, y.id desc limit 1
      ) d on true
      left join lateral (
        select sum(e.value::text::numeric) as kg
        from jsonb_each(case when jsonb_typeof(d.materials_kg) = 'object' then d.materials_kg end) e
        where jsonb_typeof(e.value) = 'number'
      ) m on true
      where ${sql.join(conditions, sql` and `)}
    ),
    cells as (
      select month, category, province, count(*) as trade_ins,
        count(*) filter (where inspected) as inspections,
        count(*) filter (where dismantled) as dismantled_units,
        coalesce(sum(kg_recovered), 0) as kg_recovered,
        coalesce(sum(co2e), 0) as kg_co2e
      from per_record group by month, category, province
    )
    select month, category, province, trade_ins >= ${k} as released,
      case when trade_ins >= ${k} then trade_ins::int end as trade_ins,
      case when trade_ins >= ${k} then inspections::int end as inspections,
      case when trade_ins >= ${k} then dismantled_units::int end as dismantled_units,
      case when trade_ins >= ${k} then round(kg_recovered::numeric, 3)::float8 end as kg_recovered,
      case when trade_ins >= ${k} then round(kg_co2e::numeric, 3)::float8 end as kg_co2e
    from cells
    order by month, category, province nulls last`.execute(tx);

  const released = rows.filter((row) => row.released);
  return {
    suppressedCells: rows.length - released.length,
    rows: released.map((row) => ({
      month: row.month,
      category: row.category,
      province: row.province,
      tradeIns: Number(row.trade_ins),
      inspections: Number(row.inspections),
      dismantledUnits: Number(row.dismantled_units),
      kgRecovered: Number(row.kg_recovered),
      kgCo2eAvoided: Number(row.kg_co2e),
    })),
  };
}

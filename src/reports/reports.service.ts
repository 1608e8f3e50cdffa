import { v7 as uuidv7 } from 'uuid';
import { actAs } from '../db/act-as.ts';
import { decideThenLog, type Decided } from '../audit/decide-then-log.ts';
import type { Db } from '../db/database.ts';
import { CARBON_FACTOR_SET } from '../insights/carbon-factors.ts';
import { REGULATORY_STATISTICS_PURPOSE } from '../insights/regulatory-statistics.service.ts';
import type { PolicySet } from '../policy/policy.types.ts';
import { decideStatutory } from '../policy/statutory-decision.ts';
import type { Principal } from '../auth/principal.ts';
import { buildMonthlyReport, type MonthlyReportTables } from './monthly-report.ts';
import { addMonths, isFutureMonth, isReportMonth, reportDueOn } from './report-month.ts';
import * as reports from './reports.repository.ts';
import { HubError } from '../errors/hub-errors.ts';

export interface MonthlyReportAnswer extends MonthlyReportTables {
  /** The access-log entry id of this report. */
  queryId: string;
  month: string;
  /** The day the month's figures were due (the 12th of the next month). */
  dueOn: string;
  policyVersion: number;
  minGroupSize: number;
  carbonFactorSet: string;
}

export type MonthlyReportOutcome = Decided<MonthlyReportAnswer>;

export interface MonthlyReportContext {
  db: Db;
  policies: PolicySet;
  now: () => Date;
}

/** A malformed month; the message never repeats the value. */
export class ReportArgumentError extends HubError {
  override readonly name = 'ReportArgumentError';
  readonly argument = 'month';
  constructor(message: string) {
    super('report.argument_invalid', message);
  }
}

/**
 * The regulator's monthly report for one month, per firm and by the month the work was done: trade-ins
 * with their new purchases and subsidies by the platform's trade-in month, inspections by inspection month,
 * dispositions (dismantled units, kg, kg CO2e) by completion month; each table with its total; the active
 * firms whose figures are missing (overdue after the 12th); and the custody leakage of the trade-ins whose
 * policy period ended with this month. Statutory under the regulatory-statistics policy: every record
 * counts, nothing is billed, and every decision — allowed or denied — is appended to the access log in the
 * transaction that reads the figures, so the report is one consistent snapshot.
 *
 * Throws ReportArgumentError for a month not written YYYY-MM or after the current month, before the policy
 * is asked (a shape error is not an access decision).
 */
export async function runMonthlyReport(context: MonthlyReportContext, principal: Principal | null, month: string): Promise<MonthlyReportOutcome> {
  const now = context.now();
  if (!isReportMonth(month)) throw new ReportArgumentError('month must be a month written YYYY-MM');
  if (isFutureMonth(month, now)) throw new ReportArgumentError('month must not be after the current month');

  const policyRequest = {
    groupBy: ['tradeInMonth'],
    measures: ['count', 'co2eAvoidedKg'],
    filters: { tradeInMonthFrom: month, tradeInMonthTo: month },
  };
  const { decision, policy } = decideStatutory(context.policies, { principal, purpose: REGULATORY_STATISTICS_PURPOSE, now, request: policyRequest });
  const partyId = principal?.kind === 'party' ? principal.partyId : null;
  const logged = { ...policyRequest, report: 'monthly-firm-report' };

  return context.db.transaction().execute(async (tx) => {
    // Statutory figures cross parties: the analytics role reads them, never the owner.
    await actAs(tx, 'hub_analytics');
    return decideThenLog(tx, now, { partyId, purpose: REGULATORY_STATISTICS_PURPOSE, request: logged, decision }, async () => {
      const allowed = policy!;
      const periodMonths = allowed.custodyLeakageMonths;
      const leakageMonth = periodMonths === undefined ? null : addMonths(month, -periodMonths);
      const tables = buildMonthlyReport({
        month,
        k: allowed.minGroupSize,
        now,
        sales: await reports.salesByPlatform(tx, month),
        inspections: await reports.inspectionsByRecycler(tx, month),
        dispositions: await reports.dispositionsByRecycler(tx, month),
        activeFirms: await reports.activeFirms(tx),
        leakage:
          periodMonths === undefined || leakageMonth === null
            ? null
            : {
                periodMonths,
                tradeInMonth: leakageMonth,
                windowClosed: now.toISOString().slice(0, 7) > month,
                rows: await reports.custodyReachByPlatform(tx, leakageMonth, month),
              },
      });
      const queryId = uuidv7();
      const tablesOut = [tables.sales, tables.inspections, tables.dispositions, ...(tables.custodyLeakage ? [tables.custodyLeakage.table] : [])];
      const log = {
        id: queryId,
        rowsReleased: tablesOut.reduce((n, t) => n + t.rows.length - t.withheldCells, 0),
        rowsSuppressed: tablesOut.reduce((n, t) => n + t.withheldCells, 0),
        subjectsCounted: 0,
        priceFen: 0,
      };
      return {
        allowed: true,
        answer: {
          ...tables,
          queryId,
          month,
          dueOn: reportDueOn(month),
          policyVersion: allowed.version,
          minGroupSize: allowed.minGroupSize,
          carbonFactorSet: CARBON_FACTOR_SET,
        },
        log,
      } as const;
    });
  });
}

import { v7 as uuidv7 } from 'uuid';
import { actAs } from '../db/act-as.ts';
import { decideThenLog, type Decided } from '../audit/decide-then-log.ts';
import type { Db } from '../db/database.ts';
import { REGULATORY_STATISTICS_PURPOSE } from '../insights/regulatory-statistics.service.ts';
import type { PolicySet } from '../policy/policy.types.ts';
import { decideStatutory } from '../policy/statutory-decision.ts';
import type { Principal } from '../auth/principal.ts';
import { valuationFairness, type FairnessWatch } from './fairness-watch.ts';
import type { ValuationStandard } from './valuation-standard.ts';
import { quotedDevices } from './valuation.repository.ts';
import { HubError } from '../errors/hub-errors.ts';

/** The longest range one request may cover, in months counting both ends. */
export const MAX_FAIRNESS_MONTHS = 24;

export class FairnessArgumentError extends HubError {
  override readonly name = 'FairnessArgumentError';
  constructor(
    readonly argument: 'fromMonth' | 'toMonth',
    message: string,
  ) {
    super('fairness.argument_invalid', message);
  }
}

export type FairnessOutcome = Decided<FairnessWatch & { queryId: string; standardVersion: string; minGroupSize: number }>;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/**
 * The regulator's valuation-fairness watch over a range of trade-in months (see `valuationFairness`).
 * Statutory under the regulatory-statistics policy, unbilled, and every decision is in the access log,
 * written in the transaction that reads the quotes. Throws FairnessArgumentError for a malformed range
 * before the policy is asked.
 */
export async function runValuationFairness(
  context: { db: Db; policies: PolicySet; standard: ValuationStandard; now: () => Date },
  principal: Principal | null,
  fromMonth: string,
  toMonth: string,
): Promise<FairnessOutcome> {
  for (const [argument, value] of [
    ['fromMonth', fromMonth],
    ['toMonth', toMonth],
  ] as const) {
    if (!MONTH.test(value)) throw new FairnessArgumentError(argument, `${argument} must be a month written YYYY-MM`);
  }
  const span = monthIndex(toMonth) - monthIndex(fromMonth) + 1;
  if (span < 1 || span > MAX_FAIRNESS_MONTHS) throw new FairnessArgumentError('toMonth', `toMonth must be 0–${MAX_FAIRNESS_MONTHS - 1} months after fromMonth`);
  const now = context.now();
  const policyRequest = { groupBy: ['tradeInMonth'], measures: ['count'], filters: { tradeInMonthFrom: fromMonth, tradeInMonthTo: toMonth } };
  const { decision, policy } = decideStatutory(context.policies, { principal, purpose: REGULATORY_STATISTICS_PURPOSE, now, request: policyRequest });
  const partyId = principal?.kind === 'party' ? principal.partyId : null;
  const logged = { ...policyRequest, report: 'valuation-fairness' };
  return context.db.transaction().execute(async (tx) => {
    // Statutory figures cross parties: the analytics role reads them, never the owner.
    await actAs(tx, 'hub_analytics');
    return decideThenLog(tx, now, { partyId, purpose: REGULATORY_STATISTICS_PURPOSE, request: logged, decision }, async () => {
      const allowed = policy!;
      const watch = valuationFairness(context.standard, await quotedDevices(tx, fromMonth, toMonth), allowed.minGroupSize);
      const queryId = uuidv7();
      return {
        allowed: true,
        answer: { ...watch, queryId, standardVersion: context.standard.version, minGroupSize: allowed.minGroupSize },
        log: { id: queryId, rowsReleased: watch.cells.length, rowsSuppressed: watch.withheldCells, subjectsCounted: 0, priceFen: 0 },
      } as const;
    });
  });
}

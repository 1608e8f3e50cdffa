import { PARTY_ROLES } from '../parties/parties.table.ts';

/**
 * The dimensions a query may group or filter by. Closed: `schema/policy.schema.json` lists exactly these
 * (test/policy/policy-vocabulary.test.ts), and a policy can only grant from this list. Regions are the two
 * levels the standard stores (province `^\d{2}0000$`, prefecture `^\d{4}00$`); ages and usage are bands,
 * never exact months, so no dimension can single out one device.
 */
export const POLICY_DIMENSIONS = [
  'category',
  'brand',
  'model',
  'province',
  'prefecture',
  'tradeInMonth',
  'channel',
  'grade',
  'disposition',
  'ageBand',
  'usageBand',
  'newPurchaseCategory',
] as const;
export type PolicyDimension = (typeof POLICY_DIMENSIONS)[number];

/** The measures an insights query may compute (DESIGN §5). Closed, like the dimensions. */
export const POLICY_MEASURES = [
  'count',
  'share',
  'usageMonthsAvg',
  'usageMonthsP50',
  'usageMonthsP90',
  'batteryHealthPctAvg',
  'faultRate',
  'gradeDistribution',
  'valuationP50',
  'residualRatioP50',
  'dispositionShares',
  'co2eAvoidedKg',
  'recoveryFunnel',
] as const;
export type PolicyMeasure = (typeof POLICY_MEASURES)[number];

/** The party roles a policy may admit: the hub's own role list, so the two cannot drift apart. */
export const POLICY_ROLES = PARTY_ROLES;

export const POLICY_STATUSES = ['allowed', 'forbidden'] as const;
export type PolicyStatus = (typeof POLICY_STATUSES)[number];

/** `consent`: each counted subject granted this purpose; `statutory`: a legal duty, no agreement needed. */
export const LEGAL_BASES = ['consent', 'statutory'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** Who approves a party's data-use agreement: the hub operator, or the hub at once on request. */
export const APPROVAL_MODES = ['operator', 'automatic'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/**
 * Purposes the hub never serves (DESIGN §1.2: resale and out-of-scope use are forbidden). Fixed in code
 * as well as in `policies/`, so deleting or editing a policy file cannot open them: the evaluator denies
 * these ids even when no policy names them, and the loader refuses a file that marks one allowed.
 */
export const FORBIDDEN_PURPOSES = ['resale', 're-identification', 'individual-profiling'] as const;

/**
 * Filter keys that bound the trade-in month rather than name a dimension. Every purpose may bound the
 * period it asks about; picking single months out still needs the `tradeInMonth` dimension.
 */
export const MONTH_RANGE_FILTERS = ['tradeInMonthFrom', 'tradeInMonthTo'] as const;

const DIMENSION_SET: ReadonlySet<string> = new Set(POLICY_DIMENSIONS);
const MEASURE_SET: ReadonlySet<string> = new Set(POLICY_MEASURES);

/** Whether a caller-supplied name is one of the standard dimensions (not whether a policy grants it). */
export function isPolicyDimension(name: string): name is PolicyDimension {
  return DIMENSION_SET.has(name);
}

/** Whether a caller-supplied name is one of the standard measures (not whether a policy grants it). */
export function isPolicyMeasure(name: string): name is PolicyMeasure {
  return MEASURE_SET.has(name);
}

import type { ApprovalMode, LegalBasis, PolicyDimension, PolicyMeasure } from './policy-vocabulary.ts';
import type { PartyRole } from '../parties/parties.table.ts';

// Declared by hand rather than generated: the schema expresses "allowed needs the grants" as if/then,
// which json-schema-to-typescript would flatten into one type with every grant optional. The
// discriminated union below is what the evaluator needs; test/policy/policy-types.test.ts checks each
// property and its optionality against schema/policy.schema.json.

/** The same text in Chinese and English. */
export interface LocalizedText {
  readonly zh: string;
  readonly en: string;
}

/** A policy's own rule (Cedar's `@id` and `///`): `<policy id>.<snake_case name>` and one line. */
export interface PolicyRule {
  readonly id: string;
  readonly description: string;
}

/** A clamp on one input value; `bins` (quantiles only) splits [min, max] into equal-width bins. */
export interface DpBound {
  readonly min: number;
  readonly max: number;
  readonly bins?: number;
}

/** The inputs a released measure reads, each clamped before aggregating. */
export interface DpBounds {
  readonly usageMonths?: DpBound;
  readonly batteryHealthPct?: DpBound;
  readonly valuationFen?: DpBound;
  readonly residualRatio?: DpBound;
  readonly co2eKg?: DpBound;
  readonly faultsPerRecord?: number;
}

/**
 * ε charged per query and the ε one party may spend on the purpose per calendar month (UTC), with the
 * contribution bounds that make every statistic's sensitivity finite and the δ of row release.
 */
export interface DifferentialPrivacySettings {
  readonly epsilonPerQuery: number;
  readonly monthlyBudget: number;
  readonly recordsPerSubject: number;
  readonly selectionDelta: number;
  readonly bounds: DpBounds;
}

/** Shares of a query's price in basis points; the loader guarantees users + parties + hub = 10 000. */
export interface RevenueSplitBp {
  readonly users: number;
  readonly parties: number;
  readonly hub: number;
}

interface PolicyBase {
  /** Kebab-case purpose id, equal to the policy's folder name. */
  readonly id: string;
  readonly version: number;
  readonly title: LocalizedText;
  readonly description: LocalizedText;
  readonly rules: readonly PolicyRule[];
}

/** A purpose the hub serves, within these grants. */
export interface AllowedPolicy extends PolicyBase {
  readonly status: 'allowed';
  readonly legalBasis: LegalBasis;
  readonly rolesAllowed: readonly PartyRole[];
  readonly dimensions: readonly PolicyDimension[];
  readonly measures: readonly PolicyMeasure[];
  /** k: distinct consenting subjects per output row, at least 2. */
  readonly minGroupSize: number;
  readonly differentialPrivacy?: DifferentialPrivacySettings;
  /** Integer fen per contributing subject; 0 = unbilled (always 0 for statutory policies). */
  readonly pricePerSubjectFen: number;
  readonly revenueSplitBp: RevenueSplitBp;
  /** Months an approved agreement runs. The file may omit it; the loader fills in the schema default, 12. */
  readonly agreementTermMonths: number;
  readonly approval: ApprovalMode;
  /**
   * Months after its trade-in month by whose end a device must have reached a licensed recycler or
   * dismantler; the monthly report counts the rest as custody leakage. Absent: no leakage is reported.
   */
  readonly custodyLeakageMonths?: number;
}

/** A purpose the hub never serves; it grants nothing and is denied before anything else. */
export interface ForbiddenPolicy extends PolicyBase {
  readonly status: 'forbidden';
}

export type Policy = AllowedPolicy | ForbiddenPolicy;

/** Every loaded policy by purpose id, in id order; deeply frozen. */
export type PolicySet = ReadonlyMap<string, Policy>;

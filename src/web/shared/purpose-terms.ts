import type { PartyRole } from '../../parties/parties.table.ts';
import type { PolicyDimension, PolicyMeasure } from '../../policy/policy-vocabulary.ts';

/**
 * The public terms of one purpose the hub serves, as `/web/purposes.json` publishes them for the pages
 * (src/server/web-pages.ts writes it from the loaded policies). Parties have no GraphQL query for a
 * policy's grants, and the dashboard must know which measures a purpose allows before it asks.
 */
export interface PurposeTerms {
  purpose: string;
  policyVersion: number;
  title: { zh: string; en: string };
  description: { zh: string; en: string };
  legalBasis: 'consent' | 'statutory';
  rolesAllowed: PartyRole[];
  dimensions: PolicyDimension[];
  measures: PolicyMeasure[];
  /** The allowed measures the hub can actually release: under differential privacy, percentiles cannot be. */
  releasableMeasures: PolicyMeasure[];
  minGroupSize: number;
  differentialPrivacy: { epsilonPerQuery: number; monthlyBudget: number } | null;
  pricePerSubjectFen: number;
  usersShareBp: number;
}

import type { PolicyDimension, PolicyMeasure } from '../../policy/policy-vocabulary.ts';

export interface InsightRow {
  /** Dimension → value; every value null on the remainder row. */
  keys: Record<string, string | null>;
  remainder: boolean;
  subjects: number;
  /** Measure → number, or value → share for the distributions. */
  values: Record<string, number | Record<string, number> | null>;
}

export interface InsightsAnswer {
  __typename: 'Insights';
  queryId: string;
  purpose: string;
  policyVersion: number;
  minGroupSize: number;
  rows: InsightRow[];
  /** Null under differential privacy: even the number of small groups is withheld (see noise.withheldRecords). */
  suppressedGroups: number | null;
  remainderDropped: boolean | null;
  subjectsCounted: number | null;
  priceFen: number | null;
  noise: AnswerNoise | null;
  carbonFactorSet: string;
}

/** Differential privacy applied to an answer: what it cost, what is left, and what was withheld, roughly. */
export interface AnswerNoise {
  mechanism: string;
  epsilonSpent: number;
  epsilonRemaining: number;
  monthlyBudget: number;
  /** This very answer was already given this month: same figures, no ε spent. */
  repeat: boolean;
  releaseThreshold: number;
  withheldRecords: number;
}

export interface InsightsRefusal {
  __typename: 'AccessDenied' | 'Forbidden' | 'Unauthenticated';
  code: string;
  message: string;
  matchedRules?: string[];
  reasons?: string[];
}

export type InsightsOutcome = InsightsAnswer | InsightsRefusal;

export interface InsightsRequest {
  purpose: string;
  groupBy: PolicyDimension[];
  measures: PolicyMeasure[];
  filter: Partial<Record<PolicyDimension | 'tradeInMonthFrom' | 'tradeInMonthTo', string[] | string>>;
}

export const INSIGHTS_QUERY = /* GraphQL */ `
  query Dashboard($purpose: String!, $groupBy: [InsightDimension!]!, $measures: [InsightMeasure!]!, $filter: InsightFilter) {
    insights(purpose: $purpose, groupBy: $groupBy, measures: $measures, filter: $filter) {
      __typename
      ... on Insights {
        queryId
        purpose
        policyVersion
        minGroupSize
        rows {
          keys
          remainder
          subjects
          values
        }
        suppressedGroups
        remainderDropped
        subjectsCounted
        priceFen
        noise {
          mechanism
          epsilonSpent
          epsilonRemaining
          monthlyBudget
          repeat
          releaseThreshold
          withheldRecords
        }
        carbonFactorSet
      }
      ... on AccessDenied {
        matchedRules
        reasons
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;

export interface Agreement {
  id: string;
  purpose: string;
  status: 'ACTIVE' | 'EXPIRED' | 'REJECTED' | 'REQUESTED' | 'TERMINATED';
  validTo: string | null;
}

export const START_QUERY = /* GraphQL */ `
  query DashboardStart {
    viewer {
      kind
      partyId
      role
    }
    myAgreements {
      __typename
      ... on QueryMyAgreementsSuccess {
        data {
          id
          purpose
          status
          validTo
        }
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;

export interface StartResult {
  viewer: { kind: string; partyId: string | null; role: string | null } | null;
  myAgreements: { __typename: 'QueryMyAgreementsSuccess'; data: Agreement[] } | { __typename: 'Forbidden' | 'Unauthenticated'; code: string; message: string };
}

import type { ConsentState } from '../../consent/consent-states.ts';

export interface MyRecord {
  category: string;
  /** The brand's canonical id (e.g. apple). */
  brand: string;
  /** The brand's display name from the hub's registry (e.g. Apple). */
  brandName: string;
  /** Null while the brand has not catalogued the model. */
  model: string | null;
  usageMonths: number;
  tradeInMonth: string;
  regionCode: string | null;
  channel: string;
  quotedValuationFen: string;
  grade: string | null;
  disposition: string | null;
}

export interface PurposeConsent {
  purpose: string;
  policyVersion: number;
  title: { zh: string; en: string };
  description: { zh: string; en: string };
  rolesAllowed: string[];
  dimensions: string[];
  measures: string[];
  minGroupSize: number;
  pricePerSubjectFen: number;
  usersShareBp: number;
  state: Uppercase<ConsentState>;
  expiresAt: string | null;
  updatedAt: string | null;
}

export interface ConsentReceipt {
  receiptId: string;
  purpose: string;
  action: string;
  status: string;
  issuedAt: string;
  receipt: string;
}

export interface QueryCountingMe {
  queryId: string;
  partyId: string;
  purpose: string;
  at: string;
  priceFen: string;
}

export interface Me {
  platformId: string;
  subjectRef: string;
  records: MyRecord[];
  consents: PurposeConsent[];
  receipts: ConsentReceipt[];
  queries: QueryCountingMe[];
}

/** One query's share that went to the user (negative on a correction that takes one back); integer fen. */
export interface EarningsLine {
  queryId: string;
  partyId: string;
  purpose: string;
  amountFen: number | string;
  at: string;
}

/** A month of earnings: brought forward + earned = accrued; paid and carried are set when the month closes. */
export interface EarningsPeriod {
  period: string;
  status: 'OPEN' | 'CLOSED';
  broughtForwardFen: number | string;
  earnedFen: number | string;
  accruedFen: number | string;
  paidFen: number | string | null;
  carriedFen: number | string | null;
  lines: EarningsLine[];
}

type Result<T> = ({ __typename: 'Me' } & T) | { __typename: 'Unauthenticated' | 'Forbidden'; code: string; message: string };

export const ME_QUERY = /* GraphQL */ `
  query ConsentCentre {
    me {
      __typename
      ... on Me {
        platformId
        subjectRef
        records(first: 500) {
          category
          brand
          brandName
          model
          usageMonths
          tradeInMonth
          regionCode
          channel
          quotedValuationFen
          grade
          disposition
        }
        consents {
          purpose
          policyVersion
          title {
            zh
            en
          }
          description {
            zh
            en
          }
          rolesAllowed
          dimensions
          measures
          minGroupSize
          pricePerSubjectFen
          usersShareBp
          state
          expiresAt
          updatedAt
        }
        receipts(first: 500) {
          receiptId
          purpose
          action
          status
          issuedAt
          receipt
        }
        queries(first: 500) {
          queryId
          partyId
          purpose
          at
          priceFen
        }
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;
export type MeResult = { me: Result<Me> };

/** Asked apart from ME_QUERY, so the rest of the page works on a hub that does not serve earnings yet. */
export const EARNINGS_QUERY = /* GraphQL */ `
  query ConsentCentreEarnings {
    me {
      __typename
      ... on Me {
        earnings {
          period
          status
          broughtForwardFen
          earnedFen
          accruedFen
          paidFen
          carriedFen
          lines(first: 500) {
            queryId
            partyId
            purpose
            amountFen
            at
          }
        }
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;
export type EarningsResult = { me: Result<{ earnings: EarningsPeriod[] }> };

export type ConsentMutation = 'grantConsent' | 'refuseConsent' | 'withdrawConsent';

export const consentMutation = (name: ConsentMutation) => /* GraphQL */ `
  mutation ($purpose: String!) {
    result: ${name}(purpose: $purpose) {
      __typename
      ... on ConsentChanged { change { purpose state expiresAt changedAt receiptId } }
      ... on HubError { code message }
    }
  }`;
export type ConsentMutationResult = {
  result:
    | {
        __typename: 'ConsentChanged';
        change: { purpose: string; state: Uppercase<ConsentState>; expiresAt: string | null; changedAt: string; receiptId: string };
      }
    | { __typename: 'ConsentNotChanged' | 'Unauthenticated' | 'Forbidden'; code: string; message: string };
};

/** A wipe certificate the hub issued for one of the user's devices (a notary attested the wipe). */
export interface WipeCertificate {
  certificateId: string;
  ticket: string;
  notary: string;
  standard: string;
  level: string;
  month: string;
  issuedAt: string;
  certificate: string;
}

export interface RecordWipe {
  category: string;
  brandName: string;
  model: string | null;
  wipeCertificate: WipeCertificate | null;
}

/** Asked apart from ME_QUERY, like earnings, so the rest of the page works on a hub without certificates. */
export const WIPES_QUERY = /* GraphQL */ `
  query ConsentCentreWipes {
    me {
      __typename
      ... on Me {
        records(first: 500) {
          category
          brandName
          model
          wipeCertificate {
            certificateId
            ticket
            notary
            standard
            level
            month
            issuedAt
            certificate
          }
        }
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;
export type WipesResult = { me: Result<{ records: RecordWipe[] }> };

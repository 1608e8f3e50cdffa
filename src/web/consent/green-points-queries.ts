/** One traded-in device with its verified CO2e and points (null until a licensed firm records its disposition). */
export interface GreenDevice {
  category: string;
  brandName: string;
  model: string | null;
  disposition: string | null;
  co2eAvoidedKg: number | null;
  greenPoints: number | null;
}

export interface GreenMonth {
  period: string;
  points: number;
  co2eKg: number;
}

export interface MyGreenPoints {
  totalPoints: number;
  co2eAvoidedKg: number;
  rule: { version: string; pointsPerKg: number; factorSet: string };
  months: GreenMonth[];
}

type Result<T> = ({ __typename: 'Me' } & T) | { __typename: 'Unauthenticated' | 'Forbidden'; code: string; message: string };

/** Asked apart from the page's main query, so the rest of the page works on a hub without green points. */
export const GREEN_POINTS_QUERY = /* GraphQL */ `
  query ConsentCentreGreenPoints {
    me {
      __typename
      ... on Me {
        records(first: 500) {
          category
          brandName
          model
          disposition
          co2eAvoidedKg
          greenPoints
        }
        greenPoints {
          totalPoints
          co2eAvoidedKg
          rule {
            version
            pointsPerKg
            factorSet
          }
          months {
            period
            points
            co2eKg
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
export type GreenPointsResult = { me: Result<{ records: GreenDevice[]; greenPoints: MyGreenPoints }> };

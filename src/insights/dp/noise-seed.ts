import { createHash, createHmac } from 'node:crypto';

/** The canonical form of a request: filter keys sorted, list values sorted and unique; groupBy order kept (it shapes the rows). */
export function canonicalRequest(request: {
  purpose: string;
  policyVersion: number;
  groupBy: readonly string[];
  measures: readonly string[];
  filters: Readonly<Record<string, unknown>>;
}): string {
  const filters = Object.keys(request.filters)
    .sort()
    .map((name) => {
      const value = request.filters[name];
      return [name, Array.isArray(value) ? [...new Set(value.map(String))].sort() : value];
    });
  return JSON.stringify({
    purpose: request.purpose,
    policyVersion: request.policyVersion,
    groupBy: request.groupBy,
    measures: [...new Set(request.measures)].sort(),
    filters,
  });
}

/** The seed of an answer's noise: one request over one version of the data. */
export function noiseSeed(canonical: string, dataVersion: string): string {
  return `${canonical}@${dataVersion}`;
}

/** What a party is charged once per month for: a digest of the seed (the request itself is not stored twice). */
export function releaseDigest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** The noise key, derived from the hub's secret so it never equals a key used for anything else. */
export function deriveNoiseKey(secret: Buffer): Buffer {
  return createHmac('sha256', secret).update('tradein-hub/insights-noise/v1').digest();
}

import type { PolicyDecision } from '../policy/evaluate-policy.ts';

/**
 * The hub's typed, expected failures: GraphQL-free, so services throw them and the schema registers the
 * same classes as its error types (src/graphql/errors.graphql.ts and each domain's *.graphql.ts), with no
 * copy and no translating try/catch in between. A message never carries a submitted value.
 */
export class HubError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class UnauthenticatedError extends HubError {
  override readonly name = 'UnauthenticatedError';
  constructor() {
    super('unauthenticated', 'request must carry a bearer token');
  }
}

export class ForbiddenError extends HubError {
  override readonly name = 'ForbiddenError';
}

export class BatchTooLargeError extends HubError {
  override readonly name = 'BatchTooLargeError';
  constructor(
    readonly limit: number,
    readonly received: number,
  ) {
    super('batch.too_large', `documents must number at most ${limit} per call; send larger loads with bulk push (tradein-hub push)`);
  }
}

/**
 * A purpose policy refused the request (insights, regulatory statistics, reports, the fairness watch, wipe
 * figures): one type for every decision the access log records as denied.
 */
export class AccessDeniedError extends HubError {
  override readonly name = 'AccessDeniedError';
  constructor(readonly decision: Pick<PolicyDecision, 'matchedRules' | 'reasons'>) {
    super('access.denied', decision.reasons.join('; ') || 'request must be allowed by the purpose policy');
  }
}

/**
 * The hub's typed, expected failures: GraphQL-free, so services throw them and the schema registers the
 * same classes as its error types (src/graphql/errors.graphql.ts and each domain's *.graphql.ts), with no
 * copy and no translating try/catch in between. A message never carries a submitted value.
 */
export class HubError extends Error {
  constructor(readonly code: string, message: string) {
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
  constructor(readonly limit: number, readonly received: number) {
    super('batch.too_large', `documents must number at most ${limit} per call; send larger loads with bulk push (tradein-hub push)`);
  }
}

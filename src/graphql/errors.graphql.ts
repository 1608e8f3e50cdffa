import { builder } from './builder.ts';

/** A typed, expected failure a client can branch on; its message never carries a submitted value. */
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

export const HubErrorInterface = builder.interfaceRef<HubError>('HubError').implement({
  description: 'An expected failure with a stable code.',
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
  }),
});

builder.objectType(UnauthenticatedError, {
  name: 'Unauthenticated',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof UnauthenticatedError,
});

builder.objectType(ForbiddenError, {
  name: 'Forbidden',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof ForbiddenError,
});

builder.objectType(BatchTooLargeError, {
  name: 'BatchTooLarge',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof BatchTooLargeError,
  fields: (t) => ({
    limit: t.exposeInt('limit'),
    received: t.exposeInt('received'),
  }),
});

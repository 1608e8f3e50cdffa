import { AccessDeniedError, BatchTooLargeError, ForbiddenError, HubError, UnauthenticatedError } from '../errors/hub-errors.ts';
import { builder } from './builder.ts';

export { AccessDeniedError, BatchTooLargeError, ForbiddenError, HubError, UnauthenticatedError };

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

builder.objectType(AccessDeniedError, {
  name: 'AccessDenied',
  description: 'A purpose policy refused the request; the decision is in the access log.',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof AccessDeniedError,
  fields: (t) => ({
    matchedRules: t.stringList({ resolve: (e) => e.decision.matchedRules }),
    reasons: t.stringList({ resolve: (e) => e.decision.reasons }),
  }),
});

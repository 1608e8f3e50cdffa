import { builder } from '../graphql/builder.ts';
import { ANY_TOKEN_FIELD } from '../graphql/principal-guards.ts';
import type { Principal } from '../auth/principal.ts';

const ViewerRef = builder.objectRef<Principal>('Viewer').implement({
  description: 'Who the bearer token says is calling.',
  fields: (t) => ({
    kind: t.string({ description: '`party` or `user`.', resolve: (p) => p.kind }),
    partyId: t.string({ nullable: true, resolve: (p) => (p.kind === 'party' ? p.partyId : null) }),
    role: t.string({ nullable: true, resolve: (p) => (p.kind === 'party' ? p.role : null) }),
    platformId: t.string({ nullable: true, resolve: (p) => (p.kind === 'user' ? p.platformId : null) }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    nullable: true,
    description: 'The caller; null without a token.',
    extensions: ANY_TOKEN_FIELD,
    resolve: (_root, _args, context) => context.principal,
  }),
);

import { builder } from '../graphql/builder.ts';
import { ForbiddenError, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireParty } from '../graphql/principal-guards.ts';
import type { CheckpointChain } from './checkpoint.ts';
import { listCheckpoints, type AuditCheckpointRow } from './checkpoint.repository.ts';
import { signCheckpoints } from './checkpoint.service.ts';

interface CheckpointView {
  chain: CheckpointChain;
  length: string;
  headHash: string;
  signedAt: Date;
  jws: string;
}

const viewOf = (row: AuditCheckpointRow): CheckpointView => ({
  chain: row.chain,
  length: String(row.length),
  headHash: row.head_hash,
  signedAt: row.signed_at,
  jws: row.jws,
});

const AuditCheckpointRef = builder.objectRef<CheckpointView>('AuditCheckpoint').implement({
  description:
    'A signed checkpoint of one hash chain (access_log or consent_ledger): its length and head hash when the hub signed. Keep `jws`; ' +
    '`tradein-hub audit verify --checkpoint FILE` later proves the chain still extends it (a deleted tail or a rewritten chain fails). ' +
    'Verify the signature with /.well-known/jwks.json.',
  fields: (t) => ({
    chain: t.exposeString('chain'),
    length: t.exposeString('length', { description: 'Entries covered (64-bit, as a string).' }),
    headHash: t.exposeString('headHash', {
      description: "hex SHA-256: the last entry's hash, or for the consent ledger the digest over every subject's head.",
    }),
    signedAt: t.field({ type: 'DateTime', resolve: (c) => c.signedAt }),
    jws: t.exposeString('jws', { description: 'The checkpoint as a compact JWS (ES256) signed with the hub key.' }),
  }),
});

builder.queryField('auditCheckpoints', (t) =>
  t.field({
    type: [AuditCheckpointRef],
    description: 'Regulator and operator: the checkpoints the hub signed, newest first (at most 100).',
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    args: { first: t.arg.int({ defaultValue: 20 }) },
    resolve: async (_root, args, context) => {
      requireParty(context, ['regulator', 'operator']);
      return (await listCheckpoints(context.db, Math.min(Math.max(args.first ?? 20, 1), 100))).map(viewOf);
    },
  }),
);

builder.mutationField('signAuditCheckpoints', (t) =>
  t.field({
    type: [AuditCheckpointRef],
    description: 'Regulator and operator: signs a checkpoint of each chain now and returns them, to keep.',
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    resolve: async (_root, _args, context) => {
      requireParty(context, ['regulator', 'operator']);
      const signed = await signCheckpoints({ db: context.db, signingKey: context.signingKey, hubId: context.config.hubId, now: context.now });
      return signed.map(({ claims, jws }) => ({
        chain: claims.chain,
        length: String(claims.length),
        headHash: claims.headHash,
        signedAt: new Date(claims.signedAt),
        jws,
      }));
    },
  }),
);

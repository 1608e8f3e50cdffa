import { builder } from '../graphql/builder.ts';
import { ForbiddenError, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireParty } from '../graphql/principal-guards.ts';
import { listAccessLog } from './access-log.repository.ts';
import type { AccessLogTable } from './access-log.table.ts';

const AccessLogEntryRef = builder.objectRef<AccessLogTable>('AccessLogEntry').implement({
  description: 'One purpose-bound decision, allowed or denied, as chained in the access log.',
  fields: (t) => ({
    seq: t.string({ description: 'Position in the chain (64-bit, as a string).', resolve: (e) => e.seq }),
    id: t.exposeID('id'),
    partyId: t.exposeString('party_id', { nullable: true }),
    purpose: t.exposeString('purpose'),
    policyId: t.exposeString('policy_id', { nullable: true }),
    policyVersion: t.exposeInt('policy_version', { nullable: true }),
    decision: t.exposeString('decision'),
    matchedRules: t.exposeStringList('matched_rules'),
    request: t.field({ type: 'JSON', resolve: (e) => e.request }),
    rowsReleased: t.exposeInt('rows_released'),
    rowsSuppressed: t.exposeInt('rows_suppressed'),
    subjectsCounted: t.exposeInt('subjects_counted'),
    priceFen: t.string({ resolve: (e) => e.price_fen }),
    at: t.field({ type: 'DateTime', resolve: (e) => e.created_at }),
    hash: t.string({ description: 'hex SHA-256 of the previous hash and this entry', resolve: (e) => Buffer.from(e.hash).toString('hex') }),
    previousHash: t.string({ nullable: true, resolve: (e) => (e.prev_hash === null ? null : Buffer.from(e.prev_hash).toString('hex')) }),
  }),
});

builder.queryField('accessLog', (t) =>
  t.field({
    type: [AccessLogEntryRef],
    description: 'Regulator and operator: the access log, newest first (at most 500 a page); `beforeSeq` pages back.',
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    args: { first: t.arg.int({ defaultValue: 100 }), beforeSeq: t.arg.string(), partyId: t.arg.string() },
    resolve: async (_root, args, context) => {
      requireParty(context, ['regulator', 'operator']);
      const beforeSeq = args.beforeSeq != null && /^\d{1,18}$/.test(args.beforeSeq) ? Number(args.beforeSeq) : undefined;
      return listAccessLog(context.db, {
        first: Math.min(Math.max(args.first ?? 100, 1), 500),
        ...(beforeSeq !== undefined ? { beforeSeq } : {}),
        ...(args.partyId != null ? { partyId: args.partyId } : {}),
      });
    },
  }),
);

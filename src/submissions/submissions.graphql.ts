import { isUuid } from '../db/ids.ts';
import { DOCUMENT_KINDS, type DocumentKind } from '../documents/document-kinds.ts';
import type { DocumentError } from '../documents/document-validator.ts';
import { builder } from '../graphql/builder.ts';
import { BatchTooLargeError, ForbiddenError, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireParty } from '../graphql/principal-guards.ts';
import * as submissions from './submissions.repository.ts';
import { ingestDocuments, SUBMITTER_ROLE, type ItemResult } from './submissions.service.ts';

export const DocumentKindEnum = builder.enumType('DocumentKind', {
  values: Object.fromEntries(DOCUMENT_KINDS.map((kind) => [kind.toUpperCase(), { value: kind }])) as Record<string, { value: DocumentKind }>,
});

const DocumentErrorRef = builder.objectRef<DocumentError>('DocumentError').implement({
  description: 'Why a document was refused: where (a JSON Pointer), which rule, in words. Never the value.',
  fields: (t) => ({
    path: t.exposeString('path'),
    code: t.exposeString('code'),
    message: t.exposeString('message'),
  }),
});

type Accepted = Extract<ItemResult, { status: 'accepted' }>;
type Rejected = Extract<ItemResult, { status: 'rejected' }>;
type Conflict = Extract<ItemResult, { status: 'conflict' }>;

const AcceptedRef = builder.objectRef<Accepted>('SubmissionAccepted').implement({
  description: 'The document is stored (or was already, with the same content: `replayed`).',
  fields: (t) => ({
    index: t.exposeInt('index'),
    submissionId: t.exposeID('submissionId'),
    ticket: t.exposeID('ticket', { nullable: true, description: 'The trade-in ticket (UUIDv7) this document created or refers to.' }),
    targetId: t.exposeID('targetId', { nullable: true, description: 'The inspection or disposition id.' }),
    replayed: t.exposeBoolean('replayed'),
  }),
});

const RejectedRef = builder.objectRef<Rejected>('SubmissionRejected').implement({
  description: 'Nothing of this document was stored.',
  fields: (t) => ({
    index: t.exposeInt('index'),
    errors: t.field({ type: [DocumentErrorRef], resolve: (item) => item.errors }),
  }),
});

const ConflictRef = builder.objectRef<Conflict>('SubmissionConflict').implement({
  description: 'The externalRef was used before for a different document; the earlier submission stands.',
  fields: (t) => ({
    index: t.exposeInt('index'),
    submissionId: t.exposeID('submissionId'),
    code: t.string({ resolve: () => 'idempotency.conflict' }),
    message: t.string({ resolve: () => 'externalRef must not be reused for a different document' }),
  }),
});

const ItemResultRef = builder.unionType('SubmissionItemResult', {
  types: [AcceptedRef, RejectedRef, ConflictRef],
  resolveType: (item) => (item.status === 'accepted' ? 'SubmissionAccepted' : item.status === 'rejected' ? 'SubmissionRejected' : 'SubmissionConflict'),
});

export class SubmissionBatch {
  constructor(readonly results: ItemResult[]) {}
}

builder.objectType(SubmissionBatch, {
  name: 'SubmissionBatch',
  isTypeOf: (value) => value instanceof SubmissionBatch,
  fields: (t) => ({
    results: t.field({ type: [ItemResultRef], resolve: (batch) => batch.results }),
    accepted: t.int({ resolve: (batch) => batch.results.filter((r) => r.status === 'accepted').length }),
    rejected: t.int({ resolve: (batch) => batch.results.filter((r) => r.status === 'rejected').length }),
    conflicts: t.int({ resolve: (batch) => batch.results.filter((r) => r.status === 'conflict').length }),
  }),
});

const MUTATIONS: Record<DocumentKind, string> = {
  tradein: 'submitTradeIns',
  inspection: 'submitInspections',
  disposition: 'submitDispositions',
  catalogue: 'submitCatalogueEntries',
  wipe_attestation: 'submitWipeAttestations',
};

for (const kind of DOCUMENT_KINDS) {
  builder.mutationField(MUTATIONS[kind], (t) =>
    t.field({
      type: SubmissionBatch,
      description: `Submits up to 1,000 ${kind}.v1 documents (schema/${kind}.v1.schema.json); only a ${SUBMITTER_ROLE[kind]} may. One result per document, in order.`,
      errors: { types: [UnauthenticatedError, ForbiddenError, BatchTooLargeError] },
      args: { documents: t.arg({ type: ['JSON'], required: true }) },
      resolve: async (_root, args, context) => {
        const party = requireParty(context);
        if (args.documents.length > context.config.maxBatchSize) throw new BatchTooLargeError(context.config.maxBatchSize, args.documents.length);
        // A kind the party's role may not send throws SubmissionForbiddenError, a ForbiddenError.
        const ingest = { ...context, certificates: { key: context.signingKey, hubId: context.config.hubId } };
        const results = await ingestDocuments(ingest, party, kind, args.documents);
        for (const result of results) context.metrics.documents.inc({ kind, outcome: result.status });
        return new SubmissionBatch(results);
      },
    }),
  );
}

type SubmissionNode = submissions.SubmissionRow;

export const SubmissionRef = builder.objectRef<SubmissionNode>('Submission').implement({
  description: "One of the calling party's own submissions. Another party's is indistinguishable from one that does not exist.",
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: DocumentKindEnum, resolve: (row) => row.kind }),
    ticket: t.exposeID('ticket_id', { nullable: true }),
    targetId: t.exposeID('target_id', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.created_at }),
  }),
});

const SubmissionEdge = builder.objectRef<SubmissionNode>('SubmissionEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('id'),
    node: t.field({ type: SubmissionRef, resolve: (row) => row }),
  }),
});

const PageInfo = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});

const SubmissionConnection = builder.objectRef<submissions.SubmissionPage>('SubmissionConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [SubmissionEdge], resolve: (page) => page.rows }),
    pageInfo: t.field({
      type: PageInfo,
      resolve: (page) => ({ hasNextPage: page.hasNextPage, endCursor: page.rows.at(-1)?.id ?? null }),
    }),
  }),
});

const MAX_PAGE = 500;

builder.queryField('mySubmissions', (t) =>
  t.field({
    type: SubmissionConnection,
    description: `The calling party's own submissions, newest first (at most ${MAX_PAGE} a page).`,
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    args: {
      first: t.arg.int({ defaultValue: 50 }),
      after: t.arg.string({ description: 'The endCursor of the previous page.' }),
      kind: t.arg({ type: DocumentKindEnum }),
    },
    resolve: async (_root, args, context) => {
      const party = requireParty(context);
      const first = Math.min(Math.max(args.first ?? 50, 1), MAX_PAGE);
      if (args.after != null && !isUuid(args.after)) throw new ForbiddenError('cursor.invalid', 'after must be an endCursor this API returned');
      return submissions.listPartySubmissions(context.db, party.partyId, {
        first,
        ...(args.after != null ? { before: args.after } : {}),
        ...(args.kind != null ? { kind: args.kind } : {}),
      });
    },
  }),
);

builder.queryField('submission', (t) =>
  t.field({
    type: SubmissionRef,
    nullable: true,
    description: "One of the calling party's own submissions; null for an unknown id and for another party's alike.",
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const party = requireParty(context);
      const id = String(args.id);
      if (!isUuid(id)) return null;
      return (await submissions.findPartySubmission(context.db, party.partyId, id)) ?? null;
    },
  }),
);

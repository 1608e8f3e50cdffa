import { isUuid } from '../db/ids.ts';
import { DOCUMENT_KINDS, type DocumentKind } from '../documents/document-kinds.ts';
import { DEFAULT_DOCUMENT_VERSION, deprecationOf, documentName, DOCUMENT_VERSIONS, DocumentVersionError } from '../documents/document-versions.ts';
import type { DocumentError } from '../documents/document-validator.ts';
import { builder } from '../graphql/builder.ts';
import { BatchTooLargeError, ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
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

builder.objectType(DocumentVersionError, {
  name: 'DocumentVersionNotAccepted',
  description:
    'The batch named a document version the standard does not define, or one outside its acceptance window (schema/document-versions.json). Nothing was read or stored.',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof DocumentVersionError,
  fields: (t) => ({
    kind: t.field({ type: DocumentKindEnum, resolve: (error) => error.kind }),
    version: t.exposeInt('version'),
    acceptedFrom: t.field({ type: 'DateTime', nullable: true, resolve: (error) => error.acceptedFrom }),
    acceptedUntil: t.field({ type: 'DateTime', nullable: true, resolve: (error) => error.acceptedUntil }),
    successor: t.exposeInt('successor', { nullable: true, description: 'The version to submit instead.' }),
  }),
});

/** A deprecated version's notice: until when it is still accepted and what to move to. */
interface VersionDeprecation {
  kind: DocumentKind;
  version: number;
  acceptedUntil: Date;
  successor: number;
}

const DeprecationRef = builder.objectRef<VersionDeprecation>('DocumentVersionDeprecation').implement({
  description: 'The batch was sent as a deprecated version: it is still accepted until acceptedUntil; submit successor instead.',
  fields: (t) => ({
    kind: t.field({ type: DocumentKindEnum, resolve: (notice) => notice.kind }),
    version: t.exposeInt('version'),
    acceptedUntil: t.field({ type: 'DateTime', resolve: (notice) => notice.acceptedUntil }),
    successor: t.exposeInt('successor'),
  }),
});

export class SubmissionBatch {
  constructor(
    readonly results: ItemResult[],
    readonly version: number = DEFAULT_DOCUMENT_VERSION,
    readonly deprecation: VersionDeprecation | null = null,
  ) {}
}

builder.objectType(SubmissionBatch, {
  name: 'SubmissionBatch',
  isTypeOf: (value) => value instanceof SubmissionBatch,
  fields: (t) => ({
    results: t.field({ type: [ItemResultRef], resolve: (batch) => batch.results }),
    accepted: t.int({ resolve: (batch) => batch.results.filter((r) => r.status === 'accepted').length }),
    rejected: t.int({ resolve: (batch) => batch.results.filter((r) => r.status === 'rejected').length }),
    conflicts: t.int({ resolve: (batch) => batch.results.filter((r) => r.status === 'conflict').length }),
    version: t.exposeInt('version', { description: 'The document version the batch was read as.' }),
    deprecation: t.field({ type: DeprecationRef, nullable: true, resolve: (batch) => batch.deprecation }),
  }),
});

function versionList(kind: DocumentKind): string {
  return (DOCUMENT_VERSIONS.get(kind) ?? []).map((entry) => documentName(kind, entry.version)).join(', ');
}

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
      description: `Submits up to 1,000 ${kind} documents of one version (${versionList(kind)}; schema/document-versions.json says which are accepted when); only a ${SUBMITTER_ROLE[kind]} may. One result per document, in order.`,
      errors: { types: [UnauthenticatedError, ForbiddenError, BatchTooLargeError, DocumentVersionError] },
      args: {
        documents: t.arg({ type: ['JSON'], required: true }),
        version: t.arg.int({ description: `The documents' version; ${DEFAULT_DOCUMENT_VERSION} when omitted.` }),
      },
      resolve: async (_root, args, context) => {
        const party = requireParty(context);
        if (args.documents.length > context.config.maxBatchSize) throw new BatchTooLargeError(context.config.maxBatchSize, args.documents.length);
        const version = args.version ?? DEFAULT_DOCUMENT_VERSION;
        // A kind the party's role may not send throws SubmissionForbiddenError, a ForbiddenError; a version
        // outside its window, DocumentVersionError.
        const ingest = { ...context, certificates: { key: context.signingKey, hubId: context.config.hubId } };
        const results = await ingestDocuments(ingest, party, kind, args.documents, 'graphql', version);
        for (const result of results) context.metrics.documents.inc({ kind, outcome: result.status });
        const deprecation = deprecationOf(kind, version, context.now());
        return new SubmissionBatch(results, version, deprecation === undefined ? null : { kind, version, ...deprecation });
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
    version: t.exposeInt('version', { description: 'The document version it was sent as.' }),
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

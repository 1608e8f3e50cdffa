import { PurposeConsentRef, consentContextOf } from '../consent/consent.graphql.ts';
import { listConsentEvents } from '../consent/consent.repository.ts';
import type { ConsentEventsTable } from '../consent/consent.table.ts';
import { consentOverview } from '../consent/consent.service.ts';
import { builder } from '../graphql/builder.ts';
import { earningLines, subjectEarnings, type EarningLine, type PeriodEarnings } from '../ledger/earnings.ts';
import { subjectPointers, type SubjectPointers } from '../ledger/subject-shares.ts';
import { ForbiddenError, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireUser, USER_TOKEN_FIELD } from '../graphql/principal-guards.ts';
import type { HubContext } from '../graphql/context.ts';
import { subjectIdFor } from './subject-id.ts';
import { listLegacyContributions, listSubjectRecords, type SubjectRecordRow } from './subjects.repository.ts';
import { SHIPPED_BRANDS } from '../vocabulary/shipped-brands.ts';
import { listRegisteredBrands } from '../vocabulary/vocabulary.repository.ts';

const SHIPPED_BRAND_NAMES: ReadonlyMap<string, string> = new Map(SHIPPED_BRANDS.map((b) => [b.id, b.nameEn]));

/** A brand id's English display name: shipped brands from the list, registered ones from the table. */
async function brandDisplayName(context: HubContext, brandId: string): Promise<string> {
  const shipped = SHIPPED_BRAND_NAMES.get(brandId);
  if (shipped !== undefined) return shipped;
  const registered = (await listRegisteredBrands(context.db)).find((b) => b.id === brandId);
  return registered?.nameEn ?? brandId;
}

export const MyRecordRef = builder.objectRef<SubjectRecordRow>('MyRecord').implement({
  description: 'One traded-in device as the hub holds it: model-level facts only. No name, phone, address, ID, serial or photo is ever held.',
  fields: (t) => ({
    category: t.exposeString('category'),
    brand: t.exposeString('brand', { description: "The brand's canonical id (e.g. apple)." }),
    brandName: t.string({
      description: "The brand's display name from the brand registry (its English name, e.g. Apple); the id when the registry does not hold it.",
      resolve: (r, _args, context: HubContext) => brandDisplayName(context, r.brand),
    }),
    model: t.exposeString('model', {
      nullable: true,
      description: 'Null while the brand has not catalogued the model: the hub keeps no model text it cannot resolve.',
    }),
    usageMonths: t.exposeInt('usage_months'),
    tradeInMonth: t.string({ resolve: (r) => r.trade_in_month.slice(0, 7) }),
    regionCode: t.exposeString('region_code', { nullable: true }),
    channel: t.exposeString('channel'),
    quotedValuationFen: t.string({ description: 'Integer fen, as a string (64-bit).', resolve: (r) => r.quoted_valuation_fen }),
    grade: t.exposeString('grade', { nullable: true }),
    disposition: t.exposeString('disposition', { nullable: true }),
  }),
});

const ReceiptRef = builder.objectRef<ConsentEventsTable>('ConsentReceipt').implement({
  fields: (t) => ({
    receiptId: t.exposeID('receipt_id'),
    purpose: t.exposeString('purpose'),
    action: t.exposeString('action'),
    status: t.exposeString('status'),
    issuedAt: t.field({ type: 'DateTime', resolve: (e) => e.created_at }),
    receipt: t.exposeString('receipt', { description: 'The JWS the hub signed; verify it with /.well-known/jwks.json.' }),
  }),
});

interface MeShape {
  platformId: string;
  subjectRef: string;
  subjectId: string;
}

export class Me implements MeShape {
  constructor(
    readonly platformId: string,
    readonly subjectRef: string,
    readonly subjectId: string,
  ) {}
}

interface CountingQuery {
  queryId: string;
  partyId: string;
  purpose: string;
  at: Date;
  priceFen: string;
  /** What it asked; null for queries billed before the hub kept their requests. */
  groupBy: string[] | null;
  filters: Record<string, unknown> | null;
  measures: string[] | null;
}

const CountedByRef = builder.objectRef<CountingQuery>('QueryCountingMe').implement({
  description: 'A released query that counted the user: who asked, for what, what it asked, when, and the price per subject.',
  fields: (t) => ({
    queryId: t.exposeID('queryId'),
    partyId: t.exposeString('partyId'),
    purpose: t.exposeString('purpose'),
    at: t.field({ type: 'DateTime', resolve: (q) => q.at }),
    priceFen: t.string({ description: 'Integer fen per subject, as a string (64-bit).', resolve: (q) => q.priceFen }),
    dimensions: t.stringList({
      nullable: true,
      description: 'The dimensions it grouped by (null for queries billed before requests were kept).',
      resolve: (q) => q.groupBy,
    }),
    filters: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The filters it applied: month bounds and value lists per dimension.',
      resolve: (q) => q.filters,
    }),
    measures: t.stringList({ nullable: true, description: 'The measures it asked for.', resolve: (q) => q.measures }),
  }),
});

/** The pointers' view of the user, computed once per request (several fields read it). */
const pointersOf = new WeakMap<object, Promise<SubjectPointers>>();
function mine(context: HubContext, subjectId: string): Promise<SubjectPointers> {
  let found = pointersOf.get(context);
  if (found === undefined) {
    found = subjectPointers(context.db, subjectId);
    pointersOf.set(context, found);
  }
  return found;
}

/** Every query that counted the user, newest first: from the pointers, and the contributions of before. */
async function countedBy(context: HubContext, subjectId: string, first: number): Promise<CountingQuery[]> {
  const fromPointers: CountingQuery[] = (await mine(context, subjectId)).counted.map((p) => ({
    queryId: p.queryId,
    partyId: p.partyId,
    purpose: p.purpose,
    at: p.at,
    priceFen: String(p.pricePerSubjectFen),
    groupBy: p.groupBy,
    filters: p.filters,
    measures: p.measures,
  }));
  const legacy: CountingQuery[] = (await listLegacyContributions(context.db, subjectId, first)).map((row) => ({
    queryId: row.query_id,
    partyId: row.party_id,
    purpose: row.purpose,
    at: row.created_at,
    priceFen: row.price_fen,
    groupBy: null,
    filters: null,
    measures: null,
  }));
  return [...fromPointers, ...legacy]
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.queryId < b.queryId ? 1 : a.queryId > b.queryId ? -1 : 0))
    .slice(0, first);
}

const EarningLineRef = builder.objectRef<EarningLine>('EarningLine').implement({
  description: "One query's share of its users' pool that went to the user (negative on a correction that takes one back).",
  fields: (t) => ({
    queryId: t.exposeID('queryId'),
    partyId: t.exposeString('partyId'),
    purpose: t.exposeString('purpose'),
    amountFen: t.exposeInt('amountFen'),
    at: t.field({ type: 'DateTime', resolve: (l) => l.at }),
    reversesQueryId: t.exposeID('reversesQueryId', { nullable: true }),
  }),
});

const EarningsStatusEnum = builder.enumType('EarningsPeriodStatus', { values: ['OPEN', 'CLOSED'] as const });

const PeriodEarningsRef = builder.objectRef<PeriodEarnings & { subjectId: string }>('PeriodEarnings').implement({
  description: 'A month (UTC) of earnings: brought forward + earned = accrued; a closed period pays accrued at or above the minimum and carries the rest.',
  fields: (t) => ({
    period: t.exposeString('period'),
    status: t.field({ type: EarningsStatusEnum, resolve: (e) => e.status }),
    broughtForwardFen: t.exposeInt('broughtForwardFen'),
    earnedFen: t.exposeInt('earnedFen'),
    accruedFen: t.exposeInt('accruedFen'),
    paidFen: t.exposeInt('paidFen', { nullable: true, description: 'Null while the period is open.' }),
    carriedFen: t.exposeInt('carriedFen', { nullable: true, description: 'Null while the period is open.' }),
    lines: t.field({
      type: [EarningLineRef],
      args: { first: t.arg.int({ defaultValue: 100 }) },
      resolve: async (e, args, context: HubContext) =>
        earningLines(context.db, e.subjectId, e.period, Math.min(Math.max(args.first ?? 100, 1), MAX_ITEMS), (await mine(context, e.subjectId)).lines),
    }),
  }),
});

const MAX_ITEMS = 500;

builder.objectType(Me, {
  name: 'Me',
  description: 'What the hub holds about the calling user, their consent per purpose and their receipts.',
  isTypeOf: (value) => value instanceof Me,
  fields: (t) => ({
    platformId: t.exposeString('platformId'),
    subjectRef: t.exposeString('subjectRef'),
    records: t.field({
      type: [MyRecordRef],
      args: { first: t.arg.int({ defaultValue: 100 }) },
      resolve: (me, args, context: HubContext) => listSubjectRecords(context.db, me.subjectId, Math.min(Math.max(args.first ?? 100, 1), MAX_ITEMS)),
    }),
    consents: t.field({
      type: [PurposeConsentRef],
      resolve: (me, _args, context: HubContext) => consentOverview(consentContextOf(context), me),
    }),
    queries: t.field({
      type: [CountedByRef],
      description: 'Every released query that counted the user, newest first, with what it asked.',
      args: { first: t.arg.int({ defaultValue: 100 }) },
      resolve: (me, args, context: HubContext) => countedBy(context, me.subjectId, Math.min(Math.max(args.first ?? 100, 1), MAX_ITEMS)),
    }),
    earnings: t.field({
      type: [PeriodEarningsRef],
      description: 'Earnings per period, newest first: what each query that counted the user paid them, and what payout runs paid or carried.',
      resolve: async (me, _args, context: HubContext) =>
        (await subjectEarnings(context.db, me.subjectId, (await mine(context, me.subjectId)).lines)).map((e) => ({ ...e, subjectId: me.subjectId })),
    }),
    receipts: t.field({
      type: [ReceiptRef],
      args: { first: t.arg.int({ defaultValue: 100 }) },
      resolve: (me, args, context: HubContext) => listConsentEvents(context.db, me.subjectId, Math.min(Math.max(args.first ?? 100, 1), MAX_ITEMS)),
    }),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: Me,
    description: 'The calling user (user token): their records (analytic fields only), consent per purpose and receipts.',
    extensions: USER_TOKEN_FIELD,
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    resolve: (_root, _args, context) => {
      const user = requireUser(context);
      return new Me(user.platformId, user.subjectRef, subjectIdFor(context.secret, user.platformId, user.subjectRef));
    },
  }),
);

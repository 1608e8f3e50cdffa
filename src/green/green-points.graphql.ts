import { builder } from '../graphql/builder.ts';
import type { HubContext } from '../graphql/context.ts';
import { ForbiddenError, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireParty, requireUser } from '../graphql/principal-guards.ts';
import { LedgerError } from '../ledger/ledger-error.ts';
import { Statement } from '../ledger/ledger.graphql.ts';
import { isPeriod, periodBounds } from '../ledger/periods.ts';
import { Me, MyRecordRef } from '../subjects/me.graphql.ts';
import { subjectIdFor } from '../subjects/subject-id.ts';
import { GREEN_POINTS_RULE } from './green-points-rule.ts';
import {
  platformGreenLines,
  platformGreenStatement,
  subjectDeviceAwards,
  subjectGreenEntries,
  subjectGreenPoints,
  type GreenEntry,
  type GreenMonth,
  type GreenStatement,
  type GreenStatementLine,
  type MyGreenPoints,
} from './green-points.service.ts';

const MAX_ITEMS = 500;
const MAX_LINES = 5000;
const clamp = (n: number | null | undefined, max: number) => Math.min(Math.max(n ?? 100, 1), max);

const GreenPointsRuleRef = builder.objectRef<typeof GREEN_POINTS_RULE>('GreenPointsRule').implement({
  description: 'The published rule: points = round(kg CO2e avoided × pointsPerKg), for devices whose disposition a licensed, active registered firm recorded.',
  fields: (t) => ({
    version: t.exposeString('version'),
    pointsPerKg: t.exposeInt('pointsPerKg'),
    factorSet: t.exposeString('factorSet', { description: 'The carbon factor set the kg come from.' }),
  }),
});

// Per request, the user's verified devices are read once, however many records the answer lists.
const deviceAwards = new WeakMap<object, ReturnType<typeof subjectDeviceAwards>>();
function awardsOfCaller(context: HubContext): ReturnType<typeof subjectDeviceAwards> {
  let awards = deviceAwards.get(context);
  if (awards === undefined) {
    const user = requireUser(context);
    awards = subjectDeviceAwards(context.db, subjectIdFor(context.secret, user.platformId, user.subjectRef));
    deviceAwards.set(context, awards);
  }
  return awards;
}

builder.objectField(MyRecordRef, 'co2eAvoidedKg', (t) =>
  t.float({
    nullable: true,
    description: 'kg CO2e the device avoided, as verified (hub carbon factors, rounded to the gram); null until a licensed firm records its disposition.',
    resolve: async (record, _args, context: HubContext) => (await awardsOfCaller(context)).get(record.id)?.co2eKg ?? null,
  }),
);

builder.objectField(MyRecordRef, 'greenPoints', (t) =>
  t.int({
    nullable: true,
    description: 'Green points the device earned (its standing award); null until verified.',
    resolve: async (record, _args, context: HubContext) => (await awardsOfCaller(context)).get(record.id)?.points ?? null,
  }),
);

const GreenMonthRef = builder.objectRef<GreenMonth>('GreenPointsMonth').implement({
  description: 'Net green points and kg CO2e posted in a month (UTC): awards less reversals.',
  fields: (t) => ({
    period: t.exposeString('period'),
    points: t.exposeInt('points'),
    co2eKg: t.exposeFloat('co2eKg'),
  }),
});

const GreenEntryKindEnum = builder.enumType('GreenPointsEntryKind', { values: ['AWARD', 'REVERSAL'] as const });

const GreenEntryRef = builder.objectRef<GreenEntry>('GreenPointsEntry').implement({
  description:
    "One entry of the user's green-points ledger: an award when a device's disposition is verified, a reversal (negative) when a later one changes it.",
  fields: (t) => ({
    kind: t.field({ type: GreenEntryKindEnum, resolve: (e) => (e.kind === 'award' ? 'AWARD' : 'REVERSAL') }),
    period: t.exposeString('period'),
    points: t.exposeInt('points'),
    co2eKg: t.exposeFloat('co2eKg'),
    factorSet: t.exposeString('factorSet'),
    pointsPerKg: t.exposeInt('pointsPerKg'),
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
  }),
});

const MyGreenPointsRef = builder.objectRef<MyGreenPoints & { subjectId: string }>('MyGreenPoints').implement({
  description: "The user's own green-points ledger: not money, never paid out by the hub; the platform credits them in its points programme.",
  fields: (t) => ({
    totalPoints: t.exposeInt('totalPoints'),
    co2eAvoidedKg: t.exposeFloat('co2eAvoidedKg', { description: 'kg CO2e avoided by the verified devices.' }),
    rule: t.field({ type: GreenPointsRuleRef, resolve: () => GREEN_POINTS_RULE }),
    months: t.field({ type: [GreenMonthRef], description: 'Newest first.', resolve: (g) => g.months }),
    entries: t.field({
      type: [GreenEntryRef],
      description: 'Newest first.',
      args: { first: t.arg.int({ defaultValue: 100 }) },
      resolve: (g, args, context: HubContext) => subjectGreenEntries(context.db, g.subjectId, clamp(args.first, MAX_ITEMS)),
    }),
  }),
});

builder.objectField(Me, 'greenPoints', (t) =>
  t.field({
    type: MyGreenPointsRef,
    description: 'Green points for the CO2e the user’s recycled devices verifiably avoided: the total, per month and per entry.',
    resolve: async (me, _args, context: HubContext) => ({ ...(await subjectGreenPoints(context.db, me.subjectId)), subjectId: me.subjectId }),
  }),
);

const GreenLineRef = builder.objectRef<GreenStatementLine>('GreenPointsLine').implement({
  description: "One user's green points posted in the month.",
  fields: (t) => ({
    subjectRef: t.exposeString('subjectRef', { description: "The platform's own pseudonym for the user." }),
    points: t.exposeInt('points', { description: 'Net points: awards less reversals.' }),
    co2eKg: t.exposeFloat('co2eKg'),
    devices: t.exposeInt('devices', { description: 'Devices with an entry in the month.' }),
  }),
});

class GreenStatementView {
  constructor(readonly statement: GreenStatement) {}
}

builder.objectType(GreenStatementView, {
  name: 'GreenPointsStatement',
  description:
    "A platform's users' green points posted in a month (UTC), to credit in its own points programme; also at GET /statements/<period>.green-points.csv or .json.",
  isTypeOf: (value) => value instanceof GreenStatementView,
  fields: (t) => ({
    period: t.string({ resolve: (s) => s.statement.period }),
    platformId: t.string({ resolve: (s) => s.statement.platformId }),
    final: t.boolean({
      description: 'Whether the month has ended: entries are dated when the hub records a disposition, so a past month never changes.',
      resolve: (s, _args, context: HubContext) => periodBounds(s.statement.period).end.getTime() <= context.now().getTime(),
    }),
    users: t.int({ resolve: (s) => s.statement.users }),
    totalPoints: t.int({ resolve: (s) => s.statement.points }),
    co2eKg: t.float({ resolve: (s) => s.statement.co2eKg }),
    entries: t.int({ description: 'Awards and reversals posted.', resolve: (s) => s.statement.entries }),
    rule: t.field({ type: GreenPointsRuleRef, resolve: () => GREEN_POINTS_RULE }),
    lines: t.field({
      type: [GreenLineRef],
      description: 'One line per user, in the vault’s (subject id) order; page with `after` (the last ref seen).',
      args: { first: t.arg.int({ defaultValue: 100 }), after: t.arg.string() },
      resolve: (s, args, context: HubContext) =>
        platformGreenLines(context.db, context.secret, s.statement.platformId, s.statement.period, {
          first: clamp(args.first, MAX_LINES),
          ...(args.after == null ? {} : { after: args.after }),
        }),
    }),
  }),
});

builder.queryField('greenPointsStatement', (t) =>
  t.field({
    type: GreenStatementView,
    description: "A platform's users' green points for a month (UTC), open or closed. Operators name the platform.",
    errors: { types: [UnauthenticatedError, ForbiddenError, LedgerError] },
    args: { period: t.arg.string({ required: true }), platformId: t.arg.string() },
    resolve: async (_root, args, context) => {
      const party = requireParty(context, ['platform', 'operator']);
      if (!isPeriod(args.period)) throw new LedgerError('period.format', 'period must be YYYY-MM (a calendar month, UTC)');
      if (party.role === 'operator' && args.platformId == null) throw new LedgerError('statement.platform_required', 'an operator must name the platform');
      const platformId = party.role === 'platform' ? party.partyId : args.platformId!;
      return new GreenStatementView(await platformGreenStatement(context.db, platformId, args.period));
    },
  }),
);

builder.objectField(Statement, 'greenPoints', (t) =>
  t.field({
    type: GreenStatementView,
    description: "The same month's green points for the platform's users (points, not money).",
    resolve: async (s, _args, context: HubContext) =>
      new GreenStatementView(await platformGreenStatement(context.db, s.statement.platformId, s.statement.period)),
  }),
);

import { builder } from '../graphql/builder.ts';
import { ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireParty } from '../graphql/principal-guards.ts';
import type { HubContext } from '../graphql/context.ts';
import { LedgerError } from './ledger-error.ts';
import { partyStatements, type PartyPeriodStatement } from './party-statements.ts';
import { runPayouts, type PayoutRunSummary } from './payout-run.ts';
import { isPeriod } from './periods.ts';
import { reverseQueryCharge } from './reverse-query.ts';
import { confirmStatementPaid, findStatement, statementLines, type PlatformStatement, type StatementLine } from './statements.ts';

builder.objectType(LedgerError, {
  name: 'LedgerRefused',
  description: 'The ledger refused: a period not ended or already closed, an earlier period still open, no such statement…',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof LedgerError,
});

const errors = { types: [UnauthenticatedError, ForbiddenError, LedgerError] };
const MAX_LINES = 5000;

function requirePeriod(period: string): string {
  if (!isPeriod(period)) throw new LedgerError('period.format', 'period must be YYYY-MM (a calendar month, UTC)');
  return period;
}

/** Integer fen that may exceed 32 bits (totals), as a decimal string. */
const fen = (value: number) => String(value);

const PayoutStatementSummaryRef = builder.objectRef<PayoutRunSummary['statements'][number]>('PayoutStatementSummary').implement({
  fields: (t) => ({
    platformId: t.exposeString('platformId'),
    subjects: t.exposeInt('subjects', { description: 'Users paid.' }),
    totalFen: t.string({ description: 'Integer fen, as a string (64-bit).', resolve: (s) => fen(s.totalFen) }),
  }),
});

class PayoutRun {
  constructor(readonly run: PayoutRunSummary) {}
}

builder.objectType(PayoutRun, {
  name: 'PayoutRun',
  description: "A period's payout run: what was accrued, paid and carried forward, and one statement per platform.",
  isTypeOf: (value) => value instanceof PayoutRun,
  fields: (t) => ({
    period: t.string({ resolve: (r) => r.run.period }),
    runId: t.id({ resolve: (r) => r.run.runId }),
    alreadyClosed: t.boolean({
      description: 'True when the period was closed before this call, which therefore paid nothing.',
      resolve: (r) => r.run.alreadyClosed,
    }),
    minimumFen: t.int({ resolve: (r) => r.run.minimumFen }),
    subjects: t.int({ description: 'Users with accruals in the run.', resolve: (r) => r.run.subjects }),
    earnedFen: t.string({ description: 'Integer fen, as a string (64-bit).', resolve: (r) => fen(r.run.earnedFen) }),
    broughtForwardFen: t.string({ resolve: (r) => fen(r.run.broughtForwardFen) }),
    paidFen: t.string({ resolve: (r) => fen(r.run.paidFen) }),
    carriedFen: t.string({ resolve: (r) => fen(r.run.carriedFen) }),
    statements: t.field({ type: [PayoutStatementSummaryRef], resolve: (r) => r.run.statements }),
  }),
});

builder.mutationField('runPayouts', (t) =>
  t.field({
    type: PayoutRun,
    description: 'Operator: closes a period (YYYY-MM, UTC, once it has ended) and pays it. Running it again pays nothing twice.',
    errors,
    args: {
      period: t.arg.string({ required: true }),
      minimumFen: t.arg.int({ description: "Pay accruals at or above this; defaults to the hub's setting (100 fen)." }),
    },
    resolve: async (_root, args, context) => {
      requireParty(context, ['operator']);
      const run = await runPayouts(context.db, {
        period: requirePeriod(args.period),
        minimumFen: args.minimumFen ?? context.config.payoutMinimumFen,
        now: context.now(),
      });
      return new PayoutRun(run);
    },
  }),
);

const StatementLineRef = builder.objectRef<StatementLine>('StatementLine').implement({
  fields: (t) => ({
    subjectRef: t.exposeString('subjectRef', { description: "The platform's own pseudonym for the user." }),
    amountFen: t.int({ resolve: (l) => l.amountFen }),
  }),
});

export class Statement {
  constructor(readonly statement: PlatformStatement) {}
}

builder.objectType(Statement, {
  name: 'PayoutStatement',
  description: 'What a platform is to pay its users for a closed period; also at GET /statements/<period>.csv or .json.',
  isTypeOf: (value) => value instanceof Statement,
  fields: (t) => ({
    period: t.string({ resolve: (s) => s.statement.period }),
    platformId: t.string({ resolve: (s) => s.statement.platformId }),
    subjects: t.int({ description: 'Users paid.', resolve: (s) => s.statement.subjects }),
    totalFen: t.string({ description: 'Integer fen, as a string (64-bit).', resolve: (s) => fen(s.statement.totalFen) }),
    issuedAt: t.field({ type: 'DateTime', resolve: (s) => s.statement.issuedAt }),
    confirmedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the platform confirmed it paid.', resolve: (s) => s.statement.confirmedAt }),
    confirmationReference: t.string({ nullable: true, resolve: (s) => s.statement.confirmationReference }),
    lines: t.field({
      type: [StatementLineRef],
      description: 'Subject ref → fen paid, in the vault’s (subject id) order; page with `after` (the last ref seen).',
      args: { first: t.arg.int({ defaultValue: 100 }), after: t.arg.string() },
      resolve: (s, args, context: HubContext) =>
        statementLines(context.db, context.secret, s.statement.period, s.statement.platformId, {
          first: Math.min(Math.max(args.first ?? 100, 1), MAX_LINES),
          ...(args.after == null ? {} : { after: args.after }),
        }),
    }),
  }),
});

/** The platform itself, or an operator naming it. */
function statementPlatform(context: HubContext, platformId: string | null | undefined): string {
  const party = requireParty(context, ['platform', 'operator']);
  if (party.role === 'platform') return party.partyId;
  if (platformId == null) throw new LedgerError('statement.platform_required', 'an operator must name the platform');
  return platformId;
}

builder.queryField('payoutStatement', (t) =>
  t.field({
    type: Statement,
    nullable: true,
    description: "A platform's payout statement for a closed period (null when there is none). Operators name the platform.",
    errors,
    args: { period: t.arg.string({ required: true }), platformId: t.arg.string() },
    resolve: async (_root, args, context) => {
      const statement = await findStatement(context.db, requirePeriod(args.period), statementPlatform(context, args.platformId));
      return statement === undefined ? null : new Statement(statement);
    },
  }),
);

builder.mutationField('confirmStatementPaid', (t) =>
  t.field({
    type: Statement,
    description: 'Platform: says it has paid its users what the statement lists. Idempotent; the first confirmation stands.',
    errors,
    args: { period: t.arg.string({ required: true }), reference: t.arg.string({ description: "The platform's own payment reference." }) },
    resolve: async (_root, args, context) => {
      const platform = requireParty(context, ['platform']);
      const reference = args.reference == null ? null : args.reference.slice(0, 200);
      return new Statement(await confirmStatementPaid(context.db, requirePeriod(args.period), platform.partyId, reference, context.now()));
    },
  }),
);

const PartyStatementRef = builder.objectRef<PartyPeriodStatement>('PartyPeriodStatement').implement({
  description: 'What a party was charged and earned in one period, from the journal (reversals net in the period they were posted).',
  fields: (t) => ({
    period: t.exposeString('period'),
    partyId: t.exposeString('partyId'),
    chargedFen: t.string({ description: 'Integer fen, as a string (64-bit): charged for its queries.', resolve: (s) => fen(s.chargedFen) }),
    earnedFen: t.string({ description: 'Integer fen: earned for the documents it supplied.', resolve: (s) => fen(s.earnedFen) }),
    queries: t.exposeInt('queries', { description: 'Queries it was charged for.' }),
    usersEarnedFen: t.string({ description: 'Platforms: what its users earned in the period.', resolve: (s) => fen(s.usersEarnedFen) }),
    usersPaidFen: t.string({ description: "Platforms: what the period's payout run passed to it to pay its users.", resolve: (s) => fen(s.usersPaidFen) }),
  }),
});

builder.queryField('partyStatements', (t) =>
  t.field({
    type: [PartyStatementRef],
    description: 'What the calling party was charged and earned, per period, newest first. Operators and regulators may name a party.',
    errors,
    args: { partyId: t.arg.string() },
    resolve: (_root, args, context) => {
      const party = requireParty(context);
      const oversight = party.role === 'operator' || party.role === 'regulator';
      if (args.partyId != null && args.partyId !== party.partyId && !oversight) {
        throw new ForbiddenError('forbidden.role', "only operators and regulators may read another party's statements");
      }
      return partyStatements(context.db, args.partyId ?? party.partyId);
    },
  }),
);

class Reversal {
  constructor(
    readonly journalId: string,
    readonly period: string,
    readonly amountFen: number,
  ) {}
}

builder.objectType(Reversal, {
  name: 'QueryChargeReversed',
  isTypeOf: (value) => value instanceof Reversal,
  fields: (t) => ({
    journalId: t.id({ resolve: (r) => r.journalId }),
    period: t.string({ description: 'The open period the reversal was posted in.', resolve: (r) => r.period }),
    amountFen: t.string({ description: 'The charge taken back, integer fen as a string.', resolve: (r) => fen(r.amountFen) }),
  }),
});

builder.mutationField('reverseQueryCharge', (t) =>
  t.field({
    type: Reversal,
    description:
      "Operator: corrects a billed query with a reversing journal in the current period (the payer refunded, users' and parties' shares taken back). Closed periods never change.",
    errors,
    args: { queryId: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: async (_root, args, context) => {
      requireParty(context, ['operator']);
      const queryId = String(args.queryId);
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(queryId))
        throw new LedgerError('reversal.not_found', 'no billed query has this id');
      const { journalId, period, amountFen } = await reverseQueryCharge(context.db, queryId, args.reason, context.now());
      return new Reversal(journalId, period, amountFen);
    },
  }),
);

import { builder } from '../graphql/builder.ts';
import { AccessDeniedError, ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireParty } from '../graphql/principal-guards.ts';
import type { HubContext } from '../graphql/context.ts';
import { MyRecordRef } from '../subjects/me.graphql.ts';
import { WIPE_STATUSES, wipeStatusOf, type WipeStatus } from './wipe-status.ts';
import * as wipes from './wipes.repository.ts';
import { runWipeStatistics, WipeArgumentError, type WipedDevicesRow, type WipeStatisticsAnswer } from './wipes.service.ts';

export const WipeStatusEnum = builder.enumType('WipeStatus', {
  description:
    'CERTIFIED: a notary attested a successful wipe and the hub issued a certificate. ATTESTED_WITHOUT_CERTIFICATE: a notary attested a wipe that failed or had exceptions. SELF_DECLARED: only the recycler’s own statement. NONE: nothing.',
  values: Object.fromEntries(WIPE_STATUSES.map((status) => [status.toUpperCase(), { value: status }])) as Record<string, { value: WipeStatus }>,
});

export const WipeCertificateRef = builder.objectRef<wipes.WipeCertificateRow>('WipeCertificate').implement({
  description:
    'A wipe certificate: a JWS the hub signed (typ wipe-certificate+jwt), verifiable with /.well-known/jwks.json. It names the ticket, the notary, the standard, level and month; nothing about the user.',
  fields: (t) => ({
    certificateId: t.exposeID('certificate_id', { description: 'The JWS `jti`.' }),
    ticket: t.exposeID('ticket_id', { description: 'The JWS `sub`.' }),
    notary: t.exposeString('notary_id', { description: 'The party that attested the wipe.' }),
    standard: t.exposeString('standard'),
    level: t.exposeString('level'),
    method: t.exposeString('method'),
    verification: t.exposeString('verification'),
    month: t.string({ description: 'YYYY-MM, the month the wipe was verified.', resolve: (c) => c.wiped_month.slice(0, 7) }),
    issuedAt: t.field({ type: 'DateTime', resolve: (c) => c.created_at }),
    certificate: t.exposeString('certificate', { description: 'The compact JWS.' }),
  }),
});

/** The recycler's own `dataWipe` statement from its latest inspection: kept, but not verified by anyone. */
type SelfDeclared = Record<string, unknown>;

const SelfDeclaredWipeRef = builder.objectRef<SelfDeclared>('SelfDeclaredWipe').implement({
  description: 'The recycler’s own data-wipe statement in its inspection: self-declared, not verified by a notary, earns no certificate.',
  fields: (t) => {
    const text = (name: string) => t.string({ nullable: true, resolve: (w: SelfDeclared) => (typeof w[name] === 'string' ? (w[name] as string) : null) });
    return {
      standard: text('standard'),
      level: text('level'),
      technique: text('technique'),
      verification: text('verification'),
      result: text('result'),
      month: text('completedMonth'),
    };
  },
});

/** A device's wipe as a party or the user reads it. */
export interface DeviceWipe {
  facts: wipes.TicketWipeFacts;
  selfDeclared: SelfDeclared | null;
}

export const DeviceWipeRef = builder.objectRef<DeviceWipe>('DeviceWipe').implement({
  description: 'The wipe status of one device: the notary’s certificate when there is one, and the recycler’s self-declared statement apart from it.',
  fields: (t) => ({
    status: t.field({
      type: WipeStatusEnum,
      resolve: (w) => wipeStatusOf({ certified: w.facts.certificate !== undefined, attested: w.facts.attested, selfDeclared: w.selfDeclared !== null }),
    }),
    certificate: t.field({ type: WipeCertificateRef, nullable: true, resolve: (w) => w.facts.certificate ?? null }),
    selfDeclared: t.field({ type: SelfDeclaredWipeRef, nullable: true, resolve: (w) => w.selfDeclared }),
  }),
});

/** The self-declared statement as parties read it: its certificate-reference hash is the recycler's business. */
export function selfDeclaredOf(dataWipe: Record<string, unknown> | null): SelfDeclared | null {
  if (dataWipe === null) return null;
  const { certificateRefHash: _hash, ...rest } = dataWipe;
  return rest;
}

builder.objectField(MyRecordRef, 'wipeCertificate', (t) =>
  t.field({
    type: WipeCertificateRef,
    nullable: true,
    description: 'The certificate of the device’s data wipe, attested by a notary and signed by the hub; null while there is none.',
    resolve: async (record, _args, context: HubContext) => (await wipes.latestCertificatesOfRecords(context.db, [record.id])).get(record.id) ?? null,
  }),
);

builder.objectType(WipeArgumentError, {
  name: 'WipeArgumentInvalid',
  description: 'A month is malformed, in the future, or the range is reversed; nothing was run or logged.',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof WipeArgumentError,
  fields: (t) => ({ argument: t.exposeString('argument') }),
});

const WipedDevicesRowRef = builder.objectRef<WipedDevicesRow>('WipedDevices').implement({
  fields: (t) => ({
    standard: t.exposeString('standard'),
    level: t.exposeString('level'),
    devices: t.exposeInt('devices', { nullable: true, description: 'Certified devices; null where a brand’s cell counts fewer than k.' }),
  }),
});

const UncertifiedRowRef = builder.objectRef<wipes.UncertifiedDispositionRow>('UncertifiedDispositions').implement({
  description: 'Data-bearing devices whose latest disposition a recycler completed in the month without any wipe certificate.',
  fields: (t) => ({
    recycler: t.exposeString('recycler_id'),
    month: t.exposeString('month'),
    devices: t.exposeInt('devices'),
    tickets: t.stringList({ description: 'The first 100 of them, in ticket order.', resolve: (r) => r.tickets }),
  }),
});

class WipeStatistics {
  constructor(readonly answer: WipeStatisticsAnswer) {}
}

builder.objectType(WipeStatistics, {
  name: 'WipeStatistics',
  isTypeOf: (value) => value instanceof WipeStatistics,
  fields: (t) => ({
    queryId: t.id({ nullable: true, description: 'The access-log entry of a regulator’s answer.', resolve: (s) => s.answer.queryId }),
    fromMonth: t.string({ resolve: (s) => s.answer.fromMonth }),
    toMonth: t.string({ resolve: (s) => s.answer.toMonth }),
    byStandardAndLevel: t.field({
      type: [WipedDevicesRowRef],
      description: 'Certified devices, each once by its latest certificate in the months.',
      resolve: (s) => s.answer.byStandardAndLevel,
    }),
    uncertifiedDispositions: t.field({
      type: [UncertifiedRowRef],
      description: 'Regulator only (empty for brands): per recycler and month, devices disposed of without a certificate.',
      resolve: (s) => s.answer.uncertifiedDispositions,
    }),
  }),
});

builder.queryField('wipeStatistics', (t) =>
  t.field({
    type: WipeStatistics,
    description:
      'Certified data wipes by standard and level over the months. A regulator: statutory, exact, every device, with the devices that reached disposition uncertified, logged in the access log. A brand: its own brands’ devices, cells below k withheld.',
    errors: { types: [UnauthenticatedError, ForbiddenError, AccessDeniedError, WipeArgumentError] },
    args: {
      fromMonth: t.arg.string({ required: true, description: 'YYYY-MM' }),
      toMonth: t.arg.string({ required: true, description: 'YYYY-MM, not after the current month.' }),
    },
    resolve: async (_root, args, context) => {
      const party = requireParty(context, ['regulator', 'brand']);
      const principal = { kind: 'party' as const, ...party };
      const outcome = await runWipeStatistics({ db: context.db, policies: context.policies, now: context.now }, principal, {
        fromMonth: args.fromMonth,
        toMonth: args.toMonth,
      });
      if (!outcome.allowed) throw new AccessDeniedError(outcome.decision);
      return new WipeStatistics(outcome.answer);
    },
  }),
);

import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCreditCode } from '../../src/demo/demo-firms.ts';
import { registerFirm } from '../../src/firms/firms.service.ts';
import { handOverTickets, registerTestParty } from '../support/custody.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { tradeInDocument as tradeIn } from '../support/documents.ts';

const SUBMIT = (mutation: string) => /* GraphQL */ `
  mutation ($documents: [JSON!]!) {
    ${mutation}(documents: $documents) {
      __typename
      ... on SubmissionBatch {
        results {
          __typename
          ... on SubmissionAccepted { ticket targetId replayed }
          ... on SubmissionRejected { errors { path code message } }
          ... on SubmissionConflict { code }
        }
      }
      ... on HubError { code message }
    }
  }`;

const WIPE_FIELDS =
  'status certificate { certificateId ticket notary standard level method verification month certificate } selfDeclared { standard level result }';
const ME = `query { me { __typename ... on Me { records { category wipeCertificate { certificateId ticket notary standard level month certificate } } } } }`;
const JOURNEY = `query ($ticket: ID!) { ticketJourney(ticket: $ticket) { __typename
  ... on TicketJourney { ticket grade finalValuationFen disposition dispositionMonth wipe { ${WIPE_FIELDS} } custodyChain { holder links { holder } } }
  ... on HubError { code message } } }`;
const JOURNEYS = `query ($after: String) { myTicketJourneys(first: 2, after: $after) { __typename
  ... on TicketJourneyPage { nodes { ticket wipe { status } } hasNextPage endCursor } ... on HubError { code } } }`;
const CUSTODY_TRADE_IN = `query ($ticket: ID!) { tradeInInCustody(ticket: $ticket) { __typename
  ... on CustodyTradeIn { ticket category brand model usageMonths tradeInMonth quotedValuationFen holdsNow } ... on HubError { code message } } }`;
const CUSTODY_TRADE_INS = `query { tradeInsInCustody(first: 200) { __typename ... on CustodyTradeInPage { nodes { ticket holdsNow } hasNextPage } ... on HubError { code } } }`;
const STATISTICS = `query ($from: String!, $to: String!) { wipeStatistics(fromMonth: $from, toMonth: $to) { __typename
  ... on WipeStatistics { queryId byStandardAndLevel { standard level devices } uncertifiedDispositions { recycler month devices tickets } }
  ... on HubError { code message } } }`;

const NOTARY = 'notary-n';
const UNADMITTED_NOTARY = 'notary-p';
const DISMANTLER = 'dismantler-d';
const SUBJECT = 'k3J9xQ2mVb7LwT4nYp8RzA6cHd1FgE5sUo0iJtKqXyW';
const NEVER_ISSUED = '01900000-0000-7000-8000-000000000000';

function attestation(externalRef: string, ticket: string, overrides: Record<string, unknown> = {}) {
  return {
    externalRef,
    ticket,
    standard: 'GB_INFO_CLEARANCE_2025',
    level: 'purge',
    method: 'crypto_erase',
    verification: 'full',
    result: 'success',
    wipedMonth: '2026-11',
    ...overrides,
  };
}

describe('notarised data wipes and journeys', () => {
  let hub: TestHub;
  let jwks: JSONWebKeySet;
  /** Tickets: certified at the recycler, failed wipe, still at the platform, a refrigerator, disposed uncertified, handed on to the dismantler. */
  const t: Record<string, string> = {};

  async function submit(party: string, mutation: string, documents: unknown[]) {
    const { body } = await hub.graphql(SUBMIT(mutation), { documents }, await hub.token(party));
    return body.data[mutation];
  }

  beforeAll(async () => {
    hub = await createTestHub();
    await registerTestParty(hub, NOTARY, 'notary');
    await registerTestParty(hub, UNADMITTED_NOTARY, 'notary');
    await registerTestParty(hub, DISMANTLER, 'recycler');
    await registerFirm(hub.app.database.db, { partyId: NOTARY, capacities: ['notary'], creditCode: demoCreditCode(901), status: 'active' }, new Date());
    await registerFirm(
      hub.app.database.db,
      { partyId: UNADMITTED_NOTARY, capacities: ['notary'], creditCode: demoCreditCode(902), status: 'pending' },
      new Date(),
    );
    await submit('brand-a', 'submitCatalogueEntries', [
      { brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 599_900 },
    ]);
    const batch = await submit('platform-a', 'submitTradeIns', [
      tradeIn('W-1', { recycler: 'recycler-a', subjectRef: SUBJECT }),
      tradeIn('W-2', { recycler: 'recycler-a' }),
      tradeIn('W-3'),
      tradeIn('W-4', { recycler: 'recycler-a', category: 'refrigerator', brand: 'Haier', model: 'BCD-470' }),
      tradeIn('W-5', { recycler: 'recycler-a' }),
      tradeIn('W-6', { recycler: 'recycler-a' }),
    ]);
    ['certified', 'failed', 'atPlatform', 'fridge', 'uncertified', 'dismantled'].forEach((name, i) => (t[name] = batch.results[i].ticket));
    jwks = await (await hub.app.yoga.fetch('http://hub.test/.well-known/jwks.json')).json();
  });

  afterAll(async () => {
    await hub?.close();
  });

  describe('submitWipeAttestations', () => {
    it('accepts an attestation of a ticket a recycler holds and issues a certificate the published key verifies', async () => {
      const batch = await submit(NOTARY, 'submitWipeAttestations', [attestation('N-1', t.certified!)]);
      expect(batch.results[0]).toMatchObject({ __typename: 'SubmissionAccepted', ticket: t.certified, replayed: false });
      const { body } = await hub.graphql(JOURNEY, { ticket: t.certified }, await hub.token('platform-a'));
      const certificate = body.data.ticketJourney.wipe.certificate;
      const { payload, protectedHeader } = await jwtVerify(certificate.certificate, createLocalJWKSet(jwks), {
        algorithms: ['ES256'],
        typ: 'wipe-certificate+jwt',
      });
      expect(protectedHeader.kid).toBe(jwks.keys[0]!.kid);
      expect(payload).toMatchObject({
        iss: hub.config.hubId,
        sub: t.certified,
        jti: certificate.certificateId,
        notary: NOTARY,
        standard: 'GB_INFO_CLEARANCE_2025',
        level: 'purge',
        month: '2026-11',
      });
      expect(typeof payload.iat).toBe('number');
    });

    it('replays the same attestation and refuses the same externalRef for another one', async () => {
      expect((await submit(NOTARY, 'submitWipeAttestations', [attestation('N-1', t.certified!)])).results[0]).toMatchObject({ replayed: true });
      expect((await submit(NOTARY, 'submitWipeAttestations', [attestation('N-1', t.certified!, { level: 'clear' })])).results[0].__typename).toBe(
        'SubmissionConflict',
      );
    });

    it('answers a ticket still at the platform, an unknown one and a malformed one alike (not found)', async () => {
      const batch = await submit(NOTARY, 'submitWipeAttestations', [attestation('N-2', t.atPlatform!), attestation('N-3', NEVER_ISSUED)]);
      for (const result of batch.results) {
        expect(result).toEqual({
          __typename: 'SubmissionRejected',
          errors: [{ path: '/ticket', code: 'reference.ticket_not_found', message: 'must refer to a trade-in ticket a recycler holds' }],
        });
      }
      const malformed = await submit(NOTARY, 'submitWipeAttestations', [attestation('N-4', 'not-a-ticket')]);
      expect(malformed.results[0].errors).toContainEqual(expect.objectContaining({ path: '/ticket', code: 'schema.pattern' }));
    });

    it('refuses free text, serials and unknown vocabulary, storing nothing', async () => {
      const batch = await submit(NOTARY, 'submitWipeAttestations', [
        { ...attestation('N-5', t.failed!), serial: 'C02XK1ABJGH5' },
        attestation('N-6', t.failed!, { standard: 'MY_OWN_STANDARD' }),
        attestation('N-7', t.failed!, { level: 'wiped well' }),
        attestation('N-7b', t.failed!, { wipedMonth: '2999-01' }),
      ]);
      expect(batch.results.map((r: { __typename: string }) => r.__typename)).toEqual([
        'SubmissionRejected',
        'SubmissionRejected',
        'SubmissionRejected',
        'SubmissionRejected',
      ]);
      expect(batch.results[3].errors).toEqual([{ path: '/wipedMonth', code: 'wipes.month_in_future', message: 'must not be after the current month' }]);
      const rows = await sql<{ n: number }>`select count(*)::integer as n from wipe_attestations where ticket_id = ${t.failed}`.execute(hub.app.database.db);
      expect(rows.rows[0]!.n).toBe(0);
    });

    it('stores a failed wipe without a certificate', async () => {
      expect((await submit(NOTARY, 'submitWipeAttestations', [attestation('N-8', t.failed!, { result: 'failed' })])).results[0].__typename).toBe(
        'SubmissionAccepted',
      );
      const { body } = await hub.graphql(JOURNEY, { ticket: t.failed }, await hub.token('platform-a'));
      expect(body.data.ticketJourney.wipe).toMatchObject({ status: 'ATTESTED_WITHOUT_CERTIFICATE', certificate: null });
    });

    it('is refused to a recycler and to a notary the registry has not admitted (forbidden)', async () => {
      expect(await submit('recycler-a', 'submitWipeAttestations', [attestation('N-9', t.uncertified!)])).toMatchObject({
        __typename: 'Forbidden',
        code: 'forbidden.role',
      });
      expect(await submit(UNADMITTED_NOTARY, 'submitWipeAttestations', [attestation('N-9', t.uncertified!)])).toMatchObject({
        __typename: 'Forbidden',
        code: 'forbidden.role',
      });
    });

    it('attests a ticket the recycler handed on to a dismantler, naming the dismantler as holder', async () => {
      await handOverTickets(hub, 'recycler-a', [t.dismantled!], DISMANTLER);
      expect(
        (
          await submit(NOTARY, 'submitWipeAttestations', [
            attestation('N-10', t.dismantled!, { level: 'destroy', method: 'physical', standard: 'NIST_800_88_R1' }),
          ])
        ).results[0].__typename,
      ).toBe('SubmissionAccepted');
      const rows = await sql<{ holder_id: string }>`select holder_id from wipe_attestations where ticket_id = ${t.dismantled}`.execute(hub.app.database.db);
      expect(rows.rows).toEqual([{ holder_id: DISMANTLER }]);
    });
  });

  describe('me.records.wipeCertificate', () => {
    it('gives the user the certificate of their device', async () => {
      const { body } = await hub.graphql(ME, {}, await hub.token('platform-a', { subjectRef: SUBJECT }));
      const [record] = body.data.me.records;
      expect(record.wipeCertificate).toMatchObject({
        ticket: t.certified,
        notary: NOTARY,
        standard: 'GB_INFO_CLEARANCE_2025',
        level: 'purge',
        month: '2026-11',
      });
      await expect(jwtVerify(record.wipeCertificate.certificate, createLocalJWKSet(jwks), { typ: 'wipe-certificate+jwt' })).resolves.toBeDefined();
    });

    it('gives another user of the platform none of it', async () => {
      const { body } = await hub.graphql(ME, {}, await hub.token('platform-a', { subjectRef: 'Zq8vN3xR7tY2wK5mP9sL4cF6hJ1dG0bA3eU8iO7nV2y' }));
      expect(body.data.me.records).toEqual([]);
    });
  });

  describe('ticketJourney and myTicketJourneys (platform)', () => {
    beforeAll(async () => {
      await submit('recycler-a', 'submitInspections', [
        {
          externalRef: 'Q-1',
          ticket: t.certified,
          grade: 'B',
          inspectedMonth: '2026-11',
          finalValuationFen: 150_000,
          dataWipe: {
            required: true,
            standard: 'VENDOR_RESET',
            level: 'clear',
            technique: 'encrypted_factory_reset',
            verification: 'none',
            result: 'success',
            completedMonth: '2026-11',
            certificateRef: 'WCKQRMTXVBHPNZAB',
          },
        },
        {
          externalRef: 'Q-5',
          ticket: t.uncertified,
          grade: 'C',
          inspectedMonth: '2026-11',
          dataWipe: { required: true, standard: 'VENDOR_RESET', level: 'clear', result: 'success', completedMonth: '2026-11' },
        },
      ]);
      await submit('recycler-a', 'submitDispositions', [
        { externalRef: 'D-1', ticket: t.certified, disposition: 'refurbished', completedMonth: '2026-11' },
        { externalRef: 'D-4', ticket: t.fridge, disposition: 'dismantled_recycled', completedMonth: '2026-11' },
        { externalRef: 'D-5', ticket: t.uncertified, disposition: 'resold_as_is', completedMonth: '2026-11' },
      ]);
    });

    it('reads grade, final valuation, disposition, wipe status and custody chain of an own ticket', async () => {
      const { body } = await hub.graphql(JOURNEY, { ticket: t.certified }, await hub.token('platform-a'));
      expect(body.data.ticketJourney).toMatchObject({
        __typename: 'TicketJourney',
        ticket: t.certified,
        grade: 'B',
        finalValuationFen: '150000',
        disposition: 'refurbished',
        dispositionMonth: '2026-11',
        wipe: { status: 'CERTIFIED', certificate: { notary: NOTARY }, selfDeclared: { standard: 'VENDOR_RESET', level: 'clear', result: 'success' } },
        custodyChain: { holder: 'recycler-a', links: [{ holder: 'platform-a' }, { holder: 'recycler-a' }] },
      });
      const uncertified = (await hub.graphql(JOURNEY, { ticket: t.uncertified }, await hub.token('platform-a'))).body.data.ticketJourney;
      expect(uncertified.wipe).toMatchObject({ status: 'SELF_DECLARED', certificate: null });
      const untouched = (await hub.graphql(JOURNEY, { ticket: t.atPlatform }, await hub.token('platform-a'))).body.data.ticketJourney;
      expect(untouched).toMatchObject({ grade: null, disposition: null, wipe: { status: 'NONE' } });
    });

    it('answers another platform’s ticket as an unknown one', async () => {
      const token = await hub.token('platform-b');
      const other = (await hub.graphql(JOURNEY, { ticket: t.certified }, token)).body.data.ticketJourney;
      const unknown = (await hub.graphql(JOURNEY, { ticket: NEVER_ISSUED }, token)).body.data.ticketJourney;
      expect(other).toEqual(unknown);
      expect(other).toMatchObject({ __typename: 'CustodyRefused', code: 'reference.ticket_not_found' });
    });

    it('lists only the platform’s own tickets, page by page', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const { body } = await hub.graphql(JOURNEYS, { after }, await hub.token('platform-a'));
        const page = body.data.myTicketJourneys;
        seen.push(...page.nodes.map((n: { ticket: string }) => n.ticket));
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
      expect(seen.sort()).toEqual(Object.values(t).sort());
      expect((await hub.graphql(JOURNEYS, { after: null }, await hub.token('platform-b'))).body.data.myTicketJourneys.nodes).toEqual([]);
    });

    it('is refused to a recycler (forbidden)', async () => {
      expect((await hub.graphql(JOURNEY, { ticket: t.certified }, await hub.token('recycler-a'))).body.data.ticketJourney).toMatchObject({
        __typename: 'Forbidden',
      });
    });
  });

  describe('tradeInInCustody and tradeInsInCustody (recycler)', () => {
    it('reads the trade-in facts of a ticket the recycler holds, and of one it handed on', async () => {
      const token = await hub.token('recycler-a');
      expect((await hub.graphql(CUSTODY_TRADE_IN, { ticket: t.uncertified }, token)).body.data.tradeInInCustody).toEqual({
        __typename: 'CustodyTradeIn',
        ticket: t.uncertified,
        category: 'mobile_phone',
        brand: 'apple',
        model: 'iPhone 13 128GB',
        usageMonths: 30,
        tradeInMonth: '2026-10',
        quotedValuationFen: '180000',
        holdsNow: true,
      });
      expect((await hub.graphql(CUSTODY_TRADE_IN, { ticket: t.dismantled }, token)).body.data.tradeInInCustody).toMatchObject({ holdsNow: false });
      expect((await hub.graphql(CUSTODY_TRADE_IN, { ticket: t.dismantled }, await hub.token(DISMANTLER))).body.data.tradeInInCustody).toMatchObject({
        holdsNow: true,
        usageMonths: 30,
      });
    });

    it('answers a ticket outside its custody as an unknown one', async () => {
      const token = await hub.token(DISMANTLER);
      const outside = (await hub.graphql(CUSTODY_TRADE_IN, { ticket: t.certified }, token)).body.data.tradeInInCustody;
      expect(outside).toEqual((await hub.graphql(CUSTODY_TRADE_IN, { ticket: NEVER_ISSUED }, token)).body.data.tradeInInCustody);
      expect(outside).toMatchObject({ __typename: 'CustodyRefused', code: 'reference.ticket_not_found' });
      expect((await hub.graphql(CUSTODY_TRADE_IN, { ticket: t.atPlatform }, await hub.token('recycler-a'))).body.data.tradeInInCustody.__typename).toBe(
        'CustodyRefused',
      );
    });

    it('lists the tickets in its custody only', async () => {
      const recycler = (await hub.graphql(CUSTODY_TRADE_INS, {}, await hub.token('recycler-a'))).body.data.tradeInsInCustody.nodes.map(
        (n: { ticket: string }) => n.ticket,
      );
      expect(recycler.sort()).toEqual([t.certified, t.failed, t.fridge, t.uncertified, t.dismantled].sort());
      const dismantler = (await hub.graphql(CUSTODY_TRADE_INS, {}, await hub.token(DISMANTLER))).body.data.tradeInsInCustody.nodes;
      expect(dismantler).toEqual([{ ticket: t.dismantled, holdsNow: true }]);
    });
  });

  describe('wipeStatistics', () => {
    it('gives the regulator exact counts by standard and level and flags data-bearing devices disposed of uncertified, logged', async () => {
      const { body } = await hub.graphql(STATISTICS, { from: '2026-10', to: '2026-11' }, await hub.token('regulator-a'));
      const answer = body.data.wipeStatistics;
      expect(answer.byStandardAndLevel).toEqual([
        { standard: 'GB_INFO_CLEARANCE_2025', level: 'purge', devices: 1 },
        { standard: 'NIST_800_88_R1', level: 'destroy', devices: 1 },
      ]);
      // The refrigerator is not data-bearing; the certified phone is not flagged.
      expect(answer.uncertifiedDispositions).toEqual([{ recycler: 'recycler-a', month: '2026-11', devices: 1, tickets: [t.uncertified] }]);
      const logged = await sql<{ decision: string; purpose: string }>`select decision, purpose from access_log where id = ${answer.queryId}`.execute(
        hub.app.database.db,
      );
      expect(logged.rows).toEqual([{ decision: 'allow', purpose: 'regulatory-statistics' }]);
    });

    it('gives a brand its own brands’ counts with cells below k withheld, and no flag list', async () => {
      const { body } = await hub.graphql(STATISTICS, { from: '2026-10', to: '2026-11' }, await hub.token('brand-a'));
      expect(body.data.wipeStatistics).toMatchObject({
        queryId: null,
        byStandardAndLevel: [
          { standard: 'GB_INFO_CLEARANCE_2025', level: 'purge', devices: null },
          { standard: 'NIST_800_88_R1', level: 'destroy', devices: null },
        ],
        uncertifiedDispositions: [],
      });
    });

    it('refuses a platform (forbidden) and a malformed month (naming the argument)', async () => {
      expect((await hub.graphql(STATISTICS, { from: '2026-10', to: '2026-11' }, await hub.token('platform-a'))).body.data.wipeStatistics.__typename).toBe(
        'Forbidden',
      );
      expect((await hub.graphql(STATISTICS, { from: '2026-13', to: '2026-11' }, await hub.token('regulator-a'))).body.data.wipeStatistics).toMatchObject({
        __typename: 'WipeArgumentInvalid',
        code: 'wipes.argument_invalid',
        message: 'fromMonth must be a month written YYYY-MM',
      });
    });
  });

  describe('row-level security on wipe_attestations', () => {
    it('shows another platform, a stranger and an anonymous session nothing', async () => {
      for (const principal of [
        { kind: 'party', partyId: 'platform-b', role: 'platform' },
        { kind: 'party', partyId: 'brand-a', role: 'brand' },
        null,
      ] as const) {
        const session = hub.app.sessionFor(principal as never);
        const rows = await sql<{ n: number }>`select count(*)::integer as n from wipe_attestations`.execute(session);
        expect(rows.rows[0]!.n).toBe(0);
      }
      const notary = hub.app.sessionFor({ kind: 'party', partyId: NOTARY, role: 'notary' } as never);
      expect((await sql<{ n: number }>`select count(*)::integer as n from wipe_attestations`.execute(notary)).rows[0]!.n).toBe(3);
    });
  });
});

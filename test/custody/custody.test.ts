import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadBulk, type BulkRowResult } from '../../src/bulk/bulk-client.ts';
import { HAND_OVER, registerTestParty } from '../support/custody.ts';
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
        }
      }
      ... on HubError { code message }
    }
  }`;

const CHAIN_FIELDS = '__typename ... on CustodyChain { ticket holder links { sequence holder from handedOverAt releasedAt } } ... on HubError { code message }';
const CUSTODY_CHAIN = `query ($ticket: ID, $tradeIn: TradeInReferenceInput) { custodyChain(ticket: $ticket, tradeIn: $tradeIn) { ${CHAIN_FIELDS} } }`;
const MY_SUBMISSIONS = `query ($kind: DocumentKind) { mySubmissions(kind: $kind, first: 500) { __typename ... on SubmissionConnection {
  edges { node { ticket custodyChain { holder links { holder } } } } } } }`;

const KINDS = ['inspection', 'disposition'] as const;
type Kind = (typeof KINDS)[number];
const MUTATION: Record<Kind, string> = { inspection: 'submitInspections', disposition: 'submitDispositions' };
const TABLE: Record<Kind, string> = { inspection: 'inspections', disposition: 'dispositions' };

/** Parties of this file beyond the test hub's: a dismantler the recycler hands on to, and a recycler with no relation. */
const DISMANTLER = 'dismantler-d';
const STRANGER = 'recycler-x';
const NEVER_ISSUED = '01900000-0000-7000-8000-000000000000';

type Reference = { ticket: string } | { tradeIn: { platform: string; externalRef: string } };

function document(kind: Kind, externalRef: string, reference: Reference, overrides: Record<string, unknown> = {}) {
  return kind === 'inspection'
    ? { externalRef, ...reference, grade: 'B', inspectedMonth: '2026-10', faults: [], ...overrides }
    : { externalRef, ...reference, disposition: 'refurbished', completedMonth: '2026-11', ...overrides };
}

describe('ticket custody', () => {
  let hub: TestHub;
  let server: Server;
  let hubUrl: string;
  let refs = 0;
  /** A fresh externalRef, so every test's documents are new to the hub. */
  const ref = (prefix: string) => `${prefix}-${++refs}`;

  beforeAll(async () => {
    hub = await createTestHub();
    await registerTestParty(hub, DISMANTLER, 'recycler');
    await registerTestParty(hub, STRANGER, 'recycler');
    server = createServer(hub.app.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await hub.close();
  });

  async function submit(party: string, mutation: string, documents: unknown[]) {
    const { body } = await hub.graphql(SUBMIT(mutation), { documents }, await hub.token(party));
    return body.data[mutation].results as { __typename: string; ticket?: string; errors?: { path: string; code: string; message: string }[] }[];
  }

  /** platform-a's new trade-in and its ticket; `recycler` names the recycler it is handed to at once. */
  async function issue(overrides: Record<string, unknown> = {}): Promise<{ ticket: string; externalRef: string }> {
    const externalRef = ref('ORDER');
    const [result] = await submit('platform-a', 'submitTradeIns', [tradeIn(externalRef, overrides)]);
    expect(result!.__typename).toBe('SubmissionAccepted');
    return { ticket: result!.ticket!, externalRef };
  }

  async function handOver(party: string, variables: Record<string, unknown>) {
    const { body } = await hub.graphql(HAND_OVER, variables, await hub.token(party));
    return body.data.handOverTicket;
  }

  async function chain(party: string, variables: Record<string, unknown>) {
    const { body } = await hub.graphql(CUSTODY_CHAIN, variables, await hub.token(party));
    return body.data.custodyChain;
  }

  async function bulk(party: string, kind: Kind, documents: unknown[]): Promise<BulkRowResult[]> {
    const results: BulkRowResult[] = [];
    await uploadBulk({ hubUrl, token: await hub.token(party), kind, lines: documents.map((d) => JSON.stringify(d)), onResult: (r) => results.push(r) });
    return results;
  }

  async function rowsBy(kind: Kind, party: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(TABLE[kind])} where recycler_id = ${party}`.execute(
      hub.app.database.db,
    );
    return rows[0]!.n;
  }

  /** How each way of writing answers `party`: by ticket and by platform reference, over GraphQL and /bulk. */
  async function writeEveryWay(party: string, kind: Kind, target: { ticket: string; externalRef: string }) {
    const byTicket = { ticket: target.ticket };
    const byReference = { tradeIn: { platform: 'platform-a', externalRef: target.externalRef } };
    const graphql = await submit(party, MUTATION[kind], [document(kind, ref('QC'), byTicket), document(kind, ref('QC'), byReference)]);
    const overBulk = await bulk(party, kind, [document(kind, ref('QC'), byTicket), document(kind, ref('QC'), byReference)]);
    return [
      ...graphql.map((r) => ({ status: r.__typename === 'SubmissionAccepted' ? 'accepted' : 'rejected', errors: r.errors })),
      ...overBulk.map((r) => ({ status: r.status, errors: r.errors })),
    ];
  }

  describe('the chain', () => {
    it('starts with the issuing platform and, when the trade-in names a recycler, hands the ticket to it at once', async () => {
      const named = await issue({ recycler: 'recycler-a' });
      const kept = await issue();
      const namedChain = await chain('platform-a', { ticket: named.ticket });
      expect(namedChain).toMatchObject({ __typename: 'CustodyChain', ticket: named.ticket, holder: 'recycler-a' });
      expect(namedChain.links.map((l: { sequence: number; holder: string; from: string | null }) => [l.sequence, l.holder, l.from])).toEqual([
        [0, 'platform-a', null],
        [1, 'recycler-a', 'platform-a'],
      ]);
      expect(namedChain.links[0].releasedAt).toBe(namedChain.links[1].handedOverAt);
      expect(namedChain.links[1].releasedAt).toBeNull();
      expect(await chain('platform-a', { ticket: kept.ticket })).toMatchObject({
        holder: 'platform-a',
        links: [{ sequence: 0, holder: 'platform-a', from: null, releasedAt: null }],
      });
    });

    it('refuses a trade-in naming a party that is not a registered recycler, and stores nothing of it (denied twin)', async () => {
      const before = await sql<{ n: number }>`select count(*)::int as n from tickets`.execute(hub.app.database.db);
      const results = await submit('platform-a', 'submitTradeIns', [
        tradeIn(ref('ORDER'), { recycler: 'no-such-recycler' }),
        tradeIn(ref('ORDER'), { recycler: 'brand-a' }),
        tradeIn(ref('ORDER'), { recycler: 'Not A Party Id' }),
      ]);
      expect(results.map((r) => r.errors)).toEqual([
        [{ path: '/recycler', code: 'reference.recycler_not_found', message: 'must name a registered recycler' }],
        [{ path: '/recycler', code: 'reference.recycler_not_found', message: 'must name a registered recycler' }],
        [expect.objectContaining({ path: '/recycler', code: 'schema.pattern' })],
      ]);
      const after = await sql<{ n: number }>`select count(*)::int as n from tickets`.execute(hub.app.database.db);
      expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    });

    it('shows the chain to every party in it, by ticket or by platform reference, and to nobody else', async () => {
      const target = await issue({ recycler: 'recycler-a' });
      expect(await handOver('recycler-a', { ticket: target.ticket, to: DISMANTLER })).toMatchObject({ __typename: 'CustodyChain', holder: DISMANTLER });
      const expected = [
        [0, 'platform-a', null],
        [1, 'recycler-a', 'platform-a'],
        [2, DISMANTLER, 'recycler-a'],
      ];
      for (const member of ['platform-a', 'recycler-a', DISMANTLER]) {
        const seen = await chain(member, { ticket: target.ticket });
        expect(seen.links.map((l: { sequence: number; holder: string; from: string | null }) => [l.sequence, l.holder, l.from])).toEqual(expected);
        expect(await chain(member, { tradeIn: { platform: 'platform-a', externalRef: target.externalRef } })).toEqual(seen);
      }
      const notFound = await chain(STRANGER, { ticket: NEVER_ISSUED });
      expect(notFound).toEqual({
        __typename: 'CustodyRefused',
        code: 'reference.ticket_not_found',
        message: 'must refer to a trade-in ticket whose custody chain includes the caller',
      });
      for (const outsider of [STRANGER, 'platform-b', 'brand-a', 'regulator-a']) {
        expect(await chain(outsider, { ticket: target.ticket })).toEqual(notFound);
        expect(await chain(outsider, { tradeIn: { platform: 'platform-a', externalRef: target.externalRef } })).toEqual(notFound);
      }
      expect(await chain(STRANGER, { ticket: 'not-a-ticket' })).toEqual(notFound);
    });

    it("shows the chain on a party's own submissions while it is in the chain", async () => {
      const target = await issue({ recycler: 'recycler-a' });
      const [inspected] = await submit('recycler-a', 'submitInspections', [document('inspection', ref('QC'), { ticket: target.ticket })]);
      expect(inspected!.__typename).toBe('SubmissionAccepted');
      await handOver('recycler-a', { ticket: target.ticket, to: DISMANTLER });
      for (const [party, kind] of [
        ['platform-a', 'TRADEIN'],
        ['recycler-a', 'INSPECTION'],
      ] as const) {
        const { body } = await hub.graphql(MY_SUBMISSIONS, { kind }, await hub.token(party));
        const node = body.data.mySubmissions.edges.map((e: { node: unknown }) => e.node).find((n: { ticket: string }) => n.ticket === target.ticket);
        expect(node.custodyChain).toEqual({ holder: DISMANTLER, links: [{ holder: 'platform-a' }, { holder: 'recycler-a' }, { holder: DISMANTLER }] });
      }
    });
  });

  describe('handOverTicket', () => {
    it('lets the platform hand its ticket to a recycler, by ticket or by its own reference', async () => {
      const byTicket = await issue();
      const byReference = await issue();
      expect(await handOver('platform-a', { ticket: byTicket.ticket, to: 'recycler-a' })).toMatchObject({ holder: 'recycler-a' });
      expect(await handOver('platform-a', { tradeIn: { platform: 'platform-a', externalRef: byReference.externalRef }, to: 'recycler-a' })).toMatchObject({
        ticket: byReference.ticket,
        holder: 'recycler-a',
      });
    });

    it('refuses a hand-over by anyone but the holder exactly as one of a ticket that does not exist (unauthorised)', async () => {
      const target = await issue({ recycler: 'recycler-a' });
      const notFound = await handOver(STRANGER, { ticket: NEVER_ISSUED, to: DISMANTLER });
      expect(notFound).toEqual({
        __typename: 'CustodyRefused',
        code: 'reference.ticket_not_found',
        message: 'must refer to a trade-in ticket the caller holds',
      });
      expect(await handOver(STRANGER, { tradeIn: { platform: 'platform-a', externalRef: 'NEVER-SUBMITTED' }, to: DISMANTLER })).toEqual(notFound);
      expect(await handOver(STRANGER, { ticket: 'not-a-ticket', to: DISMANTLER })).toEqual(notFound);
      expect(await handOver(STRANGER, { ticket: target.ticket, to: DISMANTLER })).toEqual(notFound);
      expect(await handOver(STRANGER, { tradeIn: { platform: 'platform-a', externalRef: target.externalRef }, to: DISMANTLER })).toEqual(notFound);
      expect(await handOver('platform-b', { ticket: target.ticket, to: DISMANTLER })).toEqual(notFound);
      // The platform held it once; having handed it over, it holds it no more.
      expect(await handOver('platform-a', { ticket: target.ticket, to: DISMANTLER })).toEqual(notFound);
      expect(await chain('platform-a', { ticket: target.ticket })).toMatchObject({ holder: 'recycler-a' });
    });

    it('hands over only to a registered recycler other than the holder, naming exactly one trade-in', async () => {
      const target = await issue();
      const recipientInvalid = {
        __typename: 'CustodyRefused',
        code: 'custody.recipient_invalid',
        message: 'to must name a registered recycler other than the current holder',
      };
      for (const to of ['brand-a', 'platform-b', 'platform-a', 'no-such-party', 'Not A Party']) {
        expect(await handOver('platform-a', { ticket: target.ticket, to })).toEqual(recipientInvalid);
      }
      expect(await handOver('platform-a', { to: 'recycler-a' })).toMatchObject({ code: 'custody.reference_invalid' });
      expect(
        await handOver('platform-a', { ticket: target.ticket, tradeIn: { platform: 'platform-a', externalRef: target.externalRef }, to: 'recycler-a' }),
      ).toMatchObject({ code: 'custody.reference_invalid' });
      expect(await handOver('brand-a', { ticket: target.ticket, to: 'recycler-a' })).toMatchObject({ __typename: 'Forbidden', code: 'forbidden.role' });
      expect(await chain('platform-a', { ticket: target.ticket })).toMatchObject({ holder: 'platform-a' });
    });

    it('lets only one of two racing hand-overs of the same ticket through', async () => {
      const target = await issue({ recycler: 'recycler-a' });
      const answers = await Promise.all([DISMANTLER, STRANGER].map((to) => handOver('recycler-a', { ticket: target.ticket, to })));
      expect(answers.map((a) => a.__typename).sort()).toEqual(['CustodyChain', 'CustodyRefused']);
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from ticket_custody where ticket_id = ${target.ticket} and released_at is null`.execute(hub.app.database.db);
      expect(rows[0]!.n).toBe(1);
    });
  });

  describe.each(KINDS)('%s documents', (kind) => {
    it('are refused from a recycler with no relation, by ticket, platform reference and /bulk, exactly as for a ticket that does not exist', async () => {
      const target = await issue({ recycler: 'recycler-a' });
      const missing = await writeEveryWay(STRANGER, kind, { ticket: NEVER_ISSUED, externalRef: 'NEVER-SUBMITTED' });
      const foreign = await writeEveryWay(STRANGER, kind, target);
      const notFound = (path: string) => ({
        status: 'rejected',
        errors: [{ path, code: 'reference.ticket_not_found', message: 'must refer to a trade-in ticket the caller holds' }],
      });
      expect(missing).toEqual([notFound('/ticket'), notFound('/tradeIn'), notFound('/ticket'), notFound('/tradeIn')]);
      expect(foreign).toEqual(missing);
      expect(await rowsBy(kind, STRANGER)).toBe(0);
    });

    it('are accepted from the holder, by ticket, platform reference and /bulk', async () => {
      const target = await issue({ recycler: 'recycler-a' });
      const before = await rowsBy(kind, 'recycler-a');
      expect((await writeEveryWay('recycler-a', kind, target)).map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
      expect(await rowsBy(kind, 'recycler-a')).toBe(before + 4);
    });

    it('are refused from a ticket that is still with its platform until the platform hands it over', async () => {
      const target = await issue();
      expect((await writeEveryWay('recycler-a', kind, target)).map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
      await handOver('platform-a', { ticket: target.ticket, to: 'recycler-a' });
      expect((await writeEveryWay('recycler-a', kind, target)).map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    });

    it('are refused from the former holder after it handed the ticket on to a dismantler, and accepted from the dismantler', async () => {
      const target = await issue({ recycler: 'recycler-a' });
      await handOver('recycler-a', { ticket: target.ticket, to: DISMANTLER });
      const former = await writeEveryWay('recycler-a', kind, target);
      expect(former.map((r) => r.errors?.[0]?.code)).toEqual(Array(4).fill('reference.ticket_not_found'));
      expect((await writeEveryWay(DISMANTLER, kind, target)).map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    });

    it('answers the former holder re-sending a document it stored while it held the ticket as a replay, and writes nothing', async () => {
      const target = await issue({ recycler: 'recycler-a' });
      const earlier = document(kind, ref('QC'), { ticket: target.ticket });
      const [stored] = await submit('recycler-a', MUTATION[kind], [earlier]);
      expect(stored!.__typename).toBe('SubmissionAccepted');
      await handOver('recycler-a', { ticket: target.ticket, to: DISMANTLER });
      const before = await rowsBy(kind, 'recycler-a');
      const again = await submit('recycler-a', MUTATION[kind], [earlier]);
      expect(again[0]).toMatchObject({ __typename: 'SubmissionAccepted', ticket: target.ticket, replayed: true });
      const changed = await submit('recycler-a', MUTATION[kind], [
        { ...earlier, [kind === 'inspection' ? 'grade' : 'disposition']: kind === 'inspection' ? 'D' : 'parts_harvested' },
      ]);
      expect(changed[0]!.__typename).toBe('SubmissionConflict');
      expect((await bulk('recycler-a', kind, [earlier]))[0]).toMatchObject({ status: 'accepted', replayed: true });
      expect(await rowsBy(kind, 'recycler-a')).toBe(before);
    });
  });

  it('lets a later grade supersede an earlier one only from the holder', async () => {
    const target = await issue({ recycler: 'recycler-a' });
    const grade = async (party: string, value: string) =>
      (await submit(party, 'submitInspections', [document('inspection', ref('QC'), { ticket: target.ticket }, { grade: value })]))[0]!.__typename;
    // The rule every answer reads (insights, regulatory statistics, `me`): the record's latest inspection.
    const latest = async () =>
      (
        await sql<{ grade: string; recycler_id: string }>`
      select i.grade, i.recycler_id from inspections i join tickets t on t.record_id = i.record_id
      where t.id = ${target.ticket} order by i.created_at desc, i.id desc limit 1`.execute(hub.app.database.db)
      ).rows[0];
    expect(await grade('recycler-a', 'B')).toBe('SubmissionAccepted');
    expect(await grade(STRANGER, 'D')).toBe('SubmissionRejected');
    expect(await latest()).toEqual({ grade: 'B', recycler_id: 'recycler-a' });
    await handOver('recycler-a', { ticket: target.ticket, to: DISMANTLER });
    expect(await grade(DISMANTLER, 'C')).toBe('SubmissionAccepted');
    expect(await grade('recycler-a', 'A')).toBe('SubmissionRejected');
    expect(await latest()).toEqual({ grade: 'C', recycler_id: DISMANTLER });
  });
});

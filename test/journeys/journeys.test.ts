import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handOverTickets, registerTestParty } from '../support/custody.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const SUBMIT = (field: string) =>
  `mutation($d:[JSON!]!){${field}(documents:$d){... on SubmissionBatch{results{__typename ... on SubmissionAccepted{ticket}}}}}`;
const JOURNEYS = `query ($after: String) { myTicketJourneys(first: 3, after: $after) { __typename
  ... on TicketJourneyPage { nodes { ticket grade finalValuationFen disposition wipe { status } custodyChain { holder } } hasNextPage endCursor } ... on HubError { code } } }`;
const CUSTODY = `query ($after: String) { tradeInsInCustody(first: 3, after: $after) { __typename
  ... on CustodyTradeInPage { nodes { ticket category usageMonths quotedValuationFen holdsNow } hasNextPage endCursor } ... on HubError { code message } } }`;
const DISMANTLER = 'dismantler-j';

describe('journey views', () => {
  let hub: TestHub;
  let tickets: string[];
  let otherPlatformTicket: string;

  async function pages(query: string, field: string, party: string, after: string | null = null): Promise<any[]> {
    const { body } = await hub.graphql(query, { after }, await hub.token(party));
    const page = body.data[field];
    if (page.__typename !== 'TicketJourneyPage' && page.__typename !== 'CustodyTradeInPage') return [page];
    return page.hasNextPage ? [...page.nodes, ...(await pages(query, field, party, page.endCursor))] : page.nodes;
  }

  beforeAll(async () => {
    hub = await createTestHub();
    await registerTestParty(hub, DISMANTLER, 'recycler');
    const tradeIn = (i: number) => ({
      externalRef: `J-${i}`,
      category: 'tablet',
      brand: 'Apple',
      model: 'iPad Air',
      usageMonths: 10 + i,
      tradeInMonth: '2026-09',
      channel: 'online',
      quotedValuationFen: 100_000 + i,
      recycler: 'recycler-a',
    });
    const { body } = await hub.graphql(SUBMIT('submitTradeIns'), { d: Array.from({ length: 7 }, (_, i) => tradeIn(i)) }, await hub.token('platform-a'));
    tickets = body.data.submitTradeIns.results.map((r: { ticket: string }) => r.ticket);
    const other = await hub.graphql(SUBMIT('submitTradeIns'), { d: [{ ...tradeIn(99), recycler: 'recycler-a' }] }, await hub.token('platform-b'));
    otherPlatformTicket = other.body.data.submitTradeIns.results[0].ticket;
    await hub.graphql(
      SUBMIT('submitInspections'),
      {
        d: tickets.map((ticket, i) => ({ externalRef: `JQ-${i}`, ticket, grade: 'C', inspectedMonth: '2026-10', finalValuationFen: 90_000 + i })),
      },
      await hub.token('recycler-a'),
    );
    await handOverTickets(hub, 'recycler-a', tickets.slice(0, 2), DISMANTLER);
    await hub.graphql(
      SUBMIT('submitDispositions'),
      {
        d: tickets.slice(0, 2).map((ticket, i) => ({ externalRef: `JD-${i}`, ticket, disposition: 'dismantled_recycled', completedMonth: '2026-11' })),
      },
      await hub.token(DISMANTLER),
    );
  });
  afterAll(async () => hub?.close());

  it('gives a platform every own ticket across pages, with the other parties’ later facts', async () => {
    const nodes = await pages(JOURNEYS, 'myTicketJourneys', 'platform-a');
    expect(nodes.map((n) => n.ticket).sort()).toEqual([...tickets].sort());
    const dismantled = nodes.find((n) => n.ticket === tickets[0]);
    expect(dismantled).toEqual({
      ticket: tickets[0],
      grade: 'C',
      finalValuationFen: '90000',
      disposition: 'dismantled_recycled',
      wipe: { status: 'NONE' },
      custodyChain: { holder: DISMANTLER },
    });
    expect(nodes.find((n) => n.ticket === tickets[6])).toMatchObject({ grade: 'C', disposition: null, custodyChain: { holder: 'recycler-a' } });
    expect(nodes.map((n) => n.ticket)).not.toContain(otherPlatformTicket);
  });

  it('gives a recycler the trade-in facts of the tickets it holds or held, across pages, and a dismantler only its own', async () => {
    const recycler = await pages(CUSTODY, 'tradeInsInCustody', 'recycler-a');
    expect(recycler.map((n) => n.ticket).sort()).toEqual([...tickets, otherPlatformTicket].sort());
    expect(
      recycler
        .filter((n) => !n.holdsNow)
        .map((n) => n.ticket)
        .sort(),
    ).toEqual(tickets.slice(0, 2).sort());
    expect(recycler.find((n) => n.ticket === tickets[3])).toEqual({
      ticket: tickets[3],
      category: 'tablet',
      usageMonths: 13,
      quotedValuationFen: '100003',
      holdsNow: true,
    });
    const dismantler = await pages(CUSTODY, 'tradeInsInCustody', DISMANTLER);
    expect(dismantler.map((n) => n.ticket).sort()).toEqual(tickets.slice(0, 2).sort());
    expect(await pages(CUSTODY, 'tradeInsInCustody', 'platform-a')).toEqual([expect.objectContaining({ __typename: 'Forbidden' })]);
  });

  it('refuses a cursor the API did not hand out, without repeating it', async () => {
    const { body } = await hub.graphql(CUSTODY, { after: '13800138000' }, await hub.token('recycler-a'));
    expect(body.data.tradeInsInCustody).toEqual({ __typename: 'Forbidden', code: 'cursor.invalid', message: 'after must be an endCursor this API returned' });
  });

  describe('row-level security behind the views', () => {
    const count = async (party: string, role: string, query: ReturnType<typeof sql<{ n: number }>>) =>
      (await query.execute(hub.app.sessionFor({ kind: 'party', partyId: party, role } as never))).rows[0]!.n;

    it('lets a platform read the inspections and dispositions of its own records only', async () => {
      expect(await count('platform-a', 'platform', sql<{ n: number }>`select count(*)::integer as n from inspections`)).toBe(7);
      expect(await count('platform-a', 'platform', sql<{ n: number }>`select count(*)::integer as n from dispositions`)).toBe(2);
      expect(await count('platform-b', 'platform', sql<{ n: number }>`select count(*)::integer as n from inspections`)).toBe(0);
    });

    it('lets a party in a custody chain read that ticket’s record, and no other', async () => {
      expect(await count(DISMANTLER, 'recycler', sql<{ n: number }>`select count(*)::integer as n from records`)).toBe(2);
      expect(await count('brand-a', 'brand', sql<{ n: number }>`select count(*)::integer as n from records`)).toBe(0);
    });
  });
});

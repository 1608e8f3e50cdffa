import { createLocalPartyKey } from '../../src/parties/local-key-store.ts';
import { registerParty, registerPartyKey } from '../../src/parties/parties.service.ts';
import type { PartyRole } from '../../src/parties/parties.table.ts';
import type { TestHub } from './test-hub.ts';

export const HAND_OVER = /* GraphQL */ `
  mutation ($ticket: ID, $tradeIn: TradeInReferenceInput, $to: String!) {
    handOverTicket(ticket: $ticket, tradeIn: $tradeIn, to: $to) {
      __typename
      ... on CustodyChain {
        ticket
        holder
        links {
          sequence
          holder
          from
          handedOverAt
          releasedAt
        }
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;

/**
 * Hands tickets from their holder to a recycler over GraphQL, as a platform does before its recycler submits
 * inspections; throws unless every hand-over succeeds.
 */
export async function handOverTickets(hub: TestHub, holder: string, tickets: readonly string[], to: string): Promise<void> {
  const token = await hub.token(holder);
  for (const ticket of tickets) {
    const { body } = await hub.graphql(HAND_OVER, { ticket, to }, token);
    if (body.data?.handOverTicket?.__typename !== 'CustodyChain') throw new Error(`hand-over by ${holder} failed: ${JSON.stringify(body)}`);
  }
}

/** Registers one more party with a key the test holds, so `hub.token(id)` works for it. */
export async function registerTestParty(hub: TestHub, id: string, role: PartyRole): Promise<void> {
  await registerParty(hub.app.database.db, { id, role }, new Date());
  const key = await createLocalPartyKey(hub.config.dataDir, id, 'ES256');
  await registerPartyKey(hub.app.database.db, id, key.publicJwk, new Date());
  hub.keys.set(id, key);
}

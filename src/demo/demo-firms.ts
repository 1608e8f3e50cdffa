import type { Db } from '../db/database.ts';
import { creditCodeCheckCharacter } from '../firms/credit-code.ts';
import { registerFirm } from '../firms/firms.service.ts';
import type { FirmCapacity, FirmStatus } from '../firms/firms.table.ts';
import { findParty } from '../parties/parties.repository.ts';
import { registerParty } from '../parties/parties.service.ts';
import type { PartyRole } from '../parties/parties.table.ts';

/**
 * A synthetic unified social credit code for demo firm `n`: an enterprise (91) registered in Beijing's
 * Haidian district (110108) with a made-up organisation code, and the GB 32100-2015 check character, so the
 * registry's own check accepts it.
 */
export function demoCreditCode(n: number): string {
  const first17 = `91110108MA${String(n).padStart(7, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

interface DemoFirm {
  partyId: string;
  /** Set for firms that are not among the demo's acting parties: a party row without keys, listed only. */
  party?: { role: PartyRole; displayName: string };
  capacities: FirmCapacity[];
  status: FirmStatus;
  licence?: { number: string; validUntil: string };
}

/** One firm of every capacity, the demo's acting parties among them; a suspended one shows the status. */
export const DEMO_FIRMS: readonly DemoFirm[] = [
  { partyId: 'demo-platform', capacities: ['sales_firm', 'ecommerce_platform'], status: 'active' },
  { partyId: 'demo-recycler', capacities: ['recycler', 'dismantler'], status: 'active', licence: { number: 'JING-FD-2024-007', validUntil: '2029-06-30' } },
  { partyId: 'demo-brand', capacities: ['brand'], status: 'active' },
  { partyId: 'demo-regulator', capacities: ['regulator'], status: 'active' },
  { partyId: 'operator', capacities: ['operator'], status: 'active' },
  {
    partyId: 'demo-appliance-store',
    party: { role: 'platform', displayName: '示例家电卖场 Demo Appliance Store' },
    capacities: ['sales_firm'],
    status: 'active',
  },
  {
    partyId: 'demo-voucher-service',
    party: { role: 'platform', displayName: '示例消费券平台 Demo Voucher Service' },
    capacities: ['third_party_service'],
    status: 'active',
  },
  {
    partyId: 'demo-wipe-notary',
    party: { role: 'recycler', displayName: '示例数据清除见证 Demo Wipe Notary' },
    capacities: ['recycler', 'notary'],
    status: 'active',
  },
  {
    partyId: 'demo-dismantler',
    party: { role: 'recycler', displayName: '示例拆解 Demo Dismantler' },
    capacities: ['dismantler'],
    status: 'suspended',
    licence: { number: 'JING-FD-2023-002', validUntil: '2027-12-31' },
  },
];

/**
 * Puts the demo firms in the registry (a few small upserts, so every start may run it): the extra parties
 * are created once, and every entry is written as listed above.
 */
export async function ensureDemoFirms(db: Db, now: Date): Promise<void> {
  for (const [index, firm] of DEMO_FIRMS.entries()) {
    if (firm.party !== undefined && !(await findParty(db, firm.partyId))) await registerParty(db, { id: firm.partyId, ...firm.party }, now);
    const publicBody = firm.capacities.every((c) => c === 'regulator' || c === 'operator');
    await registerFirm(
      db,
      {
        partyId: firm.partyId,
        capacities: firm.capacities,
        creditCode: publicBody ? null : demoCreditCode(index + 1),
        licenceNumber: firm.licence?.number ?? null,
        licenceValidUntil: firm.licence?.validUntil ?? null,
        status: firm.status,
      },
      now,
    );
  }
}

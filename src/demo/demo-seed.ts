import type { HubApp } from '../app.ts';
import type { DocumentKind } from '../documents/document-kinds.ts';
import { createLocalPartyKey, readLocalPartyKey, type StoredPartyKey } from '../parties/local-key-store.ts';
import { findActivePartyKeys, findParty } from '../parties/parties.repository.ts';
import { registerParty, registerPartyKey } from '../parties/parties.service.ts';
import type { PartyRole } from '../parties/parties.table.ts';
import { ingestDocuments } from '../submissions/submissions.service.ts';
import { generateDemoDocuments } from './demo-documents.ts';

export const DEMO_PARTIES: readonly { id: string; role: PartyRole; displayName: string }[] = [
  { id: 'demo-platform', role: 'platform', displayName: '示例商城 Demo Platform' },
  { id: 'demo-recycler', role: 'recycler', displayName: '示例回收 Demo Recycler' },
  { id: 'demo-brand', role: 'brand', displayName: '示例品牌 Demo Brand' },
  { id: 'demo-regulator', role: 'regulator', displayName: '示例监管 Demo Regulator' },
  { id: 'operator', role: 'operator', displayName: 'Hub operator' },
];

export const DEMO_TICKETS = 20_000;
const BATCH = 1000;

/**
 * Creates the demo parties with keys kept in the data folder (once), and a party whose local key was lost
 * gets a new one registered. Returns each party's stored key.
 */
export async function ensureDemoParties(app: HubApp): Promise<Map<string, StoredPartyKey>> {
  const keys = new Map<string, StoredPartyKey>();
  for (const party of DEMO_PARTIES) {
    const now = new Date();
    if (!(await findParty(app.database.db, party.id))) await registerParty(app.database.db, party, now);
    let key: StoredPartyKey | undefined;
    try {
      key = await readLocalPartyKey(app.config.dataDir, party.id);
    } catch {
      // No local key yet: this is the party's first start on this data folder.
      key = undefined;
    }
    const active = await findActivePartyKeys(app.database.db, party.id);
    const localKid = key?.kid;
    if (key === undefined || !active.some((k) => k.kid === localKid)) {
      key = await createLocalPartyKey(app.config.dataDir, party.id);
      await registerPartyKey(app.database.db, party.id, key.publicJwk, now);
    }
    keys.set(party.id, key);
  }
  return keys;
}

/** True once the demo platform has submitted anything: later starts reuse the data. */
export async function isDemoSeeded(app: HubApp): Promise<boolean> {
  const row = await app.database.db.selectFrom('submissions').select('id').where('party_id', '=', 'demo-platform').limit(1).executeTakeFirst();
  return row !== undefined;
}

export interface SeedReport {
  tickets: number;
  inspections: number;
  dispositions: number;
  catalogue: number;
  rejected: number;
  subjectRefs: string[];
}

/**
 * Seeds the demo data through the same ingest path partners use (validation, privacy gate, idempotency),
 * so re-running it stores nothing twice.
 */
export async function seedDemoData(app: HubApp, options: { tickets?: number; onProgress?: (kind: DocumentKind, done: number, total: number) => void } = {}): Promise<SeedReport> {
  const documents = generateDemoDocuments({ tickets: options.tickets ?? DEMO_TICKETS, platform: 'demo-platform' });
  const context = { db: app.database.db, secret: app.secret, now: () => new Date() };
  let rejected = 0;
  const push = async (kind: DocumentKind, partyId: string, role: PartyRole, docs: readonly unknown[]) => {
    for (let start = 0; start < docs.length; start += BATCH) {
      const results = await ingestDocuments(context, { partyId, role }, kind, docs.slice(start, start + BATCH));
      rejected += results.filter((r) => r.status !== 'accepted').length;
      options.onProgress?.(kind, Math.min(start + BATCH, docs.length), docs.length);
    }
  };
  await push('catalogue', 'demo-brand', 'brand', documents.catalogue);
  await push('tradein', 'demo-platform', 'platform', documents.tradeIns);
  await push('inspection', 'demo-recycler', 'recycler', documents.inspections);
  await push('disposition', 'demo-recycler', 'recycler', documents.dispositions);
  return {
    tickets: documents.tradeIns.length, inspections: documents.inspections.length, dispositions: documents.dispositions.length,
    catalogue: documents.catalogue.length, rejected, subjectRefs: documents.subjectRefs,
  };
}

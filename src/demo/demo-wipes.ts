import type { HubApp } from '../app.ts';
import type { Db } from '../db/database.ts';
import type { WipeAttestation } from '../documents/documents.generated.ts';
import { registerFirm } from '../firms/firms.service.ts';
import { listCustodyTradeIns } from '../journeys/journeys.repository.ts';
import { ingestDocuments } from '../submissions/submissions.service.ts';
import { DATA_BEARING_CATEGORIES } from '../wipes/wipe-status.ts';
import { demoCreditCode } from './demo-firms.ts';

/** The demo's wipe notary: a party of its own role, admitted to the registry with the notary capacity. */
export const DEMO_NOTARY = 'demo-notary';
const DEMO_RECYCLER = 'demo-recycler';
// Past the demo firms' numbers (demo-firms.ts), so the code is the notary's alone.
const NOTARY_CREDIT_CODE = demoCreditCode(50);

/** Puts the demo notary in the firm registry (an upsert, so every start may run it). */
export async function ensureDemoNotaryFirm(db: Db, now: Date): Promise<void> {
  await registerFirm(db, { partyId: DEMO_NOTARY, capacities: ['notary'], creditCode: NOTARY_CREDIT_CODE, status: 'active' }, now);
}

export interface DemoWipeReport {
  attested: number;
  certified: number;
}

/** The attestation the demo notary makes for the n-th data-bearing device it visits; every 10th wipe failed. */
function demoAttestation(n: number, ticket: string, month: string): WipeAttestation {
  const kinds = [
    { standard: 'GB_INFO_CLEARANCE_2025', level: 'purge', method: 'crypto_erase' },
    { standard: 'GB_INFO_CLEARANCE_2025', level: 'clear', method: 'overwrite' },
    { standard: 'NIST_800_88_R1', level: 'purge', method: 'block_erase' },
    { standard: 'IEEE_2883_2022', level: 'purge', method: 'sanitize_cmd' },
  ] as const;
  const kind = kinds[n % kinds.length]!;
  return {
    externalRef: `demo-wa-${n}`,
    ticket,
    ...kind,
    verification: n % 3 === 0 ? 'sampling' : 'full',
    result: n % 10 === 9 ? 'failed' : 'success',
    wipedMonth: month,
  };
}

/**
 * The demo notary attests the wipes of part of the data-bearing devices the demo recycler holds — two in
 * three, so the rest show the regulator's flag once disposed of — through the same ingest as
 * `submitWipeAttestations`, in the notary's own session; certificates are issued as for any notary.
 * Idempotent: the references are fixed, so a second run replays.
 */
export async function seedDemoWipes(app: HubApp, now: Date = new Date()): Promise<DemoWipeReport> {
  await ensureDemoNotaryFirm(app.database.db, now);
  const recycler = app.sessionFor({ kind: 'party', partyId: DEMO_RECYCLER, role: 'recycler' });
  const held = (await listCustodyTradeIns(recycler, DEMO_RECYCLER, { first: 100_000 }))
    .filter((row) => row.holds_now && (DATA_BEARING_CATEGORIES as readonly string[]).includes(row.category))
    .reverse();
  const month = now.toISOString().slice(0, 7);
  const documents = held
    .filter((_, i) => i % 3 !== 2)
    .map((row, n) => demoAttestation(n, row.ticket_id, month < row.trade_in_month ? row.trade_in_month : month));
  const context = {
    db: app.sessionFor({ kind: 'party', partyId: DEMO_NOTARY, role: 'notary' }),
    secret: app.secret,
    now: () => now,
    certificates: { key: app.signingKey, hubId: app.config.hubId },
  };
  const report: DemoWipeReport = { attested: 0, certified: 0 };
  for (let start = 0; start < documents.length; start += 1000) {
    const batch = documents.slice(start, start + 1000);
    const results = await ingestDocuments(context, { partyId: DEMO_NOTARY, role: 'notary' }, 'wipe_attestation', batch);
    results.forEach((result, i) => {
      if (result.status !== 'accepted') return;
      report.attested++;
      if (batch[i]!.result === 'success') report.certified++;
    });
  }
  return report;
}

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoConsents } from '../../src/demo/demo-consents.ts';
import { ensureDemoParties } from '../../src/demo/demo-seed.ts';
import { subjectIdFor } from '../../src/subjects/subject-id.ts';
import { ingestDocuments } from '../../src/submissions/submissions.service.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

describe('seedDemoConsents', () => {
  let hub: TestHub;
  const subject = (i: number) => `uDemoConsentUser-${'abcdefghijklmnopqrstuvwxyz'[i % 26]}${'abcdefghij'[Math.floor(i / 26)]}-ref`;
  beforeAll(async () => {
    // Noise off: a few dozen users here (the demo's ledger is tested in demo-ledger.test.ts).
    hub = await createTestHub({ env: { HUB_INSIGHTS_NOISE: 'off' } });
    await ensureDemoParties(hub.app);
    const documents = Array.from({ length: 60 }, (_, i) => ({
      externalRef: `DEMO-C-${i}`,
      subjectRef: subject(i),
      category: 'mobile_phone',
      brand: 'Apple',
      model: 'iPhone 13 128GB',
      usageMonths: 30,
      tradeInMonth: '2026-09',
      channel: 'online',
      quotedValuationFen: 150_000,
    }));
    // Ingested before the demo's history (last month, from 2026-11-24): a query counts the data that existed
    // at its instant (src/ledger/pointer-expansion.repository.ts).
    const context = { db: hub.app.database.db, secret: hub.app.secret, now: () => new Date('2026-10-01T00:00:00Z') };
    // The demo brand's catalogue names the model, so model-level answers count these trade-ins.
    await ingestDocuments(context, { partyId: 'demo-brand', role: 'brand' }, 'catalogue', [
      { brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 599_900 },
    ]);
    await ingestDocuments(context, { partyId: 'demo-platform', role: 'platform' }, 'tradein', documents);
  });
  afterAll(async () => hub.close());

  it('has 40% of demo users grant through the consent ledger, leaves the printed demo user unasked, and gives the demo parties agreements', async () => {
    const report = await seedDemoConsents(hub.app, { exceptSubjectRef: subject(0), at: new Date('2026-10-02T10:00:00Z') });
    // Two in every five of the 60 users (24), one in five also the second purpose (12), less the demo user if it fell among them.
    expect([23, 24]).toContain(report.productRnd);
    expect([11, 12]).toContain(report.recyclingOptimization);
    const receipts = await sql<{ n: number }>`select count(*)::int as n from consent_events`.execute(hub.app.database.db);
    expect(receipts.rows[0]!.n).toBe(report.productRnd + report.recyclingOptimization);
    const { rows } = await sql<{
      party_id: string;
      purpose: string;
      status: string;
    }>`select party_id, purpose, status from agreements order by party_id`.execute(hub.app.database.db);
    expect(rows).toEqual([
      { party_id: 'demo-brand', purpose: 'product-rnd', status: 'active' },
      { party_id: 'demo-recycler', purpose: 'recycling-optimization', status: 'active' },
    ]);
    const demoUser = await sql<{
      n: number;
    }>`select count(*)::int as n from consents c join subjects s on s.id = c.subject_id where s.id = ${subjectIdFor(hub.app.secret, 'demo-platform', subject(0))}`.execute(
      hub.app.database.db,
    );
    expect(demoUser.rows[0]!.n).toBe(0);
  });
});

import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoDocuments } from '../../src/demo/demo-documents.ts';
import { DEMO_FIRMS, demoCreditCode } from '../../src/demo/demo-firms.ts';
import { seedDemoThroughPush } from '../../src/demo/demo-seed.ts';
import { registerFirm } from '../../src/firms/firms.service.ts';
import { isVerifiedDisposition } from '../../src/green/green-points-rule.ts';
import { periodOf } from '../../src/ledger/periods.ts';
import { mintedTokens } from '../../src/push/token-source.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const standing = (partyId: string) => {
  const firm = DEMO_FIRMS.find((f) => f.partyId === partyId)!;
  return { status: firm.status, capacities: firm.capacities, licenceValidUntil: firm.licence?.validUntil ?? null };
};

describe('the demo and green points', () => {
  it("verifies the demo recycler's dispositions, so demo users earn points, and never the suspended dismantler's", () => {
    const documents = generateDemoDocuments({ tickets: 2_000, platform: 'demo-platform' });
    const byCategory = new Map(documents.tradeIns.map((t) => [t.externalRef, t.category]));
    const verified = documents.dispositions.filter((d) => isVerifiedDisposition(d.disposition, d.completedMonth, standing('demo-recycler')));
    expect(verified).toHaveLength(documents.dispositions.length);
    // Phones resold or refurbished (49.2 kg CO2e, 492 points each) and appliances dismantled by weight.
    const earning = verified.filter(
      (d) => (d.disposition === 'resold_as_is' || d.disposition === 'refurbished') && byCategory.get(d.tradeIn!.externalRef) === 'mobile_phone',
    );
    expect(earning.length).toBeGreaterThan(50);
    expect(verified.some((d) => d.disposition === 'dismantled_recycled' && (d.weightKg ?? 0) > 0)).toBe(true);
    expect(documents.dispositions.filter((d) => isVerifiedDisposition(d.disposition, d.completedMonth, standing('demo-dismantler')))).toEqual([]);
  });

  describe('seeded the way the demo seeds (partners push their exports over HTTP)', () => {
    let hub: TestHub;
    let server: http.Server;
    let exportsDir: string;

    beforeAll(async () => {
      hub = await createTestHub();
      // The test's recycler stands in the registry as the demo recycler does.
      const demo = DEMO_FIRMS.find((f) => f.partyId === 'demo-recycler')!;
      await registerFirm(
        hub.app.database.db,
        {
          partyId: 'recycler-a',
          capacities: [...demo.capacities],
          creditCode: demoCreditCode(2),
          licenceNumber: demo.licence!.number,
          licenceValidUntil: demo.licence!.validUntil,
          status: demo.status,
        },
        new Date(),
      );
      exportsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-green-demo-'));
      server = http.createServer(hub.app.handler);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      const tokens = (id: string) => mintedTokens(hub.keys.get(id)!, { hubId: hub.config.hubId });
      await seedDemoThroughPush({
        endpoint,
        exportsDir,
        subjectKey: randomBytes(32),
        tickets: 300,
        retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
        senders: {
          brand: { id: 'brand-a', tokens: tokens('brand-a') },
          platform: { id: 'platform-a', tokens: tokens('platform-a') },
          recycler: { id: 'recycler-a', tokens: tokens('recycler-a') },
        },
      });
    });
    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
      await hub?.close();
      await fs.rm(exportsDir, { recursive: true, force: true });
    });

    it("answers the platform's month and each user's points through GraphQL, and they agree", async () => {
      const period = periodOf(new Date());
      const { body } = await hub.graphql(
        'query($p:String!){greenPointsStatement(period:$p){... on GreenPointsStatement{users totalPoints co2eKg lines(first:500){subjectRef points co2eKg devices}}}}',
        { p: period },
        await hub.token('platform-a'),
      );
      const statement = body.data.greenPointsStatement;
      expect(statement.users).toBeGreaterThan(10);
      expect(statement.totalPoints).toBeGreaterThan(0);
      expect(statement.lines).toHaveLength(statement.users);
      expect(statement.lines.reduce((sum: number, l: { points: number }) => sum + l.points, 0)).toBe(statement.totalPoints);
      const line = statement.lines.find((l: { points: number }) => l.points > 0);
      const me = (
        await hub.graphql(
          '{ me { ... on Me { records(first: 50) { greenPoints co2eAvoidedKg } greenPoints { totalPoints co2eAvoidedKg } } } }',
          {},
          await hub.token('platform-a', { subjectRef: line.subjectRef }),
        )
      ).body.data.me;
      expect(me.greenPoints).toEqual({ totalPoints: line.points, co2eAvoidedKg: line.co2eKg });
      const verified = me.records.filter((r: { greenPoints: number | null }) => r.greenPoints !== null);
      expect(verified.reduce((sum: number, r: { greenPoints: number }) => sum + r.greenPoints, 0)).toBe(line.points);
      expect(verified).toHaveLength(line.devices);
    });
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyConsentLedger, verifyConsentProjection } from '../../src/audit/audit.service.ts';
import type { ConsentAction } from '../../src/consent/consent-states.ts';
import { changeConsents, type ConsentOutcome, type ConsentRequest } from '../../src/consent/consent.service.ts';
import { rebuildStore } from '../../src/insights/insights.repository.ts';
import { ingestDocuments } from '../../src/submissions/submissions.service.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const NOW = new Date('2026-11-23T08:00:00Z');
const SECRET = randomBytes(32);
// Pseudonyms of a platform's HMAC shape (32 hex digits), the same on both hubs.
const user = (i: number) => createHash('sha256').update(`consent-batch-user-${i}`).digest('hex').slice(0, 32);
const CHANGE: Record<ConsentAction, string> = { grant: 'grantConsent', refuse: 'refuseConsent', withdraw: 'withdrawConsent' };

// Every kind of answer: first grants, a renewal, refusals, a withdrawal and a grant after it, the same
// (user, purpose) several times in one batch, transitions that do not apply, a purpose no one is asked
// about, and a user who never traded in through the hub (a new vault row).
const SCRIPT: [number, string, ConsentAction][] = [
  [0, 'product-rnd', 'grant'],
  [0, 'recycling-optimization', 'grant'],
  [1, 'product-rnd', 'withdraw'],
  [2, 'product-rnd', 'grant'],
  [2, 'product-rnd', 'refuse'],
  [2, 'product-rnd', 'withdraw'],
  [2, 'product-rnd', 'grant'],
  [3, 'recycling-optimization', 'refuse'],
  [4, 'resale', 'grant'],
  [5, 'precise-recommendation', 'grant'],
  [6, 'product-rnd', 'grant'],
  [7, 'product-rnd', 'grant'],
  [8, 'product-rnd', 'grant'],
  [9, 'recycling-optimization', 'grant'],
  [0, 'product-rnd', 'grant'],
  [7, 'product-rnd', 'withdraw'],
  [10, 'product-rnd', 'grant'],
  [3, 'recycling-optimization', 'grant'],
];
const REQUESTS: ConsentRequest[] = SCRIPT.map(([i, purpose, action]) => ({ user: { platformId: 'platform-a', subjectRef: user(i) }, purpose, action }));

/** Both hubs hold the same trade-ins (users 0–9; user 10 has none), so the analytic store has cells to keep. */
async function seedTradeIns(hub: TestHub): Promise<void> {
  const context = { db: hub.app.database.db, secret: hub.app.secret, now: () => new Date('2026-10-01T00:00:00Z') };
  await ingestDocuments(context, { partyId: 'brand-a', role: 'brand' }, 'catalogue', [
    { brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 599_900 },
  ]);
  const results = await ingestDocuments(
    context,
    { partyId: 'platform-a', role: 'platform' },
    'tradein',
    Array.from({ length: 10 }, (_, i) => ({
      externalRef: `BATCH-${i}`,
      subjectRef: user(i),
      category: 'mobile_phone',
      brand: 'Apple',
      model: 'iPhone 13 128GB',
      usageMonths: 12 + i,
      tradeInMonth: '2026-09',
      channel: i % 2 === 0 ? 'online' : 'in_store',
      quotedValuationFen: 150_000 + i * 1_000,
    })),
  );
  if (results.some((result) => result.status !== 'accepted'))
    throw new Error(`the test trade-ins must be accepted: ${JSON.stringify(results.filter((r) => r.status !== 'accepted'))}`);
}

/** The ledger's content as both paths must write it: everything but the fresh ids (and what covers them). */
async function ledgerOf(hub: TestHub) {
  const { rows } = await sql<Record<string, unknown>>`
    select subject_id, seq, position::int as position, purpose, action, status, policy_version, terms, expires_at, created_at, prev_hash is null as first
    from consent_events order by position`.execute(hub.app.database.db);
  return rows;
}

async function projectionOf(hub: TestHub) {
  const { rows } = await sql<Record<string, unknown>>`
    select c.subject_id, c.purpose, c.status, e.position::int as event_position, c.granted_at, c.expires_at, c.updated_at
    from consents c join consent_events e on e.id = c.event_id order by c.subject_id, c.purpose`.execute(hub.app.database.db);
  return rows;
}

async function storeOf(hub: TestHub) {
  const { rows } = await sql<Record<string, unknown>>`
    select c.purpose, c.cell_key, c.records, c.inspected,
      (select json_agg(json_build_array(v.input, v.value, v.n) order by v.input, v.value) from insight_cell_values v where v.cell_id = c.id)::text as cell_values
    from insight_cells c where c.records <> 0 order by c.purpose, c.cell_key`.execute(hub.app.database.db);
  return rows;
}

const outcomeShape = (outcome: ConsentOutcome) => (outcome.ok ? { ok: true, state: outcome.change.state } : { ok: false, code: outcome.error.code });

describe('changeConsents (batched) against one changeConsent per user', () => {
  let single: TestHub;
  let batched: TestHub;
  let singleOutcomes: ReturnType<typeof outcomeShape>[];
  let batchedOutcomes: ConsentOutcome[];
  beforeAll(async () => {
    single = await createTestHub({ now: () => NOW, secret: SECRET });
    batched = await createTestHub({ now: () => NOW, secret: SECRET });
    await seedTradeIns(single);
    await seedTradeIns(batched);
    // The reference: each change through the GraphQL mutation, with the user's own token and session.
    singleOutcomes = [];
    for (const [i, purpose, action] of SCRIPT) {
      const { body } = await single.graphql(
        `mutation($p:String!){${CHANGE[action]}(purpose:$p){__typename ... on ConsentChanged{change{state}} ... on HubError{code}}}`,
        { p: purpose },
        await single.token('platform-a', { subjectRef: user(i) }),
      );
      const answer = body.data[CHANGE[action]];
      singleOutcomes.push(answer.__typename === 'ConsentChanged' ? { ok: true, state: answer.change.state.toLowerCase() } : { ok: false, code: answer.code });
    }
    // Batches of four: user 2's four changes span two transactions.
    batchedOutcomes = await changeConsents(
      {
        db: batched.app.database.db,
        secret: batched.app.secret,
        policies: batched.app.policies,
        signingKey: batched.app.signingKey,
        hubId: batched.config.hubId,
        now: () => NOW,
      },
      REQUESTS,
      { batchSize: 4 },
    );
  }, 600_000);
  afterAll(async () => {
    await single?.close();
    await batched?.close();
  });

  it('answers each request as the single path does, refusals included', () => {
    expect(batchedOutcomes.map(outcomeShape)).toEqual(singleOutcomes);
    expect(singleOutcomes.filter((o) => !o.ok).map((o) => o.code)).toEqual([
      'consent.not_granted',
      'consent.withdraw_instead',
      'consent.purpose_not_consentable',
    ]);
  });

  it('appends the same events at the same gap-free positions, each chain verifying', async () => {
    const events = await ledgerOf(batched);
    expect(events).toEqual(await ledgerOf(single));
    expect(events.map((e) => e.position)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    for (const hub of [single, batched]) expect(await verifyConsentLedger(hub.app.database.db)).toEqual({ events: 15, firstBreak: undefined });
    const head = await sql<{ value: string }>`select value from hub_settings where key = 'consent_ledger_head'`.execute(batched.app.database.db);
    expect(head.rows[0]!.value).toBe('15');
  });

  it('signs receipts that verify with the hub key and say what the single path says', async () => {
    const receiptsOf = async (hub: TestHub) => {
      const jwks = (await (await hub.app.yoga.fetch('http://hub.test/.well-known/jwks.json')).json()) as JSONWebKeySet;
      const { rows } = await sql<{ receipt_id: string; receipt: string }>`select receipt_id, receipt from consent_events order by position`.execute(
        hub.app.database.db,
      );
      return Promise.all(
        rows.map(async (row) => {
          const { payload } = await jwtVerify(row.receipt, createLocalJWKSet(jwks), {
            issuer: hub.config.hubId,
            algorithms: ['ES256'],
            typ: 'consent-receipt+jwt',
          });
          expect(payload.jti).toBe(row.receipt_id);
          const { jti: _jti, ...claims } = payload;
          return claims;
        }),
      );
    };
    const batchedReceipts = await receiptsOf(batched);
    expect(batchedReceipts).toEqual(await receiptsOf(single));
    const returned = batchedOutcomes.flatMap((o) => (o.ok ? [decodeJwt(o.change.receipt).jti] : []));
    const { rows } = await sql<{ receipt_id: string }>`select receipt_id from consent_events order by position`.execute(batched.app.database.db);
    expect(returned).toEqual(rows.map((row) => row.receipt_id));
  });

  it('leaves the same projection, which replays from the ledger', async () => {
    expect(await projectionOf(batched)).toEqual(await projectionOf(single));
    for (const hub of [single, batched]) expect((await verifyConsentProjection(hub.app.database.db)).firstDifference).toBeUndefined();
  });

  it('keeps the analytic store exact (the same cells as the single path; a rebuild finds nothing to repair)', async () => {
    const store = await storeOf(batched);
    expect(store.length).toBeGreaterThan(0);
    expect(store).toEqual(await storeOf(single));
    for (const hub of [single, batched]) {
      const report = await hub.app.database.db.transaction().execute((tx) => rebuildStore(tx, NOW, { repair: false }));
      expect(report).toMatchObject({
        cells: { added: 0, changed: 0, removed: 0 },
        values: { added: 0, changed: 0, removed: 0 },
        faults: { added: 0, changed: 0, removed: 0 },
        repaired: false,
      });
    }
  });
});

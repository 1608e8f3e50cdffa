import { compactVerify, createLocalJWKSet, decodeJwt } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog, verifyConsentLedger, verifyConsentProjection } from '../../src/audit/audit.service.ts';
import { CheckpointError } from '../../src/audit/checkpoint.ts';
import { signCheckpoints, verifyCheckpoint, type CheckpointContext } from '../../src/audit/checkpoint.service.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const SUBJECTS = ['uTamperTestUser000000000000000001', 'uTamperTestUser000000000000000002', 'uTamperTestUser000000000000000003'];
const ASK = 'query { insights(purpose: "product-rnd", groupBy: [brand], measures: [count]) { __typename } }';
const GRANT = 'mutation($p: String!) { grantConsent(purpose: $p) { __typename } }';
const WITHDRAW = 'mutation($p: String!) { withdrawConsent(purpose: $p) { __typename } }';

/**
 * Issue #12's tampering cases, each done the way an attacker with the database owner's rights would (the
 * append-only trigger switched off first), each caught: an edited entry, a deleted middle entry, a deleted
 * tail (only a kept checkpoint shows it), an edited `consents` projection.
 */
describe('tamper evidence', () => {
  let hub: TestHub;
  let context: CheckpointContext;
  const db = () => hub.app.database.db;

  /** As the tables' owner: switch the access log's append-only trigger off for one change, then on again. */
  async function asAttacker(change: () => Promise<unknown>): Promise<void> {
    await sql`alter table access_log disable trigger access_log_append_only`.execute(db());
    try {
      await change();
    } finally {
      await sql`alter table access_log enable trigger access_log_append_only`.execute(db());
    }
  }

  async function accessLogRows() {
    const { rows } = await sql<Record<string, unknown>>`select * from access_log order by seq`.execute(db());
    return rows;
  }

  async function restore(row: Record<string, unknown>) {
    await sql`insert into access_log select * from jsonb_populate_record(null::access_log, ${JSON.stringify(row, (_k, v) => (v instanceof Uint8Array || (v && v.type === 'Buffer') ? `\\x${Buffer.from(v.data ?? v).toString('hex')}` : v))}::jsonb)`.execute(
      db(),
    );
  }

  beforeAll(async () => {
    hub = await createTestHub();
    context = { db: db(), signingKey: hub.app.signingKey, hubId: hub.config.hubId, now: () => new Date(), consentGraceSeconds: 0 };
    const brand = await hub.token('brand-a');
    for (let i = 0; i < 6; i++) await hub.graphql(ASK, {}, brand);
    for (const subject of SUBJECTS) {
      const user = await hub.token('platform-a', { subjectRef: subject });
      expect((await hub.graphql(GRANT, { p: 'product-rnd' }, user)).body.data.grantConsent.__typename).toBe('ConsentChanged');
      expect((await hub.graphql(GRANT, { p: 'recycling-optimization' }, user)).body.data.grantConsent.__typename).toBe('ConsentChanged');
    }
    const last = await hub.token('platform-a', { subjectRef: SUBJECTS[2]! });
    expect((await hub.graphql(WITHDRAW, { p: 'product-rnd' }, last)).body.data.withdrawConsent.__typename).toBe('ConsentChanged');
  });
  afterAll(async () => hub.close());

  it('starts intact: both chains verify, the projection matches the ledger', async () => {
    expect(await verifyAccessLog(db())).toEqual({ entries: 6, firstBreak: undefined });
    expect((await verifyConsentLedger(db())).firstBreak).toBeUndefined();
    expect(await verifyConsentProjection(db())).toEqual({ rows: 6, firstDifference: undefined });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the access log at the database', async () => {
    await expect(sql`update access_log set purpose = 'x' where seq = 2`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`delete from access_log where seq = 6`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`truncate access_log`.execute(db())).rejects.toThrow(/append-only/);
    expect(await verifyAccessLog(db())).toEqual({ entries: 6, firstBreak: undefined });
    // Its twin: appending still works (the queries above were logged).
    await hub.graphql(ASK, {}, await hub.token('brand-a'));
    expect((await verifyAccessLog(db())).entries).toBe(7);
  });

  it('catches an edited entry', async () => {
    await asAttacker(() => sql`update access_log set rows_released = rows_released + 1 where seq = 3`.execute(db()));
    expect((await verifyAccessLog(db())).firstBreak).toEqual({ seq: 3, reason: 'hash_mismatch' });
    await asAttacker(() => sql`update access_log set rows_released = rows_released - 1 where seq = 3`.execute(db()));
    expect((await verifyAccessLog(db())).firstBreak).toBeUndefined();
  });

  it('catches a deleted middle entry', async () => {
    const [, , , middle] = await accessLogRows();
    await asAttacker(() => sql`delete from access_log where seq = 4`.execute(db()));
    expect((await verifyAccessLog(db())).firstBreak).toEqual({ seq: 5, reason: 'sequence_gap' });
    await asAttacker(() => restore(middle!));
    expect((await verifyAccessLog(db())).firstBreak).toBeUndefined();
  });

  it('catches a deleted tail with a kept checkpoint, which the chain alone cannot', async () => {
    const [accessLog] = await signCheckpoints(context);
    expect(accessLog!.claims).toMatchObject({ chain: 'access_log', length: 7 });
    expect((await verifyCheckpoint(db(), accessLog!.jws, hub.app.signingKey.publicJwk)).finding).toEqual({ ok: true });
    const rows = await accessLogRows();
    await asAttacker(() => sql`delete from access_log where seq = 7`.execute(db()));
    // The shorter chain verifies on its own …
    expect(await verifyAccessLog(db())).toEqual({ entries: 6, firstBreak: undefined });
    // … but no longer extends the checkpoint.
    const { finding } = await verifyCheckpoint(db(), accessLog!.jws, hub.app.signingKey.publicJwk);
    expect(finding).toEqual({ ok: false, reason: 'truncated', expected: '7 entries', found: '6 entries' });
    // Rewriting the tail instead (same length, a different entry) is caught as divergence.
    const forged = { ...rows.at(-1)!, rows_released: 99, hash: Buffer.alloc(32, 1) };
    await asAttacker(() => restore(forged));
    expect((await verifyCheckpoint(db(), accessLog!.jws, hub.app.signingKey.publicJwk)).finding).toMatchObject({ ok: false, reason: 'diverged' });
    await asAttacker(async () => {
      await sql`delete from access_log where seq = 7`.execute(db());
      await restore(rows.at(-1)!);
    });
    expect((await verifyCheckpoint(db(), accessLog!.jws, hub.app.signingKey.publicJwk)).finding).toEqual({ ok: true });
  });

  it("catches a deleted tail of a subject's consent chain with a kept checkpoint", async () => {
    const [, consent] = await signCheckpoints(context);
    expect(consent!.claims).toMatchObject({ chain: 'consent_ledger', length: 7, subjects: 3 });
    expect((await verifyCheckpoint(db(), consent!.jws, hub.app.signingKey.publicJwk)).finding).toEqual({ ok: true });
    const { rows } = await sql<{ subject_id: string; seq: number }>`select subject_id, seq from consent_events order by subject_id, seq desc`.execute(db());
    const newest = rows.find((row) => row.seq === 3)!;
    const saved = await sql<Record<string, unknown>>`select * from consent_events where subject_id = ${newest.subject_id} and seq = 3`.execute(db());
    await sql`delete from consent_events where subject_id = ${newest.subject_id} and seq = 3`.execute(db());
    expect((await verifyConsentLedger(db())).firstBreak).toBeUndefined();
    expect((await verifyCheckpoint(db(), consent!.jws, hub.app.signingKey.publicJwk)).finding).toEqual({
      ok: false,
      reason: 'truncated',
      expected: '7 entries',
      found: '6 entries',
    });
    // The projection still shows the withdrawal the ledger no longer has: named too.
    expect((await verifyConsentProjection(db())).firstDifference).toMatchObject({ subjectId: newest.subject_id, purpose: 'product-rnd', field: 'status' });
    await sql`insert into consent_events select * from jsonb_populate_record(null::consent_events, ${JSON.stringify(saved.rows[0], (_k, v) => (v instanceof Uint8Array || (v && v.type === 'Buffer') ? `\\x${Buffer.from(v.data ?? v).toString('hex')}` : v))}::jsonb)`.execute(
      db(),
    );
    expect((await verifyCheckpoint(db(), consent!.jws, hub.app.signingKey.publicJwk)).finding).toEqual({ ok: true });
  });

  it('catches an edited, an added and a removed row of the consents projection, naming the first difference', async () => {
    const { rows } = await sql<{
      subject_id: string;
      purpose: string;
      status: string;
    }>`select subject_id, purpose, status from consents order by subject_id, purpose`.execute(db());
    const target = rows.find((row) => row.status === 'withdrawn')!;
    await sql`update consents set status = 'granted' where subject_id = ${target.subject_id} and purpose = ${target.purpose}`.execute(db());
    expect((await verifyConsentProjection(db())).firstDifference).toEqual({ subjectId: target.subject_id, purpose: target.purpose, field: 'status' });
    await sql`update consents set status = 'withdrawn' where subject_id = ${target.subject_id} and purpose = ${target.purpose}`.execute(db());
    expect((await verifyConsentProjection(db())).firstDifference).toBeUndefined();

    const first = rows[0]!;
    const saved = (
      await sql<Record<string, unknown>>`select * from consents where subject_id = ${first.subject_id} and purpose = ${first.purpose}`.execute(db())
    ).rows[0]!;
    await sql`delete from consents where subject_id = ${first.subject_id} and purpose = ${first.purpose}`.execute(db());
    expect((await verifyConsentProjection(db())).firstDifference).toEqual({ subjectId: first.subject_id, purpose: first.purpose, field: 'missing' });
    await sql`insert into consents select * from jsonb_populate_record(null::consents, ${JSON.stringify(saved)}::jsonb)`.execute(db());
    await sql`insert into consents (subject_id, purpose, status, event_id, granted_at, expires_at, updated_at)
      values (${first.subject_id}, 'precise-recommendation', 'granted', ${saved.event_id as string}, now(), null, now())`.execute(db());
    expect((await verifyConsentProjection(db())).firstDifference).toEqual({
      subjectId: first.subject_id,
      purpose: 'precise-recommendation',
      field: 'unexplained',
    });
    await sql`delete from consents where subject_id = ${first.subject_id} and purpose = 'precise-recommendation'`.execute(db());
    expect((await verifyConsentProjection(db())).firstDifference).toBeUndefined();
  });

  it('signs checkpoints a regulator can fetch over GraphQL and verify against /.well-known/jwks.json; a forged one is refused', async () => {
    const SIGN =
      'mutation { signAuditCheckpoints { __typename ... on MutationSignAuditCheckpointsSuccess { data { chain length headHash signedAt jws } } ... on HubError { code } } }';
    const LIST = '{ auditCheckpoints(first: 10) { __typename ... on QueryAuditCheckpointsSuccess { data { chain length jws } } ... on HubError { code } } }';
    const signed = (await hub.graphql(SIGN, {}, await hub.token('regulator-a'))).body.data.signAuditCheckpoints;
    expect(signed.data.map((c: { chain: string }) => c.chain)).toEqual(['access_log', 'consent_ledger']);
    const listed = (await hub.graphql(LIST, {}, await hub.token('operator-a'))).body.data.auditCheckpoints.data;
    expect(listed.map((c: { jws: string }) => c.jws)).toEqual(expect.arrayContaining(signed.data.map((c: { jws: string }) => c.jws)));
    expect((await hub.graphql(LIST, {}, await hub.token('brand-a'))).body.data.auditCheckpoints).toMatchObject({ code: 'forbidden.role' });
    expect((await hub.graphql(SIGN, {}, await hub.token('platform-a'))).body.data.signAuditCheckpoints).toMatchObject({ code: 'forbidden.role' });

    const jwks = await (await hub.app.yoga.fetch('http://hub.test/.well-known/jwks.json')).json();
    const keySet = createLocalJWKSet(jwks);
    const accessLog = signed.data[0];
    const { protectedHeader } = await compactVerify(accessLog.jws, keySet);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'audit-checkpoint+jwt' });
    expect(decodeJwt(accessLog.jws)).toMatchObject({
      chain: 'access_log',
      length: Number(accessLog.length),
      headHash: accessLog.headHash,
      iss: hub.config.hubId,
    });

    // A checkpoint whose claims were changed (a shorter length, to excuse a truncation) no longer verifies.
    const [header, payload, signature] = (accessLog.jws as string).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, length: 1 })).toString('base64url')}.${signature}`;
    await expect(verifyCheckpoint(db(), forged, hub.app.signingKey.publicJwk)).rejects.toBeInstanceOf(CheckpointError);
  });
});

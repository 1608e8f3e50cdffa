import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/ledger-verify.ts';
import { periodOf, previousPeriod } from '../../src/ledger/periods.ts';
import { ACCOUNTS, splitQueryCharge } from '../../src/ledger/revenue-split.ts';
import { subjectRefCipher } from '../../src/hub-keys/subject-ref-cipher.ts';
import { catalogueModels } from '../support/catalogue.ts';
import { pointerShares } from './support/pointer-shares.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

/** Vault rows with their pseudonyms opened (the vault keeps them sealed). */
function openRefs<Row extends { id: string; subject_ref_sealed: Buffer }>(
  hub: TestHub,
  rows: Row[],
): (Omit<Row, 'subject_ref_sealed'> & { subject_ref: string })[] {
  const cipher = subjectRefCipher(hub.app.secret);
  return rows.map(({ subject_ref_sealed: sealed, ...row }) => ({ ...row, subject_ref: cipher.open(row.id, sealed) }));
}

/*
 * Model-based: random sequences of consent changes, billed queries and month-end payout runs against a
 * real hub, each step checked against a plain model of what the ledger must hold — balances per account,
 * each user's accruals, what each run pays and carries — and every run ending with `verifyLedger` clean.
 */
const PRICE = 7;
const SPLIT = { users: 5000, parties: 3000, hub: 2000 };
const USERS = [
  ...Array.from({ length: 12 }, (_, i) => ({ ref: `uModel-a${'abcdefghijkl'[i]}-ledger-model-user`, platform: 'platform-a' })),
  ...Array.from({ length: 3 }, (_, i) => ({ ref: `uModel-b${'abc'[i]}-ledger-model-user`, platform: 'platform-b' })),
];
const K = 10;

interface Model {
  clock: Date;
  consenting: Set<string>;
  balances: Map<string, number>;
  /** ref → fen earned in the open period. */
  earned: Map<string, number>;
  /** ref → fen carried by the last run. */
  carried: Map<string, number>;
  /** Account → fen the open period's queries will credit when it closes (their split, out of the pending account). */
  pending: Map<string, number>;
}

interface Real {
  hub: TestHub;
  setClock(instant: Date): void;
}

const add = (map: Map<string, number>, key: string, fen: number) => map.set(key, (map.get(key) ?? 0) + fen);

const INSIGHTS =
  '{ insights(purpose: "product-rnd", groupBy: [model], measures: [count, gradeDistribution]) { __typename ... on Insights { queryId subjectsCounted } ... on HubError { code message } } }';

class ToggleConsent implements fc.AsyncCommand<Model, Real> {
  constructor(readonly user: number) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const { ref, platform } = USERS[this.user]!;
    const action = model.consenting.has(ref) ? 'withdrawConsent' : 'grantConsent';
    const answer = await real.hub.graphql(
      `mutation { ${action}(purpose: "product-rnd") { __typename } }`,
      {},
      await real.hub.token(platform, { subjectRef: ref }),
    );
    expect(answer.body.data[action].__typename).toBe('ConsentChanged');
    if (action === 'grantConsent') model.consenting.add(ref);
    else model.consenting.delete(ref);
  }
  toString = () => `toggle(${this.user})`;
}

class Query implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const { hub } = real;
    const answer = (await hub.graphql(INSIGHTS, {}, await hub.token('brand-a'))).body.data.insights;
    expect(answer.__typename).toBe('Insights');
    const counted = [...model.consenting];
    const n = counted.length >= K ? counted.length : 0;
    expect(answer.subjectsCounted).toBe(n);
    if (n === 0) return;
    const perPlatform = (platform: string) => counted.filter((ref) => USERS.find((u) => u.ref === ref)!.platform === platform).length;
    const split = splitQueryCharge({
      payerPartyId: 'brand-a',
      subjects: n,
      pricePerSubjectFen: PRICE,
      split: SPLIT,
      supplierDocuments: new Map([
        ['platform-a', perPlatform('platform-a')],
        ['platform-b', perPlatform('platform-b')],
        ['recycler-a', n],
        ['brand-a', n],
      ]),
    });
    // The query's pointer, expanded as the close will: each counted user's share.
    const shares = await pointerShares(hub.app.database.db, answer.queryId);
    const rows = openRefs(
      hub,
      (
        await sql<{ id: string; subject_ref_sealed: Buffer }>`
      select s.id, s.subject_ref_sealed from subjects s where s.id = any(${[...shares.keys()]}::uuid[])`.execute(hub.app.database.db)
      ).rows,
    ).map((row) => ({ ...row, fen: shares.get(row.id)! }));
    expect(rows.map((row) => row.subject_ref).sort()).toEqual([...counted].sort());
    const floor = Math.floor(split.usersPoolFen / n);
    for (const row of rows) {
      expect([floor, floor + 1]).toContain(Number(row.fen));
      add(model.earned, row.subject_ref, Number(row.fen));
      add(model.pending, ACCOUNTS.usersPool(USERS.find((u) => u.ref === row.subject_ref)!.platform), Number(row.fen));
    }
    expect(rows.reduce((sum, row) => sum + Number(row.fen), 0)).toBe(split.usersPoolFen);
    // Billed at once into the pending account; split at the close.
    add(model.balances, ACCOUNTS.party('brand-a'), -split.priceFen);
    add(model.balances, ACCOUNTS.pending, split.priceFen);
    add(model.pending, ACCOUNTS.pending, -split.priceFen);
    for (const [party, fen] of split.parties) add(model.pending, ACCOUNTS.party(party), fen);
    add(model.pending, ACCOUNTS.hubFees, split.hubFeeFen);
  }
  toString = () => 'query';
}

class CloseMonth implements fc.AsyncCommand<Model, Real> {
  constructor(readonly minimumFen: number) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const period = periodOf(model.clock);
    const next = new Date(Date.UTC(model.clock.getUTCFullYear(), model.clock.getUTCMonth() + 1, 1, 6));
    model.clock = next;
    real.setClock(next);
    expect(previousPeriod(periodOf(next))).toBe(period);
    const run = (
      await real.hub.graphql(
        'mutation($p:String!,$m:Int){runPayouts(period:$p, minimumFen:$m){__typename ... on PayoutRun{alreadyClosed paidFen carriedFen statements{platformId totalFen}} ... on HubError{code message}}}',
        { p: period, m: this.minimumFen },
        await real.hub.token('operator-a'),
      )
    ).body.data.runPayouts;
    expect(run).toMatchObject({ __typename: 'PayoutRun', alreadyClosed: false });
    for (const [account, fen] of model.pending) add(model.balances, account, fen);
    model.pending = new Map();

    const expected = new Map<string, { accrued: number; paid: number; carried: number }>();
    for (const { ref } of USERS) {
      const accrued = (model.earned.get(ref) ?? 0) + (model.carried.get(ref) ?? 0);
      if (!model.earned.has(ref) && !model.carried.has(ref)) continue;
      expected.set(ref, { accrued, paid: accrued >= this.minimumFen ? accrued : 0, carried: accrued >= this.minimumFen ? 0 : accrued });
    }
    const rows = openRefs(
      real.hub,
      (
        await sql<{ id: string; subject_ref_sealed: Buffer; accrued_fen: string; paid_fen: string; carried_fen: string }>`
      select s.id, s.subject_ref_sealed, p.accrued_fen, p.paid_fen, p.carried_fen from payout_lines p join subjects s on s.id = p.subject_id where p.period = ${period}`.execute(
          real.hub.app.database.db,
        )
      ).rows,
    );
    expect(
      new Map(rows.map((row) => [row.subject_ref, { accrued: Number(row.accrued_fen), paid: Number(row.paid_fen), carried: Number(row.carried_fen) }])),
    ).toEqual(expected);

    const paidBy = new Map<string, number>();
    for (const [ref, line] of expected) if (line.paid > 0) add(paidBy, USERS.find((u) => u.ref === ref)!.platform, line.paid);
    expect(Number(run.paidFen)).toBe([...paidBy.values()].reduce((a, b) => a + b, 0));
    for (const statement of run.statements) expect(Number(statement.totalFen)).toBe(paidBy.get(statement.platformId) ?? 0);
    for (const [platform, fen] of paidBy) {
      add(model.balances, ACCOUNTS.usersPool(platform), -fen);
      add(model.balances, ACCOUNTS.payable(platform), fen);
    }
    model.earned = new Map();
    model.carried = new Map([...expected].filter(([, line]) => line.carried !== 0).map(([ref, line]) => [ref, line.carried]));
  }
  toString = () => `close(min ${this.minimumFen})`;
}

describe('revenue share against a model', () => {
  let policiesDir: string;
  beforeAll(async () => {
    policiesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-policies-'));
    await fs.cp(path.resolve('policies'), policiesDir, { recursive: true });
    const file = path.join(policiesDir, 'product-rnd', 'policy.yaml');
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace(/^pricePerSubjectFen: \d+$/m, `pricePerSubjectFen: ${PRICE}`));
  });
  afterAll(async () => fs.rm(policiesDir, { recursive: true, force: true }));

  it('keeps balances, accruals, payouts and statements as the model says, and the ledger clean', async () => {
    const commands = [
      fc.integer({ min: 0, max: USERS.length - 1 }).map((user) => new ToggleConsent(user)),
      fc.constant(new Query()),
      fc.constant(new Query()),
      fc.integer({ min: 1, max: 40 }).map((minimum) => new CloseMonth(minimum)),
    ];
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 12 }), async (sequence) => {
        let clock = new Date('2026-03-05T09:00:00Z');
        const hub = await createTestHub({ now: () => clock, env: { HUB_POLICIES_DIR: policiesDir, HUB_INSIGHTS_NOISE: 'off' } });
        try {
          // groupBy model counts catalogued models only.
          await catalogueModels(hub, [{ brand: 'Apple', model: 'iPhone 13' }]);
          const submitted = await hub.graphql(
            'mutation($d:[JSON!]!){submitTradeIns(documents:$d){... on SubmissionBatch{results{... on SubmissionAccepted{ticket}}}}}',
            {
              d: USERS.filter((u) => u.platform === 'platform-a').map((u, i) => ({
                externalRef: `M-A-${i}`,
                subjectRef: u.ref,
                category: 'mobile_phone',
                brand: 'Apple',
                model: 'iPhone 13 128GB',
                usageMonths: 20,
                tradeInMonth: '2026-02',
                channel: 'online',
                quotedValuationFen: 150_000,
                recycler: 'recycler-a',
              })),
            },
            await hub.token('platform-a'),
          );
          const submittedB = await hub.graphql(
            'mutation($d:[JSON!]!){submitTradeIns(documents:$d){... on SubmissionBatch{results{... on SubmissionAccepted{ticket}}}}}',
            {
              d: USERS.filter((u) => u.platform === 'platform-b').map((u, i) => ({
                externalRef: `M-B-${i}`,
                subjectRef: u.ref,
                category: 'mobile_phone',
                brand: 'Apple',
                model: 'iPhone 13 128GB',
                usageMonths: 20,
                tradeInMonth: '2026-02',
                channel: 'online',
                quotedValuationFen: 150_000,
                recycler: 'recycler-a',
              })),
            },
            await hub.token('platform-b'),
          );
          const tickets = [...submitted.body.data.submitTradeIns.results, ...submittedB.body.data.submitTradeIns.results].map(
            (r: { ticket: string }) => r.ticket,
          );
          await hub.graphql(
            'mutation($d:[JSON!]!){submitInspections(documents:$d){__typename}}',
            {
              d: tickets.map((ticket: string, i: number) => ({ externalRef: `M-QC-${i}`, ticket, grade: 'B', inspectedMonth: '2026-03' })),
            },
            await hub.token('recycler-a'),
          );
          const brand = await hub.token('brand-a');
          const { agreement } = (await hub.graphql('mutation{requestAgreement(purpose:"product-rnd"){... on AgreementResult{agreement{id}}}}', {}, brand)).body
            .data.requestAgreement;
          await hub.graphql('mutation($id:ID!){approveAgreement(id:$id){__typename}}', { id: agreement.id }, await hub.token('operator-a'));

          const model: Model = { clock, consenting: new Set(), balances: new Map(), earned: new Map(), carried: new Map(), pending: new Map() };
          const real: Real = {
            hub,
            setClock: (instant) => {
              clock = instant;
            },
          };
          // Eleven of the fifteen start consenting, so a query releases until two of them withdraw.
          for (let i = 0; i < 11; i++) await new ToggleConsent(i).run(model, real);
          await fc.asyncModelRun(() => ({ model, real }), sequence);

          const { rows } = await sql<{
            account: string;
            balance_fen: string;
          }>`select account, balance_fen from account_balances where balance_fen <> 0`.execute(hub.app.database.db);
          expect(new Map(rows.map((row) => [row.account, Number(row.balance_fen)]))).toEqual(new Map([...model.balances].filter(([, fen]) => fen !== 0)));
          const report = await verifyLedger(hub.app.database.db);
          expect(report.checks.filter((check) => !check.ok)).toEqual([]);
        } finally {
          await hub.close();
        }
      }),
      { numRuns: Number(process.env.LEDGER_MODEL_RUNS ?? 5) },
    );
  }, 240_000);
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../../src/audit/audit.service.ts';
import { registerFirm } from '../../src/firms/firms.service.ts';
import { createLocalPartyKey } from '../../src/parties/local-key-store.ts';
import { registerParty, registerPartyKey } from '../../src/parties/parties.service.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const REPORT = /* GraphQL */ `
  query ($month: String!) {
    monthlyReport(month: $month) {
      __typename
      ... on MonthlyReport {
        queryId
        month
        dueOn
        minGroupSize
        csv
        json
        sales {
          withheldCells
          rows {
            partyId
            withheld
            figures {
              tradeIns
              newPurchases
              subsidyFen
            }
          }
          total {
            tradeIns
            newPurchases
            subsidyFen
          }
        }
        inspections {
          withheldCells
          rows {
            partyId
            figures {
              inspectedDevices
            }
          }
          total {
            inspectedDevices
          }
        }
        dispositions {
          rows {
            partyId
            figures {
              disposedDevices
              dismantledUnits
              kgDismantled
              kgCo2eAvoided
            }
          }
          total {
            dismantledUnits
            kgDismantled
          }
        }
        missing {
          partyId
          table
          overdue
        }
        custodyLeakage {
          periodMonths
          tradeInMonth
          windowClosed
          table {
            rows {
              partyId
              withheld
              figures {
                tradeIns
                reached
                leaked
              }
            }
            total {
              leaked
            }
          }
        }
      }
      ... on AccessDenied {
        matchedRules
      }
      ... on ReportArgumentInvalid {
        argument
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;

const SUBMIT = (mutation: string) => `mutation($d:[JSON!]!){${mutation}(documents:$d){
  ... on SubmissionBatch { results { __typename ... on SubmissionAccepted { ticket } } } ... on HubError { code } }}`;

/**
 * The known data set (k = 5, custodyLeakageMonths = 2, clock 2026-12-13, report month 2026-11):
 *   sales 2026-11: platform-a 6 trade-ins (4 with a new purchase, 300 fen subsidy each), platform-b 2
 *     (withheld, so platform-a is withheld with it); total 8 trade-ins, 5 new purchases, 1,500 fen.
 *   inspections 2026-11: recycler-a inspects 5 of platform-a's November devices (one twice).
 *   dispositions 2026-11: recycler-a dismantles those 5 (0.2 kg each).
 *   custody 2026-09: platform-a traded in 5; 3 inspected by recycler-a in 2026-10 (reached), 1 by recycler-b
 *     only in 2026-12 (too late), 1 never: 2 leaked. Every ticket is handed to its recycler on submission,
 *     at the clock's 2026-12-13, after November's deadline, so the hand-over alone reaches nobody in time.
 *   registry: platform-a, platform-b, recycler-a (recycler + licensed dismantler), recycler-b (recycler),
 *     all active; recycler-b has nothing for November (missing, overdue since the 12th has passed).
 */
describe('monthlyReport', () => {
  let hub: TestHub;
  const now = new Date('2026-12-13T08:00:00Z');

  const submit = async (mutation: string, documents: Record<string, unknown>[], party: string): Promise<string[]> => {
    const { body } = await hub.graphql(SUBMIT(mutation), { d: documents }, await hub.token(party));
    const results = body.data[mutation].results as { __typename: string; ticket?: string }[];
    expect(results.map((r) => r.__typename)).toEqual(documents.map(() => 'SubmissionAccepted'));
    return results.map((r) => r.ticket ?? '');
  };
  // Each device is shipped to recycler-a (custody passes at once), unless `recyclerOf` names another.
  const tradeIns = (party: string, refs: string[], month: string, withPurchase = 0, recyclerOf: (i: number) => string = () => 'recycler-a') =>
    submit(
      'submitTradeIns',
      refs.map((ref, i) => ({
        externalRef: `MR-${ref}`,
        category: 'mobile_phone',
        brand: 'Apple',
        model: 'iPhone 13 128GB',
        usageMonths: 30,
        tradeInMonth: month,
        channel: 'online',
        quotedValuationFen: 120_000,
        recycler: recyclerOf(i),
        ...(i < withPurchase ? { newPurchase: { category: 'mobile_phone' }, subsidyFen: 300 } : {}),
      })),
      party,
    );
  const inspect = (party: string, tickets: string[], month: string, tag: string) =>
    submit(
      'submitInspections',
      tickets.map((ticket, i) => ({ externalRef: `MR-QC-${tag}-${i}`, ticket, grade: 'B', inspectedMonth: month })),
      party,
    );
  const report = async (month: string, party: string | null = 'regulator-a') =>
    (await hub.graphql(REPORT, { month }, party === null ? undefined : await hub.token(party))).body.data.monthlyReport;

  beforeAll(async () => {
    hub = await createTestHub({ now: () => now });
    const db = hub.app.database.db;
    await registerParty(db, { id: 'recycler-b', role: 'recycler' }, now);
    const key = await createLocalPartyKey(hub.config.dataDir, 'recycler-b');
    await registerPartyKey(db, 'recycler-b', key.publicJwk, now);
    hub.keys.set('recycler-b', key);
    await registerFirm(db, { partyId: 'platform-a', capacities: ['ecommerce_platform'], creditCode: '91110000600037341L', status: 'active' }, now);
    await registerFirm(db, { partyId: 'platform-b', capacities: ['sales_firm'], creditCode: '911100001000079554', status: 'active' }, now);
    await registerFirm(
      db,
      {
        partyId: 'recycler-a',
        capacities: ['recycler', 'dismantler'],
        creditCode: '91440300708461136T',
        licenceNumber: 'GD-FD-2024-018',
        licenceValidUntil: '2029-03-31',
        status: 'active',
      },
      now,
    );
    await registerFirm(db, { partyId: 'recycler-b', capacities: ['recycler'], creditCode: '91350100M000100Y43', status: 'active' }, now);

    const november = await tradeIns('platform-a', ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'], '2026-11', 4);
    await tradeIns('platform-b', ['b0', 'b1'], '2026-11', 1);
    await inspect('recycler-a', [...november.slice(0, 5), november[0]!], '2026-11', 'nov');
    await submit(
      'submitDispositions',
      november.slice(0, 5).map((ticket, i) => ({
        externalRef: `MR-DP-${i}`,
        ticket,
        disposition: 'dismantled_recycled',
        completedMonth: '2026-11',
        weightKg: 0.2,
      })),
      'recycler-a',
    );
    const september = await tradeIns('platform-a', ['s0', 's1', 's2', 's3', 's4'], '2026-09', 0, (i) => (i === 3 ? 'recycler-b' : 'recycler-a'));
    await inspect('recycler-a', september.slice(0, 3), '2026-10', 'sep');
    await inspect('recycler-b', [september[3]!], '2026-12', 'late');
  });
  afterAll(async () => hub?.close());

  it('reports per firm by the month the work was done, with totals beside withheld cells', async () => {
    const answer = await report('2026-11');
    expect(answer).toMatchObject({ __typename: 'MonthlyReport', month: '2026-11', dueOn: '2026-12-12', minGroupSize: 5 });
    expect(answer.sales).toEqual({
      withheldCells: 2,
      rows: [
        { partyId: 'platform-a', withheld: true, figures: null },
        { partyId: 'platform-b', withheld: true, figures: null },
      ],
      total: { tradeIns: 8, newPurchases: 5, subsidyFen: '1500' },
    });
    expect(answer.inspections).toEqual({
      withheldCells: 0,
      rows: [{ partyId: 'recycler-a', figures: { inspectedDevices: 5 } }],
      total: { inspectedDevices: 5 },
    });
    expect(answer.dispositions.rows).toEqual([
      { partyId: 'recycler-a', figures: { disposedDevices: 5, dismantledUnits: 5, kgDismantled: 1, kgCo2eAvoided: 4.7 } },
    ]);
    // September's trade-ins are not November's sales: the month is the month of the work.
    expect((await report('2026-09')).sales.total).toEqual({ tradeIns: 5, newPurchases: 0, subsidyFen: '0' });
  });

  it('lists the active firms whose figures are missing after the 12th', async () => {
    expect((await report('2026-11')).missing).toEqual([{ partyId: 'recycler-b', table: 'INSPECTIONS', overdue: true }]);
    // October: recycler-a inspected, nobody sold or dismantled.
    expect((await report('2026-10')).missing).toEqual([
      { partyId: 'platform-a', table: 'SALES', overdue: true },
      { partyId: 'platform-b', table: 'SALES', overdue: true },
      { partyId: 'recycler-a', table: 'DISPOSITIONS', overdue: true },
      { partyId: 'recycler-b', table: 'INSPECTIONS', overdue: true },
    ]);
  });

  it('counts custody leakage: devices not at a licensed handler by the end of the policy period', async () => {
    expect((await report('2026-11')).custodyLeakage).toEqual({
      periodMonths: 2,
      tradeInMonth: '2026-09',
      windowClosed: true,
      table: { rows: [{ partyId: 'platform-a', withheld: false, figures: { tradeIns: 5, reached: 3, leaked: 2 } }], total: { leaked: 2 } },
    });
  });

  it('exports the same report as CSV and JSON', async () => {
    const answer = await report('2026-11');
    const lines = (answer.csv as string).split('\r\n');
    expect(lines).toContain('2026-11,sales,*,"total",subsidyFen,1500,false');
    expect(lines).toContain('2026-11,sales,platform-b,"platform-b",tradeIns,,true');
    expect(lines).toContain('2026-11,custody_leakage,platform-a,"platform-a",leaked,2,false');
    expect(lines).toContain('2026-11,missing,recycler-b,"recycler-b",inspections,overdue,false');
    expect(answer.json).toMatchObject({ month: '2026-11', sales: { total: { subsidyFen: '1500' } }, custodyLeakage: { table: { total: { leaked: 2 } } } });
    expect(answer.json.sales.rows[1]).toEqual({ partyId: 'platform-b', name: 'platform-b', withheld: true, figures: null });
  });

  it('refuses a platform and an anonymous caller, and a malformed or future month (unauthorised)', async () => {
    expect(await report('2026-11', 'platform-a')).toMatchObject({ __typename: 'AccessDenied', code: 'access.denied' });
    expect(await report('2026-11', null)).toMatchObject({ __typename: 'Unauthenticated' });
    expect(await report('2026-13')).toEqual({
      __typename: 'ReportArgumentInvalid',
      argument: 'month',
      code: 'report.argument_invalid',
      message: 'month must be a month written YYYY-MM',
    });
    expect((await report('2027-01')).message).toBe('month must not be after the current month');
  });

  it('logs every decision in the access log chain, allowed and denied', async () => {
    const { rows } = await sql<{ decision: string; party_id: string; rows_suppressed: number }>`
      select decision, party_id, rows_suppressed from access_log where request->>'report' = 'monthly-firm-report' order by seq`.execute(hub.app.database.db);
    expect(rows.filter((r) => r.decision === 'deny')).toEqual([{ decision: 'deny', party_id: 'platform-a', rows_suppressed: 0 }]);
    expect(rows.filter((r) => r.decision === 'allow').length).toBeGreaterThanOrEqual(5);
    expect(rows.find((r) => r.decision === 'allow')?.rows_suppressed).toBe(2);
    expect((await verifyAccessLog(hub.app.database.db)).firstBreak).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { loadPolicies, SHIPPED_POLICIES_DIR } from '../../src/policy/load-policies.ts';
import { purposeTermsOf } from '../../src/server/web-pages.ts';
import { chartRows, distributionSeries, residualCurve, scalarSeries } from '../../src/web/insights/chart-data.ts';
import { csvCell, insightsCsv } from '../../src/web/insights/insights-csv.ts';
import { chartAvailability, planGroupsQuery, planResidualQuery, splitList } from '../../src/web/insights/insights-plan.ts';
import type { InsightRow, InsightsAnswer } from '../../src/web/insights/insights-queries.ts';

const row = (keys: Record<string, string | null>, subjects: number, values: InsightRow['values'], remainder = false): InsightRow => ({
  keys,
  remainder,
  subjects,
  values,
});
const answer = (rows: InsightRow[], extra: Partial<InsightsAnswer> = {}): InsightsAnswer => ({
  __typename: 'Insights',
  queryId: 'q-1',
  purpose: 'product-rnd',
  policyVersion: 1,
  minGroupSize: 10,
  rows,
  suppressedGroups: 0,
  remainderDropped: false,
  subjectsCounted: 0,
  priceFen: 0,
  noise: null,
  carbonFactorSet: 'v1',
  ...extra,
});

const terms = new Map(purposeTermsOf(await loadPolicies(SHIPPED_POLICIES_DIR)).map((t) => [t.purpose, t]));

describe('insights dashboard: which charts a purpose allows (insights-plan)', () => {
  const rnd = terms.get('product-rnd')!;
  const recycling = terms.get('recycling-optimization')!;
  const recommendation = terms.get('precise-recommendation')!;

  it('draws every chart whose measures the purpose allows', () => {
    expect(chartAvailability('residual', rnd)).toEqual({ available: true, measures: ['residualRatioP50'] });
    expect(chartAvailability('usage', rnd)).toEqual({ available: true, measures: ['usageMonthsAvg', 'usageMonthsP50', 'usageMonthsP90'] });
    expect(chartAvailability('dispositions', recycling)).toEqual({ available: true, measures: ['dispositionShares'] });
  });

  it('says a chart is not allowed when the purpose grants none of its measures or dimensions (measure not allowed)', () => {
    expect(chartAvailability('co2e', rnd)).toMatchObject({ available: false, reason: 'measure_not_allowed' });
    expect(chartAvailability('faults', recycling)).toMatchObject({ available: false, reason: 'measure_not_allowed' });
    expect(chartAvailability('residual', recommendation)).toMatchObject({ available: false, reason: 'dimension_not_allowed', missing: ['grade'] });
  });

  it('says a chart cannot be released under differential privacy when only percentiles would draw it (not releasable)', () => {
    const dpWithPercentiles = { ...recycling, measures: [...recycling.measures, 'usageMonthsP50' as const] };
    expect(chartAvailability('usage', dpWithPercentiles)).toEqual({ available: false, reason: 'measure_not_releasable', missing: ['usageMonthsP50'] });
  });

  it('plans one query per click, so a refresh under differential privacy spends ε once; the residual curve is its own query, on demand', () => {
    expect(planGroupsQuery(recycling, 'model')).toEqual({
      id: 'groups',
      groupBy: ['model'],
      measures: ['count', 'share', 'gradeDistribution', 'dispositionShares', 'co2eAvoidedKg'],
    });
    expect(planResidualQuery(recycling)).toBeNull();
    const rndGroups = planGroupsQuery(rnd, 'brand');
    expect(rndGroups).toEqual({
      id: 'groups',
      groupBy: ['brand'],
      measures: ['count', 'share', 'faultRate', 'gradeDistribution', 'usageMonthsAvg', 'usageMonthsP50', 'usageMonthsP90'],
    });
    expect(planResidualQuery(rnd)).toEqual({ id: 'residual', groupBy: ['ageBand', 'grade'], measures: ['residualRatioP50', 'count'] });
    expect(planResidualQuery(recommendation)).toBeNull();
    for (const [purpose, planned] of [
      [rnd, rndGroups],
      [rnd, planResidualQuery(rnd)!],
      [recommendation, planGroupsQuery(recommendation, 'model')],
    ] as const) {
      for (const measure of planned.measures) expect(purpose.releasableMeasures).toContain(measure);
    }
  });

  it('splits a typed list on ASCII and Chinese commas', () => {
    expect(splitList(' iPhone 13 128GB，Mate 40 Pro 256GB、 , P50 Pro 256GB ')).toEqual(['iPhone 13 128GB', 'Mate 40 Pro 256GB', 'P50 Pro 256GB']);
  });
});

describe('insights dashboard: chart figures (chart-data)', () => {
  const rows = [
    row({ model: 'B' }, 12, { count: 12, faultRate: { glass_cracked: 0.5, speaker_fault: 0.1 } }),
    row({ model: null }, 15, { count: 15, faultRate: { glass_cracked: 0.2 } }, true),
    row({ model: 'A' }, 30, { count: 30, faultRate: { housing_dent: 0.3, glass_cracked: 0.1 } }),
  ];
  const label = (r: InsightRow) => (r.remainder ? 'rest' : String(r.keys.model));

  it('orders groups by size and keeps the remainder last, marked', () => {
    const series = scalarSeries(chartRows(rows), ['count'], label);
    expect(series).toEqual({ labels: ['A', 'B', 'rest'], remainderIndex: 2, datasets: [{ key: 'count', values: [30, 12, 15] }] });
    expect(chartRows(rows, 1).map(label)).toEqual(['A', 'rest']);
  });

  it('spreads a distribution into one series per value, the commonest first, 0 where a group lacks it', () => {
    const series = distributionSeries(chartRows(rows), 'faultRate', label, 2);
    expect(series.datasets).toEqual([
      { key: 'glass_cracked', values: [0.1, 0.5, 0.2] },
      { key: 'housing_dent', values: [0.3, 0, 0] },
    ]);
    expect(distributionSeries(rows, 'faultRate', label, Infinity, ['speaker_fault']).datasets.map((d) => d.key)).toEqual([
      'speaker_fault',
      'glass_cracked',
      'housing_dent',
    ]);
  });

  it('draws the residual curve by age band, one line per grade, and leaves the remainder and unknown ages off it', () => {
    const curve = residualCurve(
      [
        row({ ageBand: '3-5y', grade: 'A' }, 10, { residualRatioP50: 0.3 }),
        row({ ageBand: '1-2y', grade: 'A' }, 10, { residualRatioP50: 0.6 }),
        row({ ageBand: '1-2y', grade: 'B' }, 10, { residualRatioP50: 0.5 }),
        row({ ageBand: null, grade: 'B' }, 10, { residualRatioP50: 0.4 }),
        row({ ageBand: null, grade: null }, 11, { residualRatioP50: 0.45 }, true),
      ],
      ['0-1y', '1-2y', '2-3y', '3-5y', '5y+'],
      ['A', 'B', 'C'],
    );
    expect(curve.labels).toEqual(['1-2y', '3-5y']);
    expect(curve.datasets).toEqual([
      { key: 'A', values: [0.6, 0.3] },
      { key: 'B', values: [0.5, null] },
    ]);
    expect(curve.offCurve).toHaveLength(2);
  });
});

describe('insights dashboard: CSV export (insights-csv)', () => {
  it('quotes separators and defuses spreadsheet formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(null)).toBe('');
  });

  it('marks the withheld rows of a noisy answer with the release threshold and a rough count, never a group count', () => {
    const csv = insightsCsv([
      {
        grouping: 'model',
        answer: answer([row({ model: 'iPhone 13 128GB' }, 131, { count: 131 })], {
          suppressedGroups: null,
          remainderDropped: null,
          noise: {
            mechanism: 'discrete-laplace',
            epsilonSpent: 1,
            epsilonRemaining: 99,
            monthlyBudget: 100,
            repeat: false,
            releaseThreshold: 107,
            withheldRecords: 40,
          },
        }),
      },
    ]);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'grouping,purpose,queryId,model,remainder,subjects,count,noisy,note',
      'model,product-rnd,q-1,iPhone 13 128GB,false,131,131,true,',
      'model,product-rnd,q-1,,withheld,,,true,"groups below the noisy release threshold 107: about 40 records, not released"',
      '',
    ]);
  });

  it('writes every released row with its keys and flattened measures, the remainder and noise marked', () => {
    const csv = insightsCsv([
      {
        grouping: 'model',
        answer: answer(
          [
            row({ model: 'iPhone 13 128GB' }, 13, { count: 13, gradeDistribution: { A: 0.5, B: 0.5 } }),
            row({ model: null }, 10, { count: 10, gradeDistribution: { C: 1 } }, true),
          ],
          {
            suppressedGroups: 2,
            noise: {
              mechanism: 'discrete-laplace',
              epsilonSpent: 0.5,
              epsilonRemaining: 4.5,
              monthlyBudget: 5,
              repeat: false,
              releaseThreshold: 30,
              withheldRecords: 12,
            },
          },
        ),
      },
    ]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'grouping,purpose,queryId,model,remainder,subjects,count,gradeDistribution.A,gradeDistribution.B,gradeDistribution.C,noisy,note',
      'model,product-rnd,q-1,iPhone 13 128GB,false,13,13,0.5,0.5,0,true,',
      'model,product-rnd,q-1,,true,10,10,0,0,1,true,merges 2 groups below k=10',
      '',
    ]);
  });

  it('keeps a dropped remainder as a line of its own, so withheld groups never vanish from the export (below k)', () => {
    const csv = insightsCsv([{ grouping: 'model', answer: answer([], { suppressedGroups: 3, remainderDropped: true }) }]);
    expect(csv.slice(1).split('\r\n')[1]).toBe('model,product-rnd,q-1,dropped,,false,"3 groups below k=10, still below k merged: not released"');
  });
});

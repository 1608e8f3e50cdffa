// Accuracy of the differentially private answers at the shipped policies: median relative error per
// measure on rows of ≥ 1,000 and of 100–999 subjects. Pure (src/insights/dp, no database): groups are
// drawn like the bench data set's phones (bench/insights/insights-data-set.ts: usage tied to the model's
// age, valuations from the launch price decaying 28 % a year, battery health falling with age, grades
// A–E), their exact bounded statistics handed to releaseNoisyAnswer as the repository would, each row
// under its own seed. Run: npm run bench:dp-accuracy (add BENCH_GROUPS=… for more rows per size).
import { randomBytes } from 'node:crypto';
import { releaseNoisyAnswer, type GroupStatistics } from '../../src/insights/dp/release-noisy-answer.ts';
import { loadPolicies, SHIPPED_POLICIES_DIR } from '../../src/policy/load-policies.ts';
import type { PolicyMeasure } from '../../src/policy/policy-vocabulary.ts';
import type { AllowedPolicy, DpBound } from '../../src/policy/policy.types.ts';

const GROUPS = Number(process.env.BENCH_GROUPS ?? 40);
const SIZES = [100, 200, 500, 1000, 2000, 5000];

/** The /insights page's two product-rnd queries: the groups (with every chart's measures) and the residual curve. */
const DASHBOARD: PolicyMeasure[][] = [
  ['count', 'share', 'faultRate', 'gradeDistribution', 'usageMonthsAvg', 'usageMonthsP50', 'usageMonthsP90'],
  ['count', 'residualRatioP50'],
];
const EXTRA: PolicyMeasure[] = ['count', 'batteryHealthPctAvg', 'valuationP50'];

interface Device {
  usage: number;
  battery: number;
  valuation: number;
  residual: number;
  grade: string;
  faults: string[];
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function devices(n: number, seed: number): Device[] {
  const random = mulberry(seed);
  const ageMonths = 12 + Math.floor(random() * 36);
  const launch = 400_000 + Math.floor(random() * 6) * 100_000;
  return Array.from({ length: n }, () => {
    const usage = Math.max(3, Math.round(ageMonths * (0.6 + random() * 0.4)));
    const years = usage / 12;
    const valuation = Math.round((launch * 0.72 ** years * (0.55 + random() * 0.35)) / 1000) * 1000;
    const r = random();
    const grade = r < 0.25 ? 'A' : r < 0.6 ? 'B' : r < 0.85 ? 'C' : r < 0.95 ? 'D' : 'E';
    return {
      usage,
      valuation,
      residual: valuation / launch,
      grade,
      faults: grade === 'E' ? ['no_power'] : [],
      battery: Math.max(55, Math.min(100, Math.round(100 - years * 7 - random() * 8))),
    };
  });
}

function histogram(values: number[], bound: DpBound): Map<number, number> {
  const bins = bound.bins!;
  const width = (bound.max - bound.min) / bins;
  const counts = new Map<number, number>();
  for (const v of values) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((v - bound.min) / width)));
    counts.set(bin, (counts.get(bin) ?? 0) + 1);
  }
  return counts;
}

function statistics(group: Device[], bounds: AllowedPolicy['differentialPrivacy'] & object): GroupStatistics {
  const clamp = (v: number, b: DpBound) => Math.min(Math.floor(b.max), Math.max(b.min, Math.round(v)));
  const grades = new Map<string, number>();
  const faults = new Map<string, number>();
  for (const d of group) {
    grades.set(d.grade, (grades.get(d.grade) ?? 0) + 1);
    for (const f of d.faults.slice(0, bounds.bounds.faultsPerRecord ?? 0)) faults.set(f, (faults.get(f) ?? 0) + 1);
  }
  return {
    keys: ['model'],
    records: group.length,
    inspected: group.length,
    disposed: 0,
    sums: {
      usageMonths: group.reduce((s, d) => s + clamp(d.usage, bounds.bounds.usageMonths!), 0),
      batteryHealthPct: group.reduce((s, d) => s + clamp(d.battery, bounds.bounds.batteryHealthPct!), 0),
    },
    present: { batteryHealthPct: group.length },
    histograms: {
      usageMonths: histogram(
        group.map((d) => d.usage),
        bounds.bounds.usageMonths!,
      ),
      valuationFen: histogram(
        group.map((d) => d.valuation),
        bounds.bounds.valuationFen!,
      ),
      residualRatio: histogram(
        group.map((d) => d.residual),
        bounds.bounds.residualRatio!,
      ),
    },
    distributions: { gradeDistribution: grades, faultRate: faults },
  };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function truth(group: Device[], measure: PolicyMeasure): number {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  switch (measure) {
    case 'count':
      return group.length;
    case 'usageMonthsAvg':
      return mean(group.map((d) => d.usage));
    case 'usageMonthsP50':
      return quantile(
        group.map((d) => d.usage),
        0.5,
      );
    case 'usageMonthsP90':
      return quantile(
        group.map((d) => d.usage),
        0.9,
      );
    case 'batteryHealthPctAvg':
      return mean(group.map((d) => d.battery));
    case 'valuationP50':
      return quantile(
        group.map((d) => d.valuation),
        0.5,
      );
    case 'residualRatioP50':
      return quantile(
        group.map((d) => d.residual),
        0.5,
      );
    case 'gradeDistribution':
      return group.filter((d) => d.grade === 'B').length / group.length;
    case 'faultRate':
      return group.filter((d) => d.faults.length > 0).length / group.length;
    default:
      return NaN;
  }
}

function released(value: unknown, measure: PolicyMeasure): number {
  if (measure === 'gradeDistribution') return (value as Record<string, number>).B ?? 0;
  if (measure === 'faultRate') return (value as Record<string, number>).no_power ?? 0;
  return Number(value);
}

const median = (xs: number[]) => (xs.length === 0 ? NaN : quantile(xs, 0.5));

const policies = await loadPolicies(SHIPPED_POLICIES_DIR);
const policy = policies.get('product-rnd') as AllowedPolicy;
const dp = policy.differentialPrivacy!;
const key = randomBytes(32);
const errors = new Map<string, number[]>();
const withheld = new Map<number, number>();
for (const measures of [...DASHBOARD, EXTRA]) {
  for (const n of SIZES) {
    for (let g = 0; g < GROUPS; g++) {
      const group = devices(n, n * 1000 + g);
      const answer = releaseNoisyAnswer([statistics(group, dp)], n, {
        measures,
        settings: dp,
        minGroupSize: policy.minGroupSize,
        key,
        seed: `${measures.join()}|${n}|${g}`,
      });
      if (answer.rows.length === 0) {
        withheld.set(n, (withheld.get(n) ?? 0) + 1);
        continue;
      }
      for (const measure of measures.filter((m) => m !== 'share')) {
        const t = truth(group, measure);
        const error = Math.abs(released(answer.rows[0]!.values[measure], measure) - t) / t;
        const band = n >= 1000 ? '≥ 1,000' : '100–999';
        const name = `${band}|${measure}|${measures.length}`;
        errors.set(name, [...(errors.get(name) ?? []), error]);
      }
    }
  }
}
console.log(
  `product-rnd: ε ${dp.epsilonPerQuery} per query, monthly budget ${dp.monthlyBudget}, ${dp.recordsPerSubject} record per subject, δ ${dp.selectionDelta}; ${GROUPS} rows per size ${SIZES.join(', ')}`,
);
console.log('| subjects per row | query (statistics sharing ε) | measure | median relative error |');
console.log('|---|---|---|---|');
for (const [name, xs] of [...errors.entries()].sort()) {
  const [band, measure, size] = name.split('|');
  const query =
    size === String(DASHBOARD[0]!.length) ? 'dashboard groups' : size === String(DASHBOARD[1]!.length) ? 'dashboard residual curve' : 'battery + valuation';
  console.log(`| ${band} | ${query} | ${measure} | ${(median(xs) * 100).toFixed(2)} % |`);
}
console.log(`rows withheld (noisy count below the release threshold), by size: ${JSON.stringify(Object.fromEntries(withheld))}`);

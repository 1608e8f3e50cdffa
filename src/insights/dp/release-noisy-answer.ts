import type { PolicyMeasure } from '../../policy/policy-vocabulary.ts';
import type { DifferentialPrivacySettings } from '../../policy/policy.types.ts';
import { discreteLaplace, epsilonRatio, laplaceScale } from './discrete-laplace.ts';
import { DP_MEASURE_FORMS, planStatistics, type DistributionMeasure, type DpInput } from './dp-measures.ts';
import { createNoiseStream } from './noise-stream.ts';
import { noisyQuantile, quantileSensitivity, quantileTilt } from './noisy-quantile.ts';
import { monotoneFunnel } from './recovery-funnel.ts';
import { DISTRIBUTION_DOMAINS } from './value-domains.ts';

/**
 * One group's exact statistics over its bounded records (at most `recordsPerSubject` per subject, each
 * input clamped and, for sums, rounded to whole units): what the repository reads, before any noise.
 */
export interface GroupStatistics {
  /** Dimension values in groupBy order. */
  keys: (string | null)[];
  records: number;
  sums: Partial<Record<DpInput, number>>;
  /** Records that have the input (battery health is measured on inspected devices only). */
  present: Partial<Record<DpInput, number>>;
  /** Bin → records, for quantile inputs; bins as the policy declares. */
  histograms: Partial<Record<'usageMonths' | 'valuationFen' | 'residualRatio', Map<number, number>>>;
  /** Value → records (fault codes: per code, at most faultsPerRecord codes a record). */
  distributions: Partial<Record<DistributionMeasure, Map<string, number>>>;
  /** Inspected records: the denominator of fault rates, a funnel's second stage. */
  inspected: number;
  /** Records that reached a disposition: a funnel's last stage. */
  disposed: number;
}

export interface NoisyRow {
  keys: (string | null)[];
  subjects: number;
  values: Record<string, number | Record<string, number> | null>;
}

export interface NoisyAnswer {
  rows: NoisyRow[];
  /** Noisy estimate of the records in groups not released (never an exact small count). */
  withheldRecords: number;
  /** The noisy count a group needed to be released. */
  threshold: number;
  /** The ε share of the row counts (which set the threshold); other statistics get their own shares. */
  epsilonPerStatistic: number;
}

export interface ReleaseInput {
  measures: readonly PolicyMeasure[];
  settings: DifferentialPrivacySettings;
  minGroupSize: number;
  /** The hub's noise key (derived from its secret). */
  key: Buffer;
  /** The canonical request and the data version: the same seed always gives the same answer. */
  seed: string;
}

/**
 * Turns exact, bounded group statistics into a differentially private answer. Pure: the noise comes from
 * a keyed deterministic stream per (statistic, group), so a group's noise does not depend on which other
 * groups exist. ε is split over the statistics the request releases by the plan's weights. Rows are released when their
 * noisy count reaches a threshold set so that a row resting on one subject is released with probability
 * at most δ (and never below k); nothing about the withheld rows is told except a noisy total.
 */
export function releaseNoisyAnswer(groups: readonly GroupStatistics[], totalRecords: number, input: ReleaseInput): NoisyAnswer {
  const { settings, measures } = input;
  const plan = planStatistics(measures);
  const perQuery = epsilonRatio(settings.epsilonPerQuery);
  // Each statistic's share of ε (plan.weights; the shares sum to the query's ε): an exact ratio.
  const epsilonOf = (statistic: string) => {
    const weight = plan.weights[statistic];
    if (weight === undefined) throw new Error(`no ε share planned for ${statistic}`);
    return { num: perQuery.num * weight, den: perQuery.den * plan.weightTotal };
  };
  const L = settings.recordsPerSubject;
  const stream = (statistic: string, keys: readonly (string | null)[]) => createNoiseStream(input.key, `${input.seed}|${statistic}|${JSON.stringify(keys)}`);
  const noisyCount = (statistic: string, keys: readonly (string | null)[], exact: number) => {
    const scale = laplaceScale(L, epsilonOf(statistic));
    return exact + discreteLaplace(stream(statistic, keys), scale.num, scale.den);
  };

  const countEpsilon = epsilonOf('count');
  const epsilonValue = countEpsilon.num / countEpsilon.den;
  const threshold = releaseThreshold(epsilonValue, L, settings.selectionDelta, input.minGroupSize);
  const counted = groups.map((group) => ({ group, count: noisyCount('count', group.keys, group.records) }));
  const released = counted.filter((c) => c.count >= threshold);
  const releasedTotal = released.reduce((sum, c) => sum + c.count, 0);
  const noisyTotal = noisyCount('total', [], totalRecords);

  const rows = released.map(({ group, count }): NoisyRow => {
    const values: NoisyRow['values'] = {};
    const sum = (inputName: DpInput) => {
      const bound = settings.bounds[inputName]!;
      const scale = laplaceScale(L * Math.ceil(bound.max), epsilonOf(`sum:${inputName}`));
      return (group.sums[inputName] ?? 0) + discreteLaplace(stream(`sum:${inputName}`, group.keys), scale.num, scale.den);
    };
    for (const measure of measures) {
      const form = DP_MEASURE_FORMS[measure];
      if (form.kind === 'count') values[measure] = count;
      else if (form.kind === 'share') values[measure] = releasedTotal === 0 ? null : count / releasedTotal;
      else if (form.kind === 'sum') values[measure] = Math.max(0, sum(form.input));
      else if (form.kind === 'mean') {
        const bound = settings.bounds[form.input]!;
        const n = form.input === 'batteryHealthPct' ? noisyCount(`present:${form.input}`, group.keys, group.present[form.input] ?? 0) : count;
        values[measure] = n <= 0 ? null : Math.min(bound.max, Math.max(bound.min, sum(form.input) / n));
      } else if (form.kind === 'quantile') {
        const bound = settings.bounds[form.input]!;
        const bins = bound.bins!;
        const exact = group.histograms[form.input] ?? new Map<number, number>();
        const histogram = Array.from({ length: bins }, (_, b) => exact.get(b) ?? 0);
        const scale = laplaceScale(quantileSensitivity(L), epsilonOf(`quantile:${measure}`));
        // P50 and P90 of one input read one histogram but are two choices: each its own stream and ε share.
        // The tilt is set from the row's released noisy count (post-processing), never from the exact one.
        values[measure] = noisyQuantile(stream(`quantile:${measure}`, group.keys), histogram, form.q, bound, scale, quantileTilt(form.q, count, bins));
      } else if (form.kind === 'funnel') {
        // Each stage a count of records (sensitivity L), drawn under its own statistic name like every count:
        // the inspected count is the very one fault rates divide by, so asking both releases it once.
        const funnel = monotoneFunnel(count, noisyCount('inspected', group.keys, group.inspected), noisyCount('disposed', group.keys, group.disposed));
        values[measure] = { ...funnel, recoveryRate: funnel.recoveryRate ?? 0 };
      } else {
        values[measure] = noisyDistribution(
          form.measure,
          group,
          stream,
          epsilonOf(`distribution:${form.measure}`),
          L * (form.measure === 'faultRate' ? settings.bounds.faultsPerRecord! : 1),
          noisyCount,
        );
      }
    }
    return { keys: group.keys, subjects: count, values };
  });
  return { rows, withheldRecords: Math.max(0, noisyTotal - releasedTotal), threshold, epsilonPerStatistic: epsilonValue };
}

/**
 * Shares of each value of the measure's public domain among the group's records, from noisy counts
 * (negative ones read as zero). Fault rates divide by the noisy count of inspected records.
 */
function noisyDistribution(
  measure: DistributionMeasure,
  group: GroupStatistics,
  stream: (statistic: string, keys: readonly (string | null)[]) => ReturnType<typeof createNoiseStream>,
  epsilon: { num: number; den: number },
  sensitivity: number,
  noisyCount: (statistic: string, keys: readonly (string | null)[], exact: number) => number,
): Record<string, number> {
  const exact = group.distributions[measure] ?? new Map<string, number>();
  const scale = laplaceScale(sensitivity, epsilon);
  const draws = stream(`distribution:${measure}`, group.keys);
  const counts = DISTRIBUTION_DOMAINS[measure].map(
    (value) => [value, Math.max(0, (exact.get(value) ?? 0) + discreteLaplace(draws, scale.num, scale.den))] as const,
  );
  const denominator = measure === 'faultRate' ? noisyCount('inspected', group.keys, group.inspected) : counts.reduce((sum, [, n]) => sum + n, 0);
  if (denominator <= 0) return {};
  return Object.fromEntries(counts.filter(([, n]) => n > 0).map(([value, n]) => [value, Math.min(1, n / denominator)]));
}

/**
 * The least noisy count that releases a row: a row whose exact count is L (one subject) passes with
 * probability at most δ. Discrete Laplace with a = exp(−ε/L) has P(Z ≥ m) = a^m / (1 + a).
 */
export function releaseThreshold(epsilon: number, recordsPerSubject: number, delta: number, minGroupSize: number): number {
  const a = Math.exp(-epsilon / recordsPerSubject);
  const margin = Math.ceil((recordsPerSubject * Math.log(1 / ((1 + a) * delta))) / epsilon);
  return Math.max(minGroupSize, recordsPerSubject + margin);
}

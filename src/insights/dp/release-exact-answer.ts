import type { PolicyMeasure } from '../../policy/policy-vocabulary.ts';
import type { DifferentialPrivacySettings } from '../../policy/policy.types.ts';
import { DP_MEASURE_FORMS, type DistributionMeasure, type DpInput } from './dp-measures.ts';
import type { GroupStatistics } from './release-noisy-answer.ts';

/**
 * The answer without noise (HUB_INSIGHTS_NOISE=off, development and tests only): the same bounded
 * statistics the DP step reads, released exactly with k-suppression. Groups below k merge into one
 * remainder row (null keys), itself dropped below k. Each subject adds exactly one record, so a row's
 * record count is its subject count. Means are clamped sums over their count; a quantile is the histogram
 * edge the noisy choice would pick with zero noise; distributions are shares of the counts.
 */
export interface ExactRow {
  keys: (string | null)[];
  remainder: boolean;
  subjects: number;
  values: Record<string, number | Record<string, number> | null>;
}

export interface ExactAnswer {
  rows: ExactRow[];
  suppressedGroups: number;
  remainderDropped: boolean;
  remainderReleased: boolean;
  /** Keys of the released (non-remainder) groups. */
  releasedKeys: (string | null)[][];
}

export function releaseExactAnswer(
  groups: readonly GroupStatistics[],
  measures: readonly PolicyMeasure[],
  settings: DifferentialPrivacySettings,
  minGroupSize: number,
): ExactAnswer {
  const released = groups.filter((g) => g.records >= minGroupSize);
  const small = groups.filter((g) => g.records < minGroupSize);
  const remainder = small.length === 0 ? undefined : mergeGroups(small);
  const remainderReleased = remainder !== undefined && remainder.records >= minGroupSize;
  const rows = [...released.map((g) => ({ group: g, remainder: false })), ...(remainderReleased ? [{ group: remainder, remainder: true }] : [])];
  const total = rows.reduce((sum, r) => sum + r.group.records, 0);
  return {
    rows: rows.map(({ group, remainder: isRemainder }) => ({
      keys: group.keys,
      remainder: isRemainder,
      subjects: group.records,
      values: exactValues(group, measures, settings, total),
    })),
    suppressedGroups: small.length,
    remainderDropped: remainder !== undefined && !remainderReleased,
    remainderReleased,
    releasedKeys: released.map((g) => g.keys),
  };
}

function exactValues(group: GroupStatistics, measures: readonly PolicyMeasure[], settings: DifferentialPrivacySettings, total: number): ExactRow['values'] {
  const values: ExactRow['values'] = {};
  for (const measure of measures) {
    const form = DP_MEASURE_FORMS[measure];
    if (form.kind === 'count') values[measure] = group.records;
    else if (form.kind === 'share') values[measure] = total === 0 ? null : group.records / total;
    else if (form.kind === 'sum') values[measure] = group.sums[form.input] ?? 0;
    else if (form.kind === 'mean') {
      const n = form.input === 'batteryHealthPct' ? (group.present[form.input] ?? 0) : group.records;
      values[measure] = n === 0 ? null : (group.sums[form.input] ?? 0) / n;
    } else if (form.kind === 'quantile') {
      values[measure] = exactQuantile(group.histograms[form.input], form.q, settings.bounds[form.input]!);
    } else if (form.kind === 'funnel') {
      values[measure] = {
        tradedIn: group.records,
        inspected: group.inspected,
        disposed: group.disposed,
        recoveryRate: group.records === 0 ? 0 : group.disposed / group.records,
      };
    } else values[measure] = shares(group, form.measure);
  }
  return values;
}

/** The edge minimising |10·C(e) − 10q·n| (the first such edge): the noisy quantile's choice without noise. */
export function exactQuantile(histogram: Map<number, number> | undefined, q: number, bound: { min: number; max: number; bins?: number }): number | null {
  const bins = bound.bins!;
  const counts = Array.from({ length: bins }, (_, b) => histogram?.get(b) ?? 0);
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const q10 = Math.round(q * 10);
  let below = 0;
  let best = Infinity;
  let bestEdge = 0;
  for (let edge = 0; edge <= bins; edge++) {
    const score = Math.abs(10 * below - q10 * n);
    if (score < best) {
      best = score;
      bestEdge = edge;
    }
    if (edge < bins) below += counts[edge]!;
  }
  return bound.min + ((bound.max - bound.min) * bestEdge) / bins;
}

function shares(group: GroupStatistics, measure: DistributionMeasure): Record<string, number> {
  const counts = group.distributions[measure] ?? new Map<string, number>();
  const denominator = measure === 'faultRate' ? group.inspected : [...counts.values()].reduce((a, b) => a + b, 0);
  if (denominator === 0) return {};
  return Object.fromEntries([...counts].filter(([, n]) => n > 0).map(([value, n]) => [value, n / denominator]));
}

/** Adds groups' statistics (all additive); the merged group has null keys. */
export function mergeGroups(groups: readonly GroupStatistics[]): GroupStatistics {
  const merged: GroupStatistics = {
    keys: groups[0]!.keys.map(() => null),
    records: 0,
    inspected: 0,
    disposed: 0,
    sums: {},
    present: {},
    histograms: {},
    distributions: {},
  };
  for (const g of groups) {
    merged.records += g.records;
    merged.inspected += g.inspected;
    merged.disposed += g.disposed;
    for (const [input, v] of Object.entries(g.sums) as [DpInput, number][]) merged.sums[input] = (merged.sums[input] ?? 0) + v;
    for (const [input, v] of Object.entries(g.present) as [DpInput, number][]) merged.present[input] = (merged.present[input] ?? 0) + v;
    for (const [input, h] of Object.entries(g.histograms) as ['usageMonths', Map<number, number>][]) {
      const into = (merged.histograms[input] ??= new Map());
      for (const [bin, n] of h) into.set(bin, (into.get(bin) ?? 0) + n);
    }
    for (const [measure, d] of Object.entries(g.distributions) as [DistributionMeasure, Map<string, number>][]) {
      const into = (merged.distributions[measure] ??= new Map());
      for (const [value, n] of d) into.set(value, (into.get(value) ?? 0) + n);
    }
  }
  return merged;
}

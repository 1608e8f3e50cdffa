import { formulaValueFen, type ValuationStandard } from './valuation-standard.ts';

/** One inspected trade-in as the watch reads it: who quoted what, and what the standard says it was worth. */
export interface QuotedDevice {
  platformId: string;
  /** YYYY-MM, the trade-in month. */
  month: string;
  category: string;
  launchPriceFen: number;
  ageMonths: number;
  /** The grade and faults the recycler found: the device's real condition. */
  grade: string;
  faults: readonly string[];
  quotedValuationFen: number;
}

export interface FairnessCell {
  platformId: string;
  month: string;
  devices: number;
  /** Median of quoted ÷ reference, in basis points (10000 = quoted at the reference). */
  medianRatioBp: number;
  /** Share of devices quoted below LOW_RATIO_BP of the reference, in basis points. */
  shareBelowBp: number;
}

export interface FairnessWatch {
  cells: FairnessCell[];
  /** Platform-months with fewer than k devices, withheld whole. */
  withheldCells: number;
  /** Platforms whose median ratio was below LOW_RATIO_BP in at least PERSISTENT_MONTHS consecutive released months. */
  flaggedPlatforms: string[];
}

/** A quote below 80% of the reference counts as low (the threshold). */
export const LOW_RATIO_BP = 8000;
/** How many consecutive low months make a platform "persistently" low. */
export const PERSISTENT_MONTHS = 3;

/**
 * The valuation-fairness watch (pure): per platform and trade-in month, the median ratio of quoted
 * valuation to the standard's reference value for the condition the recycler found, and the share of
 * quotes below 80% of it; cells with fewer than k devices are withheld whole; a platform is flagged when
 * PERSISTENT_MONTHS consecutive released months have a median ratio below 80%. Devices whose reference is 0
 * (scrap) are left out, as no ratio exists.
 */
export function valuationFairness(standard: ValuationStandard, devices: readonly QuotedDevice[], k: number): FairnessWatch {
  const groups = new Map<string, { platformId: string; month: string; ratios: number[] }>();
  for (const device of devices) {
    const reference = formulaValueFen(standard, device);
    if (reference <= 0) continue;
    const key = `${device.platformId}\u0000${device.month}`;
    const group = groups.get(key) ?? { platformId: device.platformId, month: device.month, ratios: [] };
    group.ratios.push((device.quotedValuationFen * 10_000) / reference);
    groups.set(key, group);
  }
  const cells: FairnessCell[] = [];
  let withheldCells = 0;
  for (const group of [...groups.values()].sort((a, b) => (a.platformId + a.month < b.platformId + b.month ? -1 : 1))) {
    if (group.ratios.length < k) {
      withheldCells += 1;
      continue;
    }
    const sorted = group.ratios.sort((a, b) => a - b);
    const middle = sorted.length / 2;
    const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    cells.push({
      platformId: group.platformId,
      month: group.month,
      devices: sorted.length,
      medianRatioBp: Math.round(median),
      shareBelowBp: Math.round((sorted.filter((r) => r < LOW_RATIO_BP).length * 10_000) / sorted.length),
    });
  }
  const flagged = new Set<string>();
  let run = 0;
  let previous: FairnessCell | undefined;
  for (const cell of cells) {
    const consecutive = previous !== undefined && previous.platformId === cell.platformId && nextMonth(previous.month) === cell.month;
    run = cell.medianRatioBp < LOW_RATIO_BP ? (consecutive ? run + 1 : 1) : 0;
    if (run >= PERSISTENT_MONTHS) flagged.add(cell.platformId);
    previous = cell;
  }
  return { cells, withheldCells, flaggedPlatforms: [...flagged].sort() };
}

function nextMonth(month: string): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

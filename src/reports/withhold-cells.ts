/**
 * Small-cell protection for the per-firm tables of the monthly report, where each table also carries its
 * total. Pure. A cell counts `units` devices (trade-ins, inspected devices, disposed devices) and is
 * withheld whole when 0 < units < k (primary). When exactly one cell of a table is withheld, the total
 * minus the released cells would give it away, so the released cell with the fewest units (then the lowest
 * key) is withheld as well (complementary). The total is withheld when it counts fewer than k units.
 */
export interface ReportCell<F> {
  /** The firm's party id: unique within a table, the tie-break for the complementary choice. */
  key: string;
  units: number;
  figures: F;
}

export type ProtectedCell<F> = ReportCell<F> & { withheld: boolean };

export interface ProtectedTable<F> {
  /** Every cell in the order given, each marked; a withheld cell's figures must not be released. */
  cells: ProtectedCell<F>[];
  withheldCells: number;
  /** Whether the table's total may be released (it counts at least k units). */
  totalReleased: boolean;
}

/** Marks the cells to withhold; `k` ≥ 2. Cells with 0 units are never withheld (nothing to disclose). */
export function withholdSmallCells<F>(cells: readonly ReportCell<F>[], k: number): ProtectedTable<F> {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('k must be an integer of at least 2');
  const withheld = new Set(cells.filter((cell) => cell.units > 0 && cell.units < k).map((cell) => cell.key));
  if (withheld.size === 1) {
    const complement = cells
      .filter((cell) => !withheld.has(cell.key) && cell.units > 0)
      .sort((a, b) => a.units - b.units || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))[0];
    if (complement !== undefined) withheld.add(complement.key);
  }
  const totalUnits = cells.reduce((sum, cell) => sum + cell.units, 0);
  return {
    cells: cells.map((cell) => ({ ...cell, withheld: withheld.has(cell.key) })),
    withheldCells: withheld.size,
    totalReleased: totalUnits >= k,
  };
}

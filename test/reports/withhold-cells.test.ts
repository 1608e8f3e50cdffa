import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withholdSmallCells } from '../../src/reports/withhold-cells.ts';

const cell = (key: string, units: number) => ({ key, units, figures: { units } });

describe('withholdSmallCells', () => {
  it('releases every cell of at least k units and the total', () => {
    const table = withholdSmallCells([cell('a', 5), cell('b', 9)], 5);
    expect(table.cells.map((c) => c.withheld)).toEqual([false, false]);
    expect(table).toMatchObject({ withheldCells: 0, totalReleased: true });
  });

  it('withholds cells below k, and with a lone one also the smallest released cell (then the lowest key) (below k)', () => {
    const table = withholdSmallCells([cell('a', 3), cell('c', 7), cell('b', 7), cell('d', 20)], 5);
    expect(table.cells.filter((c) => c.withheld).map((c) => c.key)).toEqual(['a', 'b']);
    expect(table).toMatchObject({ withheldCells: 2, totalReleased: true });
  });

  it('needs no complement when two or more cells are below k', () => {
    const table = withholdSmallCells([cell('a', 1), cell('b', 2), cell('c', 50)], 5);
    expect(table.cells.filter((c) => c.withheld).map((c) => c.key)).toEqual(['a', 'b']);
  });

  it('withholds the total when the table counts fewer than k units', () => {
    expect(withholdSmallCells([cell('a', 4)], 5)).toMatchObject({ withheldCells: 1, totalReleased: false });
    expect(withholdSmallCells([], 5)).toMatchObject({ withheldCells: 0, totalReleased: false });
  });

  it('never lets the total minus the released cells give away a single withheld cell', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 8 }), fc.integer({ min: 2, max: 6 }), (units, k) => {
        const table = withholdSmallCells(
          units.map((u, i) => cell(`f${i}`, u)),
          k,
        );
        const withheld = table.cells.filter((c) => c.withheld);
        // The difference is disclosed only when the total is released; it must never be one cell's figure.
        if (table.totalReleased) expect(withheld.length === 1).toBe(false);
        for (const c of table.cells) if (c.units < k) expect(c.withheld).toBe(true);
      }),
    );
  });

  it('refuses a k below 2', () => {
    expect(() => withholdSmallCells([cell('a', 1)], 1)).toThrow(RangeError);
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVerifiedDisposition, greenPointsFor } from '../../src/green/green-points-rule.ts';
import { co2eAvoidedSql, REFRIGERANT_GWP } from '../../src/insights/carbon-factors.ts';
import { FIRM_STATUSES } from '../../src/firms/firms.table.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import defs from '../../schema/defs.schema.json' with { type: 'json' };

const CATEGORIES = (defs as { $defs: { category: { enum: string[] } } }).$defs.category.enum;
const DISPOSITIONS = ['resold_as_is', 'refurbished', 'parts_harvested', 'dismantled_recycled', 'pending'];

/**
 * The migration froze the rule as SQL literals (migrations import nothing from src/). These tests hold the
 * frozen copy to its sources: the carbon factors insights use (co2eAvoidedSql) and the pure rule. A new
 * factor set or rate fails here until a new migration carries it.
 */
describe('green points in the database', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub?.close());

  it('computes kg CO2e exactly as the insights carbon factors do, for every category, disposition and refrigerant', async () => {
    const cases: { category: string; disposition: string; weight: string | null; refrigerant: string | null; grams: number | null }[] = [];
    for (const category of CATEGORIES) {
      for (const disposition of DISPOSITIONS) {
        for (const weight of [null, '0.2', '45.5']) {
          for (const refrigerant of [null, 'unknown', ...Object.keys(REFRIGERANT_GWP)]) {
            cases.push({ category, disposition, weight, refrigerant, grams: refrigerant === null ? null : 820 });
          }
        }
      }
    }
    const { rows } = await sql<{ category: string; disposition: string; fn: string; reference: string; points: number }>`
      select c.category, c.disposition,
        hub_co2e_avoided_kg(c.category, c.disposition, c.weight_kg, c.refrigerant_type, c.refrigerant_recovered_g) as fn,
        (select ${sql.raw(co2eAvoidedSql())} from (select c.category) r,
           (select c.disposition, c.weight_kg, c.refrigerant_type, c.refrigerant_recovered_g) d) as reference,
        round(round(hub_co2e_avoided_kg(c.category, c.disposition, c.weight_kg, c.refrigerant_type, c.refrigerant_recovered_g), 3) * 10)::int as points
      from unnest(${cases.map((c) => c.category)}::text[], ${cases.map((c) => c.disposition)}::text[], ${cases.map((c) => c.weight)}::numeric[],
                  ${cases.map((c) => c.refrigerant)}::text[], ${cases.map((c) => c.grams)}::int[])
        as c(category, disposition, weight_kg, refrigerant_type, refrigerant_recovered_g)`.execute(hub.app.database.db);
    expect(rows).toHaveLength(cases.length);
    expect(rows.filter((row) => Number(row.fn) !== Number(row.reference))).toEqual([]);
    expect(rows.filter((row) => row.points !== greenPointsFor(Number(row.fn)))).toEqual([]);
    expect(rows.some((row) => Number(row.fn) > 0 && row.category === 'refrigerator')).toBe(true);
  });

  it('verifies dispositions exactly as the pure rule does', async () => {
    const capacitySets = [['recycler'], ['dismantler'], ['recycler', 'dismantler'], ['sales_firm'], []];
    const cases: { disposition: string; status: string; capacities: string[]; licence: string | null; month: string }[] = [];
    for (const disposition of DISPOSITIONS) {
      for (const status of FIRM_STATUSES) {
        for (const capacities of capacitySets) {
          for (const licence of [null, '2026-10-31', '2026-11-01', '2029-01-01']) cases.push({ disposition, status, capacities, licence, month: '2026-11' });
        }
      }
    }
    const verified: boolean[] = [];
    for (const c of cases) {
      const { rows } = await sql<{ v: boolean }>`
        select hub_green_verified(${c.disposition}, ${`${c.month}-01`}::date, ${c.status}, ${c.capacities}::text[], ${c.licence}::date) as v`.execute(
        hub.app.database.db,
      );
      verified.push(rows[0]!.v);
    }
    const expected = cases.map((c) =>
      isVerifiedDisposition(c.disposition, c.month, { status: c.status, capacities: c.capacities, licenceValidUntil: c.licence }),
    );
    expect(verified).toEqual(expected);
    // An unregistered firm (no registry row: every argument null) is never verified.
    const { rows } = await sql<{ v: boolean }>`select hub_green_verified('refurbished', '2026-11-01', null, null, null) as v`.execute(hub.app.database.db);
    expect(rows[0]!.v).toBe(false);
    expect(expected.filter(Boolean).length).toBeGreaterThan(10);
  });
});

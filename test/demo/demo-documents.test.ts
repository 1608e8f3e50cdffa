import { describe, expect, it } from 'vitest';
import { CONDITION_GRADES } from '../../adapters/recycler-inspections-csv/condition-words.ts';
import { FAULT_PHRASES } from '../../adapters/recycler-inspections-csv/fault-phrases.ts';
import { DEMO_FAULTS_BY_CATEGORY } from '../../src/demo/demo-catalogue.ts';
import { generateDemoDocuments } from '../../src/demo/demo-documents.ts';
import { checkDocument } from '../../src/documents/check-document.ts';
import type { DocumentKind } from '../../src/documents/document-kinds.ts';

describe('generateDemoDocuments', () => {
  const documents = generateDemoDocuments({ tickets: 20_000, platform: 'demo-platform' });

  it('passes every generated document through the gate unflagged', () => {
    const batches: [DocumentKind, readonly unknown[]][] = [
      ['catalogue', documents.catalogue],
      ['tradein', documents.tradeIns],
      ['inspection', documents.inspections],
      ['disposition', documents.dispositions],
    ];
    const asOf = new Date('2026-11-23T00:00:00Z');
    for (const [kind, docs] of batches) {
      const flagged = docs.map((doc, index) => ({ index, errors: checkDocument(kind, doc, { asOf }) })).filter((r) => r.errors.length > 0);
      expect(flagged.slice(0, 3), `${kind}: ${flagged.length} flagged`).toEqual([]);
    }
  });

  it('makes at least 20,000 trade-ins, most inspected and many disposed of', () => {
    expect(documents.tradeIns).toHaveLength(20_000);
    expect(documents.inspections.length).toBeGreaterThan(0.7 * 20_000);
    expect(documents.dispositions.length).toBeGreaterThan(0.3 * 20_000);
  });

  it('is deterministic for a seed', () => {
    const again = generateDemoDocuments({ tickets: 200, platform: 'demo-platform' });
    expect(again.tradeIns).toEqual(generateDemoDocuments({ tickets: 200, platform: 'demo-platform' }).tradeIns);
  });

  it('makes the same first documents whatever the ticket count, so seeding more extends the data', () => {
    const fewer = generateDemoDocuments({ tickets: 200, platform: 'demo-platform' });
    expect(fewer.tradeIns).toEqual(documents.tradeIns.slice(0, 200));
    expect(fewer.inspections).toEqual(documents.inspections.slice(0, fewer.inspections.length));
    expect(fewer.dispositions).toEqual(documents.dispositions.slice(0, fewer.dispositions.length));
  });

  it("uses only faults the recycler's sheet has a phrase for, and grades its condition words state", () => {
    const phrased = new Set(Object.values(FAULT_PHRASES));
    for (const [category, faults] of Object.entries(DEMO_FAULTS_BY_CATEGORY))
      for (const fault of faults) expect(phrased.has(fault), `${category}: ${fault}`).toBe(true);
    for (const inspection of documents.inspections) {
      expect(CONDITION_GRADES[inspection.gradeValue!]).toBe(inspection.grade);
      for (const fault of inspection.faults!) expect(phrased.has(fault)).toBe(true);
    }
    expect(new Set(documents.inspections.map((inspection) => inspection.grade))).toEqual(new Set(['A', 'B', 'C', 'D', 'E', 'X']));
  });

  it('never trades a device in before its launch month', () => {
    const launch = new Map(documents.catalogue.map((m) => [`${m.brand}|${m.model}`, m.launchMonth]));
    for (const doc of documents.tradeIns) expect(doc.tradeInMonth >= launch.get(`${doc.brand}|${doc.model}`)!).toBe(true);
  });
});

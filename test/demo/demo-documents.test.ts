import { describe, expect, it } from 'vitest';
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

  it('never trades a device in before its launch month', () => {
    const launch = new Map(documents.catalogue.map((m) => [`${m.brand}|${m.model}`, m.launchMonth]));
    for (const doc of documents.tradeIns) expect(doc.tradeInMonth >= launch.get(`${doc.brand}|${doc.model}`)!).toBe(true);
  });
});

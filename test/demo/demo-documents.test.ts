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
    const batches: [DocumentKind, readonly unknown[], number][] = [
      ['catalogue', documents.catalogue, 1],
      ['tradein', documents.tradeIns, documents.tradeInVersion],
      ['inspection', documents.inspections, 1],
      ['disposition', documents.dispositions, 1],
    ];
    const asOf = new Date('2026-11-23T00:00:00Z');
    for (const [kind, docs, version] of batches) {
      const flagged = docs.map((doc, index) => ({ index, errors: checkDocument(kind, doc, { asOf, version }) })).filter((r) => r.errors.length > 0);
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

  it('sends tradein.v2: every new purchase with a list price of a catalogued model, paid after discount and subsidy', () => {
    expect(documents.tradeInVersion).toBe(2);
    const launchPrices = new Set(documents.catalogue.map((m) => m.launchPriceFen));
    const discounts = new Set<number>();
    for (const doc of documents.tradeIns) {
      const purchase = doc.newPurchase as { listPriceFen: number; paidPriceFen: number };
      expect(launchPrices.has(purchase.listPriceFen), doc.externalRef).toBe(true);
      const discount = purchase.listPriceFen - purchase.paidPriceFen;
      // The discount the user got includes the subsidy, and no more than a third of the list price.
      expect(discount, doc.externalRef).toBeGreaterThanOrEqual(doc.subsidyFen ?? 0);
      expect(purchase.paidPriceFen, doc.externalRef).toBeGreaterThan((2 / 3) * purchase.listPriceFen);
      expect(purchase.paidPriceFen % 100, doc.externalRef).toBe(0);
      discounts.add(discount - (doc.subsidyFen ?? 0));
    }
    expect(discounts.has(0)).toBe(true); // some get no platform discount
    expect(discounts.size).toBeGreaterThan(20);
  });

  it('buys new a model of the traded-in category launched by the trade-in month', () => {
    const byPrice = new Map<string, { category: string; launchMonth: string }[]>();
    for (const m of documents.catalogue) byPrice.set(`${m.category}|${m.launchPriceFen}`, [...(byPrice.get(`${m.category}|${m.launchPriceFen}`) ?? []), m]);
    for (const doc of documents.tradeIns) {
      const listed = byPrice.get(`${doc.category}|${(doc.newPurchase as { listPriceFen: number }).listPriceFen}`) ?? [];
      expect(
        listed.some((m) => m.launchMonth <= doc.tradeInMonth),
        doc.externalRef,
      ).toBe(true);
    }
  });

  it('as tradein.v1, makes the same documents without the prices, drawing the same values', () => {
    const v1 = generateDemoDocuments({ tickets: 2_000, platform: 'demo-platform', tradeInVersion: 1 });
    expect(v1.tradeInVersion).toBe(1);
    const asOf = new Date('2026-11-23T00:00:00Z');
    for (const doc of v1.tradeIns.slice(0, 200)) expect(checkDocument('tradein', doc, { asOf, version: 1 })).toEqual([]);
    const withoutPrices = documents.tradeIns.slice(0, 2_000).map((doc) => {
      const { listPriceFen: _list, paidPriceFen: _paid, ...purchase } = doc.newPurchase as { listPriceFen: number; paidPriceFen: number };
      return { ...doc, newPurchase: purchase };
    });
    expect(v1.tradeIns).toEqual(withoutPrices);
    expect(v1.inspections).toEqual(documents.inspections.slice(0, v1.inspections.length));
    expect(v1.dispositions).toEqual(documents.dispositions.slice(0, v1.dispositions.length));
  });

  it('never trades a device in before its launch month', () => {
    const launch = new Map(documents.catalogue.map((m) => [`${m.brand}|${m.model}`, m.launchMonth]));
    for (const doc of documents.tradeIns) expect(doc.tradeInMonth >= launch.get(`${doc.brand}|${doc.model}`)!).toBe(true);
  });
});

import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ADAPTERS } from '/work/wt/detectors/adapters/registry.ts';
import { checkDocument } from '/work/wt/detectors/src/documents/check-document.ts';
const files: [string,string][] = [['brand-catalogue.csv','brand-catalogue-csv'],['recycler-inspections.csv','recycler-inspections-csv'],['dismantler-dispositions.csv','dismantler-dispositions-csv'],['platform-orders.json','platform-orders-json']];
const counts = new Map<string, number>();
for (const [file, name] of files) {
  const entry = ADAPTERS[name]!;
  const text = fs.readFileSync('/work/wt/shared/samples/' + file, 'utf8');
  const rows = entry.input.format === 'csv' ? parse(text, { bom: true, columns: true }) : JSON.parse(text).orders;
  const map = entry.adapter.create({ platform: 'platform-a', subjectKey: new Uint8Array(32) });
  const kind = entry.kind === 'from-mapping' ? 'tradein' : entry.kind;
  rows.forEach((r: any, i: number) => {
    const m = map(r, i + 1);
    if (!m.ok) return;
    const errs = checkDocument(kind as any, m.document);
    for (const e of errs) {
      const key = `${file} ${e.path} ${e.code}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if ((counts.get(key) ?? 0) <= 3) {
        const v = e.path.split('/').slice(1).reduce((o: any, k) => o?.[k], m.document);
        console.log(key, JSON.stringify(v));
      }
    }
  });
}
console.log(counts);

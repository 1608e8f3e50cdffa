import { checkDocument } from '../src/documents/check-document.ts';
import { generateDemoDocuments } from '../src/demo/demo-documents.ts';
const demo = generateDemoDocuments({ tickets: 1500, platform: 'demo-platform' });
const mix = [...demo.tradeIns.map((d) => ['tradein', d]), ...demo.inspections.map((d) => ['inspection', d]), ...demo.dispositions.map((d) => ['disposition', d])] as const;
for (let r = 0; r < 8; r++) { const t = performance.now(); for (const [k, d] of mix) checkDocument(k as any, d); console.log(r, (mix.length / ((performance.now() - t) / 1000)).toFixed(0), 'docs/s'); }

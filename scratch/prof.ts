import { checkDocument } from '../src/documents/check-document.ts';
import { generateDemoDocuments } from '../src/demo/demo-documents.ts';
import { findPiiInText } from '../src/privacy/scan-text.ts';
const demo = generateDemoDocuments({ tickets: 800, platform: 'demo-platform' });
const strings = new Map<string, number>();
const collect = (v: unknown) => { if (typeof v === 'string') strings.set(v, (strings.get(v) ?? 0) + 1); else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { strings.set(k, (strings.get(k) ?? 0) + 1); collect(x); } };
for (const d of [...demo.tradeIns, ...demo.inspections, ...demo.dispositions]) collect(d);
const times: [string, number][] = [];
for (const s of strings.keys()) { const t = performance.now(); for (let i = 0; i < 50; i++) findPiiInText(s); times.push([s, (performance.now() - t) / 50 * (strings.get(s) ?? 0)]); }
times.sort((a, b) => b[1] - a[1]);
console.log(times.slice(0, 25).map(([s, t]) => `${t.toFixed(2)}ms ${JSON.stringify(s)}`).join('\n'));
console.log('total', times.reduce((a, b) => a + b[1], 0).toFixed(1), 'distinct', strings.size);

import { scanDocument } from '../src/privacy/scan-document.ts';
import { generateDemoDocuments } from '../src/demo/demo-documents.ts';
const demo = generateDemoDocuments({ tickets: 3000, platform: 'demo-platform' });
const ex = new Map([['/subjectRef', 'pseudonym'], ['/externalRef', 'keyed-hash']]) as any;
const f = () => demo.tradeIns.forEach((d) => scanDocument(d, { exemptions: ex }));
for (let i = 0; i < 20; i++) f();

import fs from 'node:fs';
import { once } from 'node:events';
import type { TradeInV1 } from '../../src/documents/documents.generated.ts';
import { generateDemoDocuments } from '../../src/demo/demo-documents.ts';

const SLICE = 10_000;

/** Trade-ins generated a slice at a time (the demo generator with a seed per slice), never all in memory. */
export function* streamTradeIns(count: number, platform: string): Generator<TradeInV1> {
  for (let start = 0, slice = 0; start < count; start += SLICE, slice++) {
    // tradein.v1 (sent as the default version): the documents this benchmark's recorded figures were measured on.
    const docs = generateDemoDocuments({ tickets: Math.min(SLICE, count - start), platform, seed: 1000 + slice, tradeInVersion: 1 }).tradeIns;
    for (const doc of docs) yield { ...doc, externalRef: `BULK-${slice}-${doc.externalRef}` };
  }
}

/** Writes `count` trade-ins as NDJSON to `file` with backpressure. */
export async function writeTradeInsNdjson(file: string, count: number, platform: string): Promise<void> {
  const out = fs.createWriteStream(file);
  for (const doc of streamTradeIns(count, platform)) {
    if (!out.write(`${JSON.stringify(doc)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

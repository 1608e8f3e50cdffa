/**
 * The document gate's throughput: documents/s through `checkDocument` (property names, JSON Schema, PII
 * detectors) on the demo's realistic mix of trade-ins, inspections, dispositions and catalogue entries,
 * against the PREVIOUS gate (commit 744d7b9, vendored in `baseline/`) in the same process. The two are
 * timed alternately, round after round, so that a noisy neighbour slows both; the figure is the ratio of
 * the medians. Both share the one Ajv validator (src/documents/document-validator.ts).
 *
 * `BENCH_TICKETS` (default 4,000 → ≈ 9,000 documents), `BENCH_ROUNDS` (default 15).
 */
import { checkDocument as baselineCheckDocument } from './baseline/documents/check-document.ts';
import { checkDocument } from '../../src/documents/check-document.ts';
import type { DocumentKind } from '../../src/documents/document-kinds.ts';
import { generateDemoDocuments } from '../../src/demo/demo-documents.ts';

type Gate = (kind: DocumentKind, document: unknown, options?: { asOf?: Date }) => readonly unknown[];

const tickets = Number(process.env['BENCH_TICKETS'] ?? 4_000);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 15);
const asOf = new Date(Date.UTC(2026, 11, 7));

// tradein.v1 (sent as the default version): the documents this benchmark's recorded figures were measured on.
const demo = generateDemoDocuments({ tickets, platform: 'demo-platform', tradeInVersion: 1 });
const mix: { kind: DocumentKind; document: unknown }[] = [
  ...demo.tradeIns.map((document) => ({ kind: 'tradein' as const, document })),
  ...demo.inspections.map((document) => ({ kind: 'inspection' as const, document })),
  ...demo.dispositions.map((document) => ({ kind: 'disposition' as const, document })),
  ...demo.catalogue.map((document) => ({ kind: 'catalogue' as const, document })),
];

function documentsPerSecond(gate: Gate): number {
  let refused = 0;
  const started = process.hrtime.bigint();
  for (const { kind, document } of mix) if (gate(kind, document, { asOf }).length > 0) refused++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // The demo documents are all clean; a refusal means a gate is wrong, and the timing would be too.
  if (refused > 0) throw new Error(`${refused} demo documents were refused by a gate`);
  return mix.length / seconds;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

// Warm-up: compile regexes, fill caches, let the JIT settle, for both.
documentsPerSecond(baselineCheckDocument);
documentsPerSecond(checkDocument);

const baselineRates: number[] = [];
const newRates: number[] = [];
for (let round = 0; round < rounds; round++) {
  // Alternate which goes first, so neither always runs on a warmer or quieter machine.
  if (round % 2 === 0) {
    baselineRates.push(documentsPerSecond(baselineCheckDocument));
    newRates.push(documentsPerSecond(checkDocument));
  } else {
    newRates.push(documentsPerSecond(checkDocument));
    baselineRates.push(documentsPerSecond(baselineCheckDocument));
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en');
const newMedian = median(newRates);
const baselineMedian = median(baselineRates);
console.log(
  `documents: ${fmt(mix.length)} per round (${demo.tradeIns.length} trade-ins, ${demo.inspections.length} inspections, ${demo.dispositions.length} dispositions, ${demo.catalogue.length} catalogue), ${rounds} rounds`,
);
console.log(`new gate:      median ${fmt(newMedian)} documents/s (min ${fmt(Math.min(...newRates))}, max ${fmt(Math.max(...newRates))})`);
console.log(`previous gate: median ${fmt(baselineMedian)} documents/s (min ${fmt(Math.min(...baselineRates))}, max ${fmt(Math.max(...baselineRates))})`);
console.log(`ratio new/previous: ${(newMedian / baselineMedian).toFixed(2)}x (target >= 0.80x)`);

// The demo seed's partner pushes: the demo's trade-ins sent to a hub on the embedded PGlite as GraphQL
// batches of 1,000 (what `push` does) against the same documents as one NDJSON stream to POST /bulk/tradein,
// each on a fresh hub, interleaved, BENCH_ROUNDS rounds (default 2); medians and the ratio.
//
//   node --import tsx bench/first-start/seed-transport.bench.ts
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config.ts';
import { uploadBulk } from '../../src/bulk/bulk-client.ts';
import { generateDemoDocuments } from '../../src/demo/demo-documents.ts';
import { demoSendersWithKeys, ensureDemoParties, DEMO_SENDERS } from '../../src/demo/demo-seed.ts';
import { startHub } from '../../src/main.ts';
import { submitBatch } from '../../src/push/hub-client.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/push/retry-policy.ts';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// tradein.v1 (sent as the default version): the documents this benchmark's recorded figures were measured on.
const documents = generateDemoDocuments({ tickets: TICKETS, platform: DEMO_SENDERS.platform, tradeInVersion: 1 }).tradeIns;

async function timeOne(transport: 'graphql' | 'bulk'): Promise<number> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-seed-transport-'));
  const config = parseConfig({ HUB_DATA_DIR: dataDir, LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1' });
  const hub = await startHub(config, undefined, { databaseTarget: { kind: 'pglite' } });
  try {
    const senders = demoSendersWithKeys(await ensureDemoParties(hub.app), config.hubId);
    const started = performance.now();
    if (transport === 'graphql') {
      for (let start = 0; start < documents.length; start += 1000) {
        const results = await submitBatch('tradein', documents.slice(start, start + 1000), {
          endpoint: `${hub.url}/graphql`,
          tokens: senders.platform.tokens,
          retry: DEFAULT_RETRY_POLICY,
        });
        if (results.some((r) => r.type !== 'accepted')) throw new Error('every trade-in must be accepted');
      }
    } else {
      const summary = await uploadBulk({
        hubUrl: hub.url,
        token: await senders.platform.tokens.token(),
        kind: 'tradein',
        lines: documents.map((d) => JSON.stringify(d)),
        onResult: () => {},
      });
      if (summary.accepted !== documents.length) throw new Error('every trade-in must be accepted');
    }
    return (performance.now() - started) / 1000;
  } finally {
    await hub.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const times: Record<'graphql' | 'bulk', number[]> = { graphql: [], bulk: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const transport of round % 2 === 0 ? (['graphql', 'bulk'] as const) : (['bulk', 'graphql'] as const)) times[transport].push(await timeOne(transport));
}
console.log(
  JSON.stringify(
    {
      date: new Date().toISOString().slice(0, 10),
      tickets: TICKETS,
      rounds: ROUNDS,
      load: os.loadavg().map((l) => Number(l.toFixed(1))),
      graphqlSeconds: times.graphql.map((s) => Number(s.toFixed(1))),
      bulkSeconds: times.bulk.map((s) => Number(s.toFixed(1))),
      bulkOverGraphqlTime: Number((median(times.bulk) / median(times.graphql)).toFixed(2)),
    },
    null,
    2,
  ),
);

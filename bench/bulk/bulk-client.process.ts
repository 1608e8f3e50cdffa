// The bulk client as its own process, so its peak memory is measured apart from the benchmark's:
//   node --import tsx bench/bulk/bulk-client.process.ts <hubUrl> <token> <file>
import fs from 'node:fs';
import readline from 'node:readline';
import { uploadBulk } from '../../src/bulk/bulk-client.ts';

const [hubUrl, token, file] = process.argv.slice(2) as [string, string, string];
let notAccepted = 0;
const started = performance.now();
const summary = await uploadBulk({
  hubUrl,
  token,
  kind: 'tradein',
  lines: readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity }),
  onResult: (result) => {
    if (result.status !== 'accepted') notAccepted++;
  },
});
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ summary, notAccepted, seconds, maxRssKb: process.resourceUsage().maxRSS })}\n`);

import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { v7 as uuidv7 } from 'uuid';
import type { TradeInV1 } from '../../src/documents/documents.generated.ts';

const escape = (value: unknown) =>
  value === undefined || value === null ? '\\N' : String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');

/**
 * The baseline every ingest figure is a ratio of: the same trade-in rows, in the hub's `records` columns,
 * sent with one `COPY … FROM STDIN` into the same PostgreSQL — the fastest way these rows can enter it.
 * The rows are written to a TSV file first and only the COPY from that file is timed, so generating them
 * is not charged to the baseline. Returns rows per second.
 */
export async function copyBaselineRate(
  url: string,
  documents: Iterable<TradeInV1> | AsyncIterable<TradeInV1>,
  table = 'copy_baseline',
): Promise<{ rows: number; rowsPerSecond: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop table if exists ${table}`);
    await client.query(`create table ${table} (id uuid primary key, category text not null, brand text not null, model text not null,
      spec jsonb, usage_months smallint not null, trade_in_month date not null, region_code text, channel text not null,
      quoted_valuation_fen bigint not null, subsidy_fen bigint, energy_grade_old smallint, new_purchase_category text,
      new_purchase_energy_grade smallint, new_purchase_water_grade smallint, created_at timestamptz not null)`);
    const now = new Date().toISOString();
    const file = path.join(await fs.promises.mkdtemp(path.join(os.tmpdir(), 'copy-baseline-')), 'rows.tsv');
    const out = fs.createWriteStream(file);
    let rows = 0;
    for await (const doc of documents) {
      rows++;
      const line = [
        uuidv7(),
        doc.category,
        doc.brand,
        doc.model,
        doc.spec ? JSON.stringify(doc.spec) : undefined,
        doc.usageMonths,
        `${doc.tradeInMonth}-01`,
        doc.regionCode,
        doc.channel,
        doc.quotedValuationFen,
        doc.subsidyFen,
        doc.energyGradeOld,
        doc.newPurchase?.category,
        doc.newPurchase?.energyGrade,
        doc.newPurchase?.waterGrade,
        now,
      ]
        .map(escape)
        .join('\t');
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    try {
      const started = performance.now();
      await pipeline(fs.createReadStream(file), client.query(copyFrom(`copy ${table} from stdin`)));
      return { rows, rowsPerSecond: rows / ((performance.now() - started) / 1000) };
    } finally {
      await fs.promises.rm(path.dirname(file), { recursive: true, force: true });
    }
  } finally {
    await client.end();
  }
}

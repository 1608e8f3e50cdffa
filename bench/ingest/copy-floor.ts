import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { v7 as uuidv7 } from 'uuid';
import type { TradeInV1 } from '../../src/documents/documents.generated.ts';

const text = (value: unknown) =>
  value === undefined || value === null ? '\\N' : String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
/** bytea in COPY's text format: `\x…` with its backslash escaped. */
const bytea = (value: Buffer) => `\\\\x${value.toString('hex')}`;

/** The tables the hub writes per trade-in, in the order the floor copies them. */
const FLOOR_TABLES = ['submissions', 'records', 'tickets', 'subjects', 'record_subjects', 'ticket_custody'] as const;

/** Each table's columns in the order the rows below are written. */
const FLOOR_COLUMNS: Record<(typeof FLOOR_TABLES)[number], string> = {
  submissions: 'party_id, kind, key_hash, id, content_hash, ticket_id, target_id, batch_id, created_at',
  records:
    'id, category, brand, model, model_hash, spec, usage_months, trade_in_month, region_code, channel, quoted_valuation_fen, subsidy_fen, ' +
    'energy_grade_old, new_purchase_category, new_purchase_energy_grade, new_purchase_water_grade, created_at',
  tickets: 'id, record_id, platform_id, created_at',
  subjects: 'id, platform_id, subject_ref_sealed, created_at',
  record_subjects: 'subject_id, record_id, platform_id, created_at',
  ticket_custody: 'ticket_id, sequence, holder_id, from_party_id, handed_over_at, released_at',
};

/**
 * The floor of ingest on today's schema: the same trade-ins as every row the hub writes for them — the
 * submission, the record, the ticket, the vault's subject (once per subject) and its link, and the custody
 * links (two when the trade-in hands the ticket to a recycler) — sent with one `COPY … FROM STDIN` per table into copies
 * of the hub's tables (`like … including all`: same columns, constraints and indexes, no RLS, no triggers)
 * in the same PostgreSQL. The database must be migrated. Rows are written to files first; only the COPYs
 * are timed. Returns trade-ins per second.
 */
export async function copyFloorRate(url: string, documents: Iterable<TradeInV1> | AsyncIterable<TradeInV1>): Promise<{ rows: number; rowsPerSecond: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'copy-floor-'));
  try {
    for (const table of FLOOR_TABLES) {
      await client.query(`drop table if exists floor_${table}`);
      await client.query(`create table floor_${table} (like ${table} including all)`);
    }
    const outs = Object.fromEntries(FLOOR_TABLES.map((table) => [table, fs.createWriteStream(path.join(dir, `${table}.tsv`))]));
    const write = async (table: (typeof FLOOR_TABLES)[number], fields: string[]) => {
      if (!outs[table]!.write(`${fields.join('\t')}\n`)) await once(outs[table]!, 'drain');
    };
    const now = new Date().toISOString();
    const batch = uuidv7();
    const subjects = new Set<string>();
    let rows = 0;
    for await (const doc of documents) {
      rows++;
      const [id, ticket, record] = [uuidv7(), uuidv7(), uuidv7()];
      await write('submissions', ['bench-platform', 'tradein', bytea(randomBytes(32)), id, bytea(randomBytes(32)), ticket, '\\N', batch, now]);
      await write(
        'records',
        [
          record,
          doc.category,
          doc.brand,
          doc.model,
          '\\N',
          doc.spec ? text(JSON.stringify(doc.spec)) : '\\N',
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
        ].map((v) => (typeof v === 'string' && v.startsWith('\\') ? v : text(v))),
      );
      await write('tickets', [ticket, record, 'bench-platform', now]);
      if (doc.subjectRef !== undefined) {
        const subject = uuidFrom(doc.subjectRef);
        if (!subjects.has(subject)) {
          subjects.add(subject);
          // A sealed pseudonym is 12 bytes of nonce, the pseudonym and a 16-byte tag.
          await write('subjects', [subject, 'bench-platform', bytea(randomBytes(12 + doc.subjectRef.length + 16)), now]);
        }
        await write('record_subjects', [subject, record, 'bench-platform', now]);
      }
      // The platform holds the ticket first; a trade-in naming a recycler hands it over at once.
      await write('ticket_custody', [ticket, '0', 'bench-platform', '\\N', now, doc.recycler === undefined ? '\\N' : now]);
      if (doc.recycler !== undefined) await write('ticket_custody', [ticket, '1', text(doc.recycler), 'bench-platform', now, '\\N']);
    }
    await Promise.all(
      Object.values(outs).map(async (out) => {
        out.end();
        await once(out, 'finish');
      }),
    );
    const started = performance.now();
    for (const table of FLOOR_TABLES) {
      await pipeline(fs.createReadStream(path.join(dir, `${table}.tsv`)), client.query(copyFrom(`copy floor_${table} (${FLOOR_COLUMNS[table]}) from stdin`)));
    }
    return { rows, rowsPerSecond: rows / ((performance.now() - started) / 1000) };
  } finally {
    for (const table of FLOOR_TABLES) await client.query(`drop table if exists floor_${table}`);
    await client.end();
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** A stable uuid per pseudonym, as the hub derives the subject id (a keyed hash) from it. */
function uuidFrom(value: string): string {
  const hex = createHash('sha256').update(value).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../adapters/registry.ts';
import { uploadBulk, type BulkRowResult } from '../../src/bulk/bulk-client.ts';
import type { DocumentKind as AnyDocumentKind } from '../../src/documents/document-kinds.ts';

// Wipe attestations hold vocabulary only (every field an enumeration or a pattern) and need a notary and a
// held ticket; test/wipes covers their gate.
type DocumentKind = Exclude<AnyDocumentKind, 'wipe_attestation'>;
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { LEAKS, SPLIT_LEAKS, needlesOf, type Leak } from './leak-corpus.ts';

/**
 * The red-team corpus against a whole hub (run on PGlite and, with DATABASE_URL, on PostgreSQL): every
 * leak planted in every string field of otherwise valid documents of the four kinds, sent through
 * GraphQL (batches of up to 1,000) and `/bulk/<kind>`, and planted in the native cells of each adapter's
 * sample row. Then every table is dumped (all columns as text), and the dump, the captured log lines and
 * every response body are searched for every leak's value, written form and digits.
 */

const MUTATIONS: Readonly<Record<DocumentKind, { field: string; party: string }>> = {
  tradein: { field: 'submitTradeIns', party: 'platform-a' },
  inspection: { field: 'submitInspections', party: 'recycler-a' },
  disposition: { field: 'submitDispositions', party: 'recycler-a' },
  catalogue: { field: 'submitCatalogueEntries', party: 'brand-a' },
};
const submitMutation = (field: string) => /* GraphQL */ `
  mutation ($documents: [JSON!]!) {
    ${field}(documents: $documents) {
      __typename
      ... on SubmissionBatch { results { __typename ... on SubmissionRejected { index errors { path code message } } } }
    }
  }`;

const BASE_TRADE_IN_REF = 'RT-BASE-TI';
const BASE: Readonly<Record<DocumentKind, Record<string, unknown>>> = {
  tradein: {
    externalRef: BASE_TRADE_IN_REF,
    category: 'mobile_phone',
    brand: 'Apple',
    model: 'iPhone 13 128GB',
    usageMonths: 30,
    tradeInMonth: '2026-10',
    regionCode: '440300',
    channel: 'online',
    quotedValuationFen: 180_000,
    subjectRef: 'k3J9xQ2mVb7LwT4nYp8RzA6cHd1FgE5sUo0iJtKqXyW',
    newPurchase: { category: 'mobile_phone' },
    recycler: 'recycler-a',
  },
  inspection: {
    externalRef: 'RT-BASE-QC',
    tradeIn: { platform: 'platform-a', externalRef: BASE_TRADE_IN_REF },
    grade: 'C',
    gradeScheme: 'GB_T_45656_2025',
    gradeValue: 'C',
    inspectedMonth: '2026-10',
    faults: ['screen_scratch_deep', 'housing_dent'],
    batteryHealthPct: 81,
    finalValuationFen: 152_000,
    dataWipe: {
      required: true,
      standard: 'GB_INFO_CLEARANCE_2025',
      level: 'purge',
      technique: 'crypto_erase',
      passes: 0,
      verification: 'full',
      result: 'success',
      completedMonth: '2026-10',
      certificateRef: 'WCKQRMTXVBHPNZAB',
    },
  },
  disposition: {
    externalRef: 'RT-BASE-DP',
    tradeIn: { platform: 'platform-a', externalRef: BASE_TRADE_IN_REF },
    disposition: 'resold_as_is',
    completedMonth: '2026-11',
  },
  catalogue: { brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 599_900, weightKg: 0.173 },
};

type Json = Record<string, unknown>;

/** JSON Pointers of every string leaf of `doc`. */
function stringPaths(doc: unknown, prefix = ''): string[] {
  if (typeof doc === 'string') return [prefix];
  if (Array.isArray(doc)) return doc.flatMap((item, index) => stringPaths(item, `${prefix}/${index}`));
  if (doc !== null && typeof doc === 'object') return Object.entries(doc).flatMap(([key, value]) => stringPaths(value, `${prefix}/${key}`));
  return [];
}

function withValueAt(doc: Json, pointer: string, value: unknown): Json {
  const copy = structuredClone(doc);
  const tokens = pointer.split('/').slice(1);
  let node: any = copy;
  for (const token of tokens.slice(0, -1)) node = node[token];
  node[tokens.at(-1)!] = value;
  return copy;
}

const plantedLabels: string[] = [];

/** Every leak in every string field of the kind's base document; each document gets its own reference. */
function plantedDocuments(kind: DocumentKind): Json[] {
  const base = BASE[kind];
  const documents: Json[] = [];
  plantedLabels.length = 0;
  let n = 0;
  for (const leak of LEAKS) {
    for (const pointer of stringPaths(base)) {
      n += 1;
      let doc = withValueAt(base, pointer, leak.text);
      // A fresh reference (or model, for the catalogue) so no planted document is a replay of the base.
      if (pointer !== '/externalRef' && 'externalRef' in base) doc = withValueAt(doc, '/externalRef', `RT-${kind}-${n}`);
      if (kind === 'catalogue' && pointer !== '/model') doc = withValueAt(doc, '/model', `iPhone 13 RT${n}`);
      documents.push(doc);
      plantedLabels.push(`${leak.id} at ${pointer}`);
    }
  }
  // Splits: two neighbouring fields each holding half of a value.
  const [first, second] = stringPaths(base).filter((pointer) => !pointer.endsWith('externalRef') && !pointer.includes('tradeIn'));
  for (const split of SPLIT_LEAKS) {
    n += 1;
    let doc = withValueAt(withValueAt(base, first!, split.parts[0]), second!, split.parts[1]);
    if ('externalRef' in base) doc = withValueAt(doc, '/externalRef', `RT-${kind}-${n}`);
    documents.push(doc);
    plantedLabels.push(`${split.id} at ${first} + ${second}`);
  }
  return documents;
}

const ALL_NEEDLES: readonly { id: string; needle: string }[] = [
  ...LEAKS.flatMap((leak: Leak) => needlesOf(leak).map((needle) => ({ id: leak.id, needle }))),
  ...SPLIT_LEAKS.flatMap((split) => needlesOf(split).map((needle) => ({ id: split.id, needle }))),
];

function hitsIn(haystack: string): string[] {
  return ALL_NEEDLES.filter(({ needle }) => haystack.includes(needle)).map(({ id }) => id);
}

describe('red-team corpus end to end', () => {
  let hub: TestHub;
  let server: Server;
  let hubUrl: string;
  const logLines: string[] = [];
  const responses: string[] = [];
  const acceptedLeaks: string[] = [];

  async function submit(kind: DocumentKind, documents: readonly Json[]): Promise<string[]> {
    const { field, party } = MUTATIONS[kind];
    const token = await hub.token(party);
    const typenames: string[] = [];
    for (let start = 0; start < documents.length; start += 1_000) {
      const response = await hub.app.yoga.fetch('http://hub.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: submitMutation(field), variables: { documents: documents.slice(start, start + 1_000) } }),
      });
      const text = await response.text();
      responses.push(text);
      const body = JSON.parse(text);
      const results = body.data?.[field]?.results as { __typename: string }[] | undefined;
      if (results === undefined) throw new Error(`${field} answered ${body.data?.[field]?.__typename ?? response.status}`);
      typenames.push(...results.map((result) => result.__typename));
    }
    return typenames;
  }

  beforeAll(async () => {
    hub = await createTestHub({ logLines });
    server = createServer(hub.app.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await hub.close();
  });

  it('accepts the base documents the leaks are planted in (twin)', async () => {
    for (const kind of ['tradein', 'inspection', 'disposition', 'catalogue'] as const) {
      expect(await submit(kind, [BASE[kind]]), kind).toEqual(['SubmissionAccepted']);
    }
  });

  it('accepts no planted document through GraphQL', async () => {
    for (const kind of ['tradein', 'inspection', 'disposition', 'catalogue'] as const) {
      const documents = plantedDocuments(kind);
      const typenames = await submit(kind, documents);
      typenames.forEach((typename, index) => {
        if (typename === 'SubmissionAccepted') acceptedLeaks.push(`${kind} graphql: ${plantedLabels[index]}`);
      });
    }
    expect(acceptedLeaks).toEqual([]);
  }, 120_000);

  it('accepts no planted document through /bulk', async () => {
    for (const kind of ['tradein', 'inspection', 'disposition', 'catalogue'] as const) {
      // Every leak once per kind, in the fields in turn (GraphQL above has every field).
      const paths = stringPaths(BASE[kind]);
      const lines = LEAKS.map((leak, index) => {
        let doc = withValueAt(BASE[kind], paths[index % paths.length]!, leak.text);
        if ('externalRef' in BASE[kind] && paths[index % paths.length] !== '/externalRef') doc = withValueAt(doc, '/externalRef', `RT-BULK-${kind}-${index}`);
        if (kind === 'catalogue' && paths[index % paths.length] !== '/model') doc = withValueAt(doc, '/model', `iPhone 13 RTB${index}`);
        return JSON.stringify(doc);
      });
      const results: BulkRowResult[] = [];
      const summary = await uploadBulk({ hubUrl, token: await hub.token(MUTATIONS[kind].party), kind, lines, onResult: (result) => results.push(result) });
      responses.push(JSON.stringify(results), JSON.stringify(summary));
      const acceptedLines = results
        .filter((result) => result.status === 'accepted')
        .map((result) => LEAKS[result.line - 1]!.id + ' at ' + paths[(result.line - 1) % paths.length]);
      expect(acceptedLines, kind).toEqual([]);
      expect(summary.accepted, kind).toBe(0);
      expect(summary.lines, kind).toBe(LEAKS.length);
    }
  }, 120_000);

  it('lets no adapter carry a planted cell into an accepted document', async () => {
    const samples: Readonly<Record<string, string>> = {
      'platform-orders-json': 'platform-orders.json',
      'recycler-inspections-csv': 'recycler-inspections.csv',
      'dismantler-dispositions-csv': 'dismantler-dispositions.csv',
      'brand-catalogue-csv': 'brand-catalogue.csv',
    };
    let adapters = 0;
    for (const [name, file] of Object.entries(samples)) {
      const entry = ADAPTERS[name]!;
      const text = fs.readFileSync(path.join(import.meta.dirname, '../../../shared/samples', file), 'utf8');
      const rows: Record<string, unknown>[] =
        entry.input.format === 'csv' ? parseCsv(text, { bom: true, columns: true }) : JSON.parse(text)[entry.input.arrayKey];
      const map = entry.adapter.create({ platform: 'platform-a', subjectKey: new Uint8Array(32).fill(7) });
      const kind = entry.kind as DocumentKind;
      const base = rows.find((row, index) => map(row, index + 1).ok);
      expect(base, name).toBeDefined();
      const baseMapped = map(base!, 1);
      const baseReference = baseMapped.ok ? (baseMapped.document as unknown as Json)['externalRef'] : undefined;
      const columns = Object.keys(base!).filter((column) => typeof base![column] === 'string');
      const documents: Json[] = [];
      const adapterLabels: string[] = [];
      LEAKS.forEach((leak, index) => {
        // Each leak in three columns, in turn; every column gets every kind of leak.
        for (const offset of [0, 1, 2]) {
          const column = columns[(index + offset * 7) % columns.length]!;
          const mapped = map({ ...base!, [column]: leak.text }, index + 1);
          if (!mapped.ok) {
            responses.push(JSON.stringify(mapped.errors));
            continue;
          }
          const document = mapped.document as unknown as Json;
          const serialised = JSON.stringify(document);
          // A cell the adapter drops (收货人, 手机号 …) leaves a clean document; only one that carries
          // the leak matters, and it must be refused.
          if (!needlesOf(leak).some((needle) => serialised.includes(needle)) && findLeakShape(serialised, leak) === false) continue;
          adapterLabels.push(`${leak.id} in ${column}`);
          // A fresh reference where the leak is not in it, so no document replays the base row.
          if ('externalRef' in document)
            documents.push(document['externalRef'] === baseReference ? { ...document, externalRef: `RT-AD-${name}-${index}-${offset}` } : document);
          else
            documents.push(
              document['model'] === (baseMapped.ok ? (baseMapped.document as unknown as Json)['model'] : undefined)
                ? { ...document, model: `${String(document['model'])} RTA${index}${offset}` }
                : document,
            );
        }
      });
      const typenames = await submit(kind, documents);
      const accepted = typenames.flatMap((typename, index) => (typename === 'SubmissionAccepted' ? [adapterLabels[index]] : []));
      expect(accepted, name).toEqual([]);
      expect(
        typenames.filter((typename) => typename === 'SubmissionAccepted'),
        name,
      ).toEqual([]);
      adapters += 1;
    }
    expect(adapters).toBe(4);
  }, 120_000);

  it('stores, logs and answers none of the leaks', async () => {
    const db = hub.app.database.db;
    const { rows: tables } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
    expect(tables.length).toBeGreaterThan(10);
    let dump = '';
    for (const { name } of tables) {
      const { rows } = await sql<{ dump: string | null }>`select string_agg(t::text, '|') as dump from ${sql.table(name)} t`.execute(db);
      dump += `${rows[0]?.dump ?? ''}\n`;
    }
    // The dump holds the base documents (so the search is not vacuous) and no leak.
    expect(dump).toContain('iPhone 13 128GB');
    expect(hitsIn(dump)).toEqual([]);
    expect(logLines.some((line) => line.includes('"event":"http.request"'))).toBe(true);
    expect(hitsIn(logLines.join('\n'))).toEqual([]);
    expect(responses.length).toBeGreaterThan(0);
    expect(hitsIn(responses.join('\n'))).toEqual([]);
  });
});

// The adapters rewrite what they map (a model keeps its text, a grade word becomes a code); a planted
// document counts as carrying the leak when the value's written form survives in it.
function findLeakShape(serialised: string, leak: Leak): boolean {
  return serialised.includes(JSON.stringify(leak.text).slice(1, -1));
}

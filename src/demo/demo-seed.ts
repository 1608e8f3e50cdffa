import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { subjectRefFor } from '../../adapters/shared/subject-ref.ts';
import type { HubApp } from '../app.ts';
import { subjectRefCipher } from '../hub-keys/subject-ref-cipher.ts';
import { createLocalPartyKey, readLocalPartyKey, type StoredPartyKey } from '../parties/local-key-store.ts';
import { findActivePartyKeys, findParty } from '../parties/parties.repository.ts';
import { registerParty, registerPartyKey } from '../parties/parties.service.ts';
import type { PartyRole } from '../parties/parties.table.ts';
import { MAX_BATCH_SIZE, pushFile, type PushSummary } from '../push/push-file.ts';
import type { RetryPolicy } from '../push/retry-policy.ts';
import { mintedTokens, type TokenSource } from '../push/token-source.ts';
import { subjectIdFor } from '../subjects/subject-id.ts';
import { listPlatformSubjects, subjectExists } from '../subjects/subjects.repository.ts';
import { DEMO_USER_ID, generateDemoDocuments } from './demo-documents.ts';
import { ensureDemoFirms } from './demo-firms.ts';
import { ensureDemoNotaryFirm } from './demo-wipes.ts';
import { writeDemoExports, type DemoExportFile, type DemoSender } from './demo-exports.ts';

export const DEMO_PARTIES: readonly { id: string; role: PartyRole; displayName: string }[] = [
  { id: 'demo-platform', role: 'platform', displayName: '示例商城 Demo Platform' },
  { id: 'demo-recycler', role: 'recycler', displayName: '示例回收 Demo Recycler' },
  { id: 'demo-brand', role: 'brand', displayName: '示例品牌 Demo Brand' },
  { id: 'demo-regulator', role: 'regulator', displayName: '示例监管 Demo Regulator' },
  { id: 'operator', role: 'operator', displayName: 'Hub operator' },
  { id: 'demo-notary', role: 'notary', displayName: '示例数据清除公证 Demo Notary' },
];

/** The demo's senders of partner files, by the role they play in the seed. */
export const DEMO_SENDERS: Readonly<Record<DemoSender, string>> = { brand: 'demo-brand', platform: 'demo-platform', recycler: 'demo-recycler' };

export const DEMO_TICKETS = 20_000;

/** Where the demo writes its partners' native exports (and the push's rejects reports). */
export function demoExportsDir(dataDir: string): string {
  return path.join(dataDir, 'demo-exports');
}

/**
 * Creates the demo parties with keys kept in the data folder (once), and a party whose local key was lost
 * gets a new one registered; the participating-firm registry gets the demo firms. Returns each party's stored key.
 */
export async function ensureDemoParties(app: HubApp): Promise<Map<string, StoredPartyKey>> {
  const keys = new Map<string, StoredPartyKey>();
  const admin = app.database.session({ role: 'hub_admin' });
  for (const party of DEMO_PARTIES) {
    const now = new Date();
    if (!(await findParty(admin, party.id))) await registerParty(admin, party, now);
    let key: StoredPartyKey | undefined;
    try {
      key = await readLocalPartyKey(app.config.dataDir, party.id);
    } catch {
      // No local key yet: this is the party's first start on this data folder.
      key = undefined;
    }
    const active = await findActivePartyKeys(admin, party.id);
    const localKid = key?.kid;
    if (key === undefined || !active.some((k) => k.kid === localKid)) {
      key = await createLocalPartyKey(app.config.dataDir, party.id);
      await registerPartyKey(admin, party.id, key.publicJwk, now);
    }
    keys.set(party.id, key);
  }
  await ensureDemoFirms(app.database.db, new Date());
  await ensureDemoNotaryFirm(app.database.db, new Date());
  return keys;
}

/**
 * True once the demo recycler has pushed dispositions, the last file of the seed: later starts reuse the
 * data, and a first start that was stopped half-way seeds again (the hub replays what it already holds).
 */
export async function isDemoSeeded(app: HubApp): Promise<boolean> {
  const recycler = app.sessionFor({ kind: 'party', partyId: DEMO_SENDERS.recycler, role: 'recycler' });
  const row = await recycler
    .selectFrom('submissions')
    .select('id')
    .where('party_id', '=', DEMO_SENDERS.recycler)
    .where('kind', '=', 'disposition')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

const SUBJECT_KEY_BYTES = 32;

/** The demo platform's subjectRef key file, `<dataDir>/keys/demo-platform.subject-key`. */
export function demoSubjectKeyFile(dataDir: string): string {
  return path.join(dataDir, 'keys', `${DEMO_SENDERS.platform}.subject-key`);
}

/**
 * The demo platform's own HMAC key for subjectRef: 32 random bytes created once (mode 0600) and kept in the
 * data folder, as a real platform keeps its key on its own machine. The hub never sees it; it gets only the
 * pseudonyms. Throws when the file exists but holds fewer than 32 bytes.
 */
export async function ensureDemoSubjectKey(dataDir: string): Promise<Uint8Array> {
  const file = demoSubjectKeyFile(dataDir);
  try {
    const key = await fs.readFile(file);
    if (key.length < SUBJECT_KEY_BYTES) throw new Error(`${file} must hold ${SUBJECT_KEY_BYTES} bytes`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let key = randomBytes(SUBJECT_KEY_BYTES);
  // `push --subject-key-file` drops one trailing newline from a key file; this key must read back whole.
  while (key.at(-1) === 0x0a) key = randomBytes(SUBJECT_KEY_BYTES);
  try {
    await fs.writeFile(file, key, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return ensureDemoSubjectKey(dataDir);
    throw error;
  }
  return key;
}

/** A party that pushes demo files: its id and where its tokens come from. */
export interface DemoSenderParty {
  id: string;
  tokens: TokenSource;
}

/** The demo senders with tokens minted from their keys in the data folder (ensureDemoParties). */
export function demoSendersWithKeys(keys: ReadonlyMap<string, StoredPartyKey>, hubId: string): Record<DemoSender, DemoSenderParty> {
  const sender = (id: string): DemoSenderParty => {
    const key = keys.get(id);
    if (key === undefined) throw new Error(`no local key for the demo party ${id}`);
    return { id, tokens: mintedTokens(key, { hubId }) };
  };
  return { brand: sender(DEMO_SENDERS.brand), platform: sender(DEMO_SENDERS.platform), recycler: sender(DEMO_SENDERS.recycler) };
}

export interface DemoSeedOptions {
  /** The hub's GraphQL endpoint. */
  endpoint: string;
  /** Where the native exports and the rejects reports are written. */
  exportsDir: string;
  /** The platform's subjectRef key (ensureDemoSubjectKey); the platform adapter hashes 用户ID with it. */
  subjectKey: Uint8Array;
  senders: Readonly<Record<DemoSender, DemoSenderParty>>;
  tickets?: number;
  seed?: number;
  retry?: RetryPolicy;
  /** Told after each file was pushed. */
  onFile?: (result: DemoFileResult) => unknown;
}

export interface DemoFileResult {
  file: DemoExportFile;
  party: string;
  summary: PushSummary;
  seconds: number;
}

export interface DemoSeedReport {
  tickets: number;
  inspections: number;
  dispositions: number;
  catalogue: number;
  files: DemoFileResult[];
}

/**
 * Seeds the demo the way partners deliver data: generates the demo documents, writes them as the four
 * partners' native exports (private columns included), and pushes each file with the push machinery —
 * adapter, partner-side privacy gate, batches over HTTP to `endpoint` — as its party: the catalogue, the
 * platform's orders (handing each device to the recycler), then the recycler's inspections and dispositions
 * naming those orders. Idempotent: the hub replays documents it already holds.
 */
export async function seedDemoThroughPush(options: DemoSeedOptions): Promise<DemoSeedReport> {
  const platform = options.senders.platform.id;
  const documents = generateDemoDocuments({
    tickets: options.tickets ?? DEMO_TICKETS,
    platform,
    subjectKey: options.subjectKey,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const exports = await writeDemoExports(documents, options.exportsDir, options.seed === undefined ? {} : { seed: options.seed });
  const files: DemoFileResult[] = [];
  for (const file of exports) {
    const sender = options.senders[file.sender];
    const started = performance.now();
    const summary = await pushFile({
      adapter: file.adapter,
      file: file.file,
      // The platform ships every device to the demo recycler and names it on each trade-in, so the recycler
      // holds the tickets its inspections and dispositions refer to.
      adapterOptions: { platform, ...(file.kind === 'tradein' ? { subjectKey: options.subjectKey, recycler: options.senders.recycler.id } : {}) },
      endpoint: options.endpoint,
      tokens: sender.tokens,
      batchSize: MAX_BATCH_SIZE,
      // The hub's bulk path, as a partner sending whole files would use: the same answers, less overhead.
      transport: 'bulk',
      // The files are rewritten on every seed, so a checkpoint could never be resumed from.
      checkpoint: false,
      ...(options.retry ? { retry: options.retry } : {}),
    });
    const result: DemoFileResult = { file, party: sender.id, summary, seconds: (performance.now() - started) / 1000 };
    files.push(result);
    await options.onFile?.(result);
  }
  return {
    tickets: documents.tradeIns.length,
    inspections: documents.inspections.length,
    dispositions: documents.dispositions.length,
    catalogue: documents.catalogue.length,
    files,
  };
}

/** One line of the seed's progress: the file, its party, what the hub did with its rows, and any rejects. */
export function formatDemoFileLine(result: DemoFileResult): string {
  const { summary } = result;
  const counts = [`read ${summary.read}`, `accepted ${summary.accepted}`];
  if (summary.replayed > 0) counts.push(`replayed ${summary.replayed}`);
  counts.push(`rejected ${summary.rejected}`);
  if (summary.conflicts > 0) counts.push(`conflicts ${summary.conflicts}`);
  const codes = Object.entries(summary.rejectCodes)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  const rejects = codes === '' ? '' : `  [${codes}; see ${summary.rejectsFile}]`;
  return `  ${path.basename(result.file.file).padEnd(28)} ${result.party.padEnd(14)} ${counts.join(' · ')} (${result.seconds.toFixed(1)} s)${rejects}`;
}

/**
 * The subjectRef of the demo user (DEMO_USER_ID, hashed with the platform's key as the platform adapter
 * does) when the vault holds it. Data seeded by an earlier version of the demo used other pseudonyms; for
 * them, the first demo subject in the vault. Undefined when there is none.
 */
export async function findDemoUserSubjectRef(app: HubApp, subjectKey: Uint8Array): Promise<string | undefined> {
  // The vault keeps pseudonyms sealed: the demo user is found by its subject id (a keyed hash).
  const platform = app.sessionFor({ kind: 'party', partyId: DEMO_SENDERS.platform, role: 'platform' });
  const demoUserRef = subjectRefFor(subjectKey, DEMO_USER_ID);
  if (await subjectExists(platform, subjectIdFor(app.secret, DEMO_SENDERS.platform, demoUserRef))) return demoUserRef;
  const [first] = await listPlatformSubjects(platform, DEMO_SENDERS.platform);
  return first === undefined ? undefined : subjectRefCipher(app.secret).open(first.id, first.subject_ref_sealed);
}

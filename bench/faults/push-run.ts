import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runHubCli, type CommandResult, type HubSetup } from './hub-fixture.ts';

const MODELS = [
  { category: '手机', brand: 'Apple', model: 'iPhone 13 128GB', quoted: '1850.00' },
  { category: '手机', brand: 'Xiaomi', model: 'Xiaomi 12 256GB', quoted: '920.00' },
  { category: '平板', brand: 'Apple', model: 'iPad Air 5 64GB', quoted: '1600.00' },
  { category: '冰箱', brand: '美的', model: 'BCD-516WKPZM', quoted: '860.00' },
] as const;

/** A platform order export written for one push, and the externalRefs of its rows (row n is `externalRefs[n - 1]`). */
export interface OrderExport {
  file: string;
  externalRefs: string[];
}

/**
 * Writes a platform order export (the platform-orders-json adapter's native format) of `count` orders
 * whose order numbers start with `prefix`. Every row maps cleanly, so every row must end up acknowledged.
 * Order numbers, user ids and dates are shaped so the partner-side privacy gate accepts them.
 */
export async function writeOrderExport(dir: string, prefix: string, count: number): Promise<OrderExport> {
  const externalRefs: string[] = [];
  const orders = [];
  for (let i = 1; i <= count; i += 1) {
    const externalRef = `${prefix}-${String(i).padStart(5, '0')}`;
    externalRefs.push(externalRef);
    const model = MODELS[i % MODELS.length]!;
    orders.push({
      订单号: externalRef,
      用户ID: `fault-user-${prefix}-${i % 97}`,
      旧机品类: model.category,
      旧机品牌: model.brand,
      旧机型号: model.model,
      购买时间: '2022-04-14',
      回收时间: '2025-04-09 09:33:43',
      回收估价: model.quoted,
      省份: '江苏省',
      城市: '无锡市',
      回收方式: i % 2 === 0 ? '门店回收' : '线上邮寄',
    });
  }
  const file = path.join(dir, `${prefix}.json`);
  await fs.writeFile(file, JSON.stringify({ exportedAt: '2025-12-01T08:00:00+08:00', platform: 'fault platform', orders }));
  return { file, externalRefs };
}

/** The platform's HMAC key for subjectRef, in a file as `push --subject-key-file` reads it. */
export async function writeSubjectKey(dir: string): Promise<string> {
  const file = path.join(dir, 'subject.key');
  await fs.writeFile(file, randomBytes(32).toString('base64url'));
  return file;
}

/** The counts `tradein-hub push` prints in its summary. */
export interface PushOutcome extends CommandResult {
  read: number;
  accepted: number;
  replayed: number;
  rejected: number;
  conflicts: number;
  retries: number;
  batches: number;
}

export interface RunningPush {
  child: ChildProcess;
  /** Resolves when the push process ends. */
  done: Promise<PushOutcome>;
  /** Rows the hub has acknowledged so far, from the push's own checkpoint (0 before the first batch). */
  rowsAcknowledged(): Promise<number>;
}

/**
 * Starts the real client: `tradein-hub push --adapter platform-orders-json` with the party's key from the
 * hub's data folder, against `endpoint`. Its retries and checkpoint are its own (src/push).
 */
export function startPush(setup: HubSetup, options: { file: string; endpoint: string; party: string; subjectKeyFile: string; batch: number }): RunningPush {
  let child: ChildProcess | undefined;
  const done = runHubCli(
    [
      'push',
      '--adapter',
      'platform-orders-json',
      '--file',
      options.file,
      '--endpoint',
      options.endpoint,
      '--party',
      options.party,
      '--platform',
      options.party,
      '--subject-key-file',
      options.subjectKeyFile,
      '--batch',
      String(options.batch),
    ],
    setup.env,
    { onSpawn: (spawned) => (child = spawned) },
  ).then(readPushOutcome);
  const checkpoint = `${options.file}.rejects.csv.checkpoint.json`;
  return {
    child: child!,
    done,
    async rowsAcknowledged() {
      try {
        return Number((JSON.parse(await fs.readFile(checkpoint, 'utf8')) as { rowsDone?: number }).rowsDone ?? 0);
      } catch (error) {
        // Not written yet, or removed because the push finished.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw error;
      }
    },
  };
}

function readPushOutcome(result: CommandResult): PushOutcome {
  const counts = /read (\d+) · accepted (\d+) · replayed (\d+) · rejected (\d+) · conflicts (\d+)/.exec(result.stdout);
  const batches = /(\d+) batch(?:es)?/.exec(result.stdout);
  const retries = /(\d+) retr(?:y|ies)/.exec(result.stdout);
  const [read, accepted, replayed, rejected, conflicts] = counts === null ? [-1, -1, -1, -1, -1] : counts.slice(1).map(Number);
  return {
    ...result,
    read: read!,
    accepted: accepted!,
    replayed: replayed!,
    rejected: rejected!,
    conflicts: conflicts!,
    batches: batches === null ? 0 : Number(batches[1]),
    retries: retries === null ? 0 : Number(retries[1]),
  };
}

/** What the fault scripts count over their pushes. */
export interface PushTally {
  pushesFailed: number;
  retries: number;
  replayed: number;
  pushes: Pick<PushOutcome, 'code' | 'accepted' | 'replayed' | 'retries' | 'batches'>[];
}

/**
 * Counts one finished push: its rows are acknowledged only when it exited 0 having every row accepted or
 * replayed (a failed push leaves rows unacknowledged; the stored check then counts any it finds as extra).
 * Returns whether the push was complete.
 */
export function tallyPush(tally: PushTally, result: PushOutcome, orders: OrderExport, acknowledged: string[]): boolean {
  const expected = orders.externalRefs.length;
  const complete =
    result.code === 0 && result.read === expected && result.accepted + result.replayed === expected && result.rejected === 0 && result.conflicts === 0;
  if (complete) acknowledged.push(...orders.externalRefs);
  else tally.pushesFailed += 1;
  tally.retries += Math.max(0, result.retries);
  tally.replayed += Math.max(0, result.replayed);
  tally.pushes.push({ code: result.code, accepted: result.accepted, replayed: result.replayed, retries: result.retries, batches: result.batches });
  return complete;
}

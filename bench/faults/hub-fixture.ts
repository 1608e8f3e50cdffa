import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken, readLocalPartyKey } from '../../src/parties/local-key-store.ts';
import type { PartyRole } from '../../src/parties/parties.table.ts';
import { httpStatus } from './plain-http.ts';

/** The `tradein-hub` command, run exactly as an operator or a partner runs it. */
export const HUB_CLI = fileURLToPath(new URL('../../src/cli/tradein-hub.js', import.meta.url));

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a `tradein-hub` command to its end and returns its exit status and output (it never throws on a non-zero exit). */
export async function runHubCli(args: string[], env: NodeJS.ProcessEnv, options: { onSpawn?: (child: ChildProcess) => void } = {}): Promise<CommandResult> {
  const child = spawn(process.execPath, [HUB_CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  return { code, signal, stdout, stderr };
}

async function runOrThrow(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runHubCli(args, env);
  if (result.code !== 0) throw new Error(`tradein-hub ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** A hub's environment and the parties registered for it, before any hub process serves it. */
export interface HubSetup {
  /** The environment every `tradein-hub` process of this hub runs with (same secret, data folder, database). */
  env: NodeJS.ProcessEnv;
  dataDir: string;
  /** The keyed-hash secret, to recompute idempotency keys when checking what the database holds. */
  secret: Buffer;
  hubId: string;
  /** A fresh token signed with a party's key from the data folder (a user token with subjectRef). */
  token(partyId: string, options?: { subjectRef?: string; ttlSeconds?: number }): Promise<string>;
  /** Removes the data folder. */
  remove(): Promise<void>;
}

/**
 * Prepares a hub on `databaseUrl` the way an operator does: a data folder, a keyed-hash secret in
 * HUB_SECRET, then `tradein-hub parties add` and `keys add --generate` for each party (which also
 * migrates the database).
 */
export async function prepareHub(
  databaseUrl: string,
  parties: readonly { id: string; role: PartyRole }[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<HubSetup> {
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tradein-bench-hub-'));
  const secret = randomBytes(32);
  const hubId = 'tradein-hub';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    HUB_DATA_DIR: dataDir,
    HUB_SECRET: secret.toString('base64'),
    HUB_ID: hubId,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  for (const party of parties) {
    await runOrThrow(['parties', 'add', '--id', party.id, '--role', party.role], env);
    await runOrThrow(['keys', 'add', '--party', party.id, '--generate'], env);
  }
  return {
    env,
    dataDir,
    secret,
    hubId,
    token: async (partyId, options = {}) => mintToken(await readLocalPartyKey(dataDir, partyId), { hubId, ...options }),
    remove: () => fsp.rm(dataDir, { recursive: true, force: true }),
  };
}

/** A `tradein-hub serve` process; its output goes to a log file, since the faults make it log errors on purpose. */
export class HubProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly logFile: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Spawns `tradein-hub serve` on `port` and waits until /readyz answers 200. */
  static async start(setup: HubSetup, port: number, logFile: string, timeoutMs = 90_000): Promise<HubProcess> {
    const log = fs.openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [HUB_CLI, 'serve'], { env: { ...setup.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', log, log] });
    } finally {
      fs.closeSync(log);
    }
    const hub = new HubProcess(child, `http://127.0.0.1:${port}`, logFile);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (hub.exited) throw new Error(`hub exited during start-up (${child.exitCode ?? child.signalCode}); see ${logFile}`);
      if ((await hub.readyStatus()) === 200) return hub;
      if (Date.now() > deadline) {
        await hub.kill('SIGKILL');
        throw new Error(`hub did not become ready within ${timeoutMs} ms; see ${logFile}`);
      }
      await sleep(100);
    }
  }

  /** The status /readyz answers, or 0 when nothing answers. */
  readyStatus(): Promise<number> {
    return httpStatus(`${this.url}/readyz`);
  }

  /** Sends `signal` and waits until the process is gone. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await gone;
  }

  /** SIGTERM (the hub finishes open requests and closes its pool), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

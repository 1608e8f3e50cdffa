import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where PostgreSQL's server binaries live (PG_BIN overrides; Debian's layout for PostgreSQL 15 otherwise). */
export function postgresBinDir(): string {
  return process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
}

/** Whether initdb and pg_ctl are installed where postgresBinDir() says. */
export async function postgresBinariesAvailable(): Promise<boolean> {
  try {
    await fs.access(path.join(postgresBinDir(), 'initdb'));
    await fs.access(path.join(postgresBinDir(), 'pg_ctl'));
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1, as the OS hands one out (it may be taken again before use; callers retry). */
export async function spareLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export type StopMode = 'fast' | 'immediate';

/**
 * A PostgreSQL server of its own for fault scripts: a fresh cluster in a temporary folder, listening on a
 * spare loopback port with its socket in that folder, so stopping and restarting it can never touch the
 * machine's shared server. initdb and pg_ctl refuse to run as root, so under root they run as the
 * `postgres` OS user, which then owns the folder.
 */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly asPostgresUser: boolean,
  ) {}

  /** The cluster's data folder. */
  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  get logFile(): string {
    return path.join(this.dir, 'postgres.log');
  }

  /** A connection string for `database` as the superuser `postgres` (trust authentication, loopback only). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** initdb in a new temporary folder and start the server; the caller must call destroy(). */
  static async create(): Promise<PrivatePostgres> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-faults-pg-'));
    const asPostgresUser = process.getuid?.() === 0;
    if (asPostgresUser) await run('chown', ['postgres:postgres', dir]);
    // A port that happens to be taken between choosing and binding makes pg_ctl fail; pick another.
    for (let attempt = 1; ; attempt += 1) {
      const port = await spareLoopbackPort();
      if (port === 5432) continue;
      const server = new PrivatePostgres(dir, port, asPostgresUser);
      try {
        if (attempt === 1) await server.pgTool('initdb', ['-D', server.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
        await server.start();
        return server;
      } catch (error) {
        if (attempt >= 3) {
          await fs.rm(dir, { recursive: true, force: true });
          throw error;
        }
      }
    }
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = [
      '-c listen_addresses=127.0.0.1',
      `-c port=${this.port}`,
      `-c unix_socket_directories=${this.dir}`,
      '-c max_connections=60',
      '-c shared_buffers=32MB',
      '-c log_min_messages=warning',
    ].join(' ');
    await this.pgTool('pg_ctl', ['-D', this.dataDir, '-l', this.logFile, '-w', '-t', '60', '-o', options, 'start']);
  }

  /**
   * Stops the server: `fast` terminates the sessions and shuts down cleanly, `immediate` kills it the way
   * a crash would (committed work survives through the WAL, replayed at the next start).
   */
  async stop(mode: StopMode): Promise<void> {
    await this.pgTool('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Stops the server (if running) and removes the folder. */
  async destroy(): Promise<void> {
    try {
      await this.stop('immediate');
    } catch {
      // Already stopped (or never started): nothing to stop.
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  private async pgTool(tool: 'initdb' | 'pg_ctl', args: string[]): Promise<void> {
    const binary = path.join(postgresBinDir(), tool);
    const [command, argv] = this.asPostgresUser ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
    try {
      await run(command, argv, { cwd: this.dir, timeout: 120_000 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      let log = '';
      try {
        log = (await fs.readFile(this.logFile, 'utf8')).split('\n').slice(-10).join('\n');
      } catch {
        // No log yet (initdb).
      }
      throw new Error(`${tool} ${args.at(-1)} failed: ${stderr.trim()}${log ? `\n${log}` : ''}`);
    }
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/tradein-hub.js', import.meta.url));

/** Runs a `tradein-hub` command to completion; throws with its stderr on failure. */
export async function runHubCommand(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`tradein-hub ${args.join(' ')} failed (${code}): ${stderr}`);
  return stdout;
}

export interface HubProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `tradein-hub serve` in its own process and waits until /readyz answers. */
export async function startHubProcess(env: NodeJS.ProcessEnv, port: number, readyTimeoutMs = 60_000): Promise<HubProcess> {
  const child = spawn(process.execPath, [CLI, 'serve'], { env: { ...env, PORT: String(port), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`hub did not become ready within ${readyTimeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    },
  };
}

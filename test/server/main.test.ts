import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { startHub } from '../../src/main.ts';
import { testDatabaseTarget } from '../support/test-hub.ts';
import pg from 'pg';

describe('startHub', () => {
  it('listens, answers, and stops gracefully: open requests finish, the port closes, the database closes', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-main-'));
    const target = testDatabaseTarget();
    const hub = await startHub(parseConfig({ HUB_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }), undefined, { databaseTarget: target });
    try {
      const ready = await fetch(`${hub.url}/readyz`);
      expect(ready.status).toBe(200);
      const arrived = new Promise((resolve) => hub.server.once('request', resolve));
      const inFlight = fetch(`${hub.url}/readyz`);
      await arrived;
      await hub.stop();
      expect((await inFlight).status).toBe(200);
      await expect(fetch(`${hub.url}/healthz`)).rejects.toThrow();
      expect(hub.server.listening).toBe(false);
    } finally {
      await hub.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
      if (target.kind === 'postgres') {
        const client = new pg.Client({ connectionString: target.url });
        await client.connect();
        await client.query(`drop schema if exists ${target.schema} cascade`);
        await client.end();
      }
    }
  });
});

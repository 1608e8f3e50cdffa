import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createApp, type HubApp } from '../../src/app.ts';
import { parseConfig, type HubConfig } from '../../src/config.ts';
import type { DatabaseTarget } from '../../src/db/client.ts';
import { createLocalPartyKey, mintToken, type StoredPartyKey } from '../../src/parties/local-key-store.ts';
import { registerParty, registerPartyKey } from '../../src/parties/parties.service.ts';
import type { PartyRole } from '../../src/parties/parties.table.ts';
import { createLogger } from '../../src/server/logger.ts';

/**
 * Where a test file's database lives: its own schema on the PostgreSQL that DATABASE_URL names (so runs
 * never collide), or a fresh in-memory PGlite when DATABASE_URL is unset.
 */
export function testDatabaseTarget(): DatabaseTarget {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') return { kind: 'pglite' };
  return { kind: 'postgres', url, schema: `t_${randomBytes(6).toString('hex')}`, poolSize: 20 };
}

export interface TestHub {
  app: HubApp;
  config: HubConfig;
  keys: Map<string, StoredPartyKey>;
  /** A fresh party token (or, with subjectRef, a user token signed by the platform). */
  token(partyId: string, options?: { subjectRef?: string; ttlSeconds?: number }): Promise<string>;
  /** POSTs a GraphQL operation through yoga.fetch: the real server pipeline, no port. */
  graphql(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export const TEST_PARTIES: readonly { id: string; role: PartyRole }[] = [
  { id: 'platform-a', role: 'platform' },
  { id: 'platform-b', role: 'platform' },
  { id: 'recycler-a', role: 'recycler' },
  { id: 'brand-a', role: 'brand' },
  { id: 'regulator-a', role: 'regulator' },
  { id: 'operator-a', role: 'operator' },
];

/** A whole hub on a private database with registered test parties whose private keys the test holds. */
export async function createTestHub(options: { now?: () => Date; env?: Record<string, string>; logLines?: string[]; secret?: Buffer } = {}): Promise<TestHub> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-hub-test-'));
  const config = parseConfig({ HUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...options.env });
  const target = testDatabaseTarget();
  const app = await createApp(config, {
    databaseTarget: target,
    logger: options.logLines === undefined ? createLogger('silent') : createLogger('debug', { write: (line: string) => void options.logLines!.push(line) }),
    // A fixed secret makes keyed figures (insights noise) reproducible from run to run.
    secret: (options.secret ?? randomBytes(32)).toString('base64'),
    ...(options.now ? { now: options.now } : {}),
  });
  const keys = new Map<string, StoredPartyKey>();
  for (const party of TEST_PARTIES) {
    await registerParty(app.database.db, party, new Date());
    const key = await createLocalPartyKey(dataDir, party.id, party.role === 'brand' ? 'EdDSA' : 'ES256');
    await registerPartyKey(app.database.db, party.id, key.publicJwk, new Date());
    keys.set(party.id, key);
  }
  return {
    app,
    config,
    keys,
    token: (partyId, tokenOptions = {}) =>
      mintToken(keys.get(partyId)!, { hubId: config.hubId, ...tokenOptions, ...(options.now ? { now: options.now() } : {}) }),
    async graphql(query, variables, token) {
      const response = await app.yoga.fetch('http://hub.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      // Its own connection, so a test that closed the hub's pool (database down) still cleans up.
      if (target.kind === 'postgres') {
        const client = new pg.Client({ connectionString: target.url });
        await client.connect();
        await client.query(`drop schema if exists ${target.schema} cascade`);
        await client.end();
      }
      // A pool the test already destroyed cannot be closed again; there is nothing left to release then.
      await app.close().catch(() => {});
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

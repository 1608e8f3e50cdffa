import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { type Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { MIGRATIONS } from './migrations.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { sessionDatabases, type DbSession } from './sessions.ts';

export type DatabaseTarget =
  /** PostgreSQL through `pg`; `schema` confines the hub to one schema (tests use one per file). */
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number }
  /** Embedded PGlite; `dir` absent means in memory. */
  | { kind: 'pglite'; dir?: string };

export interface DatabaseHandle {
  /**
   * The tables' owner, exempt from row-level security: migrations, start-up (the hub secret) and tests'
   * own checks only. Nothing that serves a request or runs a command uses it.
   */
  readonly db: Kysely<Database>;
  /** A connection source acting as `session.role` for the party or subject it names (src/db/sessions.ts). */
  session(session: DbSession): Kysely<Database>;
  readonly target: DatabaseTarget;
  close(): Promise<void>;
}

// Both drivers return the same JS shapes: bigint and numeric as strings (money and weights never become
// floats), dates as 'YYYY-MM-DD' strings (a month is not an instant, and no local time zone creeps in).
const OID_INT8 = 20;
const OID_NUMERIC = 1700;
const OID_DATE = 1082;
const keepText = (value: string) => value;

function postgresTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === OID_INT8 || oid === OID_NUMERIC || oid === OID_DATE) return keepText;
      return pg.types.getTypeParser(oid, format as 'text');
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

function assertSafeSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('database schema name must be a lowercase identifier');
}

/** Opens the hub's database; the caller owns the handle and must close it. Runs no migrations. */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    if (target.schema !== undefined) assertSafeSchemaName(target.schema);
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 10,
      types: postgresTypes(),
      ...(target.schema === undefined ? {} : { options: `-c search_path=${target.schema}` }),
    });
    // An idle client that loses its server (a restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    // A client checked out when its socket breaks (the server crashed: ECONNRESET) emits 'error' with no
    // pool listener attached, which would kill the process; its running query already fails with that
    // error and the pool drops the dead client on release.
    pool.on('connect', (client) => client.on('error', () => {}));
    if (target.schema !== undefined) {
      const client = await pool.connect();
      try {
        await client.query(`create schema if not exists ${target.schema}`);
      } finally {
        client.release();
      }
    }
    const { owner, session } = sessionDatabases(new PostgresDialect({ pool }), false);
    return { db: owner, session, target, close: () => owner.destroy() };
  }

  if (target.dir !== undefined) await fs.mkdir(path.dirname(target.dir), { recursive: true });
  const pglite = await PGlite.create(target.dir ?? 'memory://', {
    parsers: {
      [pgliteTypes.INT8]: keepText,
      [pgliteTypes.NUMERIC]: keepText,
      [pgliteTypes.DATE]: keepText,
    },
  });
  // One connection for the whole process: lent to one session at a time.
  const { owner, session } = sessionDatabases(new PGliteDialect(pglite), true);
  return { db: owner, session, target, close: () => owner.destroy() };
}

/**
 * Brings the schema up to the latest migration, in order, in one transaction: a failing migration leaves
 * nothing half-applied and throws with its name. Runs under an advisory lock keyed by the current schema,
 * so two hub processes starting together migrate once. Deliberately not kysely's Migrator: it introspects
 * every schema on the server (resolving each table by name), which races with schemas being dropped beside
 * it — as test files on a shared server do.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(current_schema()))`.execute(tx);
    await sql`create table if not exists hub_migrations (name text primary key, applied_at timestamptz not null)`.execute(tx);
    const { rows } = await sql<{ name: string }>`select name from hub_migrations`.execute(tx);
    const done = new Set(rows.map((row) => row.name));
    const applied: string[] = [];
    for (const [name, migration] of Object.entries(MIGRATIONS)) {
      if (done.has(name)) continue;
      try {
        await migration.up(tx);
      } catch (error) {
        throw new Error(`migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sql`insert into hub_migrations (name, applied_at) values (${name}, now())`.execute(tx);
      applied.push(name);
    }
    return applied;
  });
}

/** True when a trivial query answers within the pool's usual time; used by /readyz. */
export async function isDatabaseReachable(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    // Unreachable is an answer here, not an error: /readyz reports it as 503.
    return false;
  }
}

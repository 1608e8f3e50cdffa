import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { Database } from './database.ts';
import { migrationProvider } from './migrations.ts';

export type DatabaseTarget =
  /** PostgreSQL through `pg`; `schema` confines the hub to one schema (tests use one per file). */
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number }
  /** Embedded PGlite; `dir` absent means in memory. */
  | { kind: 'pglite'; dir?: string };

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
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
    if (target.schema !== undefined) {
      const client = await pool.connect();
      try {
        await client.query(`create schema if not exists ${target.schema}`);
      } finally {
        client.release();
      }
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, target, close: () => db.destroy() };
  }

  if (target.dir !== undefined) await fs.mkdir(path.dirname(target.dir), { recursive: true });
  const pglite = await PGlite.create(target.dir ?? 'memory://', {
    parsers: {
      [pgliteTypes.INT8]: keepText,
      [pgliteTypes.NUMERIC]: keepText,
      [pgliteTypes.DATE]: keepText,
    },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return { db, target, close: () => db.destroy() };
}

/**
 * Brings the schema up to the latest migration; throws with the failing migration's name. `schema` pins
 * kysely's bookkeeping tables to the hub's schema: without it, kysely finds another schema's tables on a
 * shared server and believes its own exist.
 */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider, ...(schema === undefined ? {} : { migrationTableSchema: schema }) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
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

import type { PGlite, Transaction } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Kysely over the embedded PGlite. Kysely ships one from 0.29, but 0.29 requires Node 22 and the hub runs
 * on Node 20, so the hub keeps kysely 0.28 and this small dialect, which behaves as kysely's does: PGlite is
 * one backend session; a transaction runs in PGlite's exclusive `transaction()` (a second one waits).
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;

  constructor(private readonly pglite: PGlite) {
    this.connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  // One connection shared by every caller, as kysely's own PGlite dialect does: a transaction is opened
  // with PGlite's exclusive `transaction()`, so a second transaction waits for the first to end.
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }

  async releaseConnection(): Promise<void> {}

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as PGliteConnection).begin();
    const isolation = settings.isolationLevel === undefined ? '' : ` isolation level ${settings.isolationLevel}`;
    const access = settings.accessMode === undefined ? '' : ` ${settings.accessMode}`;
    // Both come from kysely's closed lists (validated before the driver sees them), never from input.
    if (isolation !== '' || access !== '') await connection.executeQuery(CompiledQuery.raw(`set transaction${isolation}${access}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end('rollback');
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdentifier(name)}`));
  }

  async destroy(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

class PGliteConnection implements DatabaseConnection {
  /** The open transaction's handle, while one is open: queries run in it. */
  private transaction: Transaction | undefined;
  /** Settles the open transaction's callback: resolve commits it, reject rolls it back. */
  private finish: { commit: () => void; rollback: (reason: Error) => void } | undefined;
  private closed: Promise<unknown> | undefined;

  constructor(private readonly pglite: PGlite) {}

  async begin(): Promise<void> {
    let started!: () => void;
    const begun = new Promise<void>((resolve) => (started = resolve));
    this.closed = this.pglite.transaction(async (tx) => {
      this.transaction = tx;
      started();
      await new Promise<void>((commit, rollback) => (this.finish = { commit, rollback }));
    });
    await begun;
  }

  async end(how: 'commit' | 'rollback'): Promise<void> {
    const { finish, closed } = this;
    if (how === 'commit') finish?.commit();
    else finish?.rollback(new Error('rolled back'));
    try {
      await closed;
    } catch (error) {
      if (how === 'commit') throw error;
    } finally {
      this.transaction = undefined;
      this.finish = undefined;
      this.closed = undefined;
    }
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await (this.transaction ?? this.pglite).query<R>(compiledQuery.sql, compiledQuery.parameters as unknown[], { rowMode: 'object' });
    return {
      rows: result.rows ?? [],
      ...(result.affectedRows === undefined ? {} : { numAffectedRows: BigInt(result.affectedRows) }),
    };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming must go through PostgreSQL: the embedded database answers whole results');
  }
}

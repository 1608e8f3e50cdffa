import { CompiledQuery, type DatabaseConnection, type Dialect, type Driver, Kysely, type QueryCompiler, type TransactionSettings } from 'kysely';
import type { Database } from './database.ts';

/**
 * The database roles the hub runs as. Migrations create them (NOLOGIN, no superuser, no bypass, owning
 * nothing); the connection user — the tables' owner — switches to one on every connection it hands out.
 * - `hub_app` serves requests: it sees the rows of the party (or the user's subject) the session names.
 * - `hub_analytics` reads the analytic tables across parties for an allowed aggregate and bills it.
 * - `hub_ledger` closes periods, runs payouts and reverses charges.
 * - `hub_audit` reads the hash chains to verify them.
 * - `hub_admin` registers parties and their keys (the CLI's and the demo's `parties`/`keys`).
 */
export const HUB_ROLES = ['hub_app', 'hub_analytics', 'hub_ledger', 'hub_audit', 'hub_admin'] as const;
export type HubRole = (typeof HUB_ROLES)[number];

/** Who a connection acts for: the role, and the party or the user's subject its policies let it see. */
export interface DbSession {
  role: HubRole;
  /** A party's own rows (`hub.party_id`). */
  partyId?: string;
  /** A user's own rows: the subject's id in the vault (`hub.subject_id`) and its platform (`hub.platform_id`). */
  subjectId?: string;
  platformId?: string;
}

/** The owner: migrations and start-up only (it is exempt from every policy). */
const OWNER = { role: 'none' } as const;

/**
 * One driver shared by every session: the pool (or PGlite's single connection) and, per connection, which
 * session it was last set up for, so a connection reused by the same session costs no extra round trip.
 * PGlite has one connection for the whole process; it is lent to one session at a time (a pool of one),
 * or one session's `set_config` would land inside another's open transaction.
 */
export class SharedDriver {
  private initialised: Promise<void> | undefined;
  private readonly applied = new WeakMap<DatabaseConnection, string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly inner: Driver,
    private readonly exclusive: boolean,
  ) {}

  init(): Promise<void> {
    this.initialised ??= this.inner.init();
    return this.initialised;
  }

  async acquire(session: SessionSettings): Promise<DatabaseConnection> {
    const unlock = this.exclusive ? await this.lock() : () => {};
    try {
      const connection = await this.inner.acquireConnection();
      try {
        if (this.applied.get(connection) !== session.key) {
          // Forget first: if the statement fails, the connection's settings are unknown.
          this.applied.delete(connection);
          await connection.executeQuery(session.statement);
          this.applied.set(connection, session.key);
        }
      } catch (error) {
        await this.inner.releaseConnection(connection);
        throw error;
      }
      this.locks.set(connection, unlock);
      return connection;
    } catch (error) {
      unlock();
      throw error;
    }
  }

  async release(connection: DatabaseConnection): Promise<void> {
    const unlock = this.locks.get(connection);
    this.locks.delete(connection);
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      unlock?.();
    }
  }

  get driver(): Driver {
    return this.inner;
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private readonly locks = new Map<DatabaseConnection, () => void>();

  private lock(): Promise<() => void> {
    let unlock!: () => void;
    const held = new Promise<void>((resolve) => {
      unlock = resolve;
    });
    const turn = this.queue.then(() => unlock);
    this.queue = this.queue.then(() => held);
    return turn;
  }
}

interface SessionSettings {
  key: string;
  statement: CompiledQuery;
}

function settingsOf(session: DbSession | typeof OWNER): SessionSettings {
  const values = [
    session.role,
    'partyId' in session ? (session.partyId ?? '') : '',
    'subjectId' in session ? (session.subjectId ?? '') : '',
    'platformId' in session ? (session.platformId ?? '') : '',
  ];
  // Session-level (not local): the connection keeps them until the next session takes it. Every session,
  // the owner's included, sets all four, so nothing of the previous borrower survives.
  return {
    key: JSON.stringify(values),
    statement: CompiledQuery.raw(
      `select set_config('role', $1, false), set_config('hub.party_id', $2, false),
              set_config('hub.subject_id', $3, false), set_config('hub.platform_id', $4, false)`,
      values,
    ),
  };
}

/** A driver that sets up each connection it lends for its session. */
class SessionDriver implements Driver {
  constructor(
    private readonly shared: SharedDriver,
    private readonly settings: SessionSettings,
  ) {}
  init(): Promise<void> {
    return this.shared.init();
  }
  acquireConnection(): Promise<DatabaseConnection> {
    return this.shared.acquire(this.settings);
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.shared.driver.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.shared.driver.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.shared.driver.rollbackTransaction(connection);
  }
  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.shared.driver.savepoint!(connection, name, compile);
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.shared.driver.rollbackToSavepoint!(connection, name, compile);
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.shared.driver.releaseSavepoint!(connection, name, compile);
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.shared.release(connection);
  }
  async destroy(): Promise<void> {
    // A session never closes the shared pool; the owner's handle does (see openDatabase).
  }
}

function sessionDialect(base: Dialect, shared: SharedDriver, settings: SessionSettings): Dialect {
  return {
    createDriver: () => new SessionDriver(shared, settings),
    createQueryCompiler: () => base.createQueryCompiler(),
    createAdapter: () => base.createAdapter(),
    createIntrospector: (db) => base.createIntrospector(db),
  };
}

/** The owner's Kysely and a factory of sessions, all over one shared driver. */
export function sessionDatabases(base: Dialect, exclusive: boolean): { owner: Kysely<Database>; session(session: DbSession): Kysely<Database> } {
  const shared = new SharedDriver(base.createDriver(), exclusive);
  const ownerDialect = sessionDialect(base, shared, settingsOf(OWNER));
  const owner = new Kysely<Database>({ dialect: { ...ownerDialect, createDriver: () => new OwnerDriver(shared, settingsOf(OWNER)) } });
  return { owner, session: (session) => new Kysely<Database>({ dialect: sessionDialect(base, shared, settingsOf(session)) }) };
}

/** The owner's driver is the one that closes the pool. */
class OwnerDriver extends SessionDriver {
  constructor(
    private readonly pool: SharedDriver,
    settings: SessionSettings,
  ) {
    super(pool, settings);
  }
  override async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}

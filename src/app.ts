import type { HubConfig } from './config.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle, type DatabaseTarget } from './db/client.ts';
import { loadHubSecret } from './hub-keys/hub-secret.ts';
import { loadHubSigningKey, type HubSigningKey } from './hub-keys/hub-signing-key.ts';
import { loadPolicies, SHIPPED_POLICIES_DIR } from './policy/load-policies.ts';
import type { Db } from './db/database.ts';
import type { PolicySet } from './policy/policy.types.ts';
import { type Principal, TokenVerifier } from './server/auth.ts';
import { createLogger, type Logger } from './server/logger.ts';
import { HubMetrics } from './server/metrics.ts';
import { createHttpHandler } from './server/http-handler.ts';
import { requestSession } from './server/request-session.ts';
import { withWebPages } from './server/web-pages.ts';
import { createHubYoga } from './server/yoga.ts';
import { upgradeLegacyVocabularyValues } from './vocabulary/vocabulary-upgrade.service.ts';

export interface HubApp {
  readonly config: HubConfig;
  readonly database: DatabaseHandle;
  readonly secret: Buffer;
  readonly signingKey: HubSigningKey;
  readonly policies: PolicySet;
  readonly verifier: TokenVerifier;
  readonly logger: Logger;
  readonly metrics: HubMetrics;
  readonly yoga: ReturnType<typeof createHubYoga>;
  /** The Node HTTP handler: yoga plus the streaming bulk upload. */
  readonly handler: ReturnType<typeof createHttpHandler>;
  /** The serving role's connections for this caller (src/server/request-session.ts): what every request uses. */
  sessionFor(principal: Principal | null): Db;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** Overrides where the database lives (tests use an in-memory PGlite or their own schema). */
  databaseTarget?: DatabaseTarget;
  logger?: Logger;
  /** The hub's keyed-hash secret, base64; defaults to the config's, then the data folder. */
  secret?: string;
  now?: () => Date;
}

/** The database the config names: PostgreSQL when DATABASE_URL is set, else PGlite in the data folder. */
export function databaseTargetFor(config: HubConfig): DatabaseTarget {
  return config.databaseUrl !== undefined ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dir: `${config.dataDir}/pgdata` };
}

/** Builds the whole hub — database (migrated), secret, token verifier, GraphQL — and never listens. */
export async function createApp(config: HubConfig, options: CreateAppOptions = {}): Promise<HubApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const now = options.now ?? (() => new Date());
  // Policies first: an invalid policy stops start-up (naming the file and the rule) before anything opens.
  const policies = await loadPolicies(config.policiesDir ?? SHIPPED_POLICIES_DIR);
  const database = await openDatabase(options.databaseTarget ?? databaseTargetFor(config));
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) logger.info({ event: 'db.migrated', migrations: applied }, 'database migrated');
    const { secret, created } = await loadHubSecret(database.db, { dataDir: config.dataDir, envSecret: options.secret ?? config.hubSecret });
    if (created) logger.warn({ event: 'hub.secret_created', dataDir: config.dataDir }, 'created the hub keyed-hash secret; back it up with the database');
    // Right after migrations, with the secret: values stored before the vocabulary rule move to their new form.
    const upgraded = await upgradeLegacyVocabularyValues(database.db, secret, now());
    if (upgraded !== undefined) logger.info({ event: 'db.vocabulary_upgraded', ...upgraded }, 'moved stored values to their vocabularies');
    const signing = await loadHubSigningKey({ dataDir: config.dataDir, envKey: config.hubSigningKey });
    if (signing.created) logger.warn({ event: 'hub.signing_key_created', kid: signing.key.kid }, 'created the hub signing key for consent receipts');
    const signingKey = signing.key;
    // From here on nothing runs as the owner: every request, command and demo step acts through a role.
    const sessionFor = (principal: Principal | null) => database.session(requestSession(principal, secret));
    const anonymous = sessionFor(null);
    const verifier = new TokenVerifier(anonymous, {
      hubId: config.hubId,
      clockToleranceSeconds: config.clockToleranceSeconds,
      cacheSeconds: config.tokenCacheSeconds,
      now: () => now().getTime(),
    });
    const metrics = new HubMetrics();
    const yoga = createHubYoga({ config, db: anonymous, sessionFor, secret, signingKey, policies, verifier, logger, metrics, now });
    // The consent and insights pages (built by `npm run build:web`) in front of the API.
    const handler = withWebPages(
      createHttpHandler(yoga, {
        db: anonymous,
        logger,
        metrics,
        bulk: { ingest: { db: anonymous, secret, now }, sessionFor, verifier, logger, metrics },
        statements: { sessionFor, secret, verifier, logger },
      }),
      { policies, logger },
    );
    return { config, database, secret, signingKey, policies, verifier, logger, metrics, yoga, handler, sessionFor, close: () => database.close() };
  } catch (error) {
    await database.close();
    throw error;
  }
}

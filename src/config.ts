import path from 'node:path';

/** Everything the hub reads from its environment, parsed once at start-up and frozen. */
export interface HubConfig {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL connection string; absent means the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Holds the embedded database, the hub's own keys and (demo only) the demo parties' private keys. */
  readonly dataDir: string;
  /** The `aud` every token must name. */
  readonly hubId: string;
  readonly mode: 'development' | 'production';
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seconds of clock skew tolerated on `exp`/`nbf`/`iat`. */
  readonly clockToleranceSeconds: number;
  /** The keyed-hash secret (base64) from HUB_SECRET; absent means the one kept in the data folder. */
  readonly hubSecret: string | undefined;
  /** The hub's receipt-signing key (a private ES256 JWK as JSON) from HUB_SIGNING_KEY; absent means the data folder's. */
  readonly hubSigningKey: string | undefined;
  /** Where the purpose policies live (HUB_POLICIES_DIR); absent means the ones shipped in policies/. */
  readonly policiesDir: string | undefined;
  /** Largest document batch one GraphQL mutation accepts; larger loads go through bulk push. */
  readonly maxBatchSize: number;
  /** Payout runs pay a subject's accruals at or above this many fen and carry the rest forward (HUB_PAYOUT_MINIMUM_FEN). */
  readonly payoutMinimumFen: number;
  /** Seconds a verified token is trusted before its keys are read again (HUB_TOKEN_CACHE_SECONDS): how long a revoked key keeps working. */
  readonly tokenCacheSeconds: number;
  /** How often the serving hub signs audit checkpoints (HUB_CHECKPOINT_INTERVAL_SECONDS; 0 = only on request). */
  readonly checkpointIntervalSeconds: number;
  /** How often the serving hub refreshes the embedded database's planner statistics (HUB_ANALYZE_INTERVAL_SECONDS; 0 = never; PostgreSQL's autovacuum does it there). */
  readonly analyzeIntervalSeconds: number;
  /** How often the serving hub applies ingest's queued analytic-store upkeep (HUB_STORE_DRAIN_INTERVAL_SECONDS; 0 = only when a query reads the store). */
  readonly storeDrainIntervalSeconds: number;
  /**
   * HUB_INSIGHTS_NOISE: 'on' (the default) adds differential-privacy noise to every answer under a policy
   * that asks for it; 'off' answers those exactly, unbudgeted — for exactness tests and development only,
   * refused in production.
   */
  readonly insightsNoise: 'on' | 'off';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function integerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}`);
  return value;
}

function choiceSetting<T extends string>(env: NodeJS.ProcessEnv, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}`);
  }
  return raw as T;
}

function insightsNoiseSetting(env: NodeJS.ProcessEnv): 'on' | 'off' {
  const noise = choiceSetting(env, 'HUB_INSIGHTS_NOISE', ['on', 'off'], 'on');
  if (noise === 'off' && env.NODE_ENV === 'production') throw new ConfigError('HUB_INSIGHTS_NOISE must be on in production');
  return noise;
}

/**
 * Parses the hub's settings from `env`. Throws ConfigError naming the variable and the rule on the
 * first bad value, so a misconfigured hub never starts half-right.
 */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const databaseUrl = env.DATABASE_URL === undefined || env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// connection string');
  }
  const hubId = env.HUB_ID ?? 'tradein-hub';
  if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(hubId)) {
    throw new ConfigError('HUB_ID must be 2–63 lowercase letters, digits, dots or hyphens');
  }
  return Object.freeze({
    port: integerSetting(env, 'PORT', 4000, 0, 65535),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl,
    dataDir: path.resolve(env.HUB_DATA_DIR ?? './.hub-data'),
    hubId,
    // `test` is what vitest sets; it runs the hub as in development.
    mode: choiceSetting(env, 'NODE_ENV', ['development', 'production', 'test'], 'development') === 'production' ? 'production' : 'development',
    logLevel: choiceSetting(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    clockToleranceSeconds: integerSetting(env, 'HUB_CLOCK_TOLERANCE_SECONDS', 30, 0, 300),
    hubSecret: env.HUB_SECRET === undefined || env.HUB_SECRET === '' ? undefined : env.HUB_SECRET,
    hubSigningKey: env.HUB_SIGNING_KEY === undefined || env.HUB_SIGNING_KEY === '' ? undefined : env.HUB_SIGNING_KEY,
    policiesDir: env.HUB_POLICIES_DIR === undefined || env.HUB_POLICIES_DIR === '' ? undefined : path.resolve(env.HUB_POLICIES_DIR),
    maxBatchSize: integerSetting(env, 'HUB_MAX_BATCH_SIZE', 1000, 1, 1000),
    payoutMinimumFen: integerSetting(env, 'HUB_PAYOUT_MINIMUM_FEN', 100, 1, 100_000_000),
    tokenCacheSeconds: integerSetting(env, 'HUB_TOKEN_CACHE_SECONDS', 30, 0, 300),
    checkpointIntervalSeconds: integerSetting(env, 'HUB_CHECKPOINT_INTERVAL_SECONDS', 3600, 0, 604_800),
    analyzeIntervalSeconds: integerSetting(env, 'HUB_ANALYZE_INTERVAL_SECONDS', 300, 0, 86_400),
    storeDrainIntervalSeconds: integerSetting(env, 'HUB_STORE_DRAIN_INTERVAL_SECONDS', 2, 0, 3600),
    insightsNoise: insightsNoiseSetting(env),
  });
}

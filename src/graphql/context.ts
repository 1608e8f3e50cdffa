import type { YogaInitialContext } from 'graphql-yoga';
import type { HubConfig } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { HubSigningKey } from '../hub-keys/hub-signing-key.ts';
import type { PolicySet } from '../policy/policy.types.ts';
import type { Principal } from '../auth/principal.ts';
import type { HubMetrics } from '../server/metrics.ts';

/**
 * What the hub adds to each request's context: the verified caller and the hub's services. In src/graphql,
 * beside the schema builder, so the domains' resolvers (`*.graphql.ts`) need nothing from src/server.
 */
export interface HubRequestContext {
  principal: Principal | null;
  db: Db;
  secret: Buffer;
  signingKey: HubSigningKey;
  policies: PolicySet;
  config: HubConfig;
  metrics: HubMetrics;
  now: () => Date;
}

/** What a resolver sees: yoga's request context plus the hub's. */
export type HubContext = YogaInitialContext & HubRequestContext;

import type { Migration } from 'kysely';
import * as foundation from './migrations/2026-11-23T00-00-00_foundation.ts';
import * as consent from './migrations/2026-11-23T01-00-00_consent.ts';
import * as agreements from './migrations/2026-11-23T02-00-00_agreements.ts';
import * as accessLog from './migrations/2026-11-23T03-00-00_access-log.ts';
import * as contributions from './migrations/2026-11-23T04-00-00_contributions.ts';
import * as dpBudget from './migrations/2026-11-23T05-00-00_dp-budget.ts';
import * as ledger from './migrations/2026-11-23T06-00-00_ledger.ts';
import * as rowLevelSecurity from './migrations/2026-11-23T07-00-00_row-level-security.ts';
import * as ticketCustody from './migrations/2026-12-07T11-00-00_ticket-custody.ts';
import * as servingRoles from './migrations/2026-12-07T12-00-00_serving-roles.ts';
import * as auditCheckpoints from './migrations/2026-12-07T13-00-00_audit-checkpoints.ts';
import * as insightsNoise from './migrations/2026-12-07T14-00-00_insights-noise.ts';
import * as firmRegistry from './migrations/2026-12-07T15-00-00_firm-registry.ts';
import * as vocabularies from './migrations/2026-12-07T16-00-00_vocabularies.ts';
import * as vocabularyRoles from './migrations/2026-12-07T16-30-00_vocabulary-roles.ts';
import * as analyticStore from './migrations/2026-12-07T17-01-00_analytic-store.ts';
import * as queryPointers from './migrations/2026-12-07T17-02-00_query-pointers.ts';
import * as wipes from './migrations/2026-12-07T17-05-00_wipes.ts';
import * as greenPoints from './migrations/2026-12-07T17-06-00_green-points.ts';
import * as storeRollups from './migrations/2026-12-07T20-01-00_store-rollups.ts';
import * as pointerExpansionIndex from './migrations/2026-12-07T20-02-00_pointer-expansion-index.ts';
import * as tradeinV2 from './migrations/2026-12-07T20-04-00_tradein-v2.ts';
import * as storeUpkeepDeferred from './migrations/2026-12-07T22-04-00_store-upkeep-deferred.ts';

/**
 * The migrations in the order they run. Listed statically rather than read from the folder so a bundled
 * or installed hub never depends on the file layout; names are timestamps and never change.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026-11-23T00-00-00_foundation': foundation,
  '2026-11-23T01-00-00_consent': consent,
  '2026-11-23T02-00-00_agreements': agreements,
  '2026-11-23T03-00-00_access-log': accessLog,
  '2026-11-23T04-00-00_contributions': contributions,
  '2026-11-23T05-00-00_dp-budget': dpBudget,
  '2026-11-23T06-00-00_ledger': ledger,
  '2026-11-23T07-00-00_row-level-security': rowLevelSecurity,
  '2026-12-07T11-00-00_ticket-custody': ticketCustody,
  '2026-12-07T12-00-00_serving-roles': servingRoles,
  '2026-12-07T13-00-00_audit-checkpoints': auditCheckpoints,
  '2026-12-07T14-00-00_insights-noise': insightsNoise,
  '2026-12-07T15-00-00_firm-registry': firmRegistry,
  '2026-12-07T16-00-00_vocabularies': vocabularies,
  '2026-12-07T16-30-00_vocabulary-roles': vocabularyRoles,
  '2026-12-07T17-01-00_analytic-store': analyticStore,
  '2026-12-07T17-02-00_query-pointers': queryPointers,
  '2026-12-07T17-05-00_wipes': wipes,
  '2026-12-07T17-06-00_green-points': greenPoints,
  '2026-12-07T20-01-00_store-rollups': storeRollups,
  '2026-12-07T20-02-00_pointer-expansion-index': pointerExpansionIndex,
  '2026-12-07T20-04-00_tradein-v2': tradeinV2,
  '2026-12-07T22-04-00_store-upkeep-deferred': storeUpkeepDeferred,
};

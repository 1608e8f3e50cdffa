// Kept importable from here for code written before the context moved to src/graphql/context.ts.
export type { HubContext, HubRequestContext } from '../graphql/context.ts';

import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
// Each import registers its domain's types on the builder.
import './errors.graphql.ts';
import '../parties/parties.graphql.ts';
import '../submissions/submissions.graphql.ts';
import '../custody/custody.graphql.ts';
import '../consent/consent.graphql.ts';
import '../subjects/me.graphql.ts';
import '../agreements/agreements.graphql.ts';
import '../insights/insights.graphql.ts';
import '../insights/regulatory-statistics.graphql.ts';
import '../audit/audit.graphql.ts';
import '../audit/checkpoint.graphql.ts';
import '../ledger/ledger.graphql.ts';
import '../firms/firms.graphql.ts';
import '../reports/reports.graphql.ts';
import '../valuation/valuation.graphql.ts';
import '../vocabulary/vocabulary.graphql.ts';
import '../wipes/wipes.graphql.ts';
import '../journeys/journeys.graphql.ts';
import '../green/green-points.graphql.ts';

let built: GraphQLSchema | undefined;

/** The hub's GraphQL schema, built once. */
export function hubSchema(): GraphQLSchema {
  built ??= builder.toSchema();
  return built;
}

/** The SDL committed as schema.graphql: sorted, so a diff shows only real API changes. */
export function printHubSchema(): string {
  return `${printSchema(lexicographicSortSchema(hubSchema()))}\n`;
}

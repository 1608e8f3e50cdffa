import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import { GraphQLScalarType, Kind, valueFromASTUntyped } from 'graphql';
import type { HubContext } from './context.ts';

/**
 * The builder only configures: plugins, the context type and scalars. Each domain adds its own types,
 * queries and mutations in `src/<domain>/<domain>.graphql.ts`.
 */
export const builder = new SchemaBuilder<{
  Context: HubContext;
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
    DateTime: { Input: Date; Output: Date };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [ErrorsPlugin],
  defaultFieldNullability: false,
  errors: { directResult: true },
});

builder.queryType({});
builder.mutationType({});

// Standard documents travel as JSON, not as GraphQL input types: GraphQL's own input coercion would
// refuse a whole request and echo the offending value in its message, while the hub must answer per
// document and never repeat a value. The JSON Schemas in schema/ define the shape.
builder.addScalarType(
  'JSON',
  new GraphQLScalarType({
    name: 'JSON',
    description: 'A JSON value; standard documents are validated against the schemas published in schema/.',
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
  }),
);

builder.addScalarType(
  'DateTime',
  new GraphQLScalarType<Date, string>({
    name: 'DateTime',
    description: 'An instant as an RFC 3339 string in UTC.',
    serialize: (value) => (value as Date).toISOString(),
    parseValue: (value) => {
      const date = new Date(String(value));
      if (Number.isNaN(date.getTime())) throw new TypeError('DateTime must be an RFC 3339 string');
      return date;
    },
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new TypeError('DateTime must be an RFC 3339 string');
      return new Date(ast.value);
    },
  }),
);

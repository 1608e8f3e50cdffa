import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  GraphQLError,
  isInputObjectType,
  isListType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';

/**
 * What one GraphQL request may ask for. Every value sits well above what the hub's own clients send (the
 * push client, the CLI, the demo and the test suite: at most 4 levels of fields, 1 alias, no directive,
 * under 100 tokens, a cost under 2,000) and well below what would let one request occupy the hub: the
 * schema has no recursive type, so without introspection no query goes deeper than 4 fields.
 */
export const GRAPHQL_LIMITS = Object.freeze({
  /** Levels of nested fields (fragments flattened: they add no resolver nesting). `__type { ofType … }` is what it stops. */
  maxDepth: 6,
  /** Aliased fields per operation: each alias of a root field is one more resolver run (an `insights` is one aggregate). */
  maxAliases: 10,
  /**
   * graphql-armor's static cost: 2 per object field, 1 per scalar, ×1.5 per level, × a literal `first:`. A full
   * page of the largest lists costs 21,563 (`mySubmissions(first: 500)`, every field) to 28,188 (`me` with 500
   * records, queries and receipts): one or two such pages fit in a request, never three. A `first:` passed
   * as a variable is not multiplied (armor cannot see it); maxFirst bounds it instead.
   */
  maxCost: 50_000,
  /** Lexical tokens in the query text, counted while parsing, so a huge document is dropped before it is built. */
  maxTokens: 1_000,
  /** Directives per operation (`@include`, `@skip`); no client of the hub sends any. */
  maxDirectives: 10,
  /** The `first:` argument of every paginated field; the resolvers answered larger values with 500 rows anyway. */
  maxFirst: 500,
  /**
   * Items in any list argument (insight groupBy, measures and filters, statistics categories and provinces), at any
   * depth of an input object. Document batches (`documents: [JSON!]!`) are not counted here: their resolver
   * answers BatchTooLarge against HUB_MAX_BATCH_SIZE before touching the database (the push client splits on
   * it), and their bytes are bounded by maxRequestBodyBytes before anything is parsed.
   */
  maxListItems: 1_000,
  /**
   * Levels of arrays and objects inside a JSON argument (a document). Valid documents nest 2 deep (a document, its `spec`); the privacy
   * walker gives up past 128 with an error that would fail the whole batch, so a deeper one is refused here.
   */
  maxJsonDepth: 32,
  /**
   * Bytes of one request body, counted as it arrives (Content-Length or not). The largest example documents in
   * schema/examples are under 1 KB, so a full batch of 1,000 is about 1 MB; the push client halves a batch
   * answered with 413. (`/bulk/<kind>` does not pass through yoga; it streams and bounds its own lines.)
   */
  maxRequestBodyBytes: 4 * 1024 * 1024,
});

export type GraphQLLimitName = 'depth' | 'aliases' | 'cost' | 'tokens' | 'directives' | 'first' | 'list_items' | 'json_depth';

/**
 * A request refused for its shape, before any resolver ran: HTTP 400 (also for `application/json` clients,
 * so the push client treats it as permanent), `code` LIMIT_EXCEEDED and the limit's name and value.
 */
export function limitExceededError(limit: GraphQLLimitName, max: number, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'LIMIT_EXCEEDED', limit, max, ...extra, http: { status: 400, spec: false } },
  });
}

const MESSAGES: Record<'depth' | 'aliases' | 'cost' | 'directives' | 'tokens', (max: number) => string> = {
  depth: (max) => `query must nest at most ${max} levels of fields`,
  aliases: (max) => `operation must use at most ${max} aliases`,
  cost: (max) => `operation must cost at most ${max} (2 per object, 1 per scalar, ×1.5 per level, × first)`,
  directives: (max) => `operation must use at most ${max} directives`,
  tokens: (max) => `query must be at most ${max} tokens long`,
};

/** graphql-armor reports through callbacks; these turn its refusal into the hub's typed error. */
function armorRule(limit: keyof typeof MESSAGES, max: number, logger: Logger) {
  return {
    exposeLimits: false,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null) => {
        logger.info({ event: 'graphql.limit_refused', limit, max }, 'request refused by a GraphQL limit');
        const error = limitExceededError(limit, max, MESSAGES[limit](max));
        // The token count runs inside the parser, which has no validation context: throwing is its way out.
        if (context === null) throw error;
        context.reportError(error);
      },
    ],
  };
}

/**
 * `first:` at most maxFirst, every list argument at most maxListItems items and every JSON argument at most
 * maxJsonDepth levels deep, checked on the coerced argument values (literals and variables alike) of every
 * field of the operation before execution starts. Returns the first violation as a typed error, or null.
 * Arguments that do not coerce are left to execution, which refuses them without running a resolver.
 */
export function findArgumentLimitViolation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): GraphQLError | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName == null ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === operationName);
  if (operation === undefined) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, { maxErrors: 1 });
  if (coerced.errors !== undefined) return null;
  const variables = coerced.coerced;
  const typeInfo = new TypeInfo(schema);
  let violation: GraphQLError | null = null;
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  for (const root of [operation, ...fragments]) {
    visit(
      root,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          if (violation !== null) return false;
          const field = typeInfo.getFieldDef();
          if (field == null || field.args.length === 0 || (node.arguments ?? []).length === 0) return undefined;
          let values: Record<string, unknown>;
          try {
            values = getArgumentValues(field, node, variables);
          } catch (error) {
            if (error instanceof GraphQLError) return undefined;
            throw error;
          }
          for (const arg of field.args) {
            const value = values[arg.name];
            if (arg.name === 'first' && typeof value === 'number' && value > GRAPHQL_LIMITS.maxFirst) {
              violation = limitExceededError('first', GRAPHQL_LIMITS.maxFirst, `first must be at most ${GRAPHQL_LIMITS.maxFirst}`, {
                field: field.name,
                argument: arg.name,
              });
              return false;
            }
            const found = oversizedArgument(arg.type, value, arg.name);
            if (found !== null) {
              violation =
                found.limit === 'list_items'
                  ? limitExceededError('list_items', GRAPHQL_LIMITS.maxListItems, `${found.path} must hold at most ${GRAPHQL_LIMITS.maxListItems} items`, {
                      field: field.name,
                      argument: found.path,
                    })
                  : limitExceededError(
                      'json_depth',
                      GRAPHQL_LIMITS.maxJsonDepth,
                      `${found.path} must nest at most ${GRAPHQL_LIMITS.maxJsonDepth} levels of arrays and objects`,
                      { field: field.name, argument: found.path },
                    );
              return false;
            }
          }
          return undefined;
        },
      }),
    );
    if (violation !== null) return violation;
  }
  return null;
}

/**
 * The first list in `value` longer than maxListItems, or JSON value nested deeper than maxJsonDepth, with
 * its argument path; null when there is none. Lists of JSON documents are counted by their resolver instead.
 */
function oversizedArgument(type: GraphQLInputType, value: unknown, path: string): { limit: 'list_items' | 'json_depth'; path: string } | null {
  if (value === null || value === undefined) return null;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return null;
    if (getNamedType(nullable).name !== 'JSON' && value.length > GRAPHQL_LIMITS.maxListItems) return { limit: 'list_items', path };
    for (const item of value) {
      const inner = oversizedArgument(nullable.ofType as GraphQLInputType, item, path);
      if (inner !== null) return inner;
    }
    return null;
  }
  if (isInputObjectType(nullable) && typeof value === 'object') {
    for (const field of Object.values(nullable.getFields())) {
      const inner = oversizedArgument(field.type, (value as Record<string, unknown>)[field.name], `${path}.${field.name}`);
      if (inner !== null) return inner;
    }
    return null;
  }
  if (nullable.name === 'JSON' && jsonDepthExceeds(value, GRAPHQL_LIMITS.maxJsonDepth)) return { limit: 'json_depth', path };
  return null;
}

/** Whether `value` nests more than `max` levels of arrays and objects; iterative, so any depth is safe to measure. */
function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
  return false;
}

const SUGGESTION = /\s*Did you mean[^?]*\?/;

/** Drops graphql-js's "Did you mean …?" from every error, so a probe cannot spell its way through the schema. */
function withoutSuggestions(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((error) =>
    SUGGESTION.test(error.message)
      ? new GraphQLError(error.message.replaceAll(new RegExp(SUGGESTION, 'g'), '').trim(), {
          ...(error.nodes ? { nodes: error.nodes } : {}),
          ...(error.path ? { path: error.path } : {}),
          ...(error.originalError ? { originalError: error.originalError } : {}),
          extensions: error.extensions,
        })
      : error,
  );
}

function useNoSuggestions(): Plugin {
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(withoutSuggestions(result as readonly GraphQLError[]));
      };
    },
    onExecute() {
      return {
        // Variable coercion ("Value "x" does not exist in enum … Did you mean …?") fails inside execute.
        onExecuteDone({ result, setResult }) {
          const single = result as ExecutionResult;
          if (single.errors !== undefined && !(Symbol.asyncIterator in result)) setResult({ ...single, errors: withoutSuggestions(single.errors) });
        },
      };
    },
  };
}

function useArgumentLimits(logger: Logger): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const violation = findArgumentLimitViolation(args.schema, args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined);
      if (violation !== null) {
        logger.info({ event: 'graphql.limit_refused', limit: violation.extensions.limit, max: violation.extensions.max }, 'request refused by a GraphQL limit');
        setResultAndStopExecution({ errors: [violation] });
      }
    },
  };
}

/**
 * Keeps every limit refusal a 400. Yoga marks parse failures (the token limit fails the parse) as
 * "spec" errors, which it answers with 200 to `application/json` clients; a client retrying on a
 * 200 without data (the push client does, for a masked error) must see that this request can never pass.
 */
function useLimitStatus(): Plugin {
  return {
    onResultProcess({ result }) {
      for (const single of Array.isArray(result) ? result : [result]) {
        if (!('errors' in single) || single.errors === undefined) continue;
        for (const error of single.errors) {
          const extensions = error.extensions as { code?: unknown; http?: { spec?: boolean } } | undefined;
          if (extensions?.code === 'LIMIT_EXCEEDED' && extensions.http !== undefined) extensions.http.spec = false;
        }
      }
    },
  };
}

/**
 * The GraphQL hardening plugins, in the order they act on a request:
 * 1. CSRF prevention (request parsing): a body a browser may send cross-site without a preflight
 *    (form-encoded, multipart, text/plain) or a GET needs the `x-graphql-yoga-csrf` header; the hub's
 *    clients all send `content-type: application/json`, which no cross-site form can;
 * 2. the token count (parsing), then depth, aliases, cost and directives (validation), and in production no
 *    introspection and no field suggestions;
 * 3. `first:`, list sizes and JSON depth (after variables are known, before execution starts);
 * 4. every refusal answered with HTTP 400.
 * Batching, multipart uploads, the body size and GraphiQL are yoga options (src/server/yoga.ts).
 */
export function graphqlLimitPlugins(options: { production: boolean; logger: Logger }): (Plugin | Plugin<Record<string, unknown>>)[] {
  const { production, logger } = options;
  return [
    useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
    EnvelopArmorPlugin({
      maxTokens: { n: GRAPHQL_LIMITS.maxTokens, ...armorRule('tokens', GRAPHQL_LIMITS.maxTokens, logger) },
      maxDepth: { n: GRAPHQL_LIMITS.maxDepth, flattenFragments: true, ignoreIntrospection: true, ...armorRule('depth', GRAPHQL_LIMITS.maxDepth, logger) },
      maxAliases: { n: GRAPHQL_LIMITS.maxAliases, ...armorRule('aliases', GRAPHQL_LIMITS.maxAliases, logger) },
      costLimit: { maxCost: GRAPHQL_LIMITS.maxCost, flattenFragments: true, ignoreIntrospection: true, ...armorRule('cost', GRAPHQL_LIMITS.maxCost, logger) },
      maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives, ...armorRule('directives', GRAPHQL_LIMITS.maxDirectives, logger) },
      // Ours below also covers suggestions made while coercing variables, which armor's does not see.
      blockFieldSuggestion: { enabled: false },
    }),
    ...(production ? [useDisableIntrospection(), useNoSuggestions()] : []),
    useArgumentLimits(logger),
    useLimitStatus(),
  ];
}

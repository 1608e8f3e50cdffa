import { GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { TokenKind } from '../graphql/principal-guards.ts';
import type { HubRequestContext } from '../graphql/context.ts';

const INTROSPECTION_FIELDS: ReadonlySet<string> = new Set(['__typename', '__schema', '__type']);

/** The root field names of the operation, through fragments spread or inlined at the root. */
function rootFieldNames(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const names: string[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) names.push(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment !== undefined) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return names;
}

/**
 * A genuine token of the wrong kind (the kind a root field needs is in its schema extensions, see
 * principal-guards.ts) — a user token asking for a party's field, or a party token asking
 * for a user's — is refused with 401 before any resolver runs, as a token the operation cannot accept.
 * (Anonymous callers go on: each protected field answers them with a typed Unauthenticated.)
 */
export function useTokenKindGuard(logger: Logger): Plugin<HubRequestContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const principal = args.contextValue.principal;
      if (principal === null || principal === undefined) return;
      const operation = (args.document as DocumentNode).definitions.find(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (args.operationName == null || d.name?.value === args.operationName),
      );
      if (operation === undefined) return;
      const root = operation.operation === 'mutation' ? args.schema.getMutationType() : args.schema.getQueryType();
      const kindOf = (name: string): TokenKind =>
        INTROSPECTION_FIELDS.has(name) ? 'any' : ((root?.getFields()[name]?.extensions as { tokenKind?: TokenKind } | undefined)?.tokenKind ?? 'party');
      const misused = rootFieldNames(args.document as DocumentNode, operation).find((name) => kindOf(name) !== 'any' && kindOf(name) !== principal.kind);
      if (misused === undefined) return;
      const reason = principal.kind === 'user' ? 'user_token_as_party' : 'party_token_as_user';
      logger.info({ event: 'auth.refused', reason }, 'token refused');
      setResultAndStopExecution({
        errors: [
          new GraphQLError(
            principal.kind === 'user'
              ? `${misused} needs a party token; a user token acts only for its user`
              : `${misused} acts for a user and needs a user token signed by their platform`,
            {
              extensions: {
                code: 'UNAUTHENTICATED',
                reason,
                http: { status: 401, headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${reason}"` } },
              },
            },
          ),
        ],
      });
    },
  };
}

import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isDatabaseReachable } from '../db/client.ts';
import type { Db } from '../db/database.ts';

/**
 * An unexpected error (already masked as "Unexpected error.") while the database cannot be reached is
 * the database being down, not a bug: answered 503 with a retry hint and code UNAVAILABLE, as the bearer
 * check and the streamed routes answer it, instead of a 200 the client cannot tell from a real failure.
 * The database is asked only when such an error is in the answer.
 */
export function useUnavailableWhenDatabaseDown(db: Db): Plugin {
  return {
    async onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in (result as object)) return;
      const single = result as { errors?: readonly GraphQLError[] };
      const unexpected = single.errors?.some((error) => (error.extensions as { unexpected?: unknown } | undefined)?.unexpected === true);
      if (!unexpected || (await isDatabaseReachable(db))) return;
      setResult({
        errors: [
          new GraphQLError('the hub cannot reach its database right now; retry later', {
            extensions: { code: 'UNAVAILABLE', http: { status: 503, headers: { 'retry-after': '5' } } },
          }),
        ],
      });
    },
  };
}

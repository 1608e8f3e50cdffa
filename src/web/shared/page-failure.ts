import { useCallback, useLayoutEffect, useState } from 'preact/hooks';
import { forgetToken } from './fragment-token.ts';
import { HubRequestError, type HubFailure } from './hub-client.ts';

/** What stops a page: the hub's answer (a refused token, a GraphQL error…) or a refusal the page names. */
export type PageFailure = HubFailure | { kind: 'refused'; message: string };

/**
 * The page's title in the current language, and its failure state: `fail` turns any error into a
 * PageFailure and forgets a token the hub refused, so a reload does not try it again.
 */
export function usePageFailure(tokenKey: string, pageTitle: string) {
  const [failure, setFailure] = useState<PageFailure | null>(null);
  useLayoutEffect(() => {
    document.title = pageTitle;
  }, [pageTitle]);
  const fail = useCallback(
    (error: unknown) => {
      if (error instanceof HubRequestError) {
        if (error.failure.kind === 'unauthenticated') forgetToken(tokenKey);
        setFailure(error.failure);
      } else {
        setFailure({ kind: 'graphql', messages: [String(error)] });
      }
    },
    [tokenKey],
  );
  return { failure, setFailure, fail };
}

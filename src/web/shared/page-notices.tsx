import type { PageFailure } from './page-failure.ts';

/** The sentences every page's notices need, from that page's texts. */
export interface PageNoticeTexts {
  noToken: string;
  noTokenDetail: string;
  tokenRefused: string;
  unavailable: string;
  failed: (message: string) => string;
  retry: string;
}

/** Opened without `#token=…`: what to do instead. */
export function NoTokenNotice({ t }: { t: PageNoticeTexts }) {
  return (
    <div class="notice" role="alert">
      <p>
        <strong>{t.noToken}</strong>
      </p>
      <p>{t.noTokenDetail}</p>
    </div>
  );
}

/** What stopped the page, in the reader's language, with a retry where trying again can help. */
export function FailureNotice({ failure, t, onRetry }: { failure: PageFailure; t: PageNoticeTexts; onRetry: (() => void) | undefined }) {
  return (
    <div class="notice notice-error" role="alert">
      <p>{failureText(failure, t)}</p>
      {onRetry !== undefined && (
        <button type="button" onClick={onRetry}>
          {t.retry}
        </button>
      )}
    </div>
  );
}

function failureText(failure: PageFailure, t: PageNoticeTexts): string {
  switch (failure.kind) {
    case 'unauthenticated':
      return t.tokenRefused;
    case 'unavailable':
      return t.unavailable;
    case 'refused':
      return t.failed(failure.message);
    case 'graphql':
      return t.failed(failure.messages.join('; '));
  }
}

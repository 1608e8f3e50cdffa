/** Stable codes of failures that stop a push; the CLI prints the message and exits 1. */
export type PushErrorCode = 'push.bad_options' | 'push.unauthenticated' | 'push.forbidden' | 'push.http_error' | 'push.bad_response' | 'push.retries_exhausted';

/** A push cannot go on. Messages name HTTP statuses, hub error codes and rows — never file content. */
export class PushError extends Error {
  override readonly name = 'PushError';
  constructor(
    readonly code: PushErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A refusal from the ledger, with a stable code naming the rule (`period.closed`, `journal.unbalanced`, …). */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

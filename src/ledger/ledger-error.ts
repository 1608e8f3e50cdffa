import { HubError } from '../errors/hub-errors.ts';

/** A refusal from the ledger, with a stable code naming the rule (`period.closed`, `journal.unbalanced`, …). */
export class LedgerError extends HubError {
  override readonly name = 'LedgerError';
}

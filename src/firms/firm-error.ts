import { HubError } from '../errors/hub-errors.ts';
/** The registry entry's fields a refusal can name. */
export type FirmField = 'partyId' | 'capacities' | 'creditCode' | 'licenceNumber' | 'licenceValidUntil' | 'status';

export type FirmErrorCode =
  | 'firm.party_not_found'
  | 'firm.capacity_invalid'
  | 'firm.capacity_role_mismatch'
  | 'firm.credit_code_required'
  | 'firm.credit_code_invalid'
  | 'firm.credit_code_taken'
  | 'firm.licence_required'
  | 'firm.licence_not_applicable'
  | 'firm.licence_invalid'
  | 'firm.status_invalid'
  | 'firm.not_registered';

/**
 * A refused registry change, naming the field and the rule; GraphQL exposes this class itself as
 * `FirmRefused`. The message never repeats the submitted value.
 */
export class FirmError extends HubError {
  override readonly name = 'FirmError';
  constructor(
    override readonly code: FirmErrorCode,
    readonly field: FirmField,
    message: string,
  ) {
    super(code, message);
  }
}

import type { PartyRole } from '../parties/parties.table.ts';
import { creditCodeFault } from './credit-code.ts';
import { FirmError } from './firm-error.ts';
import { FIRM_CAPACITIES, FIRM_STATUSES, type FirmCapacity, type FirmStatus } from './firms.table.ts';

/** What the operator submits for a party's registry entry. */
export interface FirmEntryInput {
  partyId: string;
  capacities: readonly string[];
  creditCode?: string | null;
  licenceNumber?: string | null;
  /** YYYY-MM-DD, the last day the dismantling licence is valid. */
  licenceValidUntil?: string | null;
  status: string;
}

/** A checked entry, ready to store: capacities de-duplicated in the registry's order. */
export interface FirmEntry {
  partyId: string;
  capacities: FirmCapacity[];
  creditCode: string | null;
  licenceNumber: string | null;
  licenceValidUntil: string | null;
  status: FirmStatus;
}

/**
 * The capacities that fit each hub role: a party acts in the hub under its role, so its registry entry must
 * hold at least one capacity that role stands for (a platform is an online or offline seller or a voucher
 * service, a recycler may also dismantle or verify wipes).
 */
export const CAPACITIES_OF_ROLE: Readonly<Record<PartyRole, readonly FirmCapacity[]>> = {
  platform: ['ecommerce_platform', 'sales_firm', 'third_party_service'],
  recycler: ['recycler', 'dismantler', 'notary'],
  brand: ['brand'],
  regulator: ['regulator'],
  operator: ['operator'],
  notary: ['notary'],
};

/** Capacities of public bodies and the hub itself, which carry no business credit code of the programme. */
const CODE_EXEMPT: ReadonlySet<FirmCapacity> = new Set(['regulator', 'operator']);

/** A licence number as printed: letters, digits, CJK, hyphens and parentheses (ASCII or full width). */
const LICENCE_NUMBER = /^[0-9A-Za-z\u4e00-\u9fff()（）-]{4,40}$/u;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Checks a registry entry against the rules of the registry. Pure. `role` is the party's hub role.
 * Capacities: at least one, each known, one of them fitting the role. Credit code: required unless every
 * capacity is a public body's or the hub's, 18 characters with a valid GB 32100-2015 check character.
 * Licence: number and validity date both given for a dismantler, and for nobody else. Status: one of
 * FIRM_STATUSES. Throws FirmError naming the first field at fault; the message never repeats a value.
 */
export function checkFirmEntry(input: FirmEntryInput, role: PartyRole): FirmEntry {
  if (input.capacities.length === 0) throw new FirmError('firm.capacity_invalid', 'capacities', 'capacities must name at least one capacity');
  if (!input.capacities.every((c) => (FIRM_CAPACITIES as readonly string[]).includes(c))) {
    throw new FirmError('firm.capacity_invalid', 'capacities', `each capacity must be one of ${FIRM_CAPACITIES.join(', ')}`);
  }
  const capacities = FIRM_CAPACITIES.filter((c) => input.capacities.includes(c));
  if (!capacities.some((c) => CAPACITIES_OF_ROLE[role].includes(c))) {
    throw new FirmError(
      'firm.capacity_role_mismatch',
      'capacities',
      `capacities must include ${CAPACITIES_OF_ROLE[role].join(' or ')} for a party with this role`,
    );
  }

  const creditCode = input.creditCode ?? null;
  if (creditCode === null) {
    if (!capacities.every((c) => CODE_EXEMPT.has(c))) {
      throw new FirmError('firm.credit_code_required', 'creditCode', 'creditCode must be given for a firm of the programme');
    }
  } else {
    const fault = creditCodeFault(creditCode);
    if (fault !== null) throw new FirmError('firm.credit_code_invalid', 'creditCode', CREDIT_CODE_RULES[fault]);
  }

  const licenceNumber = input.licenceNumber ?? null;
  const licenceValidUntil = input.licenceValidUntil ?? null;
  if (capacities.includes('dismantler')) {
    if (licenceNumber === null) throw new FirmError('firm.licence_required', 'licenceNumber', 'licenceNumber must be given for a dismantler');
    if (licenceValidUntil === null) throw new FirmError('firm.licence_required', 'licenceValidUntil', 'licenceValidUntil must be given for a dismantler');
    if (!LICENCE_NUMBER.test(licenceNumber)) {
      throw new FirmError('firm.licence_invalid', 'licenceNumber', 'licenceNumber must be 4–40 letters, digits, hyphens or parentheses');
    }
    if (!isCalendarDate(licenceValidUntil))
      throw new FirmError('firm.licence_invalid', 'licenceValidUntil', 'licenceValidUntil must be a date written YYYY-MM-DD');
  } else if (licenceNumber !== null || licenceValidUntil !== null) {
    throw new FirmError(
      'firm.licence_not_applicable',
      licenceNumber !== null ? 'licenceNumber' : 'licenceValidUntil',
      'a licence must be given only for a dismantler',
    );
  }

  if (!(FIRM_STATUSES as readonly string[]).includes(input.status)) {
    throw new FirmError('firm.status_invalid', 'status', `status must be one of ${FIRM_STATUSES.join(', ')}`);
  }
  return { partyId: input.partyId, capacities, creditCode, licenceNumber, licenceValidUntil, status: input.status as FirmStatus };
}

const CREDIT_CODE_RULES: Readonly<Record<NonNullable<ReturnType<typeof creditCodeFault>>, string>> = {
  length: 'creditCode must be 18 characters',
  alphabet: 'creditCode must use digits and capital letters other than I, O, S, V and Z',
  division: 'creditCode must carry a six-digit administrative division code in positions 3–8',
  check_character: 'creditCode must end with the GB 32100-2015 check character of its first 17 characters',
};

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (match === null) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

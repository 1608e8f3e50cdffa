/**
 * The capacities a participating firm may hold (the local scheme's 企业类别 plus the hub's own parties);
 * a party may hold several, e.g. a sales firm that also recycles.
 */
export const FIRM_CAPACITIES = [
  'sales_firm',
  'recycler',
  'dismantler',
  'ecommerce_platform',
  'third_party_service',
  'brand',
  'notary',
  'regulator',
  'operator',
] as const;
export type FirmCapacity = (typeof FIRM_CAPACITIES)[number];

/** `pending` until the programme admits it; `suspended` and `withdrawn` keep the firm listed with its status. */
export const FIRM_STATUSES = ['pending', 'active', 'suspended', 'withdrawn'] as const;
export type FirmStatus = (typeof FIRM_STATUSES)[number];

/** One registry entry per party (a reference table, like `parties`): no address, no person, no phone. */
export interface FirmsTable {
  party_id: string;
  capacities: FirmCapacity[];
  credit_code: string | null;
  licence_number: string | null;
  licence_valid_until: string | null;
  status: FirmStatus;
  registered_at: Date;
  updated_at: Date;
}

export const AGREEMENT_STATUSES = ['requested', 'active', 'rejected', 'terminated'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

export interface AgreementsTable {
  party_id: string;
  id: string;
  purpose: string;
  policy_version: number;
  status: AgreementStatus;
  requested_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  valid_from: Date | null;
  valid_to: Date | null;
  terminated_at: Date | null;
  terminated_by: string | null;
}

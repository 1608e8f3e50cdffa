import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '../auth/principal.ts';
import { decideThenLog, type Decided } from '../audit/decide-then-log.ts';
import { actAs } from '../db/act-as.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import type { WipeAttestation } from '../documents/documents.generated.ts';
import type { HubSigningKey } from '../hub-keys/hub-signing-key.ts';
import { REGULATORY_STATISTICS_PURPOSE } from '../insights/regulatory-statistics.service.ts';
import type { AllowedPolicy, PolicySet } from '../policy/policy.types.ts';
import { decideStatutory } from '../policy/statutory-decision.ts';
import { isFutureMonth, isReportMonth } from '../reports/report-month.ts';
import { signWipeCertificate } from './wipe-certificate.ts';
import { DATA_BEARING_CATEGORIES, withholdBelow } from './wipe-status.ts';
import * as wipes from './wipes.repository.ts';
import type { WipeAttestationsTable } from './wipes.table.ts';
import { HubError } from '../errors/hub-errors.ts';

/** The one answer for a ticket a notary may not attest: unknown, malformed, or not held by a recycler alike. */
export const TICKET_NOT_ATTESTABLE = { code: 'reference.ticket_not_found', message: 'must refer to a trade-in ticket a recycler holds' } as const;

/** The hub's key and id, which sign the certificates. */
export interface CertificateSigner {
  key: HubSigningKey;
  hubId: string;
}

/**
 * For the ingest of wipe attestations: of these tickets, those a registered recycler or dismantler holds
 * now, locked for the transaction. Another party's probe learns nothing: the look-up answers only an active
 * notary, and unknown tickets look like unheld ones.
 */
export function findAttestableTickets(tx: DbOrTx, ticketIds: readonly string[]): Promise<Map<string, wipes.AttestableTicket>> {
  return wipes.findAttestableTickets(tx, ticketIds);
}

/** Whether the calling party (the session's) is an active notary of the firm registry. */
export function isActiveNotary(db: DbOrTx): Promise<boolean> {
  return wipes.callerIsActiveNotary(db);
}

/**
 * Stores accepted attestations and issues a certificate — a JWS signed by the hub, naming the ticket, the
 * notary, the standard, level, method, verification and month — for each successful one, in the ingest's
 * transaction: an attestation is never stored without the certificate it earned.
 */
export async function storeWipeAttestations(
  tx: DbOrTx,
  signer: CertificateSigner,
  notaryId: string,
  attestations: readonly { id: string; ticket: wipes.AttestableTicket; document: WipeAttestation }[],
  now: Date,
): Promise<void> {
  const rows: WipeAttestationsTable[] = [];
  for (const { id, ticket, document: doc } of attestations) {
    const certified = doc.result === 'success';
    const certificateId = certified ? uuidv7() : null;
    const certificate = certified
      ? await signWipeCertificate(signer.key, signer.hubId, {
          certificateId: certificateId!,
          ticket: ticket.ticketId,
          notaryId,
          standard: doc.standard,
          level: doc.level,
          method: doc.method,
          verification: doc.verification,
          month: doc.wipedMonth,
          issuedAt: now,
        })
      : null;
    rows.push({
      ticket_id: ticket.ticketId,
      id,
      record_id: ticket.recordId,
      notary_id: notaryId,
      holder_id: ticket.holderId,
      standard: doc.standard,
      level: doc.level,
      method: doc.method,
      verification: doc.verification,
      result: doc.result,
      wiped_month: `${doc.wipedMonth}-01`,
      certificate_id: certificateId,
      certificate,
      created_at: now,
    });
  }
  await wipes.insertWipeAttestations(tx, rows);
}

/** A malformed or future month range; the message names the argument, never the value. */
export class WipeArgumentError extends HubError {
  override readonly name = 'WipeArgumentError';
  constructor(
    readonly argument: 'fromMonth' | 'toMonth',
    message: string,
  ) {
    super('wipes.argument_invalid', message);
  }
}

export interface WipeStatisticsContext {
  db: Db;
  policies: PolicySet;
  now: () => Date;
}

export interface WipedDevicesRow {
  standard: string;
  level: string;
  /** Null where a brand's cell counts fewer than k devices (the regulator's figures are exact). */
  devices: number | null;
}

export interface WipeStatisticsAnswer {
  /** The access-log entry of a regulator's answer; null for a brand's. */
  queryId: string | null;
  fromMonth: string;
  toMonth: string;
  byStandardAndLevel: WipedDevicesRow[];
  /** The regulator's flag: data-bearing devices that reached disposition without a certificate. Empty for brands. */
  uncertifiedDispositions: wipes.UncertifiedDispositionRow[];
}

export type WipeStatisticsOutcome = Decided<WipeStatisticsAnswer>;

/** Ticket ids listed per flagged recycler-month; the count is always whole. */
export const FLAGGED_TICKETS_PER_ROW = 100;

/**
 * Certified wipes by standard and level, and the devices flagged for reaching disposition uncertified, over
 * `fromMonth`..`toMonth`. A regulator: statutory under the regulatory-statistics policy — exact, every
 * device, unbilled, each decision (allowed or denied) appended to the access log in the transaction that
 * reads the figures. A brand: only devices of its own brands, cells below the policy's k withheld, no flag
 * list. Read as the analytics role. Throws WipeArgumentError for a malformed or future month.
 */
export async function runWipeStatistics(
  context: WipeStatisticsContext,
  principal: Principal & { kind: 'party' },
  range: { fromMonth: string; toMonth: string },
): Promise<WipeStatisticsOutcome> {
  const now = context.now();
  for (const argument of ['fromMonth', 'toMonth'] as const) {
    if (!isReportMonth(range[argument])) throw new WipeArgumentError(argument, `${argument} must be a month written YYYY-MM`);
    if (isFutureMonth(range[argument], now)) throw new WipeArgumentError(argument, `${argument} must not be after the current month`);
  }
  if (range.fromMonth > range.toMonth) throw new WipeArgumentError('toMonth', 'toMonth must not be before fromMonth');
  const months = { from: `${range.fromMonth}-01`, to: `${range.toMonth}-01` };
  const policy = context.policies.get(REGULATORY_STATISTICS_PURPOSE) as AllowedPolicy | undefined;
  const k = policy?.minGroupSize ?? 10;

  if (principal.role === 'brand') {
    return context.db.transaction().execute(async (tx) => {
      const brands = await wipes.brandsOfParty(tx, principal.partyId);
      await actAs(tx, 'hub_analytics');
      const rows = await wipes.certifiedDevicesByStandardLevel(tx, months, brands);
      return { allowed: true, answer: { queryId: null, ...range, byStandardAndLevel: withholdBelow(rows, k), uncertifiedDispositions: [] } } as const;
    });
  }

  const policyRequest = { groupBy: ['tradeInMonth'], measures: ['count'], filters: { tradeInMonthFrom: range.fromMonth, tradeInMonthTo: range.toMonth } };
  const { decision } = decideStatutory(context.policies, { principal, purpose: REGULATORY_STATISTICS_PURPOSE, now, request: policyRequest });
  const logged = { ...policyRequest, report: 'wipe-statistics' };
  return context.db.transaction().execute(async (tx) => {
    await actAs(tx, 'hub_analytics');
    return decideThenLog(tx, now, { partyId: principal.partyId, purpose: REGULATORY_STATISTICS_PURPOSE, request: logged, decision }, async () => {
      const byStandardAndLevel = await wipes.certifiedDevicesByStandardLevel(tx, months);
      const flagged = await wipes.uncertifiedDispositions(tx, months, DATA_BEARING_CATEGORIES, FLAGGED_TICKETS_PER_ROW);
      const queryId = uuidv7();
      return {
        allowed: true,
        answer: { queryId, ...range, byStandardAndLevel, uncertifiedDispositions: flagged },
        log: { id: queryId, rowsReleased: byStandardAndLevel.length + flagged.length, rowsSuppressed: 0, subjectsCounted: 0, priceFen: 0 },
      } as const;
    });
  });
}

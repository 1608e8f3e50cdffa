import { newId } from '../db/ids.ts';
import { ForbiddenError } from '../errors/hub-errors.ts';
import { findActiveRecyclers, findHeldTickets, TICKET_NOT_HELD, type TicketReference } from '../custody/custody.service.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import { checkDocument } from '../documents/check-document.ts';
import type { DocumentKind } from '../documents/document-kinds.ts';
import { DEFAULT_DOCUMENT_VERSION, versionRefusal } from '../documents/document-versions.ts';
import type { DocumentError } from '../documents/document-validator.ts';
import type { CatalogueV1, DispositionV1, InspectionV1, TradeInV1, TradeInV2 } from '../documents/documents.generated.ts';
import { canonicalContentHash, keyedHash } from '../hub-keys/keyed-hash.ts';
import type { PartyRole } from '../parties/parties.table.ts';
import * as records from '../records/records.repository.ts';
import { subjectRefCipher } from '../hub-keys/subject-ref-cipher.ts';
import { subjectIdFor } from '../subjects/subject-id.ts';
import * as submissions from './submissions.repository.ts';
import type { SubmissionsTable } from './submissions.table.ts';
import { normaliseModelName } from '../vocabulary/model-names.ts';
import { attachCataloguedModels, checkVocabularies, resolveModels } from '../vocabulary/vocabulary.service.ts';
import type { WipeAttestation } from '../documents/documents.generated.ts';
import { findAttestableTickets, isActiveNotary, storeWipeAttestations, TICKET_NOT_ATTESTABLE, type CertificateSigner } from '../wipes/wipes.service.ts';

/** Which role may submit which document kind (DESIGN §2). */
export const SUBMITTER_ROLE: Readonly<Record<DocumentKind, PartyRole>> = {
  tradein: 'platform',
  inspection: 'recycler',
  disposition: 'recycler',
  catalogue: 'brand',
  wipe_attestation: 'notary',
};

export type ItemResult =
  | { status: 'accepted'; index: number; submissionId: string; ticket: string | null; targetId: string | null; replayed: boolean }
  | { status: 'rejected'; index: number; errors: DocumentError[] }
  /** The key was used before for a different document; the earlier submission stands. */
  | { status: 'conflict'; index: number; submissionId: string };

/** A kind the submitting party's role may not send; the schema shows it as `Forbidden`. */
export class SubmissionForbiddenError extends ForbiddenError {
  constructor(kind: DocumentKind, role: PartyRole, message?: string) {
    super('forbidden.role', message ?? `${kind} documents must be submitted by a ${SUBMITTER_ROLE[kind]}, not a ${role}`);
  }
}

export interface IngestContext {
  db: Db;
  /** The hub's keyed-hash secret. */
  secret: Buffer;
  now: () => Date;
  /** Signs wipe certificates; required to ingest wipe attestations (GraphQL passes the hub's key). */
  certificates?: CertificateSigner;
}

interface Candidate {
  index: number;
  document: Record<string, unknown>;
  keyHash: Buffer;
  keyHex: string;
  contentHash: Buffer;
}

interface Planned extends Candidate {
  row: SubmissionsTable;
  recordId: string | null;
  /** A wipe attestation's ticket holder (the recycler the notary attests for). */
  holderId?: string;
}

/**
 * Stores a batch of documents of one kind and version for one party, item by item: a rejected document stores nothing,
 * an accepted one is stored whole, and the batch's accepted documents share one transaction. Idempotent on
 * (party, externalRef): the same document again returns the first result (`replayed`), the same key with
 * other content is a `conflict`. Safe under concurrency: keys are claimed with INSERT … ON CONFLICT DO
 * NOTHING in key order, so two racing batches store each document once and never deadlock on each other.
 * The version (`schema/document-versions.json`) is the caller's declaration for the whole batch: outside its
 * acceptance window, or unknown, the call is refused (DocumentVersionError) before any document is read.
 */
export async function ingestDocuments(
  context: IngestContext,
  submitter: { partyId: string; role: PartyRole },
  kind: DocumentKind,
  documents: readonly unknown[],
  channel: 'graphql' | 'bulk' = 'graphql',
  version: number = DEFAULT_DOCUMENT_VERSION,
): Promise<ItemResult[]> {
  if (SUBMITTER_ROLE[kind] !== submitter.role) throw new SubmissionForbiddenError(kind, submitter.role);
  const refusal = versionRefusal(kind, version, context.now());
  if (refusal !== undefined) throw refusal;
  // A notary attests only while the programme admits it: an active firm entry with the notary capacity.
  if (kind === 'wipe_attestation' && !(await isActiveNotary(context.db))) {
    throw new SubmissionForbiddenError(kind, submitter.role, 'wipe_attestation documents must be submitted by an active notary of the firm registry');
  }
  const results: ItemResult[] = new Array(documents.length);
  const candidates: Candidate[] = [];
  const asOf = context.now();
  const passed = new Map<number, Record<string, unknown>>();
  documents.forEach((document, index) => {
    const errors = checkDocument(kind, document, { asOf, version });
    if (errors.length > 0) results[index] = { status: 'rejected', index, errors };
    else passed.set(index, document as Record<string, unknown>);
  });
  // Then the vocabulary rule: what is stored is the canonical form (brand id, grade value, model display).
  const vocabularyChecks = await checkVocabularies(context.db, submitter, kind, passed);
  vocabularyChecks.forEach((vocabulary, index) => {
    if (!vocabulary.ok) {
      results[index] = { status: 'rejected', index, errors: vocabulary.errors };
      return;
    }
    // Keys and content hashes are of the document as sent, so a resend after an upgrade of the vocabularies
    // still replays; what is stored is the canonical form.
    const sent = passed.get(index)!;
    const keyHash = idempotencyKey(context.secret, submitter.partyId, kind, sent);
    candidates.push({ index, document: vocabulary.document, keyHash, keyHex: keyHash.toString('hex'), contentHash: canonicalContentHash(sent) });
  });

  // Within one batch, the first occurrence of a key is the one stored; later ones replay or conflict with it.
  const firstByKey = new Map<string, Candidate>();
  const repeats: Candidate[] = [];
  for (const candidate of candidates) {
    if (firstByKey.has(candidate.keyHex)) repeats.push(candidate);
    else firstByKey.set(candidate.keyHex, candidate);
  }

  const receivedAt = context.now();
  await context.db.transaction().execute(async (tx) => {
    const firsts = [...firstByKey.values()].sort((a, b) => Buffer.compare(a.keyHash, b.keyHash));
    const batchId = newId();
    // No look-up first: claiming is the look-up. A key already taken (an earlier submission, or a racing
    // batch that has committed meanwhile) is simply not claimed, and is answered from the stored row.
    const planned = await planSubmissions(tx, context, { partyId: submitter.partyId, kind, version, batchId, at: receivedAt }, firsts, results);
    const claimed = await claimAndStore(tx, context, { partyId: submitter.partyId, kind, version, batchId, at: receivedAt }, planned);
    const stored = planned.filter((p) => claimed.has(p.keyHex));
    if (kind === 'catalogue') await storeCatalogueModels(tx, context, submitter.partyId, stored, receivedAt);
    if (kind === 'wipe_attestation') await storeClaimedWipeAttestations(tx, context, submitter.partyId, stored, receivedAt);
    const taken = planned.filter((p) => !claimed.has(p.keyHex));
    const existingByKey = new Map(
      (
        await submissions.findSubmissionsByKey(
          tx,
          submitter.partyId,
          kind,
          taken.map((p) => p.keyHash),
        )
      ).map((row) => [row.key_hash.toString('hex'), row]),
    );
    for (const p of stored) {
      results[p.index] = { status: 'accepted', index: p.index, submissionId: p.row.id, ticket: p.row.ticket_id, targetId: p.row.target_id, replayed: false };
    }
    for (const candidate of [...firsts, ...repeats]) {
      if (results[candidate.index] !== undefined) continue;
      const earlier = existingByKey.get(candidate.keyHex) ?? plannedRow(stored, candidate.keyHex);
      if (earlier === undefined) continue;
      results[candidate.index] = earlier.content_hash.equals(candidate.contentHash)
        ? { status: 'accepted', index: candidate.index, submissionId: earlier.id, ticket: earlier.ticket_id, targetId: earlier.target_id, replayed: true }
        : { status: 'conflict', index: candidate.index, submissionId: earlier.id };
    }
    // A repeat of an in-batch first that was itself rejected (e.g. unknown ticket) shares its fate.
    for (const candidate of repeats) {
      if (results[candidate.index] === undefined) {
        const first = firstByKey.get(candidate.keyHex)!;
        results[candidate.index] = { ...(results[first.index] as ItemResult), index: candidate.index };
      }
    }
    const unanswered = results.findIndex((r) => r === undefined);
    // A bug guard: an item without an answer must roll the batch back, not vanish from the reply.
    if (unanswered !== -1 || results.length !== documents.length) throw new Error(`ingest left document ${unanswered} unanswered`);
    const accepted = results.filter((r) => r.status === 'accepted').length;
    await submissions.insertIngestBatch(tx, {
      id: batchId,
      partyId: submitter.partyId,
      kind,
      channel,
      receivedAt,
      itemCount: documents.length,
      accepted,
      rejected: documents.length - accepted,
    });
  });
  return results;
}

function plannedRow(stored: Planned[], keyHex: string): SubmissionsTable | undefined {
  return stored.find((p) => p.keyHex === keyHex)?.row;
}

/** The keyed hash a document is deduplicated by: the party's externalRef, or a catalogue's brand + model. */
function idempotencyKey(secret: Buffer, partyId: string, kind: DocumentKind, doc: Record<string, unknown>): Buffer {
  if (kind === 'catalogue') return keyedHash(secret, 'submission', partyId, kind, String(doc.brand), String(doc.model));
  return keyedHash(secret, 'submission', partyId, kind, String(doc.externalRef));
}

/**
 * Resolves what each fresh document refers to and assigns its ids. Documents whose reference cannot be
 * resolved get their rejection written into `results` and are left out of the plan.
 */
async function planSubmissions(
  tx: DbOrTx,
  context: IngestContext,
  stamp: submissions.BatchStamp,
  fresh: Candidate[],
  results: ItemResult[],
): Promise<Planned[]> {
  const { partyId, kind, version, batchId, at: now } = stamp;
  const base = (candidate: Candidate, ticketId: string | null, targetId: string | null, recordId: string | null): Planned => ({
    ...candidate,
    recordId,
    row: {
      party_id: partyId,
      kind,
      version,
      key_hash: candidate.keyHash,
      id: newId(),
      content_hash: candidate.contentHash,
      ticket_id: ticketId,
      target_id: targetId,
      batch_id: batchId,
      created_at: now,
    },
  });

  if (kind === 'tradein') return planTradeIns(tx, fresh, results, base);

  if (kind === 'catalogue') {
    const owners = await records.findCatalogueOwners(
      tx,
      fresh.map((c) => ({ brand: String(c.document.brand), model: String(c.document.model) })),
    );
    return fresh.flatMap((candidate) => {
      const owner = owners.get(records.catalogueKey(String(candidate.document.brand), String(candidate.document.model)));
      if (owner !== undefined && owner !== partyId) {
        results[candidate.index] = {
          status: 'rejected',
          index: candidate.index,
          errors: [{ path: '/model', code: 'catalogue.owned_by_another_party', message: 'must be a model no other party has catalogued' }],
        };
        return [];
      }
      return [base(candidate, null, null, null)];
    });
  }

  if (kind === 'wipe_attestation') return planWipeAttestations(tx, partyId, now, fresh, results, base);

  // Inspections and dispositions name a ticket, or the platform's (party, externalRef) the hub resolves, and
  // only the ticket's current holder may write them. Unknown, malformed and someone else's tickets get one
  // answer, so a reference cannot be probed.
  const held = await findHeldTickets(
    tx,
    context.secret,
    partyId,
    fresh.map((candidate) => ticketReferenceOf(candidate.document)),
  );
  // A document this party stored while it held the ticket is still its own: sent again after a hand-over (a
  // push retried, a file re-sent) it is answered from the stored row, as any replay, and writes nothing.
  const notHeld = fresh.filter((_, i) => held[i] === undefined);
  const earlier = new Map(
    (
      await submissions.findSubmissionsByKey(
        tx,
        partyId,
        kind,
        notHeld.map((c) => c.keyHash),
      )
    ).map((row) => [row.key_hash.toString('hex'), row]),
  );
  return fresh.flatMap((candidate, i) => {
    const ticket = held[i];
    if (ticket === undefined) {
      const stored = earlier.get(candidate.keyHex);
      const path = 'ticket' in candidate.document ? '/ticket' : '/tradeIn';
      results[candidate.index] =
        stored === undefined
          ? { status: 'rejected', index: candidate.index, errors: [{ path, ...TICKET_NOT_HELD }] }
          : stored.content_hash.equals(candidate.contentHash)
            ? { status: 'accepted', index: candidate.index, submissionId: stored.id, ticket: stored.ticket_id, targetId: stored.target_id, replayed: true }
            : { status: 'conflict', index: candidate.index, submissionId: stored.id };
      return [];
    }
    return [base(candidate, ticket.ticketId, newId(), ticket.recordId)];
  });
}

/**
 * Wipe attestations name a ticket that a registered recycler (or dismantler) holds now; anything else —
 * unknown, malformed, still at the platform, someone else's probe — gets one answer. An attestation the
 * notary stored earlier is answered from the stored row when sent again after the device moved on.
 */
async function planWipeAttestations(
  tx: DbOrTx,
  partyId: string,
  now: Date,
  fresh: Candidate[],
  results: ItemResult[],
  base: (candidate: Candidate, ticketId: string | null, targetId: string | null, recordId: string | null) => Planned,
): Promise<Planned[]> {
  const held = await findAttestableTickets(
    tx,
    fresh.map((candidate) => String(candidate.document.ticket)),
  );
  const notHeld = fresh.filter((candidate) => !held.has(String(candidate.document.ticket)));
  const earlier = new Map(
    (
      await submissions.findSubmissionsByKey(
        tx,
        partyId,
        'wipe_attestation',
        notHeld.map((c) => c.keyHash),
      )
    ).map((row) => [row.key_hash.toString('hex'), row]),
  );
  const currentMonth = now.toISOString().slice(0, 7);
  return fresh.flatMap((candidate) => {
    // A wipe cannot have been verified in a month that has not begun.
    if (String(candidate.document.wipedMonth) > currentMonth) {
      results[candidate.index] = {
        status: 'rejected',
        index: candidate.index,
        errors: [{ path: '/wipedMonth', code: 'wipes.month_in_future', message: 'must not be after the current month' }],
      };
      return [];
    }
    const ticket = held.get(String(candidate.document.ticket));
    if (ticket === undefined) {
      const stored = earlier.get(candidate.keyHex);
      results[candidate.index] =
        stored === undefined
          ? { status: 'rejected', index: candidate.index, errors: [{ path: '/ticket', ...TICKET_NOT_ATTESTABLE }] }
          : stored.content_hash.equals(candidate.contentHash)
            ? { status: 'accepted', index: candidate.index, submissionId: stored.id, ticket: stored.ticket_id, targetId: stored.target_id, replayed: true }
            : { status: 'conflict', index: candidate.index, submissionId: stored.id };
      return [];
    }
    return [{ ...base(candidate, ticket.ticketId, newId(), ticket.recordId), holderId: ticket.holderId }];
  });
}

/** The trade-in an inspection or disposition names (the schema has checked that it names exactly one). */
function ticketReferenceOf(document: Record<string, unknown>): TicketReference | undefined {
  const doc = document as unknown as InspectionV1 | DispositionV1;
  if ('ticket' in doc && typeof doc.ticket === 'string') return { ticket: doc.ticket };
  if ('tradeIn' in doc && doc.tradeIn !== undefined) return { tradeIn: doc.tradeIn as { platform: string; externalRef: string } };
  return undefined;
}

/**
 * Trade-ins get a new ticket and record each; one that names a recycler to hand the ticket to must name a
 * registered, active recycler, or it is rejected.
 */
async function planTradeIns(
  tx: DbOrTx,
  fresh: Candidate[],
  results: ItemResult[],
  base: (candidate: Candidate, ticketId: string | null, targetId: string | null, recordId: string | null) => Planned,
): Promise<Planned[]> {
  const named = fresh.map((candidate) => (candidate.document as unknown as TradeInV1).recycler).filter((id): id is string => id !== undefined);
  const recyclers = await findActiveRecyclers(tx, named);
  return fresh.flatMap((candidate) => {
    const recycler = (candidate.document as unknown as TradeInV1).recycler;
    if (recycler !== undefined && !recyclers.has(recycler)) {
      results[candidate.index] = {
        status: 'rejected',
        index: candidate.index,
        errors: [{ path: '/recycler', code: 'reference.recycler_not_found', message: 'must name a registered recycler' }],
      };
      return [];
    }
    return [base(candidate, newId(), null, newId())];
  });
}

/**
 * Claims the planned documents' keys and, for trade-ins, inspections and dispositions, writes the claimed
 * ones' rows in the same statement (src/submissions/submissions.repository.ts); returns the claimed keys.
 * Catalogue entries and wipe attestations are claimed here and stored after (storeCatalogueModels,
 * storeClaimedWipeAttestations).
 */
async function claimAndStore(tx: DbOrTx, context: IngestContext, stamp: submissions.BatchStamp, planned: Planned[]): Promise<Set<string>> {
  const month = (value: string) => `${value}-01`;
  const { partyId, at: now } = stamp;
  if (stamp.kind === 'tradein') {
    // Both versions land in one shape: v1 leaves the new purchase's prices null.
    const docs = planned.map((p) => ({ p, doc: p.document as unknown as TradeInV1 | TradeInV2 }));
    // A model the brand has not catalogued is kept only as a keyed hash; storage named in it goes to spec.
    const models = await resolveModels(
      tx,
      context.secret,
      docs.map(({ doc }) => ({ brand: doc.brand, model: doc.model })),
    );
    // The pseudonym is sealed; its keyed hash (the subject id) is what look-ups use.
    const cipher = subjectRefCipher(context.secret);
    return submissions.storeTradeIns(
      tx,
      stamp,
      docs.map(({ p, doc }, i) => {
        const subjectId = typeof doc.subjectRef === 'string' ? subjectIdFor(context.secret, partyId, doc.subjectRef) : undefined;
        return {
          submission: p.row,
          record: {
            id: p.recordId!,
            category: doc.category,
            brand: doc.brand,
            model: models[i]!.model,
            model_hash: models[i]!.modelHash,
            spec: recordSpec(doc.spec as Record<string, number> | undefined, models[i]!),
            usage_months: doc.usageMonths,
            trade_in_month: month(doc.tradeInMonth),
            region_code: doc.regionCode ?? null,
            channel: doc.channel,
            quoted_valuation_fen: String(doc.quotedValuationFen),
            subsidy_fen: doc.subsidyFen === undefined ? null : String(doc.subsidyFen),
            energy_grade_old: doc.energyGradeOld ?? null,
            new_purchase_category: doc.newPurchase?.category ?? null,
            new_purchase_energy_grade: doc.newPurchase?.energyGrade ?? null,
            new_purchase_water_grade: doc.newPurchase?.waterGrade ?? null,
            ...newPurchasePrices(doc),
            created_at: now,
          },
          subject: subjectId === undefined ? null : { id: subjectId, sealed: cipher.seal(subjectId, doc.subjectRef!) },
          // The platform holds the new ticket first; one naming a recycler hands it over at once.
          recyclerId: doc.recycler ?? null,
        };
      }),
    );
  }
  if (stamp.kind === 'inspection') {
    return submissions.storeInspections(
      tx,
      stamp,
      planned.map((p) => {
        const doc = p.document as unknown as InspectionV1;
        return {
          submission: p.row,
          row: {
            id: p.row.target_id!,
            record_id: p.recordId!,
            recycler_id: partyId,
            grade: doc.grade,
            grade_scheme: doc.gradeScheme ?? null,
            grade_value: doc.gradeValue ?? null,
            inspected_month: month(doc.inspectedMonth),
            faults: [...(doc.faults ?? [])],
            battery_health_pct: doc.batteryHealthPct ?? null,
            battery_cycles: doc.batteryCycles ?? null,
            repair_history: doc.repairHistory ?? null,
            lock_status: doc.lockStatus ?? null,
            final_valuation_fen: doc.finalValuationFen === undefined ? null : String(doc.finalValuationFen),
            data_wipe: storedDataWipe(context.secret, partyId, doc.dataWipe as Record<string, unknown> | undefined),
            created_at: now,
          },
        };
      }),
    );
  }
  if (stamp.kind === 'disposition') {
    return submissions.storeDispositions(
      tx,
      stamp,
      planned.map((p) => {
        const doc = p.document as unknown as DispositionV1;
        return {
          submission: p.row,
          row: {
            id: p.row.target_id!,
            record_id: p.recordId!,
            recycler_id: partyId,
            disposition: doc.disposition,
            completed_month: month(doc.completedMonth),
            weight_kg: doc.weightKg === undefined ? null : String(doc.weightKg),
            materials_kg: (doc.materialsKg as Record<string, number> | undefined) ?? null,
            refrigerant_type: doc.refrigerant?.type ?? null,
            refrigerant_recovered_g: doc.refrigerant?.recoveredG ?? null,
            processor_licensed: doc.processorLicensed ?? null,
            created_at: now,
          },
        };
      }),
    );
  }
  return submissions.claimSubmissionKeys(
    tx,
    planned.map((p) => p.row),
  );
}

/** Writes the claimed wipe attestations and issues their certificates (`src/wipes`). */
async function storeClaimedWipeAttestations(tx: DbOrTx, context: IngestContext, partyId: string, stored: Planned[], now: Date): Promise<void> {
  if (context.certificates === undefined) throw new Error('wipe attestations need the hub signing key to issue certificates');
  await storeWipeAttestations(
    tx,
    context.certificates,
    partyId,
    stored.map((p) => ({
      id: p.row.target_id!,
      ticket: { ticketId: p.row.ticket_id!, recordId: p.recordId!, holderId: p.holderId! },
      document: p.document as unknown as WipeAttestation,
    })),
    now,
  );
}

/** Writes the claimed catalogue entries; trade-ins of these models that came before them join their figures now. */
async function storeCatalogueModels(tx: DbOrTx, context: IngestContext, partyId: string, stored: Planned[], now: Date): Promise<void> {
  const month = (value: string) => `${value}-01`;
  const entries = stored.map((p) => p.document as unknown as CatalogueV1);
  await records.insertCatalogueModels(
    tx,
    entries.map((doc) => ({
      brand: doc.brand,
      model: doc.model,
      model_key: normaliseModelName(doc.model).key,
      category: doc.category,
      launch_month: month(doc.launchMonth),
      launch_price_fen: String(doc.launchPriceFen),
      weight_kg: doc.weightKg === undefined ? null : String(doc.weightKg),
      spec: (doc.spec as Record<string, number> | undefined) ?? null,
      party_id: partyId,
      created_at: now,
    })),
  );
  await attachCataloguedModels(
    tx,
    context.secret,
    entries.map((doc) => ({ brand: doc.brand, model: doc.model, storageGb: doc.spec?.storageGb ?? null })),
  );
}

/** A tradein.v2's new-purchase prices as stored (fen, text for bigint); null for v1 and without a new purchase. */
function newPurchasePrices(doc: TradeInV1 | TradeInV2): { new_purchase_list_price_fen: string | null; new_purchase_paid_price_fen: string | null } {
  const purchase = doc.newPurchase;
  if (purchase === undefined || !('listPriceFen' in purchase)) return { new_purchase_list_price_fen: null, new_purchase_paid_price_fen: null };
  return { new_purchase_list_price_fen: String(purchase.listPriceFen), new_purchase_paid_price_fen: String(purchase.paidPriceFen) };
}

/** The record's spec: the document's, completed with storage and memory its model name stated. */
function recordSpec(spec: Record<string, number> | undefined, named: { storageGb?: number; ramGb?: number }): Record<string, number> | null {
  const merged = {
    ...(named.storageGb === undefined ? {} : { storageGb: named.storageGb }),
    ...(named.ramGb === undefined ? {} : { ramGb: named.ramGb }),
    ...spec,
  };
  return Object.keys(merged).length === 0 ? null : merged;
}

/** The wipe as stored: its certificate reference only as a keyed hash, like every externalRef. */
function storedDataWipe(secret: Buffer, partyId: string, wipe: Record<string, unknown> | undefined): Record<string, unknown> | null {
  if (wipe === undefined) return null;
  const { certificateRef, ...rest } = wipe;
  if (typeof certificateRef !== 'string') return rest;
  return { ...rest, certificateRefHash: keyedHash(secret, 'certificate', partyId, certificateRef).toString('base64url') };
}

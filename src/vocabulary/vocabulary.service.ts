import type { DbOrTx } from '../db/database.ts';
import { keyedHash } from '../hub-keys/keyed-hash.ts';
import type { PartyRole } from '../parties/parties.table.ts';
import { findPiiInText } from '../privacy/scan-text.ts';
import { BRAND_ID_PATTERN, createBrandRegistry, isBrandNameShaped, type BrandRegistry } from './brand-names.ts';
import type { DocumentKind } from '../documents/document-kinds.ts';
import { checkDocumentVocabulary, type DocumentVocabularies, type VocabularyCheck } from './document-vocabulary.ts';
import { PROPRIETARY_VALUE_PATTERN } from './grade-vocabularies.ts';
import { normaliseModelName } from './model-names.ts';
import { SHIPPED_BRANDS, type BrandEntry } from './shipped-brands.ts';
import * as vocabulary from './vocabulary.repository.ts';
import { HubError } from '../errors/hub-errors.ts';

export type VocabularyRegistrationCode =
  | 'vocabulary.brand_id_taken'
  | 'vocabulary.brand_name_taken'
  | 'vocabulary.bad_brand_id'
  | 'vocabulary.bad_brand_name'
  | 'vocabulary.bad_grade_value'
  | 'vocabulary.too_many_values';

/** A registration the hub refuses; the message names the field and the rule, never the value. */
export class VocabularyError extends HubError {
  override readonly name = 'VocabularyError';
  constructor(
    override readonly code: VocabularyRegistrationCode,
    message: string,
  ) {
    super(code, message);
  }
}

/** Shipped brands plus the registered ones, read in the caller's transaction or connection. */
export async function loadBrandRegistry(db: DbOrTx): Promise<BrandRegistry> {
  return createBrandRegistry([...SHIPPED_BRANDS, ...(await vocabulary.listRegisteredBrands(db))]);
}

const SHIPPED_VOCABULARIES: DocumentVocabularies = { brands: createBrandRegistry(SHIPPED_BRANDS), proprietaryGradeValues: new Set() };
// Refusals that a vocabulary held in the database (registered brands, a recycler's own grades) may lift.
const DATABASE_VOCABULARY_CODES: ReadonlySet<string> = new Set(['vocabulary.unknown_brand', 'vocabulary.unknown_grade_value']);

/**
 * Checks documents of one submitter against the vocabularies (checkDocumentVocabulary). The shipped
 * vocabularies answer almost every document without a query; only when one names something they do not
 * hold are the registered brands and the recycler's own grade values read, and those documents checked again.
 */
export async function checkVocabularies(
  db: DbOrTx,
  submitter: { partyId: string; role: PartyRole },
  kind: DocumentKind,
  documents: ReadonlyMap<number, Record<string, unknown>>,
): Promise<Map<number, VocabularyCheck>> {
  const checks = new Map<number, VocabularyCheck>();
  const again: number[] = [];
  for (const [index, document] of documents) {
    const check = checkDocumentVocabulary(kind, document, SHIPPED_VOCABULARIES);
    checks.set(index, check);
    if (!check.ok && check.errors.some((error) => DATABASE_VOCABULARY_CODES.has(error.code))) again.push(index);
  }
  if (again.length === 0) return checks;
  const [brands, proprietary] = await Promise.all([
    loadBrandRegistry(db),
    submitter.role === 'recycler' ? vocabulary.listProprietaryGradeValues(db, submitter.partyId) : Promise.resolve([]),
  ]);
  const held: DocumentVocabularies = { brands, proprietaryGradeValues: new Set(proprietary) };
  for (const index of again) checks.set(index, checkDocumentVocabulary(kind, documents.get(index)!, held));
  return checks;
}

/**
 * The keyed hash an uncatalogued model is kept as: HMAC of (brand id, match key) under the hub secret, so
 * the same model from any platform counts together, and the catalogue entry that names it later finds it.
 */
export function unlistedModelHash(secret: Uint8Array, brand: string, modelKey: string): Buffer {
  return keyedHash(secret, 'unlisted-model', brand, modelKey);
}

export interface ResolvedModel {
  /** The catalogue's name, or null (then `modelHash`). */
  model: string | null;
  modelHash: Buffer | null;
  /** Storage and memory the name stated, for the record's spec. */
  storageGb?: number;
  ramGb?: number;
}

/**
 * Resolves trade-in model names against their brand's catalogue (one query for the batch). A name the
 * catalogue does not hold becomes a keyed hash: the text is never stored. Among catalogue entries with the
 * same key, the one whose stated storage matches wins, else the first by name.
 */
export async function resolveModels(db: DbOrTx, secret: Uint8Array, items: readonly { brand: string; model: string }[]): Promise<ResolvedModel[]> {
  const names = items.map((item) => ({ brand: item.brand, name: normaliseModelName(item.model) }));
  const matches = await vocabulary.findCatalogueModelsByKey(
    db,
    names.map((n) => ({ brand: n.brand, key: n.name.key })),
  );
  const byKey = new Map<string, vocabulary.CatalogueMatch[]>();
  for (const match of matches) {
    const key = `${match.brand}\u0000${match.model_key}`;
    byKey.set(key, [...(byKey.get(key) ?? []), match]);
  }
  return names.map(({ brand, name }) => {
    const spec = { ...(name.storageGb === undefined ? {} : { storageGb: name.storageGb }), ...(name.ramGb === undefined ? {} : { ramGb: name.ramGb }) };
    const candidates = byKey.get(`${brand}\u0000${name.key}`) ?? [];
    const chosen = candidates.find((c) => (c.storage_gb ?? normaliseModelName(c.model).storageGb) === name.storageGb) ?? candidates[0];
    if (chosen !== undefined) return { model: chosen.model, modelHash: null, ...spec };
    return { model: null, modelHash: unlistedModelHash(secret, brand, name.key), ...spec };
  });
}

/**
 * Resolves the unlisted records that newly catalogued models name, in the catalogue ingest's transaction:
 * first records whose storage matches the entry's, then any left with the same key.
 */
export async function attachCataloguedModels(
  db: DbOrTx,
  secret: Uint8Array,
  entries: readonly { brand: string; model: string; storageGb: number | null }[],
): Promise<number> {
  let resolved = 0;
  const keyed = entries.map((entry) => {
    const name = normaliseModelName(entry.model);
    return { ...entry, storageGb: entry.storageGb ?? name.storageGb ?? null, modelHash: unlistedModelHash(secret, entry.brand, name.key) };
  });
  for (const entry of keyed.filter((e) => e.storageGb !== null)) resolved += await vocabulary.attachUnlistedRecords(db, entry);
  for (const entry of keyed) resolved += await vocabulary.attachUnlistedRecords(db, { ...entry, storageGb: null });
  return resolved;
}

/** The operator's list of models brands should catalogue: hashes only, with their brand and count. */
export async function unlistedModels(db: DbOrTx, limit: number): Promise<{ brand: string; modelHash: string; records: number }[]> {
  const rows = await vocabulary.listUnlistedModels(db, limit);
  return rows.map((row) => ({ brand: row.brand, modelHash: Buffer.from(row.model_hash).toString('base64url'), records: row.records }));
}

const MAX_ALIASES = 10;
const MAX_GRADE_VALUES = 100;

/** A name passes when it is shaped like a brand name and no detector fires on it. */
function isAcceptableName(text: string): boolean {
  return isBrandNameShaped(text) && findPiiInText(text).length === 0;
}

/**
 * Registers a brand for a brand party. The id and every name must be new to the registry (shipped and
 * registered), shaped like a brand name and free of personal data. Throws VocabularyError.
 */
export async function registerBrand(
  db: DbOrTx,
  party: { partyId: string },
  input: { id: string; nameZh: string; nameEn: string; aliases: readonly string[] },
  now: Date,
): Promise<BrandEntry> {
  if (!BRAND_ID_PATTERN.test(input.id)) throw new VocabularyError('vocabulary.bad_brand_id', 'id must be 2–32 lowercase letters, digits and hyphens');
  if (input.aliases.length > MAX_ALIASES) throw new VocabularyError('vocabulary.too_many_values', `aliases must number at most ${MAX_ALIASES}`);
  const names = [input.nameZh, input.nameEn, ...input.aliases];
  if (!names.every(isAcceptableName)) {
    throw new VocabularyError('vocabulary.bad_brand_name', "names must be letters, CJK, digits, spaces and - . & ' (at most 32) and hold no personal data");
  }
  const registry = await loadBrandRegistry(db);
  if (registry.entries.some((entry) => entry.id === input.id))
    throw new VocabularyError('vocabulary.brand_id_taken', 'id must not be a brand the hub already knows');
  if (names.some((name) => registry.resolve(name) !== undefined)) {
    throw new VocabularyError('vocabulary.brand_name_taken', 'names must not be a name or alias of a brand the hub already knows');
  }
  const entry: BrandEntry = {
    id: input.id,
    nameZh: input.nameZh.normalize('NFKC').trim(),
    nameEn: input.nameEn.normalize('NFKC').trim(),
    aliases: input.aliases.map((a) => a.normalize('NFKC').trim()),
  };
  const inserted = await vocabulary.insertRegisteredBrand(db, {
    id: entry.id,
    name_zh: entry.nameZh,
    name_en: entry.nameEn,
    aliases: [...entry.aliases],
    party_id: party.partyId,
    created_at: now,
  });
  if (!inserted) throw new VocabularyError('vocabulary.brand_id_taken', 'id must not be a brand the hub already knows');
  return entry;
}

/**
 * Adds values to a recycler's proprietary grading scheme (idempotent). Each value is 1–16 letters, digits,
 * CJK, spaces, + or -, and free of personal data. Returns the scheme's values. Throws VocabularyError.
 */
export async function registerGradingScheme(db: DbOrTx, recycler: { partyId: string }, values: readonly string[], now: Date): Promise<string[]> {
  const plain = [...new Set(values.map((v) => v.normalize('NFKC').trim().replace(/\s+/gu, ' ')))];
  if (plain.length === 0 || plain.length > MAX_GRADE_VALUES)
    throw new VocabularyError('vocabulary.too_many_values', `values must number 1 to ${MAX_GRADE_VALUES}`);
  if (!plain.every((value) => PROPRIETARY_VALUE_PATTERN.test(value) && findPiiInText(value).length === 0)) {
    throw new VocabularyError('vocabulary.bad_grade_value', 'values must be 1–16 letters, digits, CJK, spaces, + or - and hold no personal data');
  }
  await vocabulary.insertProprietaryGradeValues(
    db,
    plain.map((value) => ({ recycler_id: recycler.partyId, value, created_at: now })),
  );
  return vocabulary.listProprietaryGradeValues(db, recycler.partyId);
}

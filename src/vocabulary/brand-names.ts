import type { BrandEntry } from './shipped-brands.ts';

/**
 * The form a brand name is looked up by: compatibility forms folded (full-width Ｈｕａｗｅｉ → Huawei),
 * lowercase, and every space, hyphen, dot, underscore and middle dot removed, so "Little Swan",
 * "LITTLE-SWAN" and "littleswan" are one name. Pure; never throws.
 */
export function brandLookupKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_.·・'’&]+/gu, '');
}

/** Canonical brand ids: what records, the catalogue and the registry store. */
export const BRAND_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,31}$/;

/** A brand name or alias a party may register: letters, CJK, digits, spaces and `- . & '`, at most 32. */
const BRAND_NAME_PATTERN = /^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff .&'-]{0,31}$/u;

/** Whether `text` (after NFKC) is shaped like a brand name; the detectors run on it as well. */
export function isBrandNameShaped(text: string): boolean {
  return BRAND_NAME_PATTERN.test(text.normalize('NFKC'));
}

/** The brands the hub knows: shipped and registered. Built once per batch; resolving is a map look-up. */
export interface BrandRegistry {
  /** The canonical id of a brand name, id or alias; undefined when the hub does not know it. */
  resolve(text: string): string | undefined;
  /** Every entry, for display names. */
  readonly entries: readonly BrandEntry[];
}

/**
 * Builds a registry from entries (shipped first, registered after). A name that two entries claim keeps
 * its first owner, so a registered brand can never take over a shipped brand's name.
 */
export function createBrandRegistry(entries: readonly BrandEntry[]): BrandRegistry {
  const byKey = new Map<string, string>();
  for (const entry of entries) {
    for (const name of [entry.id, entry.nameZh, entry.nameEn, ...entry.aliases]) {
      const key = brandLookupKey(name);
      if (key !== '' && !byKey.has(key)) byKey.set(key, entry.id);
    }
  }
  return {
    entries,
    resolve: (text) => byKey.get(brandLookupKey(text)),
  };
}

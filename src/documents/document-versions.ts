import { readFileSync } from 'node:fs';
import { HubError } from '../errors/hub-errors.ts';
import { projectFile } from '../project-root.ts';
import { DOCUMENT_KINDS, isDocumentKind, type DocumentKind } from './document-kinds.ts';

/**
 * The versions of each document kind and their acceptance windows, from `schema/document-versions.json`
 * (the machine-readable catalogue partners read too). A kind evolves by adding a version beside the old one;
 * the old one gets `acceptedUntil` and a `successor`, and is refused after that instant.
 */
export interface DocumentVersion {
  readonly kind: DocumentKind;
  readonly version: number;
  /** File name in `schema/`; also the last segment of the schema's `$id`. */
  readonly schema: string;
  /** Accepted from this instant (inclusive); always when absent. */
  readonly acceptedFrom?: Date;
  /** Accepted until this instant (exclusive); for ever when absent. */
  readonly acceptedUntil?: Date;
  /** Since when the version is announced as deprecated (its successor exists). */
  readonly deprecatedFrom?: Date;
  readonly successor?: number;
}

/** Submissions that name no version are version 1: the clients written before versions existed. */
export const DEFAULT_DOCUMENT_VERSION = 1;

/** A versioned document's name as the standard writes it: `tradein.v2`. */
export function documentName(kind: DocumentKind, version: number): string {
  return `${kind}.v${version}`;
}

/** The catalogue's file, read at start-up; a malformed one stops the hub naming the entry and the rule. */
export const DOCUMENT_VERSIONS_FILE = projectFile('schema/document-versions.json');

function fail(where: string, rule: string): never {
  throw new Error(`schema/document-versions.json: ${where} ${rule}`);
}

function instant(value: unknown, where: string): Date | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    fail(where, 'must be an ISO 8601 instant with its offset');
  }
  return new Date(value);
}

/** Parses the catalogue (exported for tests of its rules); every kind must list version 1. */
export function parseDocumentVersions(catalogue: unknown): ReadonlyMap<DocumentKind, readonly DocumentVersion[]> {
  const kinds = (catalogue as { kinds?: unknown } | null)?.kinds;
  if (kinds === null || typeof kinds !== 'object') fail('kinds', 'must be an object');
  const byKind = new Map<DocumentKind, DocumentVersion[]>();
  for (const [kind, entries] of Object.entries(kinds as Record<string, unknown>)) {
    if (!isDocumentKind(kind)) fail(`kinds.${kind}`, 'must be a document kind');
    if (!Array.isArray(entries) || entries.length === 0) fail(`kinds.${kind}`, 'must list its versions');
    const versions = entries.map((entry: Record<string, unknown>, i): DocumentVersion => {
      const where = `kinds.${kind}[${i}]`;
      if (!Number.isInteger(entry.version) || (entry.version as number) < 1) fail(`${where}.version`, 'must be a positive integer');
      if (typeof entry.schema !== 'string' || !/^[a-z0-9.-]+\.json$/.test(entry.schema)) fail(`${where}.schema`, 'must be a file name in schema/');
      const acceptedFrom = instant(entry.acceptedFrom, `${where}.acceptedFrom`);
      const acceptedUntil = instant(entry.acceptedUntil, `${where}.acceptedUntil`);
      const deprecatedFrom = instant(entry.deprecatedFrom, `${where}.deprecatedFrom`);
      if (acceptedFrom && acceptedUntil && acceptedFrom >= acceptedUntil) fail(`${where}.acceptedUntil`, 'must be after acceptedFrom');
      if (acceptedUntil !== undefined && entry.successor === undefined)
        fail(`${where}.successor`, 'must name the version to move to when acceptedUntil is set');
      return {
        kind,
        version: entry.version as number,
        schema: entry.schema,
        ...(acceptedFrom ? { acceptedFrom } : {}),
        ...(acceptedUntil ? { acceptedUntil } : {}),
        ...(deprecatedFrom ? { deprecatedFrom } : {}),
        ...(entry.successor === undefined ? {} : { successor: entry.successor as number }),
      };
    });
    const numbers = versions.map((v) => v.version);
    if (new Set(numbers).size !== numbers.length || numbers[0] !== 1) fail(`kinds.${kind}`, 'must list distinct versions starting with 1');
    for (const v of versions) {
      if (v.successor !== undefined && !numbers.includes(v.successor)) fail(`kinds.${kind} v${v.version}.successor`, 'must be a listed version');
    }
    byKind.set(kind, versions);
  }
  for (const kind of DOCUMENT_KINDS) if (!byKind.has(kind)) fail(`kinds.${kind}`, 'must be listed');
  return byKind;
}

/** Every kind's versions, in the catalogue's order. */
export const DOCUMENT_VERSIONS: ReadonlyMap<DocumentKind, readonly DocumentVersion[]> = parseDocumentVersions(
  JSON.parse(readFileSync(DOCUMENT_VERSIONS_FILE, 'utf8')),
);

/** Every (kind, version) the catalogue lists. */
export const ALL_DOCUMENT_VERSIONS: readonly DocumentVersion[] = [...DOCUMENT_VERSIONS.values()].flat();

export function findDocumentVersion(kind: DocumentKind, version: number): DocumentVersion | undefined {
  return DOCUMENT_VERSIONS.get(kind)?.find((entry) => entry.version === version);
}

/** A version outside its window, or one the standard does not define: the whole call is refused. */
export class DocumentVersionError extends HubError {
  override readonly name = 'DocumentVersionError';
  constructor(
    readonly kind: DocumentKind,
    readonly version: number,
    code: 'document.unknown_version' | 'document.version_not_accepted',
    message: string,
    readonly acceptedFrom: Date | null = null,
    readonly acceptedUntil: Date | null = null,
    readonly successor: number | null = null,
  ) {
    super(code, message);
  }
}

/**
 * Whether a (kind, version) may be submitted at `at` (pure): undefined when it may; otherwise the typed
 * error naming the kind, the version and the rule (its window, and the successor to use).
 */
export function versionRefusal(kind: DocumentKind, version: number, at: Date): DocumentVersionError | undefined {
  const name = documentName(kind, version);
  const entry = findDocumentVersion(kind, version);
  if (entry === undefined) {
    const known = (DOCUMENT_VERSIONS.get(kind) ?? []).map((v) => v.version).join(', ');
    return new DocumentVersionError(
      kind,
      version,
      'document.unknown_version',
      `version must be one the standard defines for ${kind} (${known}); ${name} is not`,
    );
  }
  const window = (e: DocumentVersion) => [e.acceptedFrom ?? null, e.acceptedUntil ?? null, e.successor ?? null] as const;
  if (entry.acceptedUntil !== undefined && at >= entry.acceptedUntil) {
    return new DocumentVersionError(
      kind,
      version,
      'document.version_not_accepted',
      `${name} must be submitted before ${entry.acceptedUntil.toISOString()}, the end of its acceptance window; submit ${documentName(kind, entry.successor!)}`,
      ...window(entry),
    );
  }
  if (entry.acceptedFrom !== undefined && at < entry.acceptedFrom) {
    return new DocumentVersionError(
      kind,
      version,
      'document.version_not_accepted',
      `${name} must be submitted from ${entry.acceptedFrom.toISOString()}, the start of its acceptance window`,
      ...window(entry),
    );
  }
  return undefined;
}

/** The version's deprecation notice at `at`, for answers to tell a client to move on before the window closes. */
export function deprecationOf(kind: DocumentKind, version: number, at: Date): { acceptedUntil: Date; successor: number } | undefined {
  const entry = findDocumentVersion(kind, version);
  if (entry?.acceptedUntil === undefined || entry.successor === undefined) return undefined;
  if (entry.deprecatedFrom !== undefined && at < entry.deprecatedFrom) return undefined;
  return { acceptedUntil: entry.acceptedUntil, successor: entry.successor };
}

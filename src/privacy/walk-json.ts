/**
 * Depth-first walk over a parsed JSON document that tracks two paths per node:
 * - `pointer`: the JSON Pointer shown in findings (array indices included, unsafe property names
 *   replaced, see property-path.ts);
 * - `fieldKey`: the schema-level pointer used to look up exemptions (array indices dropped,
 *   property names escaped but kept verbatim, since it is never shown).
 */
import { displayTokenForProperty, escapePointerToken } from './property-path.ts';

export interface JsonLocation {
  /** Computed on first read: most locations are never shown, and making a name echo-safe runs the detectors. */
  readonly pointer: string;
  readonly fieldKey: string;
}

// A location keeps its parent and its own token; the shown pointer is built only when a finding asks.
class LazyLocation implements JsonLocation {
  #pointer: string | undefined;
  constructor(
    private readonly parent: LazyLocation | undefined,
    private readonly token: string | number,
    readonly fieldKey: string,
  ) {}

  get pointer(): string {
    if (this.#pointer === undefined) {
      const own = typeof this.token === 'number' ? String(this.token) : displayTokenForProperty(this.token);
      this.#pointer = this.parent === undefined ? '' : `${this.parent.pointer}/${own}`;
    }
    return this.#pointer;
  }
}

export interface JsonVisitor {
  /** Called for every property name, with the location of the property's value. */
  readonly property?: (name: string, at: JsonLocation) => void;
  /** Called for every string, number and bigint value. */
  readonly scalar?: (value: string | number | bigint, at: JsonLocation) => void;
}

/** Deeper documents are refused rather than walked, so a cyclic object cannot loop forever. */
export const MAX_JSON_DEPTH = 128;

/**
 * Visits every property name and scalar of `doc` in document order. Booleans, null and
 * undefined are skipped. Failure mode: throws a RangeError when nesting exceeds MAX_JSON_DEPTH
 * (which also catches cyclic objects); the caller must treat that as a rejection.
 */
export function walkJson(doc: unknown, visitor: JsonVisitor): void {
  visit(doc, new LazyLocation(undefined, '', ''), visitor, 0);
}

function visit(node: unknown, at: LazyLocation, visitor: JsonVisitor, depth: number): void {
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') {
    visitor.scalar?.(node, at);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if (depth >= MAX_JSON_DEPTH) throw new RangeError(`document must not nest deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      visit(node[i], new LazyLocation(at, i, at.fieldKey), visitor, depth + 1);
    }
    return;
  }
  for (const name of Object.keys(node)) {
    const child = new LazyLocation(at, name, `${at.fieldKey}/${escapePointerToken(name)}`);
    visitor.property?.(name, child);
    visit((node as Record<string, unknown>)[name], child, visitor, depth + 1);
  }
}

/**
 * Splits a JSON text into the elements of one array — the top-level array, or the array under a top-level
 * key (`{"exportedAt": …, "orders": [ {…}, {…} ]}`) — while it arrives in chunks, so a platform export of
 * any size is read in constant memory: only the element being read is buffered. Each element's text is
 * handed to JSON.parse on its own. The rest of the file is scanned for structure only.
 */
export type JsonArrayElement = { ok: true; value: unknown } | { ok: false };

export class JsonArrayStreamError extends Error {
  override readonly name = 'JsonArrayStreamError';
  constructor(
    readonly code: 'push.bad_json',
    message: string,
  ) {
    super(message);
  }
}

// Keys longer than this cannot be the one we look for, so their text is not kept.
const MAX_KEY_LENGTH = 256;

export class JsonArrayElementSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private phase: 'seeking' | 'array' | 'done' = 'seeking';
  private started = false;
  // Seeking: the text of the string being read at depth 1, and the key the next value belongs to.
  private keyText: string[] | undefined;
  private keyLength = 0;
  private lastString: string | undefined;
  private currentKey: string | undefined;
  // Inside the array: the element being read, as chunk slices.
  private elementParts: string[] = [];
  private inElement = false;

  /** @param arrayKey the top-level key whose array holds the rows; null for a top-level array. */
  constructor(private readonly arrayKey: string | null) {}

  /** Feeds the next chunk; returns the elements completed in it, in order. */
  push(chunk: string): JsonArrayElement[] {
    const elements: JsonArrayElement[] = [];
    let sliceStart = this.inElement ? 0 : -1;
    for (let i = 0; i < chunk.length; i += 1) {
      const ch = chunk[i]!;
      if (this.phase === 'done') break;
      if (this.inString) {
        if (this.keyText !== undefined && this.keyLength < MAX_KEY_LENGTH) {
          this.keyText.push(ch);
          this.keyLength += 1;
        }
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') {
          this.inString = false;
          if (this.keyText !== undefined) {
            this.lastString = this.keyLength < MAX_KEY_LENGTH ? this.decodeKey(this.keyText.join('')) : undefined;
            this.keyText = undefined;
          }
        }
        continue;
      }
      if (!this.started) {
        if (ch === '\uFEFF' || /\s/.test(ch)) continue;
        this.started = true;
        if (this.arrayKey === null ? ch !== '[' : ch !== '{') {
          throw new JsonArrayStreamError(
            'push.bad_json',
            this.arrayKey === null ? 'file must hold a JSON array' : `file must hold a JSON object with the array ${this.arrayKey}`,
          );
        }
      }
      if (this.phase === 'array' && this.depth === this.arrayDepth()) {
        if (!this.inElement) {
          // Between elements, directly inside the rows array.
          if (ch === ']') {
            this.phase = 'done';
            continue;
          }
          if (ch === ',' || /\s/.test(ch)) continue;
          this.inElement = true;
          sliceStart = i;
        } else if (ch === ',' || ch === ']') {
          this.elementParts.push(chunk.slice(sliceStart, i));
          elements.push(this.finishElement());
          sliceStart = -1;
          if (ch === ']') this.phase = 'done';
          continue;
        }
      }
      switch (ch) {
        case '"':
          this.inString = true;
          if (this.phase === 'seeking' && this.depth === 1 && this.arrayKey !== null) {
            this.keyText = [];
            this.keyLength = 0;
          }
          break;
        case ':':
          if (this.phase === 'seeking' && this.depth === 1) this.currentKey = this.lastString;
          break;
        case ',':
          if (this.phase === 'seeking' && this.depth === 1) this.currentKey = undefined;
          break;
        case '{':
        case '[': {
          const opensRows =
            this.phase === 'seeking' && ch === '[' && (this.arrayKey === null ? this.depth === 0 : this.depth === 1 && this.currentKey === this.arrayKey);
          this.depth += 1;
          if (opensRows) this.phase = 'array';
          break;
        }
        case '}':
        case ']':
          this.depth -= 1;
          if (this.depth < 0) throw new JsonArrayStreamError('push.bad_json', 'file must be well-formed JSON');
          break;
        default:
          break;
      }
    }
    if (this.inElement && sliceStart >= 0) this.elementParts.push(chunk.slice(sliceStart));
    return elements;
  }

  /** Call after the last chunk: throws when the file ended before the array did. */
  end(): void {
    if (this.phase === 'seeking') {
      throw new JsonArrayStreamError(
        'push.bad_json',
        this.arrayKey === null ? 'file must hold a JSON array' : `file must hold a JSON object with the array ${this.arrayKey}`,
      );
    }
    if (this.phase === 'array') throw new JsonArrayStreamError('push.bad_json', 'file must not end inside the array (truncated file?)');
  }

  private arrayDepth(): number {
    return this.arrayKey === null ? 1 : 2;
  }

  private finishElement(): JsonArrayElement {
    const text = this.elementParts.join('');
    this.elementParts = [];
    this.inElement = false;
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      // JSON.parse's message quotes the text; the row is reported by number only.
      return { ok: false };
    }
  }

  private decodeKey(quoted: string): string | undefined {
    try {
      return JSON.parse(`"${quoted}`) as string;
    } catch {
      return undefined;
    }
  }
}

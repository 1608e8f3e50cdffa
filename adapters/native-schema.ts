/**
 * Reading an adapter's native.schema.json: which columns a file must have, which hold personal data, and
 * which column a document field came from (so a report of the privacy gate or the hub, which names a
 * JSON Pointer into the document, can also name the column the partner has to fix).
 */
export interface NativeColumn {
  readonly description: string;
  /** Document fields (JSON Pointers) the column feeds. */
  readonly 'x-field'?: readonly string[];
  /** The kind of personal data the column holds (name, phone, address, id-number, device-id, …). */
  readonly 'x-private'?: string;
}

export interface NativeSchema {
  readonly $id: string;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, NativeColumn>>;
}

/** Columns a file must have in its header (or every JSON row as keys). */
export function requiredColumns(schema: NativeSchema): readonly string[] {
  return schema.required ?? [];
}

/** Columns marked `x-private`: read by no adapter, and checked absent from every output by the tests. */
export function privateColumns(schema: NativeSchema): readonly string[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, column]) => column['x-private'] !== undefined)
    .map(([name]) => name);
}

/**
 * The native column behind a document JSON Pointer: the first column whose x-field is the pointer (array
 * indices dropped) or its nearest ancestor. Undefined when no column feeds it (e.g. a constant).
 */
export function columnForPointer(schema: NativeSchema, pointer: string): string | undefined {
  const segments = pointer
    .split('/')
    .slice(1)
    .filter((segment) => !/^\d+$/.test(segment));
  const columns = Object.entries(schema.properties ?? {}).filter(([, column]) => column['x-private'] === undefined);
  for (let length = segments.length; length > 0; length -= 1) {
    const candidate = `/${segments.slice(0, length).join('/')}`;
    const found = columns.find(([, column]) => column['x-field']?.includes(candidate));
    if (found !== undefined) return found[0];
  }
  return undefined;
}

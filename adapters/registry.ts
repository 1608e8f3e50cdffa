import type { DocumentKind } from '../src/documents/document-kinds.ts';
import type { Adapter } from './adapter.ts';
import { brandCatalogueCsv } from './brand-catalogue-csv/brand-catalogue-csv.adapter.ts';
import brandCatalogueNative from './brand-catalogue-csv/native.schema.json' with { type: 'json' };
import { dismantlerDispositionsCsv } from './dismantler-dispositions-csv/dismantler-dispositions-csv.adapter.ts';
import dismantlerDispositionsNative from './dismantler-dispositions-csv/native.schema.json' with { type: 'json' };
import { mappedCsv } from './mapped-csv/mapped-csv.adapter.ts';
import mappedNative from './mapped-csv/native.schema.json' with { type: 'json' };
import type { NativeSchema } from './native-schema.ts';
import platformOrdersNative from './platform-orders-json/native.schema.json' with { type: 'json' };
import { platformOrdersJson } from './platform-orders-json/platform-orders-json.adapter.ts';
import recyclerInspectionsNative from './recycler-inspections-csv/native.schema.json' with { type: 'json' };
import { recyclerInspectionsCsv } from './recycler-inspections-csv/recycler-inspections-csv.adapter.ts';

/** How a file is read: CSV with a header row, or a JSON file whose rows are the elements of one array. */
export type InputFormat = { readonly format: 'csv' } | { readonly format: 'json'; readonly arrayKey: string };

export interface AdapterEntry {
  readonly adapter: Adapter;
  readonly input: InputFormat;
  /** The document kind, or `from-mapping` when the partner's mapping names it (mapped-csv). */
  readonly kind: DocumentKind | 'from-mapping';
  readonly native: NativeSchema;
}

const CSV: InputFormat = { format: 'csv' };

/** Every adapter, one line each; the folder `adapters/<name>/` holds its code, native schema and fixtures. */
export const ADAPTERS: Readonly<Record<string, AdapterEntry>> = {
  'platform-orders-json': { adapter: platformOrdersJson, input: { format: 'json', arrayKey: 'orders' }, kind: 'tradein', native: platformOrdersNative },
  'recycler-inspections-csv': { adapter: recyclerInspectionsCsv, input: CSV, kind: 'inspection', native: recyclerInspectionsNative },
  'dismantler-dispositions-csv': { adapter: dismantlerDispositionsCsv, input: CSV, kind: 'disposition', native: dismantlerDispositionsNative },
  'brand-catalogue-csv': { adapter: brandCatalogueCsv, input: CSV, kind: 'catalogue', native: brandCatalogueNative },
  'mapped-csv': { adapter: mappedCsv, input: CSV, kind: 'from-mapping', native: mappedNative },
};

/** Narrows a name from the command line to a registered adapter. */
export function isAdapterName(name: string): boolean {
  return Object.hasOwn(ADAPTERS, name);
}

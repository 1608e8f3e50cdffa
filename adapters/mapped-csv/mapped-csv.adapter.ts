import type { DocumentKind } from '../../src/documents/document-kinds.ts';
import type { DocumentsByKind, GradeScheme } from '../../src/documents/documents.generated.ts';
import { AdapterOptionsError, type Adapter, type AdapterErrorCode, type AdapterOptions, type NativeRow, type RowMapper } from '../adapter.ts';
import { categoryFromWord } from '../shared/category-words.ts';
import { cellText } from '../shared/cell-text.ts';
import { parseFen } from '../shared/parse-fen.ts';
import { parseMonth } from '../shared/parse-month.ts';
import { parseDecimal, parseWholeNumber } from '../shared/parse-number.ts';
import { parsePercent } from '../shared/parse-percent.ts';
import { platformOption } from '../shared/platform-option.ts';
import { regionCode } from '../shared/region-code.ts';
import { RowErrors } from '../shared/row-errors.ts';
import {
  gradeValueOf,
  isCertificateRef,
  isKnownBrand,
  isModelName,
  SHIPPED_ADAPTER_VOCABULARIES,
  VOCABULARY_RULES,
  type AdapterVocabularies,
} from '../shared/vocabulary-cells.ts';
import { readMappingSpec, type ConstantValue, type FieldSource, type MappingSpec, type ParserName } from './mapping-spec.ts';

/**
 * Any CSV through a declarative YAML mapping, for partners without an adapter of their own. Only the
 * columns the mapping names are read (an allow-list), so a column the mapping does not mention — private
 * or not — never reaches a document. The mapping is checked once when the adapter is created. Every row
 * maps to the version the mapping declares (tradein.v2 with `version: 2`), and push sends it as that version.
 */

type ColumnSource = Extract<FieldSource, { kind: 'column' }>;
type Converted = { ok: true; value: unknown } | { ok: false; code: AdapterErrorCode; message: string };

// Which "unknown word" code a value table's miss gets, by field; other fields get adapter.unknown_value.
const UNKNOWN_WORD_CODES: Readonly<Record<string, AdapterErrorCode>> = {
  category: 'adapter.unknown_category',
  'newPurchase.category': 'adapter.unknown_category',
  grade: 'adapter.unknown_condition',
  faults: 'adapter.unknown_fault',
  disposition: 'adapter.unknown_disposition',
  channel: 'adapter.unknown_channel',
  'refrigerant.type': 'adapter.unknown_refrigerant',
  'dataWipe.standard': 'adapter.unknown_wipe_method',
  'dataWipe.level': 'adapter.unknown_wipe_method',
  'dataWipe.technique': 'adapter.unknown_wipe_method',
};

const PARSE_FAILURES: Readonly<Record<Exclude<ParserName, 'text' | 'region'>, { code: AdapterErrorCode; message: string }>> = {
  month: { code: 'adapter.bad_date', message: 'must be a real date or month such as 2021/3/15, 20210315, 2021年03月15日 or 2021-03' },
  fen: { code: 'adapter.bad_price', message: 'must be an amount in yuan such as ¥1,850.00 or 1850' },
  integer: { code: 'adapter.bad_number', message: 'must be a whole number' },
  number: { code: 'adapter.bad_number', message: 'must be a non-negative decimal number' },
  percent: { code: 'adapter.bad_percent', message: 'must be a whole percentage from 0% to 100%' },
  category: { code: 'adapter.unknown_category', message: 'must be a category word of the category table' },
};

function parseWord(field: string, source: ColumnSource, word: string): Converted {
  if (source.values !== undefined) {
    const key = word.replace(/\s+/g, '');
    if (source.values.has(key)) return { ok: true, value: source.values.get(key) };
    return { ok: false, code: UNKNOWN_WORD_CODES[field] ?? 'adapter.unknown_value', message: "must be a word of the mapping's value table" };
  }
  const parsed = ((): unknown => {
    switch (source.parse) {
      case 'text':
        return `${source.prefix ?? ''}${word}`;
      case 'month':
        return parseMonth(word);
      case 'fen':
        return parseFen(word);
      case 'integer':
        return parseWholeNumber(word);
      case 'number':
        return parseDecimal(word, source.scale);
      case 'percent':
        return parsePercent(word);
      case 'category':
        return categoryFromWord(word);
      case 'region':
        return undefined;
    }
  })();
  if (parsed !== undefined) return { ok: true, value: parsed };
  const failure = PARSE_FAILURES[source.parse as keyof typeof PARSE_FAILURES];
  return { ok: false, ...failure };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const child = node[segment];
    node = (child !== null && typeof child === 'object' ? child : (node[segment] = {})) as Record<string, unknown>;
  }
  node[segments.at(-1)!] = value;
}

function create(options: AdapterOptions): RowMapper<DocumentKind> {
  if (options.mapping === undefined) throw new AdapterOptionsError('the mapped-csv adapter needs a mapping (--mapping FILE)');
  const spec: MappingSpec = readMappingSpec(options.mapping);
  const usesPlatform = [...spec.fields.values()].some((source) => source.kind === 'option');
  const platform = usesPlatform ? platformOption(options) : undefined;
  const vocabularies = options.vocabularies ?? SHIPPED_ADAPTER_VOCABULARIES;

  return (record: NativeRow, row: number) => {
    const errors = new RowErrors(row);
    const document: Record<string, unknown> = {};
    for (const [field, source] of spec.fields) {
      if (source.kind === 'const') {
        setPath(document, field, source.value);
        continue;
      }
      if (source.kind === 'option') {
        setPath(document, field, platform);
        continue;
      }
      if (source.parse === 'region') {
        const region = regionCode(cellText(record[source.column]), source.city === undefined ? undefined : cellText(record[source.city]));
        if (!region.ok) {
          errors.add(
            region.column === 'city' && source.city !== undefined ? source.city : source.column,
            'adapter.unknown_region',
            'must name a province (and optionally a city) of GB/T 2260',
          );
        } else if (region.region !== undefined) {
          setPath(document, field, region.region.code);
        } else if (!source.optional) {
          errors.add(source.column, 'adapter.missing_value', 'must not be empty');
        }
        continue;
      }
      const text = cellText(record[source.column]);
      if (text === undefined) {
        if (source.split !== undefined) setPath(document, field, []);
        else if (!source.optional) errors.add(source.column, 'adapter.missing_value', 'must not be empty');
        continue;
      }
      const words =
        source.split === undefined
          ? [text]
          : text
              .split(source.split)
              .map((word) => word.trim())
              .filter((word) => word !== '');
      const values: ConstantValue[] = [];
      let failed = 0;
      let failure: Extract<Converted, { ok: false }> | undefined;
      for (const word of words) {
        const converted = parseWord(field, source, word);
        if (!converted.ok) {
          failed += 1;
          failure = converted;
        } else if (converted.value !== null) {
          values.push(converted.value as ConstantValue);
        }
      }
      if (failure !== undefined) {
        errors.add(source.column, failure.code, source.split === undefined ? failure.message : `${failure.message}; ${failed} item(s) are not`);
        continue;
      }
      if (source.split !== undefined) setPath(document, field, [...new Set(values)]);
      else if (values.length > 0) setPath(document, field, values[0]);
      else if (!source.optional) errors.add(source.column, 'adapter.missing_value', 'must not be empty');
    }
    checkVocabularyFields(spec, document, errors, vocabularies);
    return errors.result(() => document as unknown as DocumentsByKind[DocumentKind], spec.version);
  };
}

/**
 * Fields whose values the hub takes only from a vocabulary (brand, model, gradeValue, certificateRef),
 * checked by the hub's own rules; a miss is reported on the column the mapping read it from.
 */
function checkVocabularyFields(spec: MappingSpec, document: Record<string, unknown>, errors: RowErrors, vocabularies: AdapterVocabularies): void {
  const columnOf = (field: string): string | undefined => {
    const source = spec.fields.get(field);
    return source?.kind === 'column' ? source.column : undefined;
  };
  const check = (field: string, value: unknown, accepted: (text: string) => boolean, rule: { code: AdapterErrorCode; message: string }): void => {
    const column = columnOf(field);
    if (column !== undefined && typeof value === 'string' && !accepted(value)) errors.add(column, rule.code, rule.message);
  };
  check('brand', document.brand, (text) => isKnownBrand(text, vocabularies), VOCABULARY_RULES.brand);
  check('model', document.model, isModelName, VOCABULARY_RULES.model);
  if (typeof document.gradeScheme === 'string') {
    const scheme = document.gradeScheme as GradeScheme;
    check('gradeValue', document.gradeValue, (text) => gradeValueOf(scheme, text, vocabularies) !== undefined, VOCABULARY_RULES.gradeValue);
  }
  const wipe = document.dataWipe as Record<string, unknown> | undefined;
  check('dataWipe.certificateRef', wipe?.certificateRef, isCertificateRef, VOCABULARY_RULES.certificateRef);
}

export const mappedCsv: Adapter<DocumentKind> = { create };

import type { Disposition, DispositionV1, RefrigerantType } from '../../src/documents/documents.generated.ts';
import type { Adapter, AdapterOptions, NativeRow, RowMapper } from '../adapter.ts';
import { parseMonth } from '../shared/parse-month.ts';
import { parseDecimal, parseWholeNumber } from '../shared/parse-number.ts';
import { platformOption } from '../shared/platform-option.ts';
import { RowErrors } from '../shared/row-errors.ts';
import { RowReader } from '../shared/row-reader.ts';

/**
 * A dismantler's disposition sheet (CSV) → disposition.v1, naming the trade-in by the platform's order
 * number. The handler's name and ID number are never read.
 */
export const COLUMNS = {
  order: '平台订单号',
  disposition: '处置方式',
  completed: '完成日期',
  weight: '整机重量(kg)',
  steel: '钢(kg)',
  copper: '铜(kg)',
  aluminium: '铝(kg)',
  plastic: '塑料(kg)',
  refrigerant: '冷媒类型',
  recovered: '冷媒回收量(g)',
} as const;

const MATERIAL_COLUMNS = [
  ['steel', COLUMNS.steel],
  ['copper', COLUMNS.copper],
  ['aluminium', COLUMNS.aluminium],
  ['plastic', COLUMNS.plastic],
] as const;

/** The schema's Chinese names of the dispositions, and the short forms dismantlers write. */
const DISPOSITION_WORDS: Readonly<Record<string, Disposition>> = {
  直接转售: 'resold_as_is',
  转售: 'resold_as_is',
  翻新后销售: 'refurbished',
  翻新销售: 'refurbished',
  拆件再利用: 'parts_harvested',
  拆件: 'parts_harvested',
  拆解资源化: 'dismantled_recycled',
  拆解: 'dismantled_recycled',
  待处置: 'pending',
};

const REFRIGERANTS: readonly RefrigerantType[] = ['R12', 'R22', 'R134a', 'R410A', 'R32', 'R600a', 'R290'];
const refrigerantByKey = new Map<string, RefrigerantType>([
  ...REFRIGERANTS.map((type) => [type.toUpperCase(), type] as const),
  ['未知', 'unknown'],
  ['UNKNOWN', 'unknown'],
]);

/**
 * The disposition's own key, which the sheet lacks: derived from the order number and the outcome, so a
 * re-run sends the same key (the hub replays it) and a later outcome for the same device (待处置, then
 * 拆解资源化) is a new document rather than a conflict. Underscores are not allowed in externalRef.
 */
export function dispositionRef(order: string, disposition: Disposition): string {
  return `DP-${order}-${disposition.replaceAll('_', '-')}`;
}

function create(options: AdapterOptions): RowMapper<'disposition'> {
  const platform = platformOption(options);
  return (record: NativeRow, row: number) => {
    const errors = new RowErrors(row);
    const cells = new RowReader(record, errors);
    const decimal = (column: string) => cells.parse(column, parseDecimal, 'adapter.bad_number', 'must be a non-negative decimal number such as 21.181');

    const order = cells.required(COLUMNS.order);
    const disposition = cells.parse(
      COLUMNS.disposition,
      (word) => DISPOSITION_WORDS[word.replace(/\s+/g, '')],
      'adapter.unknown_disposition',
      'must be a disposition word (直接转售, 翻新后销售, 拆件再利用, 拆解资源化, 待处置)',
      { required: true },
    );
    const completedMonth = cells.parse(
      COLUMNS.completed,
      parseMonth,
      'adapter.bad_date',
      'must be a real date such as 2021/3/15, 20210315, 2021-03-15 or 2021年03月15日',
      { required: true },
    );
    const weightKg = decimal(COLUMNS.weight);
    const materials = MATERIAL_COLUMNS.flatMap(([material, column]) => {
      const kg = decimal(column);
      return kg === undefined ? [] : [[material, kg] as const];
    });

    const refrigerantType = cells.parse(
      COLUMNS.refrigerant,
      (text) => refrigerantByKey.get(text.replace(/[\s-]/g, '').toUpperCase()),
      'adapter.unknown_refrigerant',
      'must be a refrigerant type (R12, R22, R134a, R410A, R32, R600a, R290, 未知)',
    );
    const recoveredG = cells.parse(COLUMNS.recovered, parseWholeNumber, 'adapter.bad_number', 'must be a whole number of grams');
    if (cells.text(COLUMNS.recovered) !== undefined && cells.text(COLUMNS.refrigerant) === undefined) {
      errors.add(COLUMNS.refrigerant, 'adapter.missing_value', `must not be empty when ${COLUMNS.recovered} is given`);
    }

    return errors.result<'disposition'>(() => {
      const document: DispositionV1 = {
        externalRef: dispositionRef(order!, disposition!),
        tradeIn: { platform, externalRef: order! },
        disposition: disposition!,
        completedMonth: completedMonth!,
      };
      if (weightKg !== undefined) document.weightKg = weightKg;
      if (materials.length > 0) document.materialsKg = Object.fromEntries(materials);
      if (refrigerantType !== undefined) document.refrigerant = { type: refrigerantType, ...(recoveredG === undefined ? {} : { recoveredG }) };
      return document;
    });
  };
}

export const dismantlerDispositionsCsv: Adapter<'disposition'> = { create };

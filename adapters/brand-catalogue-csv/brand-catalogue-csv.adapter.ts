import type { CatalogueV1 } from '../../src/documents/documents.generated.ts';
import type { Adapter, AdapterOptions, NativeRow, RowMapper } from '../adapter.ts';
import { categoryFromWord } from '../shared/category-words.ts';
import { parseFen } from '../shared/parse-fen.ts';
import { parseMonth } from '../shared/parse-month.ts';
import { parseDecimal } from '../shared/parse-number.ts';
import { RowErrors } from '../shared/row-errors.ts';
import { RowReader } from '../shared/row-reader.ts';
import { readBrandCell, readModelCell, SHIPPED_ADAPTER_VOCABULARIES } from '../shared/vocabulary-cells.ts';

/** A brand's model list (CSV) → catalogue.v1. The sheet holds no personal data. */
export const COLUMNS = {
  brand: '品牌',
  model: '型号',
  category: '品类',
  launched: '上市时间',
  launchPrice: '首发价(元)',
  weight: '重量(g)',
} as const;

function create(options: AdapterOptions): RowMapper<'catalogue'> {
  const vocabularies = options.vocabularies ?? SHIPPED_ADAPTER_VOCABULARIES;
  return (record: NativeRow, row: number) => {
    const errors = new RowErrors(row);
    const cells = new RowReader(record, errors);

    const brand = readBrandCell(cells, COLUMNS.brand, vocabularies);
    const model = readModelCell(cells, COLUMNS.model);
    const category = cells.parse(COLUMNS.category, categoryFromWord, 'adapter.unknown_category', 'must be a category word of the category table', {
      required: true,
    });
    const launchMonth = cells.parse(COLUMNS.launched, parseMonth, 'adapter.bad_date', 'must be a month such as 2019-09 or a real date', { required: true });
    const launchPriceFen = cells.parse(COLUMNS.launchPrice, parseFen, 'adapter.bad_price', 'must be an amount in yuan such as 5999 or ¥5,999.00', {
      required: true,
    });
    // Grams in the sheet, kilograms in the standard: move the decimal point rather than divide a float.
    const weightKg = cells.parse(COLUMNS.weight, (text) => parseDecimal(text, -3), 'adapter.bad_number', 'must be a weight in grams such as 194');

    return errors.result<'catalogue'>(() => {
      const document: CatalogueV1 = { brand: brand!, model: model!, category: category!, launchMonth: launchMonth!, launchPriceFen: launchPriceFen! };
      if (weightKg !== undefined) document.weightKg = weightKg;
      return document;
    });
  };
}

export const brandCatalogueCsv: Adapter<'catalogue'> = { create };

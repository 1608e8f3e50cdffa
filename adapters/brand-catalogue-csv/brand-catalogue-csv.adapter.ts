import type { CatalogueV1 } from '../../src/documents/documents.generated.ts';
import type { Adapter, NativeRow, RowMapper } from '../adapter.ts';
import { categoryFromWord } from '../shared/category-words.ts';
import { cellText } from '../shared/cell-text.ts';
import { parseFen } from '../shared/parse-fen.ts';
import { parseMonth } from '../shared/parse-month.ts';
import { parseDecimal } from '../shared/parse-number.ts';
import { RowErrors } from '../shared/row-errors.ts';

/** A brand's model list (CSV) → catalogue.v1. The sheet holds no personal data. */
export const COLUMNS = {
  brand: '品牌',
  model: '型号',
  category: '品类',
  launched: '上市时间',
  launchPrice: '首发价(元)',
  weight: '重量(g)',
} as const;

function create(): RowMapper<'catalogue'> {
  return (record: NativeRow, row: number) => {
    const errors = new RowErrors(row);
    const text = (column: string) => cellText(record[column]);
    const required = (column: string): string | undefined => {
      const value = text(column);
      if (value === undefined) errors.add(column, 'adapter.missing_value', 'must not be empty');
      return value;
    };

    const brand = required(COLUMNS.brand);
    const model = required(COLUMNS.model);
    const categoryWord = required(COLUMNS.category);
    const category = categoryWord === undefined ? undefined : categoryFromWord(categoryWord);
    if (categoryWord !== undefined && category === undefined) {
      errors.add(COLUMNS.category, 'adapter.unknown_category', 'must be a category word of the category table');
    }
    const launchedText = required(COLUMNS.launched);
    const launchMonth = launchedText === undefined ? undefined : parseMonth(launchedText);
    if (launchedText !== undefined && launchMonth === undefined) {
      errors.add(COLUMNS.launched, 'adapter.bad_date', 'must be a month such as 2019-09 or a real date');
    }
    const priceText = required(COLUMNS.launchPrice);
    const launchPriceFen = priceText === undefined ? undefined : parseFen(priceText);
    if (priceText !== undefined && launchPriceFen === undefined) {
      errors.add(COLUMNS.launchPrice, 'adapter.bad_price', 'must be an amount in yuan such as 5999 or ¥5,999.00');
    }
    const weightText = text(COLUMNS.weight);
    // Grams in the sheet, kilograms in the standard: move the decimal point rather than divide a float.
    const weightKg = weightText === undefined ? undefined : parseDecimal(weightText, -3);
    if (weightText !== undefined && weightKg === undefined) errors.add(COLUMNS.weight, 'adapter.bad_number', 'must be a weight in grams such as 194');

    return errors.result<'catalogue'>(() => {
      const document: CatalogueV1 = { brand: brand!, model: model!, category: category!, launchMonth: launchMonth!, launchPriceFen: launchPriceFen! };
      if (weightKg !== undefined) document.weightKg = weightKg;
      return document;
    });
  };
}

export const brandCatalogueCsv: Adapter<'catalogue'> = { create };

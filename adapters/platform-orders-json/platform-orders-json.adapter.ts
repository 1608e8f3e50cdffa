import type { Channel, TradeInV1, TradeInV2 } from '../../src/documents/documents.generated.ts';
import type { Adapter, AdapterOptions, NativeRow, RowMapper } from '../adapter.ts';
import { categoryFromWord } from '../shared/category-words.ts';
import { parseFen } from '../shared/parse-fen.ts';
import { recyclerOption } from '../shared/platform-option.ts';
import { compareDates, completedMonthsBetween, formatMonth, parseCalendarDate } from '../shared/parse-month.ts';
import { regionCode } from '../shared/region-code.ts';
import { RowErrors } from '../shared/row-errors.ts';
import { RowReader } from '../shared/row-reader.ts';
import { readBrandCell, readModelCell, SHIPPED_ADAPTER_VOCABULARIES } from '../shared/vocabulary-cells.ts';
import { subjectRefFor } from '../shared/subject-ref.ts';

/**
 * A platform's order export (one JSON object, orders under `orders`) → tradein.v1, or tradein.v2 for an
 * order that states the new product's prices (新机标价, 新机实付价: both, with 新机品类). Reads only the columns
 * below; the consignee's name, phone, address, ID number, the device's IMEI/serial and the remark are never
 * read at all (native.schema.json lists them), so no code path can carry them into a document.
 */
export const COLUMNS = {
  order: '订单号',
  userId: '用户ID',
  category: '旧机品类',
  brand: '旧机品牌',
  model: '旧机型号',
  purchased: '购买时间',
  tradedIn: '回收时间',
  quoted: '回收估价',
  subsidy: '国补金额',
  newCategory: '新机品类',
  newEnergyGrade: '新机能效等级',
  newListPrice: '新机标价',
  newPaidPrice: '新机实付价',
  province: '省份',
  city: '城市',
  channel: '回收方式',
} as const;

// How the user handed the device over (回收方式).
const CHANNEL_WORDS: Readonly<Record<string, Channel>> = {
  线上邮寄: 'online',
  线上回收: 'online',
  邮寄回收: 'online',
  快递上门取件: 'online',
  门店回收: 'in_store',
  到店回收: 'in_store',
  门店: 'in_store',
  上门回收: 'door_to_door',
  上门: 'door_to_door',
};

// China Energy Label grade words (新机能效等级); 新一级 is the top grade of the revised labels.
const ENERGY_GRADE_WORDS: Readonly<Record<string, number>> = {
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  '1级': 1,
  '2级': 2,
  '3级': 3,
  '4级': 4,
  '5级': 5,
  一级: 1,
  二级: 2,
  三级: 3,
  四级: 4,
  五级: 5,
  新一级: 1,
  一级能效: 1,
  二级能效: 2,
  三级能效: 3,
  四级能效: 4,
  五级能效: 5,
};

function create(options: AdapterOptions): RowMapper<'tradein'> {
  const subjectKey = options.subjectKey;
  const recycler = recyclerOption(options);
  const vocabularies = options.vocabularies ?? SHIPPED_ADAPTER_VOCABULARIES;
  return (record: NativeRow, row: number) => {
    const errors = new RowErrors(row);
    const cells = new RowReader(record, errors);
    const text = (column: string) => cells.text(column);

    const externalRef = cells.required(COLUMNS.order);
    const brand = readBrandCell(cells, COLUMNS.brand, vocabularies);
    const model = readModelCell(cells, COLUMNS.model);
    const category = cells.parse(COLUMNS.category, categoryFromWord, 'adapter.unknown_category', 'must be a category word of the category table', {
      required: true,
    });

    const date = (column: string) =>
      cells.parse(column, parseCalendarDate, 'adapter.bad_date', 'must be a real date such as 2021/3/15, 20210315, 2021-03-15 or 2021年03月15日', {
        required: true,
      });
    const purchased = date(COLUMNS.purchased);
    const tradedIn = date(COLUMNS.tradedIn);
    const usageMonths = purchased && tradedIn ? completedMonthsBetween(purchased, tradedIn) : undefined;
    if (purchased && tradedIn && compareDates(purchased, tradedIn) > 0) {
      errors.add(COLUMNS.purchased, 'adapter.dates_out_of_order', `must not be later than ${COLUMNS.tradedIn}`);
    }

    const money = (column: string, required: boolean) =>
      cells.parse(column, parseFen, 'adapter.bad_price', 'must be an amount in yuan such as ¥1,850.00 or 1850', { required });
    const quotedValuationFen = money(COLUMNS.quoted, true);
    const subsidyFen = money(COLUMNS.subsidy, false);

    const channel = cells.parse(
      COLUMNS.channel,
      (word) => CHANNEL_WORDS[word.replace(/\s+/g, '')],
      'adapter.unknown_channel',
      'must be a channel word of the channel table (线上邮寄, 门店回收, 上门回收)',
      { required: true },
    );

    const region = regionCode(text(COLUMNS.province), text(COLUMNS.city));
    if (!region.ok) {
      errors.add(
        region.column === 'province' ? COLUMNS.province : COLUMNS.city,
        'adapter.unknown_region',
        'must name a province (and optionally a city) of GB/T 2260',
      );
    }

    const newCategory = cells.parse(COLUMNS.newCategory, categoryFromWord, 'adapter.unknown_category', 'must be a category word of the category table');
    const energyGrade = cells.parse(
      COLUMNS.newEnergyGrade,
      (word) => ENERGY_GRADE_WORDS[word.replace(/\s+/g, '')],
      'adapter.unknown_energy_grade',
      'must be an energy grade from 1级 to 5级',
    );
    if (text(COLUMNS.newEnergyGrade) !== undefined && text(COLUMNS.newCategory) === undefined) {
      errors.add(COLUMNS.newCategory, 'adapter.missing_value', `must not be empty when ${COLUMNS.newEnergyGrade} is given`);
    }

    // The new product's prices make the order a tradein.v2: both prices, and the product they are of.
    const listPriceFen = money(COLUMNS.newListPrice, false);
    const paidPriceFen = money(COLUMNS.newPaidPrice, false);
    const priced = text(COLUMNS.newListPrice) !== undefined || text(COLUMNS.newPaidPrice) !== undefined;
    if (priced) {
      for (const column of [COLUMNS.newListPrice, COLUMNS.newPaidPrice, COLUMNS.newCategory]) {
        if (text(column) === undefined)
          errors.add(column, 'adapter.missing_value', `must not be empty when ${COLUMNS.newListPrice} or ${COLUMNS.newPaidPrice} is given`);
      }
      if (listPriceFen !== undefined && paidPriceFen !== undefined && paidPriceFen > listPriceFen) {
        errors.add(COLUMNS.newPaidPrice, 'adapter.inconsistent_values', `must not exceed ${COLUMNS.newListPrice}`);
      }
    }

    // Without the platform's key the record stays anonymous: it counts in statutory statistics only.
    const userId = text(COLUMNS.userId);
    const subjectRef = subjectKey !== undefined && userId !== undefined ? subjectRefFor(subjectKey, userId) : undefined;

    return errors.result<'tradein'>(
      () => {
        const document: TradeInV1 | TradeInV2 = {
          externalRef: externalRef!,
          category: category!,
          brand: brand!,
          model: model!,
          usageMonths: usageMonths!,
          tradeInMonth: formatMonth(tradedIn!),
          channel: channel!,
          quotedValuationFen: quotedValuationFen!,
        };
        if (subjectRef !== undefined) document.subjectRef = subjectRef;
        if (recycler !== undefined) document.recycler = recycler;
        if (region.ok && region.region !== undefined) document.regionCode = region.region.code;
        if (subsidyFen !== undefined) document.subsidyFen = subsidyFen;
        if (newCategory !== undefined) {
          const purchase = { category: newCategory, ...(energyGrade === undefined ? {} : { energyGrade }) };
          document.newPurchase = priced ? { ...purchase, listPriceFen: listPriceFen!, paidPriceFen: paidPriceFen! } : purchase;
        }
        return document;
      },
      priced ? 2 : 1,
    );
  };
}

export const platformOrdersJson: Adapter<'tradein'> = { create };

/**
 * The demo partners' native export files, written from the generated demo documents in exactly the formats
 * the adapters in `adapters/` read — the way a platform's order system, a recycler's inspection sheet, a
 * dismantler's disposition sheet and a brand's model list export them: Chinese headers, words instead of
 * codes, mixed date and price formats, and the private columns (names, phones, addresses, ID numbers,
 * IMEIs, remarks) the adapters must drop, filled with synthetic values (demo-personal-data.ts).
 *
 * Read back by the adapters, the files give exactly the generated documents (a test holds it). Words are
 * taken from the adapters' own tables wherever they export one (condition words, fault phrases, wipe
 * methods, the category and region resolvers), so generator and adapters cannot drift apart.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { CONDITION_FAULTS } from '../../adapters/recycler-inspections-csv/condition-words.ts';
import { FAULT_PHRASES, phraseKey } from '../../adapters/recycler-inspections-csv/fault-phrases.ts';
import { WIPE_METHODS, type WipeMethod } from '../../adapters/recycler-inspections-csv/wipe-methods.ts';
import { categoryFromWord } from '../../adapters/shared/category-words.ts';
import { regionCode } from '../../adapters/shared/region-code.ts';
import type { DocumentKind } from '../documents/document-kinds.ts';
import type { Category, Channel, Disposition, DispositionV1, FaultCode, InspectionV1, TradeInV1, TradeInV2 } from '../documents/documents.generated.ts';
import { seededRandom, type DemoDocuments } from './demo-documents.ts';
import {
  regionNames,
  syntheticCustomer,
  syntheticIdNumber,
  syntheticImei,
  syntheticInspectionRemark,
  syntheticMobile,
  syntheticName,
  syntheticOrderRemark,
  syntheticSerial,
  type Random,
  type RegionNames,
  type SyntheticCustomer,
} from './demo-personal-data.ts';

/** Which party sends a file: the demo's brand, platform or recycler (which also dismantles). */
export type DemoSender = 'brand' | 'platform' | 'recycler';

/** One written export, in the order the demo pushes them. */
export interface DemoExportFile {
  /** Absolute path. */
  file: string;
  adapter: string;
  kind: DocumentKind;
  sender: DemoSender;
  rows: number;
}

/** The files, in push order: the catalogue first, then the orders the inspections and dispositions name. */
export const DEMO_EXPORT_FILES: readonly { name: string; adapter: string; kind: DocumentKind; sender: DemoSender }[] = [
  { name: 'brand-catalogue.csv', adapter: 'brand-catalogue-csv', kind: 'catalogue', sender: 'brand' },
  { name: 'platform-orders.json', adapter: 'platform-orders-json', kind: 'tradein', sender: 'platform' },
  { name: 'recycler-inspections.csv', adapter: 'recycler-inspections-csv', kind: 'inspection', sender: 'recycler' },
  { name: 'dismantler-dispositions.csv', adapter: 'dismantler-dispositions-csv', kind: 'disposition', sender: 'recycler' },
];

/** The platform's name in its export's header object (the file names no party id). */
const PLATFORM_NAME = '示例商城';

// ---------------------------------------------------------------------------------------------------------
// Words. Where an adapter exports its table the words come from it; the rest are checked by the round-trip
// test (test/demo/demo-exports.test.ts).

// The words partners use for the demo's categories; each is checked against the adapters' category table.
const CATEGORY_WORDS: Readonly<Partial<Record<Category, readonly string[]>>> = {
  mobile_phone: ['手机', '智能手机'],
  tablet: ['平板', '平板电脑'],
  smartwatch_band: ['智能手表'],
  computer: ['笔记本电脑', '笔记本'],
  refrigerator: ['冰箱', '电冰箱'],
  washing_machine: ['洗衣机'],
  television: ['电视', '液晶电视'],
  air_conditioner: ['空调'],
  water_heater: ['热水器', '电热水器'],
  range_hood: ['吸油烟机', '油烟机'],
};
for (const [category, words] of Object.entries(CATEGORY_WORDS)) {
  for (const word of words) {
    if (categoryFromWord(word) !== category) throw new Error(`the demo writes ${word} for ${category}, which the adapters' category table does not say`);
  }
}

const CHANNEL_WORDS: Readonly<Record<Channel, readonly string[]>> = {
  online: ['线上邮寄', '线上邮寄', '快递上门取件'],
  in_store: ['门店回收', '门店回收', '到店回收'],
  door_to_door: ['上门回收'],
};

const ENERGY_GRADE_WORDS: Readonly<Record<number, readonly string[]>> = { 1: ['1级', '一级', '新一级'], 2: ['2级', '二级'], 3: ['3级', '三级'] };

const DISPOSITION_WORDS: Readonly<Record<Disposition, readonly string[]>> = {
  resold_as_is: ['直接转售', '直接转售', '转售'],
  refurbished: ['翻新后销售'],
  parts_harvested: ['拆件再利用'],
  dismantled_recycled: ['拆解资源化'],
  pending: ['待处置'],
};

// Fault code → the phrases the recycler writes for it (the adapter's own table, reversed).
const PHRASES_BY_FAULT = new Map<FaultCode, string[]>();
for (const [phrase, code] of Object.entries(FAULT_PHRASES)) PHRASES_BY_FAULT.set(code, [...(PHRASES_BY_FAULT.get(code) ?? []), phrase]);

// A wipe record → the recycler's method word (the adapter's table, reversed). The table's keys are lookup
// forms (NIST800-88清除); the sheet writes `NIST 800-88 清除`, which folds to the same key.
function wipeSignature(wipe: { standard?: string | undefined; level?: string | undefined; technique?: string | undefined }): string {
  return `${wipe.standard ?? ''}|${wipe.level ?? ''}|${wipe.technique ?? ''}`;
}
const WIPE_WORD_BY_SIGNATURE = new Map<string, string>();
for (const [key, method] of Object.entries(WIPE_METHODS) as [string, WipeMethod][]) {
  const word = key.replace(/^NIST800-88/, 'NIST 800-88 ');
  if (phraseKey(word) !== key) throw new Error(`the wipe method ${key} must be written so that it folds back to itself`);
  WIPE_WORD_BY_SIGNATURE.set(wipeSignature(method), word);
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function tableWord<K extends string | number>(table: Readonly<Partial<Record<K, readonly string[]>>>, key: K, random: Random, what: string): string {
  const words = table[key];
  if (words === undefined || words.length === 0) throw new Error(`the demo export has no ${what} word for ${String(key)}`);
  return pick(random, words);
}

const regionCache = new Map<string, RegionNames>();

/** The names of a region code, checked to resolve back to the same code with the platform adapter's resolver. */
function namesOfRegion(code: string): RegionNames {
  let names = regionCache.get(code);
  if (names === undefined) {
    names = regionNames(code);
    const resolved = regionCode(names.province, names.city);
    if (!resolved.ok || resolved.region?.code !== code) throw new Error(`the demo's names for region ${code} must resolve back to it`);
    regionCache.set(code, names);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------------
// Dates, prices, numbers as the partners' spreadsheets write them.

interface Day {
  year: number;
  month: number;
  day: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseMonthText(month: string): { year: number; month: number } {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return { year, month: m };
}

/** A day of `month` (YYYY-MM) from `from` (clamped to the month's length) to its last day. */
function dayOfMonth(random: Random, month: string, from = 1): Day {
  const { year, month: m } = parseMonthText(month);
  const last = daysInMonth(year, m);
  const first = Math.min(from, last);
  return { year, month: m, day: first + Math.floor(random() * (last - first + 1)) };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** 2021/3/15, 2021-03-15, 20210315 or 2021年03月15日 — the formats partners' exports mix. */
function formatDay(random: Random, date: Day): string {
  switch (Math.floor(random() * 4)) {
    case 0:
      return `${date.year}/${date.month}/${date.day}`;
    case 1:
      return `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
    case 2:
      return `${date.year}${pad2(date.month)}${pad2(date.day)}`;
    default:
      return `${date.year}年${pad2(date.month)}月${pad2(date.day)}日`;
  }
}

/** A date with a time of day, as order systems stamp it (2025/4/9 09:33:43, 20241227 22:16:51). */
function formatDayAndTime(random: Random, date: Day): string {
  const time = `${pad2(Math.floor(random() * 24))}:${pad2(Math.floor(random() * 60))}:${pad2(Math.floor(random() * 60))}`;
  return `${formatDay(random, date)} ${time}`;
}

/** Yuan with two decimals: 390.00, ¥200.00, ￥3120.00, ¥1,850.00 or 2,690.00. */
function formatYuan(random: Random, fen: number): string {
  const yuan = Math.floor(fen / 100);
  const decimals = `${yuan}.${pad2(fen % 100)}`;
  const grouped = `${yuan.toLocaleString('en-US')}.${pad2(fen % 100)}`;
  switch (Math.floor(random() * 5)) {
    case 0:
      return decimals;
    case 1:
      return `¥${decimals}`;
    case 2:
      return `￥${decimals}`;
    case 3:
      return `¥${grouped}`;
    default:
      return grouped;
  }
}

/**
 * A new product's price as the order system stores it: yuan with two decimals (5999.00), one fixed form. Not
 * drawn from the generator like the other prices' forms: the price columns came with tradein.v2, and drawing
 * for them would shift every value written after them.
 */
function formatOrderPrice(fen: number): string {
  return `${Math.floor(fen / 100)}.${pad2(fen % 100)}`;
}

/** A launch price as brands list it: whole yuan (5499), decimals only when there are fen. */
function formatListPrice(fen: number): string {
  return fen % 100 === 0 ? String(fen / 100) : `${Math.floor(fen / 100)}.${pad2(fen % 100)}`;
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(header: readonly string[], rows: readonly (readonly (string | number)[])[], options: { bom?: boolean } = {}): string {
  const lines = [header, ...rows].map((cells) => cells.map(csvCell).join(','));
  return `${options.bom ? '\ufeff' : ''}${lines.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------------------------------------------------

const DIGITAL = new Set<Category>(['mobile_phone', 'tablet', 'smartwatch_band', 'computer']);
const HAS_IMEI = new Set<Category>(['mobile_phone', 'tablet', 'smartwatch_band']);

/** What the platform knows of one trade-in that the standard does not carry, shared by all three files. */
interface OrderFacts {
  category: Category;
  brand: string;
  model: string;
  tradedIn: Day;
  customer: SyntheticCustomer;
  deviceId: string;
}

/**
 * Writes the four native exports of `documents` into `dir` (created if missing) and returns them in push
 * order. Deterministic for a seed: the same documents and seed give the same bytes.
 */
export async function writeDemoExports(documents: DemoDocuments, dir: string, options: { seed?: number } = {}): Promise<DemoExportFile[]> {
  const random = seededRandom(((options.seed ?? 20261123) ^ 0x5bd1e995) >>> 0);
  await fs.mkdir(dir, { recursive: true });
  const userIdByRef = new Map(documents.users.map((user) => [user.subjectRef, user.userId]));
  const facts = new Map<string, OrderFacts>();

  const catalogueRows = documents.catalogue.map((model) => [
    // A brand's list uses one word per category.
    model.brand,
    model.model,
    tableWord(CATEGORY_WORDS, model.category, () => 0, 'category'),
    model.launchMonth,
    formatListPrice(model.launchPriceFen),
    model.weightKg === undefined ? '' : String(Math.round(model.weightKg * 1000)),
  ]);

  const orders = documents.tradeIns.map((tradeIn) => orderRow(random, tradeIn, userIdByRef, facts));
  const lastTradeIn = [...facts.values()].reduce((latest, fact) => (compareDays(fact.tradedIn, latest) > 0 ? fact.tradedIn : latest), {
    year: 1970,
    month: 1,
    day: 1,
  });
  const exportedAt = new Date(Date.UTC(lastTradeIn.year, lastTradeIn.month - 1, lastTradeIn.day + 1));

  // The recycler's staff: a few inspectors and handlers who appear on many rows.
  const inspectors = Array.from({ length: 24 }, () => ({ name: syntheticName(random), mobile: syntheticMobile(random) }));
  const dismantlerRegion = namesOfRegion('320200');
  const handlers = Array.from({ length: 16 }, () => ({
    name: syntheticName(random),
    idNumber: syntheticIdNumber(random, pick(random, dismantlerRegion.counties).code),
  }));

  const inspected = new Map<string, Day>();
  const inspectionRows = documents.inspections.map((inspection) => inspectionRow(random, inspection, facts, inspected, pick(random, inspectors)));
  const dispositionRows = documents.dispositions.map((disposition) => dispositionRow(random, disposition, inspected, pick(random, handlers)));

  const contents: Record<string, string> = {
    'brand-catalogue.csv': csv(['品牌', '型号', '品类', '上市时间', '首发价(元)', '重量(g)'], catalogueRows),
    'platform-orders.json': `${JSON.stringify({ exportedAt: `${exportedAt.toISOString().slice(0, 10)}T08:00:00+08:00`, platform: PLATFORM_NAME, orders }, null, 1)}\n`,
    'recycler-inspections.csv': csv(
      [
        '质检单号',
        '平台订单号',
        '品牌',
        '型号',
        '成色',
        '质检结果',
        '电池健康',
        '最终回收价',
        '数据清除',
        '清除证书编号',
        '质检完成时间',
        '质检员',
        '质检员电话',
        '设备序列号',
        '备注',
      ],
      inspectionRows,
      { bom: true },
    ),
    'dismantler-dispositions.csv': csv(
      ['平台订单号', '处置方式', '完成日期', '整机重量(kg)', '钢(kg)', '铜(kg)', '铝(kg)', '塑料(kg)', '冷媒类型', '冷媒回收量(g)', '经办人', '经办人身份证'],
      dispositionRows,
    ),
  };
  const rows: Record<string, number> = {
    'brand-catalogue.csv': catalogueRows.length,
    'platform-orders.json': orders.length,
    'recycler-inspections.csv': inspectionRows.length,
    'dismantler-dispositions.csv': dispositionRows.length,
  };
  const written: DemoExportFile[] = [];
  for (const entry of DEMO_EXPORT_FILES) {
    const file = path.join(dir, entry.name);
    await fs.writeFile(file, contents[entry.name]!);
    written.push({ file, adapter: entry.adapter, kind: entry.kind, sender: entry.sender, rows: rows[entry.name]! });
  }
  return written;
}

/** The platform order a recycler's document names; the demo always names trade-ins by order number. */
function orderNumberOf(document: InspectionV1 | DispositionV1): string {
  const order = document.tradeIn?.externalRef;
  if (order === undefined) throw new Error("every demo inspection and disposition must name the platform's order number");
  return order;
}

function compareDays(a: Day, b: Day): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** One element of the platform's `orders` array; records what the recycler's files will need. */
function orderRow(
  random: Random,
  tradeIn: TradeInV1 | TradeInV2,
  userIdByRef: ReadonlyMap<string, string>,
  facts: Map<string, OrderFacts>,
): Record<string, string> {
  const region = namesOfRegion(tradeIn.regionCode!);
  const customer = syntheticCustomer(random, region);
  const tradedIn = dayOfMonth(random, tradeIn.tradeInMonth);
  // Bought usageMonths whole months before, on a day no later in its month, so the adapter counts exactly
  // usageMonths completed months.
  const boughtIndex = tradedIn.year * 12 + tradedIn.month - 1 - tradeIn.usageMonths;
  const boughtYear = Math.floor(boughtIndex / 12);
  const boughtMonth = (boughtIndex % 12) + 1;
  const bought: Day = { year: boughtYear, month: boughtMonth, day: 1 + Math.floor(random() * Math.min(tradedIn.day, daysInMonth(boughtYear, boughtMonth))) };
  const deviceId = HAS_IMEI.has(tradeIn.category) ? syntheticImei(random) : syntheticSerial(random);
  facts.set(tradeIn.externalRef, { category: tradeIn.category, brand: tradeIn.brand, model: tradeIn.model, tradedIn, customer, deviceId });

  let userId = '';
  if (tradeIn.subjectRef !== undefined) {
    const known = userIdByRef.get(tradeIn.subjectRef);
    if (known === undefined) throw new Error('every demo subjectRef must be the HMAC of a demo user id');
    userId = known;
  }
  const energyGrade = tradeIn.newPurchase?.energyGrade;
  // A tradein.v2's new purchase states its prices; the adapter reads an order with them as a tradein.v2.
  const prices = tradeIn.newPurchase !== undefined && 'listPriceFen' in tradeIn.newPurchase ? tradeIn.newPurchase : undefined;
  return {
    订单号: tradeIn.externalRef,
    用户ID: userId,
    收货人: customer.name,
    手机号: customer.mobile,
    收货地址: customer.address,
    // Collected only where a subsidy claim needed it.
    身份证号: random() < 0.3 ? customer.idNumber : '',
    旧机品类: tableWord(CATEGORY_WORDS, tradeIn.category, random, 'category'),
    旧机品牌: tradeIn.brand,
    旧机型号: tradeIn.model,
    'IMEI/序列号': deviceId,
    购买时间: formatDay(random, bought),
    回收时间: formatDayAndTime(random, tradedIn),
    回收估价: formatYuan(random, tradeIn.quotedValuationFen),
    国补金额: tradeIn.subsidyFen === undefined ? '' : formatYuan(random, tradeIn.subsidyFen),
    新机品类: tradeIn.newPurchase === undefined ? '' : tableWord(CATEGORY_WORDS, tradeIn.newPurchase.category, random, 'category'),
    新机能效等级: energyGrade === undefined ? '' : tableWord(ENERGY_GRADE_WORDS, energyGrade, random, 'energy grade'),
    新机标价: prices === undefined ? '' : formatOrderPrice(prices.listPriceFen),
    新机实付价: prices === undefined ? '' : formatOrderPrice(prices.paidPriceFen),
    省份: region.province,
    城市: region.city,
    回收方式: tableWord(CHANNEL_WORDS, tradeIn.channel, random, 'channel'),
    备注: syntheticOrderRemark(random, customer),
  };
}

/** One row of the recycler's inspection sheet; records the inspection day for the disposition. */
function inspectionRow(
  random: Random,
  inspection: InspectionV1,
  facts: ReadonlyMap<string, OrderFacts>,
  inspected: Map<string, Day>,
  inspector: { name: string; mobile: string },
): string[] {
  const orderNumber = orderNumberOf(inspection);
  const order = facts.get(orderNumber);
  if (order === undefined) throw new Error('every demo inspection must name a demo trade-in');
  const sameMonth = inspection.inspectedMonth === `${order.tradedIn.year}-${pad2(order.tradedIn.month)}`;
  const day = dayOfMonth(random, inspection.inspectedMonth, sameMonth ? order.tradedIn.day : 1);
  inspected.set(orderNumber, day);

  // The condition word states some faults itself (无法开机 is no_power); the findings list the rest.
  const stated = CONDITION_FAULTS[inspection.gradeValue!];
  const phrases = (inspection.faults ?? [])
    .filter((fault) => fault !== stated)
    .map((fault) => {
      const candidates = PHRASES_BY_FAULT.get(fault);
      if (candidates === undefined) throw new Error(`the recycler's fault table has no phrase for ${fault}`);
      return pick(random, candidates);
    });
  const battery = inspection.batteryHealthPct;
  if (battery !== undefined && random() < 0.3) phrases.push(`电池健康度${battery}%`);
  const findings = phrases.length === 0 ? '无异常' : phrases.join(pick(random, [';', ';', '；', '、']));

  let wipeWord = '';
  if (inspection.dataWipe !== undefined) {
    const word = WIPE_WORD_BY_SIGNATURE.get(wipeSignature(inspection.dataWipe));
    if (word === undefined) throw new Error("the recycler's wipe table has no method for a demo wipe record");
    wipeWord = word;
  }
  return [
    inspection.externalRef,
    orderNumber,
    order.brand,
    order.model,
    inspection.gradeValue!,
    findings,
    battery === undefined ? '' : `${battery}%`,
    inspection.finalValuationFen === undefined ? '' : formatYuan(random, inspection.finalValuationFen),
    wipeWord,
    inspection.dataWipe?.certificateRef ?? '',
    formatDay(random, day),
    inspector.name,
    inspector.mobile,
    // Serials are recorded for devices that hold data (and were wiped), as in the recycler's sheets.
    DIGITAL.has(order.category) ? order.deviceId : '',
    syntheticInspectionRemark(random, order.customer),
  ];
}

/** One row of the dismantler's disposition sheet. */
function dispositionRow(
  random: Random,
  disposition: DispositionV1,
  inspected: ReadonlyMap<string, Day>,
  handler: { name: string; idNumber: string },
): string[] {
  const order = orderNumberOf(disposition);
  const inspectedOn = inspected.get(order);
  const sameMonth = inspectedOn !== undefined && disposition.completedMonth === `${inspectedOn.year}-${pad2(inspectedOn.month)}`;
  const day = dayOfMonth(random, disposition.completedMonth, sameMonth ? inspectedOn.day : 1);
  const materials = disposition.materialsKg;
  // The generator rounds weights to grams and materials to 100 g, so toFixed writes their exact decimals and
  // the adapter's decimal parser reads back the very same numbers.
  const material = (kg: number | undefined) => (kg === undefined ? '' : kg.toFixed(1));
  return [
    order,
    tableWord(DISPOSITION_WORDS, disposition.disposition, random, 'disposition'),
    formatDay(random, day),
    disposition.weightKg === undefined ? '' : disposition.weightKg.toFixed(3),
    material(materials?.steel),
    material(materials?.copper),
    material(materials?.aluminium),
    material(materials?.plastic),
    disposition.refrigerant?.type ?? '',
    disposition.refrigerant?.recoveredG === undefined ? '' : String(disposition.refrigerant.recoveredG),
    handler.name,
    handler.idNumber,
  ];
}

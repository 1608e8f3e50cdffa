import { createHash } from 'node:crypto';
import { dispositionRef } from '../../adapters/dismantler-dispositions-csv/dismantler-dispositions-csv.adapter.ts';
import { CONDITION_FAULTS, CONDITION_GRADES } from '../../adapters/recycler-inspections-csv/condition-words.ts';
import { WIPE_METHODS } from '../../adapters/recycler-inspections-csv/wipe-methods.ts';
import { subjectRefFor } from '../../adapters/shared/subject-ref.ts';
import type { CatalogueV1, DispositionV1, FaultCode, InspectionV1, TradeInV1, TradeInV2 } from '../documents/documents.generated.ts';
import { DEMO_CATALOGUE, DEMO_FAULTS_BY_CATEGORY, type DemoModel } from './demo-catalogue.ts';

/** A small seeded generator (mulberry32): the same seed gives the same demo data on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A demo platform user: the platform's own user id (private, never sent) and its pseudonym. */
export interface DemoUser {
  userId: string;
  subjectRef: string;
}

/**
 * The version the demo's trade-ins are: tradein.v2, each new purchase with its list and paid price, so the
 * regulator's report has prices to sum. Version 1 (no prices) stays available for the benchmarks, whose
 * recorded figures were measured on it.
 */
export const DEMO_TRADEIN_VERSION = 2;

export interface DemoDocuments {
  catalogue: CatalogueV1[];
  /** tradein.v2 documents, or tradein.v1 when generated with `tradeInVersion: 1`. */
  tradeIns: (TradeInV1 | TradeInV2)[];
  /** The document version of `tradeIns`: what to submit them as. */
  tradeInVersion: 1 | 2;
  inspections: InspectionV1[];
  dispositions: DispositionV1[];
  /** The platform's users; a trade-in's subjectRef is the HMAC of one of their user ids. */
  users: DemoUser[];
}

const REGIONS = ['110000', '310000', '440100', '440300', '330100', '320100', '320200', '510100', '420100', '370200', '500000', '610100', '430100', '350200'];
const DIGITAL = new Set(['mobile_phone', 'tablet', 'smartwatch_band', 'computer']);
const COOLING = new Set(['refrigerator', 'air_conditioner']);
const FIRST_MONTH = { year: 2024, month: 6 };
const MONTH_SPAN = 29; // trade-ins 2024-06 … 2026-10
// The demo's "today": no inspection or disposition is dated after it.
const LAST_MONTH = { year: 2026, month: 11 };

/**
 * The platform's user pool. Fixed rather than scaled to the ticket count, so trade-in i is the same
 * document whatever `tickets` is: seeding more tickets later extends the data instead of conflicting.
 */
export const DEMO_USERS = 6_000;

/**
 * The platform's user id of demo user `index`: `u` + 7 digits, distinct for every index below 10^7
 * (the multiplier is coprime to 10^7), shaped like the ids in platforms' order exports.
 */
export function demoUserId(index: number): string {
  return `u${String((index * 3_967_547 + 386_074) % 10_000_000).padStart(7, '0')}`;
}

/** The user whose token the demo prints: the first trade-in is always theirs. */
export const DEMO_USER_ID = demoUserId(0);

/**
 * The platform's subjectRef key when none is given (tests, benchmarks): derived from the seed, so the
 * data stay reproducible. A data folder's demo uses its own random key (demo-seed.ts).
 */
export function defaultDemoSubjectKey(seed: number): Uint8Array {
  return createHash('sha256').update(`tradein-hub demo platform subject key ${seed}`).digest();
}

function monthIndex(month: string): number {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return year * 12 + (m - 1);
}

function monthString(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function weightedModel(random: () => number): DemoModel {
  const total = DEMO_CATALOGUE.reduce((sum, model) => sum + model.share, 0);
  let draw = random() * total;
  for (const model of DEMO_CATALOGUE) {
    draw -= model.share;
    if (draw < 0) return model;
  }
  return DEMO_CATALOGUE.at(-1)!;
}

function certificateRef(random: () => number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  return `WC${Array.from({ length: 14 }, () => pick(random, [...alphabet])).join('')}`;
}

/** A word of one of the recycler adapter's tables; a word the table lacks stops the generator at load. */
function tableWord<T>(table: Readonly<Record<string, T>>, word: string, what: string): T {
  const value = table[word];
  if (value === undefined) throw new Error(`the demo generator uses the ${what} ${word}, which the recycler adapter's table lacks`);
  return value;
}

// Wear bands → the condition word the recycler writes (成色); the adapter's table decides the grade, so the
// documents say exactly what the recycler's sheet says. Beyond the last band: 无法开机 or 报废.
const CONDITION_BANDS: readonly { below: number; word: string }[] = [
  { below: 0.35, word: '99新' },
  { below: 0.6, word: '95新' },
  { below: 0.72, word: '9成新' },
  { below: 0.85, word: '8成新' },
  { below: 1.1, word: '7成新及以下' },
];
const WORN_OUT_WORDS = { dead: '无法开机', scrap: '报废' } as const;
for (const word of [...CONDITION_BANDS.map((band) => band.word), ...Object.values(WORN_OUT_WORDS)]) tableWord(CONDITION_GRADES, word, 'condition word');

const FINAL_VALUE_SHARE: Readonly<Record<string, number>> = { A: 1.0, B: 0.95, C: 0.85, D: 0.7, E: 0.35, X: 0.1 };

// Wipe methods (数据清除) the recycler uses on digital devices, as keys of the adapter's table; storage of
// dead or scrapped devices is destroyed.
const WIPE_WORDS = ['国标覆写', '国标覆写', '国标块擦除', 'NIST800-88净化', '加密擦除', '恢复出厂设置'] as const;
const DESTROY_WORD = '物理销毁';
for (const word of [...WIPE_WORDS, DESTROY_WORD]) tableWord(WIPE_METHODS, word, 'wipe method');

// The platform's own discount on the new product, in percent of its list price, taken in turn by ticket: a
// cycle rather than a draw, so the prices consume nothing of the seeded generator.
const PLATFORM_DISCOUNT_PERCENT = [0, 3, 5, 5, 8, 10, 12] as const;

/**
 * The model bought new with a trade-in: the newest catalogued model of the traded-in one's category launched
 * by the trade-in month, of the same brand where that brand has one (the traded-in model itself qualifies:
 * it is traded in six months or more after its launch). Ties go to the catalogue's order.
 */
function newModelFor(model: DemoModel, tradeInMonth: string): DemoModel {
  const available = DEMO_CATALOGUE.filter((m) => m.category === model.category && m.launchMonth <= tradeInMonth);
  const sameBrand = available.filter((m) => m.brand === model.brand);
  return (sameBrand.length > 0 ? sameBrand : available).reduce((newest, m) => (m.launchMonth > newest.launchMonth ? m : newest));
}

/**
 * The new purchase's prices (tradein.v2): the list price is the new model's launch price; the user paid it
 * less the platform's discount (by ticket ordinal, to whole yuan) and the subsidy, so the discount the report
 * shows (list − paid) includes the subsidy, as the schema defines it.
 */
function newPurchasePrices(model: DemoModel, tradeInMonth: string, subsidyFen: number, ticket: number): { listPriceFen: number; paidPriceFen: number } {
  const listPriceFen = newModelFor(model, tradeInMonth).launchPriceFen;
  const percent = PLATFORM_DISCOUNT_PERCENT[ticket % PLATFORM_DISCOUNT_PERCENT.length]!;
  const discountFen = Math.round((listPriceFen * percent) / 100 / 100) * 100;
  return { listPriceFen, paidPriceFen: listPriceFen - discountFen - subsidyFen };
}

/**
 * Generates the demo's standard documents: `tickets` trade-ins over the built-in catalogue, most of them
 * inspected and many disposed of, with plausible usage, faults, grades, valuations and weights. Every
 * value is one the partners' native exports can state (demo-exports.ts writes them, the adapters read them
 * back to exactly these documents): grades come from condition words, faults have phrases, wipes are the
 * recycler's methods, disposition refs are the dismantler adapter's. subjectRef is the platform's HMAC of
 * the user id under `subjectKey`, as the platform adapter computes it. Trade-ins are tradein.v2, each new
 * purchase priced (newPurchasePrices), or tradein.v1 with `tradeInVersion: 1`; all else is the same in both.
 */
export function generateDemoDocuments(options: {
  tickets: number;
  seed?: number;
  platform: string;
  subjectKey?: Uint8Array;
  tradeInVersion?: 1 | 2;
}): DemoDocuments {
  const tradeInVersion = options.tradeInVersion ?? DEMO_TRADEIN_VERSION;
  const seed = options.seed ?? 20261123;
  const random = seededRandom(seed);
  const subjectKey = options.subjectKey ?? defaultDemoSubjectKey(seed);
  const users: DemoUser[] = Array.from({ length: DEMO_USERS }, (_, index) => {
    const userId = demoUserId(index);
    return { userId, subjectRef: subjectRefFor(subjectKey, userId) };
  });
  const catalogue: CatalogueV1[] = DEMO_CATALOGUE.map((m) => ({
    brand: m.brand,
    model: m.model,
    category: m.category as CatalogueV1['category'],
    launchMonth: m.launchMonth,
    launchPriceFen: m.launchPriceFen,
    weightKg: m.weightKg,
  }));
  const tradeIns: (TradeInV1 | TradeInV2)[] = [];
  const inspections: InspectionV1[] = [];
  const dispositions: DispositionV1[] = [];
  const firstMonth = FIRST_MONTH.year * 12 + FIRST_MONTH.month - 1;
  const lastMonth = LAST_MONTH.year * 12 + LAST_MONTH.month - 1;

  for (let i = 0; i < options.tickets; i++) {
    const model = weightedModel(random);
    const launch = monthIndex(model.launchMonth);
    const tradeInIndex = Math.max(firstMonth + Math.floor(random() * MONTH_SPAN), launch + 6);
    const ageMonths = tradeInIndex - launch;
    const usageMonths = Math.max(3, Math.min(360, Math.round(ageMonths * (0.6 + random() * 0.4))));
    const digital = DIGITAL.has(model.category);
    const years = usageMonths / 12;
    const quoted = Math.round((model.launchPriceFen * Math.pow(digital ? 0.72 : 0.8, years) * (0.55 + random() * 0.35)) / 1000) * 1000;
    const externalRef = `DEMO-TI-${String(i + 1).padStart(7, '0')}`;
    const tradeIn: TradeInV1 | TradeInV2 = {
      externalRef,
      category: model.category as TradeInV1['category'],
      brand: model.brand,
      model: model.model,
      usageMonths,
      tradeInMonth: monthString(tradeInIndex),
      regionCode: pick(random, REGIONS),
      channel: digital ? (random() < 0.65 ? 'online' : 'in_store') : random() < 0.6 ? 'door_to_door' : 'in_store',
      quotedValuationFen: quoted,
      subsidyFen: digital
        ? Math.min(50_000, Math.round((model.launchPriceFen * 0.15) / 100) * 100)
        : Math.min(200_000, Math.round((model.launchPriceFen * 0.2) / 100) * 100),
      newPurchase: digital
        ? { category: model.category as TradeInV1['category'] }
        : { category: model.category as TradeInV1['category'], energyGrade: random() < 0.7 ? 1 : 2 },
    };
    // Derived from values already drawn, never drawn themselves: the generator's sequence, and so every other
    // value of the demo, is the same in both versions.
    if (tradeInVersion === 2) tradeIn.newPurchase = { ...tradeIn.newPurchase!, ...newPurchasePrices(model, tradeIn.tradeInMonth, tradeIn.subsidyFen!, i) };
    // A quarter of the trade-ins have no platform account behind them (walk-in customers): anonymous.
    const hasUser = random() < 0.75;
    const user = Math.floor(random() * DEMO_USERS);
    if (i === 0) tradeIn.subjectRef = users[0]!.subjectRef;
    else if (hasUser) tradeIn.subjectRef = users[user]!.subjectRef;
    tradeIns.push(tradeIn);

    if (random() >= 0.85) continue;
    const wear = years / 6 + random() * 0.6;
    const conditionWord = CONDITION_BANDS.find((band) => wear < band.below)?.word ?? (random() < 0.7 ? WORN_OUT_WORDS.dead : WORN_OUT_WORDS.scrap);
    const grade = CONDITION_GRADES[conditionWord]!;
    const faultPool = DEMO_FAULTS_BY_CATEGORY[model.category] ?? [];
    const faultCount = grade === 'A' ? 0 : Math.min(faultPool.length, Math.floor(random() * (grade === 'B' ? 2 : 4)));
    const found = Array.from({ length: faultCount }, () => pick(random, faultPool));
    // A condition word that is a fault in itself comes first, as the recycler adapter reads it.
    const conditionFault = CONDITION_FAULTS[conditionWord];
    const faults: FaultCode[] = [...new Set(conditionFault === undefined ? found : [conditionFault, ...found])];
    const inspectedIndex = Math.min(lastMonth, tradeInIndex + (random() < 0.3 ? 1 : 0));
    const inspection: InspectionV1 = {
      externalRef: `DEMO-QC-${String(i + 1).padStart(7, '0')}`,
      tradeIn: { platform: options.platform, externalRef },
      grade,
      gradeScheme: 'PROPRIETARY',
      gradeValue: conditionWord,
      inspectedMonth: monthString(inspectedIndex),
      faults,
      finalValuationFen: Math.round((quoted * FINAL_VALUE_SHARE[grade]!) / 1000) * 1000,
    };
    if (digital) {
      inspection.batteryHealthPct = Math.max(55, Math.min(100, Math.round(100 - years * 7 - random() * 8)));
      const wipeWord = grade === 'E' || grade === 'X' ? (random() < 0.5 ? DESTROY_WORD : pick(random, WIPE_WORDS)) : pick(random, WIPE_WORDS);
      inspection.dataWipe = { required: true, ...WIPE_METHODS[wipeWord]!, certificateRef: certificateRef(random) };
    }
    inspections.push(inspection);

    if (random() >= 0.65) continue;
    const disposition: DispositionV1['disposition'] = digital
      ? grade <= 'B'
        ? 'resold_as_is'
        : grade <= 'D'
          ? 'refurbished'
          : 'parts_harvested'
      : grade <= 'B' && random() < 0.4
        ? 'resold_as_is'
        : 'dismantled_recycled';
    const record: DispositionV1 = {
      externalRef: dispositionRef(externalRef, disposition),
      tradeIn: { platform: options.platform, externalRef },
      disposition,
      completedMonth: monthString(Math.min(lastMonth, inspectedIndex + 1 + Math.floor(random() * 2))),
      weightKg: Math.round(model.weightKg * (0.95 + random() * 0.1) * 1000) / 1000,
    };
    if (disposition === 'dismantled_recycled') {
      // The materials the dismantler's sheet has columns for.
      const w = record.weightKg!;
      record.materialsKg = { steel: round1(w * 0.5), copper: round1(w * 0.08), aluminium: round1(w * 0.05), plastic: round1(w * 0.25) };
      if (COOLING.has(model.category)) {
        record.refrigerant = {
          type: model.category === 'refrigerator' ? 'R600a' : random() < 0.6 ? 'R410A' : 'R32',
          recoveredG: Math.round(60 + random() * 900),
        };
      }
    }
    dispositions.push(record);
  }
  return { catalogue, tradeIns, tradeInVersion, inspections, dispositions, users };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

import { createHash } from 'node:crypto';
import type { CatalogueV1, DispositionV1, InspectionV1, TradeInV1 } from '../documents/documents.generated.ts';
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

export interface DemoDocuments {
  catalogue: CatalogueV1[];
  tradeIns: TradeInV1[];
  inspections: InspectionV1[];
  dispositions: DispositionV1[];
  /** The subjectRefs used, for minting demo user tokens. */
  subjectRefs: string[];
}

const REGIONS = ['110000', '310000', '440100', '440300', '330100', '320100', '320200', '510100', '420100', '370200', '500000', '610100', '430100', '350200'];
const DIGITAL = new Set(['mobile_phone', 'tablet', 'smartwatch_band', 'computer']);
const COOLING = new Set(['refrigerator', 'air_conditioner']);
const FIRST_MONTH = { year: 2024, month: 6 };
const MONTH_SPAN = 29; // 2024-06 … 2026-10

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

/** A pseudonym shaped like a platform's HMAC of its user id (base64url), as the schema requires. */
function demoSubjectRef(seed: number, user: number): string {
  return `u${createHash('sha256').update(`demo-user-${seed}-${user}`).digest('base64url').slice(0, 31)}`;
}

function certificateRef(random: () => number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  return `WC${Array.from({ length: 14 }, () => pick(random, [...alphabet])).join('')}`;
}

const GRADE_LABEL: Record<string, string> = { A: '99新', B: '95新', C: '9成新', D: '8成新', E: '无法开机', X: '报废' };

/**
 * Generates the demo's standard documents: `tickets` trade-ins over the built-in catalogue, most of them
 * inspected and many disposed of, with plausible usage, faults, grades, valuations and weights.
 */
export function generateDemoDocuments(options: { tickets: number; seed?: number; platform: string }): DemoDocuments {
  const seed = options.seed ?? 20261123;
  const random = seededRandom(seed);
  const users = Math.max(50, Math.round(options.tickets * 0.3));
  const subjectRefs = Array.from({ length: users }, (_, user) => demoSubjectRef(seed, user));
  const catalogue: CatalogueV1[] = DEMO_CATALOGUE.map((m) => ({
    brand: m.brand, model: m.model, category: m.category as CatalogueV1['category'], launchMonth: m.launchMonth,
    launchPriceFen: m.launchPriceFen, weightKg: m.weightKg,
  }));
  const tradeIns: TradeInV1[] = [];
  const inspections: InspectionV1[] = [];
  const dispositions: DispositionV1[] = [];
  const firstMonth = FIRST_MONTH.year * 12 + FIRST_MONTH.month - 1;

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
    const tradeIn: TradeInV1 = {
      externalRef, category: model.category as TradeInV1['category'], brand: model.brand, model: model.model,
      usageMonths, tradeInMonth: monthString(tradeInIndex), regionCode: pick(random, REGIONS),
      channel: digital ? (random() < 0.65 ? 'online' : 'in_store') : (random() < 0.6 ? 'door_to_door' : 'in_store'),
      quotedValuationFen: quoted,
      subsidyFen: digital ? Math.min(50_000, Math.round(model.launchPriceFen * 0.15 / 100) * 100) : Math.min(200_000, Math.round(model.launchPriceFen * 0.2 / 100) * 100),
      newPurchase: digital ? { category: model.category as TradeInV1['category'] } : { category: model.category as TradeInV1['category'], energyGrade: random() < 0.7 ? 1 : 2 },
    };
    if (random() < 0.75) tradeIn.subjectRef = subjectRefs[Math.floor(random() * users)]!;
    tradeIns.push(tradeIn);

    if (random() >= 0.85) continue;
    const wear = years / 6 + random() * 0.6;
    const grade = wear < 0.35 ? 'A' : wear < 0.6 ? 'B' : wear < 0.85 ? 'C' : wear < 1.1 ? 'D' : random() < 0.7 ? 'E' : 'X';
    const faultPool = DEMO_FAULTS_BY_CATEGORY[model.category] ?? [];
    const faultCount = grade === 'A' ? 0 : Math.min(faultPool.length, Math.floor(random() * (grade === 'B' ? 2 : 4)));
    const faults = [...new Set(Array.from({ length: faultCount }, () => pick(random, faultPool)))];
    const inspectedIndex = tradeInIndex + (random() < 0.3 ? 1 : 0);
    const inspection: InspectionV1 = {
      externalRef: `DEMO-QC-${String(i + 1).padStart(7, '0')}`,
      tradeIn: { platform: options.platform, externalRef },
      grade, gradeScheme: 'PROPRIETARY', gradeValue: GRADE_LABEL[grade]!,
      inspectedMonth: monthString(inspectedIndex),
      faults: faults as InspectionV1['faults'],
      finalValuationFen: Math.round((quoted * ({ A: 1.0, B: 0.95, C: 0.85, D: 0.7, E: 0.35, X: 0.1 } as Record<string, number>)[grade]!) / 1000) * 1000,
    };
    if (digital) {
      inspection.batteryHealthPct = Math.max(55, Math.min(100, Math.round(100 - years * 7 - random() * 8)));
      inspection.dataWipe = {
        required: true, standard: random() < 0.6 ? 'GB_INFO_CLEARANCE_2025' : 'NIST_800_88_R1', level: 'purge',
        technique: random() < 0.5 ? 'crypto_erase' : 'overwrite', verification: 'full', result: 'success',
        completedMonth: monthString(inspectedIndex), certificateRef: certificateRef(random),
      };
    }
    inspections.push(inspection);

    if (random() >= 0.65) continue;
    const disposition: DispositionV1['disposition'] = digital
      ? grade <= 'B' ? 'resold_as_is' : grade <= 'D' ? 'refurbished' : 'parts_harvested'
      : grade <= 'B' && random() < 0.4 ? 'resold_as_is' : 'dismantled_recycled';
    const record: DispositionV1 = {
      externalRef: `DEMO-DP-${String(i + 1).padStart(7, '0')}`,
      tradeIn: { platform: options.platform, externalRef },
      disposition, completedMonth: monthString(inspectedIndex + 1 + Math.floor(random() * 2)),
      weightKg: Math.round(model.weightKg * (0.95 + random() * 0.1) * 1000) / 1000,
      processorLicensed: true,
    };
    if (disposition === 'dismantled_recycled') {
      const w = record.weightKg!;
      record.materialsKg = { steel: round1(w * 0.5), copper: round1(w * 0.08), aluminium: round1(w * 0.05), plastic: round1(w * 0.25), glass: round1(w * 0.04) };
      if (COOLING.has(model.category)) {
        record.refrigerant = { type: model.category === 'refrigerator' ? 'R600a' : random() < 0.6 ? 'R410A' : 'R32', recoveredG: Math.round(60 + random() * 900) };
      }
    }
    dispositions.push(record);
  }
  return { catalogue, tradeIns, inspections, dispositions, subjectRefs };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

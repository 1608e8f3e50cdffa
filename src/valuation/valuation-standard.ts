import { projectFile } from '../project-root.ts';
import { readFileSync } from 'node:fs';
import { DEFS_SCHEMA } from '../documents/document-validator.ts';

type Localized = { zh: string; en: string };

/** The published valuation standard (`schema/valuation-standard.json`): basis points, never floats. */
export interface ValuationStandard {
  id: string;
  version: string;
  title: Localized;
  description: Localized;
  formula: string;
  grades: Record<string, { factorBp: number; checks: Localized }>;
  residualCurves: Record<string, { retentionPerMonthBp: number; floorBp: number }> & { default: { retentionPerMonthBp: number; floorBp: number } };
  faultDeductions: Record<string, { deductionBp: number }>;
  /** `purpose`: only devices of users consenting to it are pooled; its policy must allow valuations by model and grade. */
  observedPool: { description: Localized; purpose: string; ageBandMonths: number; epsilon: number; minDevices: number };
}

/** Where the standard is kept: beside the document schemas, as the other half of the data standard. */
export const VALUATION_STANDARD_URL = projectFile('schema/valuation-standard.json');

const defs = DEFS_SCHEMA.$defs as Record<string, { enum: string[] }>;
const GRADES: readonly string[] = defs.grade!.enum;
const CATEGORIES: ReadonlySet<string> = new Set(defs.category!.enum);
const FAULTS: ReadonlySet<string> = new Set(defs.faultCode!.enum);
const isBp = (value: unknown) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 10_000;

/**
 * Checks a parsed standard against the document vocabularies (pure): a factor for every grade of the
 * standard and no other, curves only for known categories plus `default`, deductions only for known fault
 * codes, all in basis points 0–10000, and a positive ε and minimum. Returns the problems, empty when valid.
 */
export function valuationStandardProblems(standard: ValuationStandard): string[] {
  const problems: string[] = [];
  if (!/^\d{4}\.\d+$/.test(standard.version)) problems.push('version must be written YYYY.N');
  const grades = Object.keys(standard.grades ?? {});
  if (grades.length !== GRADES.length || !GRADES.every((g) => grades.includes(g))) problems.push(`grades must define exactly ${GRADES.join(', ')}`);
  if (!Object.values(standard.grades ?? {}).every((g) => isBp(g.factorBp))) problems.push('each grade factorBp must be 0–10000');
  for (const [category, curve] of Object.entries(standard.residualCurves ?? {})) {
    if (category !== 'default' && !CATEGORIES.has(category)) problems.push('residualCurves must name categories of the standard or default');
    if (!isBp(curve.retentionPerMonthBp) || !isBp(curve.floorBp)) problems.push('residual curves must be in basis points 0–10000');
  }
  if (standard.residualCurves?.default === undefined) problems.push('residualCurves must have a default');
  for (const [fault, deduction] of Object.entries(standard.faultDeductions ?? {})) {
    if (!FAULTS.has(fault)) problems.push('faultDeductions must name fault codes of the standard');
    if (!isBp(deduction.deductionBp)) problems.push('each deductionBp must be 0–10000');
  }
  const pool = standard.observedPool;
  if (!(pool?.epsilon > 0) || !Number.isInteger(pool?.minDevices) || pool.minDevices < 2 || !Number.isInteger(pool?.ageBandMonths) || pool.ageBandMonths < 1) {
    problems.push('observedPool must have epsilon > 0, minDevices ≥ 2 and ageBandMonths ≥ 1');
  }
  if (typeof pool?.purpose !== 'string' || pool.purpose === '') problems.push('observedPool must name the consent purpose whose users are pooled');
  return [...new Set(problems)];
}

/** Reads and checks the standard; throws naming the file and the problems, so a bad standard stops start-up. */
export function loadValuationStandard(url: URL = VALUATION_STANDARD_URL): ValuationStandard {
  const standard = JSON.parse(readFileSync(url, 'utf8')) as ValuationStandard;
  const problems = valuationStandardProblems(standard);
  if (problems.length > 0) throw new Error(`${url.pathname} is not a valid valuation standard: ${problems.join('; ')}`);
  return Object.freeze(standard);
}

export interface FormulaInput {
  category: string;
  launchPriceFen: number;
  grade: string;
  ageMonths: number;
  faults?: readonly string[];
}

/**
 * The standard's formula, in integer fen (pure): launch price × max(floor, retention^age) × grade factor,
 * minus the launch price × the sum of the fault deductions (each fault once), never below 0, rounded to
 * the fen. Unknown faults deduct nothing (the caller checks them against the vocabulary); an unknown grade
 * throws a RangeError.
 */
export function formulaValueFen(standard: ValuationStandard, input: FormulaInput): number {
  const grade = standard.grades[input.grade];
  if (grade === undefined) throw new RangeError('grade must be a grade of the standard');
  const curve = standard.residualCurves[input.category] ?? standard.residualCurves.default;
  const residual = Math.max(curve.floorBp / 10_000, (curve.retentionPerMonthBp / 10_000) ** Math.max(0, input.ageMonths));
  const deductionBp = [...new Set(input.faults ?? [])].reduce((sum, fault) => sum + (standard.faultDeductions[fault]?.deductionBp ?? 0), 0);
  const value = Math.round(input.launchPriceFen * residual * (grade.factorBp / 10_000)) - Math.round((input.launchPriceFen * deductionBp) / 10_000);
  return Math.max(0, value);
}

/** The age band (first month, last month) an age falls in, for pooling observed values. */
export function ageBandOf(ageMonths: number, bandMonths: number): { from: number; to: number } {
  const from = Math.floor(ageMonths / bandMonths) * bandMonths;
  return { from, to: from + bandMonths - 1 };
}

import type { Db } from '../db/database.ts';
import { actAs } from '../db/act-as.ts';
import { DEFS_SCHEMA } from '../documents/document-validator.ts';
import { discreteLaplace, epsilonRatio, laplaceScale } from '../insights/dp/discrete-laplace.ts';
import { deriveNoiseKey } from '../insights/dp/noise-seed.ts';
import { createNoiseStream } from '../insights/dp/noise-stream.ts';
import { ageBandOf, formulaValueFen, type ValuationStandard } from './valuation-standard.ts';
import * as valuations from './valuation.repository.ts';
import { createBrandRegistry } from '../vocabulary/brand-names.ts';
import { normaliseModelName } from '../vocabulary/model-names.ts';
import { SHIPPED_BRANDS } from '../vocabulary/shipped-brands.ts';
import { HubError } from '../errors/hub-errors.ts';

const SHIPPED_BRAND_REGISTRY = createBrandRegistry(SHIPPED_BRANDS);

export type ValuationArgument = 'brand' | 'model' | 'grade' | 'ageMonths' | 'faults';

/** A question the standard cannot answer, naming the argument; the message never repeats the value. */
export class ValuationError extends HubError {
  override readonly name = 'ValuationError';
  constructor(
    override readonly code: 'valuation.argument_invalid' | 'valuation.model_unknown',
    readonly argument: ValuationArgument,
    message: string,
  ) {
    super(code, message);
  }
}

export interface ReferenceValue {
  standardVersion: string;
  category: string;
  launchPriceFen: number;
  /** The standard's formula for this model, grade, age and faults. */
  formulaFen: number;
  /** The pooled observed value, or null when fewer than the standard's minDevices back it. */
  observed: { meanFen: number; devices: number; ageFromMonths: number; ageToMonths: number; epsilon: number } | null;
}

const FAULTS: ReadonlySet<string> = new Set((DEFS_SCHEMA.$defs as Record<string, { enum: string[] }>).faultCode!.enum);

/**
 * A fair reference value for a model, grade and age: the published formula, beside the pooled observed
 * final valuations of the same model and grade in the same age band — only of users who consent to the
 * standard's pool purpose, one device each — released under ε-differential
 * privacy (ε split evenly between the noisy count and the noisy clamped sum; discrete Laplace noise from
 * a keyed stream, so the same question in the same month gets the same figure and repeating it leaks
 * nothing more). The observed mean is withheld when the noisy count is below the standard's minDevices;
 * the released count says how many devices back it. Throws ValuationError for a bad argument or a model
 * the catalogue does not hold.
 */
export async function referenceValue(
  context: { db: Db; secret: Buffer; standard: ValuationStandard; now: () => Date },
  query: { brand: string; model: string; grade: string; ageMonths: number; faults?: readonly string[] | null },
): Promise<ReferenceValue> {
  const { standard } = context;
  if (standard.grades[query.grade] === undefined)
    throw new ValuationError('valuation.argument_invalid', 'grade', `grade must be one of ${Object.keys(standard.grades).join(', ')}`);
  if (!Number.isInteger(query.ageMonths) || query.ageMonths < 0 || query.ageMonths > 360) {
    throw new ValuationError('valuation.argument_invalid', 'ageMonths', 'ageMonths must be a whole number of months from 0 to 360');
  }
  if (query.faults && !query.faults.every((f) => FAULTS.has(f)))
    throw new ValuationError('valuation.argument_invalid', 'faults', 'each fault must be a fault code of the standard');
  // The question is read through the same vocabularies as the documents: a brand name or alias to its id,
  // a model name to the catalogue's key (storage and colour aside).
  const brand = SHIPPED_BRAND_REGISTRY.resolve(query.brand);
  const modelKey = normaliseModelName(query.model).key;
  const entry = brand === undefined || modelKey === '' ? undefined : await valuations.findCatalogueModel(context.db, brand, modelKey);
  if (entry === undefined)
    throw new ValuationError('valuation.model_unknown', 'model', 'model must be in the catalogue (brand and model as the brand supplied them)');

  const formulaFen = formulaValueFen(standard, {
    category: entry.category,
    launchPriceFen: entry.launchPriceFen,
    grade: query.grade,
    ageMonths: query.ageMonths,
    faults: query.faults ?? [],
  });
  const { purpose, ageBandMonths, epsilon, minDevices } = standard.observedPool;
  const band = ageBandOf(query.ageMonths, ageBandMonths);
  // The pooled observations cross parties: read by the analytics role in a transaction of their own.
  const pool = await context.db.transaction().execute(async (tx) => {
    await actAs(tx, 'hub_analytics');
    return valuations.observedPool(tx, {
      purpose,
      now: context.now(),
      brand: brand!,
      model: entry.model,
      grade: query.grade,
      ageFrom: band.from,
      ageTo: band.to,
      launchPriceFen: entry.launchPriceFen,
    });
  });
  const label = ['reference-value', standard.version, context.now().toISOString().slice(0, 7), brand, entry.model, query.grade, band.from].join('\u0000');
  // The analytics engine's mechanism: exact discrete Laplace noise from a keyed stream, so the same
  // question in the same month gets the same figure and averaging repeats washes nothing out.
  const stream = createNoiseStream(deriveNoiseKey(context.secret), label);
  const half = epsilonRatio(epsilon / 2);
  const noise = (sensitivity: number) => {
    const scale = laplaceScale(sensitivity, half);
    return discreteLaplace(stream, scale.num, scale.den);
  };
  const devices = Math.max(0, pool.devices + noise(1));
  const noisySum = pool.sumFen + noise(Math.max(1, Math.round(entry.launchPriceFen)));
  const observed =
    devices < minDevices
      ? null
      : {
          meanFen: Math.min(entry.launchPriceFen, Math.max(0, Math.round(noisySum / devices))),
          devices,
          ageFromMonths: band.from,
          ageToMonths: band.to,
          epsilon,
        };
  return { standardVersion: standard.version, category: entry.category, launchPriceFen: entry.launchPriceFen, formulaFen, observed };
}

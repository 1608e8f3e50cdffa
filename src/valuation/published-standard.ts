import { loadValuationStandard } from './valuation-standard.ts';

/** The standard the hub publishes and answers with, read and checked once: a broken file stops start-up. */
export const VALUATION_STANDARD = loadValuationStandard();

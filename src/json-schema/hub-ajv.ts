import Ajv2020 from 'ajv/dist/2020.js';

/**
 * The hub's one Ajv (JSON Schema 2020-12): the document schemas (src/documents/document-validator.ts) and
 * the policy schemas (src/policy/policy-validator.ts) compile into it once, at module load. verbose stays
 * off: with it ajv copies the offending data into every error object, and no error may carry a value.
 */
export const hubAjv = new Ajv2020.default({ allErrors: true, strict: true, verbose: false });

import { projectFile } from '../../project-root.ts';
import { readFileSync } from 'node:fs';

/**
 * The public value domains of the distribution measures, read from the standard's own vocabulary
 * (schema/defs.schema.json). Noise is added to every value of the domain, present or not, so a rare
 * value's mere existence is not disclosed by its appearing in an answer.
 */
const DEFS = JSON.parse(readFileSync(projectFile('schema/defs.schema.json'), 'utf8')) as {
  $defs: Record<string, { enum?: string[] }>;
};

function domain(name: string): readonly string[] {
  const values = DEFS.$defs[name]?.enum;
  if (values === undefined) throw new Error(`schema/defs.schema.json must define the ${name} enum`);
  return Object.freeze([...values]);
}

export const DISTRIBUTION_DOMAINS = Object.freeze({
  gradeDistribution: domain('grade'),
  faultRate: domain('faultCode'),
  dispositionShares: domain('disposition'),
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExpectations, readmeExamples } from './readme-examples.ts';

describe('reading the README examples', () => {
  it('reads typenames, alternatives and patterns (commas inside a pattern included)', () => {
    expect(parseExpectations('SubmissionBatch, A|B, /^subject_ref,amount_fen\\n\\d+/')).toEqual([
      { kind: 'typename', typenames: ['SubmissionBatch'] },
      { kind: 'typename', typenames: ['A', 'B'] },
      { kind: 'pattern', pattern: /^subject_ref,amount_fen\n\d+/m },
    ]);
    expect(() => parseExpectations('Fine, "quoted"')).toThrow(/cannot read/);
  });

  it('gives each block its role, title and expectations, and none to a block without a comment', () => {
    const readme = [
      '# T',
      '',
      '## Examples by role',
      '',
      'Set up.',
      '',
      '<!-- expect: setup -->',
      '```sh',
      'X=1',
      '```',
      '',
      '### Platform',
      '',
      'A trade-in. More.',
      '',
      '<!-- expect: Batch -->',
      '```sh',
      'gql one',
      '```',
      '',
      'Bare:',
      '',
      '```sh',
      'gql two',
      '```',
      '',
      '## Next',
      '',
      '```sh',
      'not an example',
      '```',
      '',
    ].join('\n');
    expect(readmeExamples(readme)).toEqual([
      { role: '', title: 'Set up.', code: 'X=1\n', setup: true, expectations: [] },
      { role: 'Platform', title: 'A trade-in.', code: 'gql one\n', setup: false, expectations: [{ kind: 'typename', typenames: ['Batch'] }] },
      { role: 'Platform', title: 'Bare:', code: 'gql two\n', setup: false, expectations: [] },
    ]);
  });

  it('finds the README itself well-formed: a setup block, then every example with an expectation', () => {
    const examples = readmeExamples(fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8'));
    expect(examples[0]!.setup).toBe(true);
    expect(examples.slice(1).every((example) => !example.setup && example.expectations.length > 0)).toBe(true);
    expect(examples.length).toBeGreaterThan(20);
  });
});

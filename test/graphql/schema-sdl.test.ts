import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printHubSchema } from '../../src/graphql/schema.ts';

describe('schema.graphql', () => {
  it('matches the schema the code builds (run `npm run hub -- schema print --write` after an API change)', async () => {
    const committed = await fs.readFile(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(printHubSchema()).toBe(committed);
  });
});

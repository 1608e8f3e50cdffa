import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../adapters/registry.ts';
import { ADAPTERS_DIR, adapterFolders, listFixtureCases, readExpected, runFixtureCase } from '../adapters/adapter-fixture-cases.ts';

// One runner for every adapters/<name>/fixtures/<case>/ folder: adding a case is adding a folder with
// input.json or input.csv, expected.json, and optionally options.json and mapping.yaml.

describe('adapters/registry', () => {
  it('registers every adapter folder, and every entry has a folder with a native schema and fixtures', () => {
    expect(Object.keys(ADAPTERS).sort()).toEqual(adapterFolders());
    for (const name of Object.keys(ADAPTERS)) {
      expect(fs.existsSync(path.join(ADAPTERS_DIR, name, `${name}.adapter.ts`))).toBe(true);
      expect(fs.existsSync(path.join(ADAPTERS_DIR, name, 'native.schema.json'))).toBe(true);
      expect(listFixtureCases(name).length).toBeGreaterThanOrEqual(3);
    }
  });
});

for (const adapter of adapterFolders()) {
  describe(`adapters/${adapter} fixtures`, () => {
    for (const fixture of listFixtureCases(adapter)) {
      it(`maps ${fixture.name} as expected.json states`, async () => {
        const { outcomes } = await runFixtureCase(fixture);
        expect(outcomes).toEqual(readExpected(fixture));
      });

      it(`keeps every private column of ${fixture.name} out of the documents`, async () => {
        const { outcomes, privateValues } = await runFixtureCase(fixture);
        const output = JSON.stringify(outcomes);
        for (const value of privateValues) expect(output).not.toContain(value);
      });
    }
  });
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { browserRequired, findChromium } from './find-chromium.ts';

describe('finding Chromium for the browser tests', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'find-chromium-'));
  const executable = path.join(dir, 'chromium');
  const notExecutable = path.join(dir, 'chromium-data');
  fs.writeFileSync(executable, '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(notExecutable, '', { mode: 0o644 });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses CHROMIUM_PATH when it names an executable', () => {
    expect(findChromium({ CHROMIUM_PATH: executable })).toBe(executable);
  });

  it('finds nothing when CHROMIUM_PATH names a missing or non-executable file, rather than guessing another', () => {
    expect(findChromium({ CHROMIUM_PATH: path.join(dir, 'absent') })).toBeUndefined();
    expect(findChromium({ CHROMIUM_PATH: notExecutable })).toBeUndefined();
  });

  it('requires the browser only when HUB_REQUIRE_BROWSER is 1', () => {
    expect(browserRequired({ HUB_REQUIRE_BROWSER: '1' })).toBe(true);
    expect(browserRequired({})).toBe(false);
    expect(browserRequired({ HUB_REQUIRE_BROWSER: '0' })).toBe(false);
  });
});

import { accessSync, constants } from 'node:fs';

/**
 * Where Chromium usually lives: Debian/Ubuntu packages, Google Chrome, snap, macOS. Playwright's own browser
 * downloads are never used (the machines reach no download site).
 */
const USUAL_LOCATIONS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** The line printed once when the browser tests are skipped; names what to install. */
export const NO_CHROMIUM_LINE =
  'BROWSER TESTS SKIPPED: no Chromium found (set CHROMIUM_PATH, or install it: `apt-get install chromium` on Debian, `chromium-browser` on Ubuntu)';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH when set (then only it, so a wrong setting is noticed
 * rather than silently replaced), else the first usual location that holds an executable; undefined if none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.CHROMIUM_PATH;
  if (configured !== undefined && configured !== '') return isExecutable(configured) ? configured : undefined;
  return USUAL_LOCATIONS.find(isExecutable);
}

/** CI sets HUB_REQUIRE_BROWSER=1: there a missing Chromium fails the run instead of skipping the tests. */
export function browserRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.HUB_REQUIRE_BROWSER === '1';
}

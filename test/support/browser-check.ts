import { browserRequired, findChromium, NO_CHROMIUM_LINE } from '../web/find-chromium.ts';

/**
 * Vitest global setup: runs once per `npm test`, before any file. Without Chromium the browser tests skip
 * themselves (test/web/pages-in-browser.test.ts), and this prints the one loud line saying so, or fails the
 * run where the browser tests are required (CI).
 */
export default function checkBrowser(): void {
  if (findChromium() !== undefined) return;
  if (browserRequired()) throw new Error(`HUB_REQUIRE_BROWSER=1 but ${NO_CHROMIUM_LINE.replace('BROWSER TESTS SKIPPED: ', '')}`);
  process.stderr.write(`\n\x1b[1;33m${NO_CHROMIUM_LINE}\x1b[0m\n\n`);
}

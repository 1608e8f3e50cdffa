import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCreditCode } from '../../src/demo/demo-firms.ts';
import { registerFirm } from '../../src/firms/firms.service.ts';
import { registerTestParty } from '../support/custody.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { DESKTOP, launchChromium, screenshot, serveOverHttp, watchForErrors } from './browser.ts';
import { findChromium } from './find-chromium.ts';

const NOTARY = 'notary-n';
const USER = randomUUID();
const SUBMIT = (field: string) =>
  `mutation($d:[JSON!]!){${field}(documents:$d){... on SubmissionBatch{results{__typename ... on SubmissionAccepted{ticket}}}}}`;

// Without Chromium these skip; test/support/browser-check.ts prints why, or fails the run where CI requires them.
describe.skipIf(findChromium() === undefined)('wipe certificates in the consent centre (Chromium)', () => {
  let hub: TestHub;
  let site: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let certificate: { certificateId: string; ticket: string; certificate: string };

  beforeAll(async () => {
    hub = await createTestHub();
    await registerTestParty(hub, NOTARY, 'notary');
    await registerFirm(hub.app.database.db, { partyId: NOTARY, capacities: ['notary'], creditCode: demoCreditCode(901), status: 'active' }, new Date());
    const tradeIn = (externalRef: string) => ({
      externalRef,
      subjectRef: USER,
      category: 'mobile_phone',
      brand: 'Apple',
      model: 'iPhone 13 128GB',
      usageMonths: 20,
      tradeInMonth: '2026-10',
      channel: 'online',
      quotedValuationFen: 150_000,
      recycler: 'recycler-a',
    });
    // Two devices of the user: one wipe certified, one only self-declared by the recycler.
    const { body } = await hub.graphql(SUBMIT('submitTradeIns'), { d: [tradeIn('WB-1'), tradeIn('WB-2')] }, await hub.token('platform-a'));
    const [certified, selfDeclared] = body.data.submitTradeIns.results.map((r: { ticket: string }) => r.ticket);
    await hub.graphql(
      SUBMIT('submitInspections'),
      {
        d: [
          {
            externalRef: 'WB-QC-2',
            ticket: selfDeclared,
            grade: 'B',
            inspectedMonth: '2026-11',
            dataWipe: { required: true, standard: 'VENDOR_RESET', level: 'clear', result: 'success' },
          },
        ],
      },
      await hub.token('recycler-a'),
    );
    const attested = await hub.graphql(
      SUBMIT('submitWipeAttestations'),
      {
        d: [
          {
            externalRef: 'WB-N-1',
            ticket: certified,
            standard: 'GB_INFO_CLEARANCE_2025',
            level: 'purge',
            method: 'crypto_erase',
            verification: 'full',
            result: 'success',
            wipedMonth: '2026-11',
          },
        ],
      },
      await hub.token(NOTARY),
    );
    expect(attested.body.data.submitWipeAttestations.results[0].__typename).toBe('SubmissionAccepted');
    const me = await hub.graphql(
      '{ me { ... on Me { records { wipeCertificate { certificateId ticket certificate } } } } }',
      {},
      await hub.token('platform-a', { subjectRef: USER }),
    );
    certificate = me.body.data.me.records.map((r: { wipeCertificate: unknown }) => r.wipeCertificate).find(Boolean);
    site = await serveOverHttp(hub);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    page = await context.newPage();
    watchForErrors(page, pageErrors);
    await page.goto(`${site.url}/consent#token=${await hub.token('platform-a', { subjectRef: USER })}`);
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await hub?.close();
  });

  it('lists the certified device’s certificate only, with standard, level and notary', async () => {
    const items = page.locator('#wipes li.wipe-certificate');
    await items.first().waitFor();
    expect(await items.count()).toBe(1);
    const text = await items.first().textContent();
    expect(text).toContain('GB_INFO_CLEARANCE_2025');
    expect(text).toContain('彻底清除');
    expect(text).toContain(NOTARY);
    expect(await page.locator('#wipes').textContent()).toContain('回收商自行声明的清除情况不是证书');
    await screenshot(page, 'consent-wipe-certificates');
  });

  it('downloads the certificate and verifies it in the page against the hub’s published keys', async () => {
    const item = page.locator(`li.wipe-certificate[data-certificate-id="${certificate.certificateId}"]`);
    const [jws] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: /下载 \.jws/ }).click()]);
    expect(jws.suggestedFilename()).toBe(`wipe-certificate-${certificate.certificateId}.jws`);
    expect(await fs.readFile((await jws.path())!, 'utf8')).toBe(certificate.certificate);
    const [json] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: /下载 \.json/ }).click()]);
    const document = JSON.parse(await fs.readFile((await json.path())!, 'utf8'));
    expect(document).toMatchObject({
      claims: { jti: certificate.certificateId, sub: certificate.ticket, notary: NOTARY },
      verifyWith: `${site.url}/.well-known/jwks.json`,
    });
    await item.getByRole('button', { name: /验证签名/ }).click();
    const verdict = item.locator('.verification[data-valid="true"]');
    await verdict.waitFor();
    expect(await verdict.textContent()).toContain('签名有效');
    expect(pageErrors).toEqual([]);
  });
});

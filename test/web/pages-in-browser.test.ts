import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFirm } from '../../src/firms/firms.service.ts';
import { subjectIdFor } from '../../src/subjects/subject-id.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { DESKTOP, PHONE, launchChromium, screenshot, serveOverHttp, watchForErrors } from './browser.ts';
import { findChromium } from './find-chromium.ts';

const MODEL = 'iPhone 13 128GB';
/** A second model with fewer consenting users than product-rnd's k of 10: always withheld. */
const SMALL_MODEL = 'P50 Pro 256GB';
/** A model with ten consenting users in each age band × grade, so the residual curve has lines to draw. */
const CROWD_MODEL = 'iPhone 12 128GB';
const letters = (i: number) => `${'abcdefghijklmnopqrstuvwxyz'[i % 26]}${'abcdefghijklmnopqrstuvwxyz'[Math.floor(i / 26)]}`;
/** Pseudonyms must be UUIDs (or ≥128 random bits); the name only labels the role in the test. */
const subject = (_name: string) => randomUUID();
const OTHERS = Array.from({ length: 12 }, (_, i) => subject(`other${letters(i)}`));
const SMALL = Array.from({ length: 5 }, (_, i) => subject(`small${letters(i)}`));
const CROWD = Array.from({ length: 40 }, (_, i) => subject(`crowd${letters(i)}`));
const USER = subject('theUser');
/** Consenting users of MODEL on the hub that adds noise, enough for its row to clear the DP release threshold. */
const DP_CROWD = Array.from({ length: 180 }, (_, i) => subject(`dp${i}`));

const countCell = (page: Page, model: string) => page.locator(`table.groups tr[data-group="${model}"] td[data-measure="count"]`);
const purposeCard = (page: Page, purpose: string) => page.locator(`article.purpose[data-purpose="${purpose}"]`);

// Without Chromium these skip; test/support/browser-check.ts prints why, or fails the run where CI requires them.
describe.skipIf(findChromium() === undefined)('the consent and insights pages in Chromium', () => {
  let hub: TestHub;
  let dpHub: TestHub;
  let dpSite: { url: string; close(): Promise<void> };
  let dpBrandToken: string;
  let site: { url: string; close(): Promise<void> };
  let browser: Browser;
  let desktop: BrowserContext;
  let userToken: string;
  let brandToken: string;
  let userPage: Page;
  let brandPage: Page;
  const logLines: string[] = [];
  const pageErrors: string[] = [];

  const graphqlOn = async (on: TestHub, query: string, variables: Record<string, unknown>, party: string) => {
    const { body } = await on.graphql(query, variables, await on.token(party));
    expect(body.errors).toBeUndefined();
    return body.data;
  };

  /** Runs the dashboard's query and waits until the model's count reads `expected`. */
  async function runAndReadCount(expected: number): Promise<string | null> {
    await brandPage.getByRole('button', { name: /^(查询|Run query)$/ }).click();
    await countCell(brandPage, MODEL)
      .filter({ hasText: new RegExp(`^${expected}$`) })
      .waitFor({ timeout: 20_000 });
    return countCell(brandPage, MODEL).textContent();
  }

  /**
   * Seeds a hub with the catalogue, the trade-ins and the consents every test below reads; `dpCrowd` adds
   * subjects who trade in the model and consent to recycling-optimization only.
   */
  async function seed(on: TestHub, dpCrowd: readonly string[] = []): Promise<void> {
    const graphql = (query: string, variables: Record<string, unknown>, party: string) => graphqlOn(on, query, variables, party);
    // The brand's catalogue makes age bands and residual values computable.
    await graphql(
      'mutation($d:[JSON!]!){submitCatalogueEntries(documents:$d){__typename}}',
      {
        d: [
          { brand: 'Apple', model: MODEL, category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 599_900, weightKg: 0.173 },
          { brand: '华为', model: SMALL_MODEL, category: 'mobile_phone', launchMonth: '2021-07', launchPriceFen: 648_800, weightKg: 0.195 },
          { brand: 'Apple', model: CROWD_MODEL, category: 'mobile_phone', launchMonth: '2020-10', launchPriceFen: 679_900, weightKg: 0.162 },
        ],
      },
      'brand-a',
    );
    const tradeIn = (subjectRef: string, i: number, model: string, brand: string, tradeInMonth: string) => ({
      externalRef: `WEB-${i}`,
      subjectRef,
      category: 'mobile_phone',
      brand,
      model,
      usageMonths: 14 + (i % 30),
      tradeInMonth,
      regionCode: '310000',
      channel: 'online',
      quotedValuationFen: 150_000 - 1_000 * (i % 40),
      recycler: 'recycler-a',
    });
    const documents = [
      ...[...OTHERS, USER].map((ref, i) => tradeIn(ref, i, MODEL, 'Apple', i % 2 === 0 ? '2024-03' : '2025-11')),
      ...SMALL.map((ref, i) => tradeIn(ref, 100 + i, SMALL_MODEL, '华为', '2025-11')),
      ...CROWD.map((ref, i) => tradeIn(ref, 200 + i, CROWD_MODEL, 'Apple', i % 2 === 0 ? '2022-03' : '2024-06')),
      ...dpCrowd.map((ref, i) => tradeIn(ref, 300 + i, MODEL, 'Apple', i % 2 === 0 ? '2024-03' : '2025-11')),
    ];
    const submitted = await graphql(
      'mutation($d:[JSON!]!){submitTradeIns(documents:$d){... on SubmissionBatch{results{... on SubmissionAccepted{ticket}}}}}',
      { d: documents },
      'platform-a',
    );
    const tickets: string[] = submitted.submitTradeIns.results.map((r: { ticket: string }) => r.ticket);
    expect(tickets.filter(Boolean)).toHaveLength(documents.length);
    await graphql(
      'mutation($d:[JSON!]!){submitInspections(documents:$d){__typename}}',
      {
        d: tickets.map((ticket, i) => ({
          // In the crowd, grade alternates every second device, so each age band holds ten of each grade.
          externalRef: `WEB-QC-${i}`,
          ticket,
          grade: i >= 18 ? ['A', 'B'][Math.floor((i - 18) / 2) % 2] : ['A', 'B', 'C'][i % 3],
          inspectedMonth: '2025-12',
          batteryHealthPct: 80 + (i % 15),
          faults: i % 2 === 0 ? ['screen_scratch_minor'] : ['battery_swollen', 'housing_dent'],
          finalValuationFen: 140_000 - 1_500 * (i % 40),
        })),
      },
      'recycler-a',
    );
    await graphql(
      'mutation($d:[JSON!]!){submitDispositions(documents:$d){__typename}}',
      {
        d: tickets.map((ticket, i) => ({
          externalRef: `WEB-DP-${i}`,
          ticket,
          disposition: i % 3 === 0 ? 'parts_harvested' : 'refurbished',
          completedMonth: '2025-12',
        })),
      },
      'recycler-a',
    );
    // Everyone but the user consents to product-rnd; the twelve also to recycling-optimization (differential privacy).
    for (const subjectRef of [...OTHERS, ...SMALL, ...CROWD]) {
      const token = await on.token('platform-a', { subjectRef });
      await on.graphql('mutation{grantConsent(purpose:"product-rnd"){__typename}}', {}, token);
      if (OTHERS.includes(subjectRef)) await on.graphql('mutation{grantConsent(purpose:"recycling-optimization"){__typename}}', {}, token);
    }
    for (const subjectRef of dpCrowd) {
      await on.graphql('mutation{grantConsent(purpose:"recycling-optimization"){__typename}}', {}, await on.token('platform-a', { subjectRef }));
    }
    const requested = await graphql('mutation{requestAgreement(purpose:"product-rnd"){... on AgreementResult{agreement{id}}}}', {}, 'brand-a');
    await graphql('mutation($id:ID!){approveAgreement(id:$id){__typename}}', { id: requested.requestAgreement.agreement.id }, 'operator-a');
    await graphql('mutation{requestAgreement(purpose:"recycling-optimization"){__typename}}', {}, 'brand-a');
  }

  beforeAll(async () => {
    // Product-rnd's counts are read exactly here (a grant raises the count by one, k-suppression is shown as such),
    // so this hub answers without differential-privacy noise (HUB_INSIGHTS_NOISE off, tests only) ...
    hub = await createTestHub({ logLines, env: { HUB_INSIGHTS_NOISE: 'off' } });
    await seed(hub);
    // ... and a second hub, seeded alike, answers as production does: with noise under every purpose.
    // A fixed secret keeps its noise the same from run to run. A row is released only when its noisy count
    // reaches the release threshold (about 107 for the dashboard's eight statistics at ε 1, δ 10⁻⁶), so the
    // model needs a crowd that consents to recycling-optimization well above it.
    dpHub = await createTestHub({ logLines, secret: Buffer.alloc(32, 7) });
    await seed(dpHub, DP_CROWD);
    site = await serveOverHttp(hub);
    dpSite = await serveOverHttp(dpHub);
    browser = await launchChromium();
    desktop = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    userToken = await hub.token('platform-a', { subjectRef: USER });
    brandToken = await hub.token('brand-a');
    dpBrandToken = await dpHub.token('brand-a');
    userPage = await desktop.newPage();
    brandPage = await desktop.newPage();
    watchForErrors(userPage, pageErrors);
    watchForErrors(brandPage, pageErrors);
    // Two hubs and a browser: on a loaded 2-core machine this took longer than the default hook timeout.
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await dpSite?.close();
    await hub?.close();
    await dpHub?.close();
  });

  it('opens both pages from their token links, in Chinese, and clears the token from the address bar', async () => {
    await userPage.goto(`${site.url}/consent#token=${userToken}`);
    await userPage.getByRole('heading', { level: 1, name: '我的数据授权' }).waitFor();
    await purposeCard(userPage, 'product-rnd').waitFor();
    expect(userPage.url()).toBe(`${site.url}/consent`);
    expect(await userPage.getAttribute('html', 'lang')).toBe('zh-CN');
    await brandPage.goto(`${site.url}/insights#token=${brandToken}`);
    await brandPage.getByRole('heading', { level: 1, name: '回收数据洞察' }).waitFor();
    expect(brandPage.url()).toBe(`${site.url}/insights`);
  });

  it('shows the user what the hub holds about them, and what it never holds', async () => {
    const record = userPage.locator('#held li.record');
    expect(await record.count()).toBe(1);
    expect(await record.textContent()).toContain(`手机 · Apple ${MODEL}`);
    expect(await record.textContent()).toContain('上海市');
    const never = await userPage.locator('ul.never-held').textContent();
    for (const item of ['姓名', '手机号', '身份证号', 'IMEI', '住址']) expect(never).toContain(item);
    const card = purposeCard(userPage, 'product-rnd');
    expect(await card.getAttribute('data-state')).toBe('never_asked');
    const terms = await card.locator('dl.terms').textContent();
    expect(terms).toContain('品牌厂商');
    expect(terms).toContain('型号');
    expect(terms).toContain('¥0.08');
    expect(terms).toContain('50%');
  });

  it("raises the brand's count for the model when the user grants product-rnd, and lowers it when they withdraw", async () => {
    await brandPage.locator('#purpose').selectOption('product-rnd');
    expect(await runAndReadCount(OTHERS.length)).toBe(String(OTHERS.length));

    await userPage.getByRole('button', { name: '同意：新品研发' }).click();
    await purposeCard(userPage, 'product-rnd').and(userPage.locator('[data-state="granted"]')).waitFor();
    expect(await userPage.getByRole('status').first().textContent()).toContain('您同意了「新品研发」');
    expect(await runAndReadCount(OTHERS.length + 1)).toBe(String(OTHERS.length + 1));

    // Withdrawing is one keystroke on a focused button, just as granting was one click.
    await userPage.getByRole('button', { name: '撤回同意：新品研发' }).focus();
    await userPage.keyboard.press('Enter');
    await purposeCard(userPage, 'product-rnd').and(userPage.locator('[data-state="withdrawn"]')).waitFor();
    expect(await runAndReadCount(OTHERS.length)).toBe(String(OTHERS.length));
  });

  it('shows the brand the withheld small group and the charts its purpose allows, and says which it does not', async () => {
    const suppression = brandPage.locator('.suppression[data-suppression="dropped"]').first();
    expect(await suppression.textContent()).toContain('1 个分组各不足 10 人');
    expect(await brandPage.locator(`table.groups tr[data-group="${SMALL_MODEL}"]`).count()).toBe(0);
    for (const chart of ['faults', 'grades', 'usage']) {
      expect(await brandPage.locator(`[data-chart="${chart}"] canvas`).count(), chart).toBe(1);
    }
    // The residual curve is a query of its own, sent only when opened: a click on 查询 sent one.
    const queryIds = brandPage.locator('dl.summary code');
    expect((await queryIds.textContent())!.split(' · ')).toHaveLength(1);
    expect(await brandPage.locator('[data-chart="residual"] canvas').count()).toBe(0);
    await brandPage.getByRole('button', { name: '显示残值曲线' }).click();
    await brandPage.locator('[data-chart="residual"] canvas').waitFor();
    expect((await queryIds.textContent())!.split(' · ')).toHaveLength(2);
    for (const chart of ['dispositions', 'co2e']) {
      expect(await brandPage.locator(`[data-chart="${chart}"] [data-unavailable="measure_not_allowed"]`).textContent(), chart).toContain(
        '“新品研发”用途不允许计算',
      );
    }
  });

  it('exports the current result as CSV, the withheld groups included as such', async () => {
    const [download] = await Promise.all([brandPage.waitForEvent('download'), brandPage.getByRole('button', { name: '导出 CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^insights-product-rnd-[0-9a-f-]+\.csv$/);
    const csv = (await fs.readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
    const [header, ...lines] = csv.trim().split('\r\n');
    expect(header!.startsWith('grouping,purpose,queryId,model,')).toBe(true);
    const columns = header!.split(',');
    const modelLine = lines.find((line) => line.startsWith(`model,product-rnd,`) && line.includes(MODEL))!.split(',');
    expect(modelLine[columns.indexOf('count')]).toBe(String(OTHERS.length));
    expect(lines.some((line) => line.startsWith('model,') && line.includes(',dropped,') && line.includes('1 groups below k=10'))).toBe(true);
  });

  it("marks the differential-privacy purpose's figures as noisy and explains the charts it cannot release", async () => {
    // The hub that adds noise, as production does.
    await brandPage.goto(`${dpSite.url}/insights#token=${dpBrandToken}`);
    await brandPage.getByRole('heading', { level: 1, name: '回收数据洞察' }).waitFor();
    await brandPage.locator('#purpose').selectOption('recycling-optimization');
    await brandPage.getByRole('button', { name: '查询' }).click();
    const noise = brandPage.locator('.noise[data-noise="laplace"]');
    await noise.waitFor();
    // One query at ε 1 (the policy's epsilonPerQuery), out of a monthly budget of 100.
    expect(await noise.textContent()).toContain('ε=1（');
    expect(await noise.textContent()).toContain('ε=99 / 100');
    expect(await brandPage.locator('dd[data-field="subjects-counted"]').textContent()).toBe('不公开（差分隐私）');
    expect(await countCell(brandPage, MODEL).textContent()).toMatch(/^≈\d+$/);
    expect(await brandPage.locator('[data-chart="residual"] [data-unavailable="measure_not_allowed"]').count()).toBe(1);
    expect(await brandPage.locator('[data-chart="dispositions"] canvas').count()).toBe(1);
  });

  it("lists the user's receipts, downloadable and verified in the page against the hub's published keys", async () => {
    await userPage.reload();
    const receipts = userPage.locator('#receipts li.receipt');
    await receipts.first().waitFor();
    expect(await receipts.count()).toBe(2);
    const { body } = await hub.graphql('{ me { ... on Me { receipts { receiptId action receipt } } } }', {}, userToken);
    const [latest] = body.data.me.receipts as { receiptId: string; action: string; receipt: string }[];
    const item = userPage.locator(`li.receipt[data-receipt-id="${latest!.receiptId}"]`);
    expect(await item.textContent()).toContain('撤回「新品研发」');

    const [jws] = await Promise.all([userPage.waitForEvent('download'), item.getByRole('button', { name: /下载 \.jws/ }).click()]);
    expect(jws.suggestedFilename()).toBe(`consent-receipt-${latest!.receiptId}.jws`);
    expect(await fs.readFile((await jws.path())!, 'utf8')).toBe(latest!.receipt);
    const [json] = await Promise.all([userPage.waitForEvent('download'), item.getByRole('button', { name: /下载 \.json/ }).click()]);
    const document = JSON.parse(await fs.readFile((await json.path())!, 'utf8'));
    expect(document).toMatchObject({
      jws: latest!.receipt,
      claims: { jti: latest!.receiptId, purpose: 'product-rnd', action: 'withdraw' },
      verifyWith: `${site.url}/.well-known/jwks.json`,
    });

    await item.getByRole('button', { name: /验证签名/ }).click();
    const verdict = item.locator('.verification[data-valid="true"]');
    await verdict.waitFor();
    expect(await verdict.textContent()).toContain('签名有效');
  });

  it('lists every query that counted the user, and what they earned for it', async () => {
    const rows = userPage.locator('#queries tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(1);
    expect(await rows.first().textContent()).toContain('brand-a');
    expect(await rows.first().textContent()).toContain('新品研发');
    const { body } = await hub.graphql(
      '{ me { ... on Me { queries { queryId } earnings { period accruedFen lines { queryId amountFen } } } } }',
      {},
      userToken,
    );
    expect(await rows.count()).toBe(body.data.me.queries.length);
    const [period] = body.data.me.earnings as { period: string; accruedFen: number; lines: unknown[] }[];
    expect(period!.lines.length).toBeGreaterThan(0);
    const accrued = await userPage.locator(`#earnings tr[data-period="${period!.period}"] td[data-field="accrued"]`).textContent();
    expect(accrued).toBe(`¥${Math.floor(period!.accruedFen / 100)}.${String(period!.accruedFen % 100).padStart(2, '0')}`);
    expect(period!.accruedFen).toBeGreaterThan(0);
  });

  it('shows an expired consent differently from a withdrawn one', async () => {
    await hub.graphql('mutation{grantConsent(purpose:"recycling-optimization"){__typename}}', {}, userToken);
    const subjectId = subjectIdFor(hub.app.secret, 'platform-a', USER);
    await sql`update consents set expires_at = now() - interval '1 day' where subject_id = ${subjectId} and purpose = 'recycling-optimization'`.execute(
      hub.app.database.db,
    );
    await userPage.reload();
    const expired = purposeCard(userPage, 'recycling-optimization');
    await expired.and(userPage.locator('[data-state="expired"]')).waitFor();
    const withdrawn = purposeCard(userPage, 'product-rnd');
    expect(await withdrawn.getAttribute('data-state')).toBe('withdrawn');
    expect(await expired.locator('.badge').textContent()).toContain('已过期');
    expect(await withdrawn.locator('.badge').textContent()).toContain('已撤回');
    expect(await expired.locator('.state-detail').textContent()).toContain('到期');
    expect(await withdrawn.locator('.state-detail').textContent()).toContain('撤回');
    const look = (card: typeof expired) =>
      card.locator('.badge').evaluate((el) => {
        const style = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; borderStyle: string } }).getComputedStyle(el);
        return `${style.color} ${style.borderStyle}`;
      });
    expect(await look(expired)).not.toBe(await look(withdrawn));
    expect(await expired.getByRole('button', { name: '重新同意：回收流程优化' }).count()).toBe(1);
    expect(await withdrawn.getByRole('button', { name: '重新同意：新品研发' }).count()).toBe(1);
  });

  it("shows the user's green points: awaiting verification, then kg CO2e and points per device and per month", async () => {
    // The seed's recycler is not in the firm registry, so its disposition of the user's device is not verified.
    const section = userPage.locator('#green');
    await section.locator('table.green-devices').waitFor();
    expect(await section.getByRole('heading', { level: 2 }).textContent()).toBe('我的绿色积分');
    expect(await section.locator('[data-field="green-total-points"]').textContent()).toBe('0 分');
    expect(await section.locator('table.green-devices tbody tr').first().getAttribute('data-verified')).toBe('false');
    expect(await section.locator('table.green-devices td[data-field="points"]').first().textContent()).toBe('待核实');

    // The recycler enters the registry and records the device refurbished: 49.2 kg CO2e, 492 points.
    await registerFirm(
      hub.app.database.db,
      {
        partyId: 'recycler-a',
        capacities: ['recycler', 'dismantler'],
        creditCode: '91440300708461136T',
        licenceNumber: 'GD-FD-2024-018',
        licenceValidUntil: '2029-03-31',
        status: 'active',
      },
      new Date(),
    );
    const subjectId = subjectIdFor(hub.app.secret, 'platform-a', USER);
    const { rows } = await sql<{ id: string }>`
      select t.id from tickets t join record_subjects rs on rs.record_id = t.record_id where rs.subject_id = ${subjectId}`.execute(hub.app.database.db);
    const disposed = await graphqlOn(
      hub,
      'mutation($d:[JSON!]!){submitDispositions(documents:$d){... on SubmissionBatch{accepted}}}',
      {
        d: [{ externalRef: 'WEB-DP-GREEN', ticket: rows[0]!.id, disposition: 'refurbished', completedMonth: '2025-12' }],
      },
      'recycler-a',
    );
    expect(disposed.submitDispositions.accepted).toBe(1);
    await userPage.reload();
    const verified = section.locator('table.green-devices tbody tr[data-verified="true"]');
    await verified.waitFor();
    expect(await verified.locator('td[data-field="co2e"]').textContent()).toBe('49.2');
    expect(await verified.locator('td[data-field="points"]').textContent()).toBe('492');
    expect(await section.locator('[data-field="green-total-points"]').textContent()).toBe('492 分');
    expect(await section.locator('[data-field="green-total-co2e"]').textContent()).toBe('49.2 千克二氧化碳当量');
    const { body } = await hub.graphql('{ me { ... on Me { greenPoints { months { period points } } } } }', {}, userToken);
    const [month] = body.data.me.greenPoints.months as { period: string; points: number }[];
    expect(month!.points).toBe(492);
    expect(await section.locator(`table.green-months tr[data-period="${month!.period}"] td[data-field="points"]`).textContent()).toBe('492');
  });

  it('switches both pages to English', async () => {
    await userPage.getByRole('button', { name: 'English' }).click();
    await userPage.getByRole('heading', { level: 1, name: 'My data and consent' }).waitFor();
    expect(await userPage.getAttribute('html', 'lang')).toBe('en');
    expect(await purposeCard(userPage, 'product-rnd').locator('h3').textContent()).toBe('New-product R&D');
    expect(await purposeCard(userPage, 'product-rnd').locator('.badge').textContent()).toContain('Withdrawn');
    expect(await userPage.getByRole('button', { name: 'Grant again: New-product R&D' }).count()).toBe(1);
    expect(await userPage.title()).toBe('Consent centre · Trade-in Exchange Hub');

    await brandPage.getByRole('button', { name: 'English' }).click();
    await brandPage.getByRole('heading', { level: 1, name: 'Trade-in insights' }).waitFor();
    expect(await brandPage.getByRole('button', { name: 'Run query' }).count()).toBe(1);
    expect(await brandPage.locator('.noise').textContent()).toContain('Differential privacy');
    // Chinese again, for the screenshots below.
    await userPage.getByRole('button', { name: '中文' }).click();
    await brandPage.getByRole('button', { name: '中文' }).click();
    await userPage.getByRole('heading', { level: 1, name: '我的数据授权' }).waitFor();
  });

  it('writes screenshots of both pages at desktop and phone sizes, and neither page is wider than a phone', async () => {
    // Back to the exact hub, whose counts the screenshots show.
    await brandPage.goto(`${site.url}/insights#token=${brandToken}`);
    await brandPage.getByRole('heading', { level: 1, name: '回收数据洞察' }).waitFor();
    await brandPage.locator('#purpose').selectOption('product-rnd');
    await runAndReadCount(OTHERS.length);
    expect(await screenshot(userPage, 'consent-desktop')).toMatch(/consent-desktop\.png$/);
    expect(await screenshot(brandPage, 'insights-desktop')).toMatch(/insights-desktop\.png$/);

    const phone = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      const userPhone = await phone.newPage();
      const brandPhone = await phone.newPage();
      watchForErrors(userPhone, pageErrors);
      watchForErrors(brandPhone, pageErrors);
      await userPhone.goto(`${site.url}/consent#token=${userToken}`);
      await purposeCard(userPhone, 'product-rnd').waitFor();
      await brandPhone.goto(`${site.url}/insights#token=${brandToken}`);
      await brandPhone.locator('#purpose').selectOption('product-rnd');
      await brandPhone.getByRole('button', { name: '查询' }).click();
      await countCell(brandPhone, MODEL).waitFor();
      for (const [page, name] of [
        [userPhone, 'consent-phone'],
        [brandPhone, 'insights-phone'],
      ] as const) {
        expect(await page.evaluate('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(PHONE.width);
        await screenshot(page, name);
      }
    } finally {
      await phone.close();
    }
    const files = await fs.readdir('test-artifacts/screenshots');
    expect(files).toEqual(expect.arrayContaining(['consent-desktop.png', 'consent-phone.png', 'insights-desktop.png', 'insights-phone.png']));
  });

  it('tells the user when their link is no longer valid', async () => {
    const page = await desktop.newPage();
    await page.goto(`${site.url}/consent#token=not-a-valid-token`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('链接已失效或无效');
    await page.close();
  });

  it('never lets a token reach the hub log, and no page logged an error (a blocked script would)', () => {
    expect(logLines.length).toBeGreaterThan(0);
    for (const token of [userToken, brandToken, dpBrandToken]) expect(logLines.filter((line) => line.includes(token))).toEqual([]);
    expect(logLines.some((line) => line.includes('"path":"/consent"'))).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});

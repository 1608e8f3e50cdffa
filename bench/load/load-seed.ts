import type { HubSetup } from '../faults/hub-fixture.ts';

export const LOAD_PLATFORM = 'load-platform';
export const LOAD_BRAND = 'load-brand';
export const LOAD_OPERATOR = 'load-operator';
export const LOAD_PARTIES = [
  { id: LOAD_PLATFORM, role: 'platform' },
  { id: LOAD_BRAND, role: 'brand' },
  { id: LOAD_OPERATOR, role: 'operator' },
] as const;

export const LOAD_MODELS = ['iPhone 13 128GB', 'iPhone 12 128GB', 'Xiaomi 12 256GB', 'HUAWEI Mate 40 Pro 256GB'] as const;
const BRAND_OF: Record<string, string> = {
  'iPhone 13 128GB': 'Apple',
  'iPhone 12 128GB': 'Apple',
  'Xiaomi 12 256GB': 'Xiaomi',
  'HUAWEI Mate 40 Pro 256GB': 'HUAWEI',
};

/** `n` written with letters only (base 26, at least `width` letters): ids with no digit runs for the privacy gate to mistake for numbers. */
export function letters(n: number, width = 4): string {
  let out = '';
  let rest = n;
  do {
    out = String.fromCharCode(97 + (rest % 26)) + out;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return out.padStart(width, 'a');
}

/** A user's pseudonym (subjectRef): base64url-shaped, ≥ 22 characters, letters only. */
export function loadSubject(run: string, kind: 'seed' | 'ingest', n: number): string {
  return `uLoad${kind === 'seed' ? 'Seed' : 'Ingest'}${run}x${letters(n, 6)}Subject`;
}

/** A trade-in document of the load's catalogue; `subjectRef` links it to a user. */
export function loadTradeIn(externalRef: string, n: number, subjectRef?: string): Record<string, unknown> {
  const model = LOAD_MODELS[n % LOAD_MODELS.length]!;
  return {
    externalRef,
    category: 'mobile_phone',
    brand: BRAND_OF[model],
    model,
    usageMonths: 12 + (n % 36),
    tradeInMonth: '2026-09',
    channel: 'online',
    quotedValuationFen: 80_000 + (n % 50) * 1_000,
    ...(subjectRef === undefined ? {} : { subjectRef }),
  };
}

export async function graphql(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (response.status !== 200 || body.errors !== undefined)
    throw new Error(`seeding request failed (HTTP ${response.status}): ${JSON.stringify(body).slice(0, 300)}`);
  return body.data;
}

export interface LoadSeed {
  run: string;
  /** Every seeded user (one trade-in each), for `me`. */
  subjects: string[];
  /** Users whose product-rnd consent the load grants and withdraws, one per consent connection. */
  churnSubjects: string[];
  /** Trade-ins the seed stored (externalRefs). */
  seededRefs: string[];
  /** product-rnd consent events the seed wrote per churn subject. */
  seedEventsPerChurnSubject: number;
}

const SUBMIT = 'mutation($d:[JSON!]!){submitTradeIns(documents:$d){__typename ... on SubmissionBatch{accepted}}}';
const CATALOGUE = 'mutation($d:[JSON!]!){submitCatalogueEntries(documents:$d){__typename ... on SubmissionBatch{accepted}}}';
const GRANT = 'mutation{grantConsent(purpose:"product-rnd"){__typename}}';

/**
 * Seeds a fresh hub through its API: `subjectsPerModel` users per model with one trade-in each; product-rnd
 * granted by `consentingPerModel` of them per model (≥ k = 10, so insights release every model) plus the
 * churn users; an operator-approved product-rnd agreement for the brand.
 */
export async function seedLoadData(
  url: string,
  setup: HubSetup,
  options: { run: string; subjectsPerModel: number; consentingPerModel: number; churnSubjects: number },
): Promise<LoadSeed> {
  const platform = await setup.token(LOAD_PLATFORM);
  // Model-level answers count catalogued models only: the load brand catalogues the four models first
  // (a replay when a second run finds them catalogued).
  const catalogue = LOAD_MODELS.map((model) => ({ brand: BRAND_OF[model], model, category: 'mobile_phone', launchMonth: '2022-09', launchPriceFen: 599_900 }));
  const catalogued = await graphql(url, await setup.token(LOAD_BRAND), CATALOGUE, { d: catalogue });
  if (catalogued.submitCatalogueEntries.accepted !== catalogue.length) throw new Error('the load catalogue must be accepted');
  const subjects: string[] = [];
  const documents: Record<string, unknown>[] = [];
  const total = options.subjectsPerModel * LOAD_MODELS.length;
  for (let n = 0; n < total; n += 1) {
    const subject = loadSubject(options.run, 'seed', n);
    subjects.push(subject);
    documents.push(loadTradeIn(`LS-${options.run}-${letters(n)}`, n, subject));
  }
  for (let start = 0; start < documents.length; start += 200) {
    const batch = documents.slice(start, start + 200);
    const data = await graphql(url, platform, SUBMIT, { d: batch });
    if (data.submitTradeIns.accepted !== batch.length) throw new Error('the seed trade-ins must all be accepted');
  }
  // Subject n has model n % 4: the first consentingPerModel × 4 subjects consent; the churn users come after them.
  const consenting = subjects.slice(0, options.consentingPerModel * LOAD_MODELS.length);
  const churnSubjects = subjects.slice(consenting.length, consenting.length + options.churnSubjects);
  if (churnSubjects.length < options.churnSubjects) throw new Error('too few seeded subjects for the churn users');
  for (const subject of [...consenting, ...churnSubjects]) {
    const data = await graphql(url, await setup.token(LOAD_PLATFORM, { subjectRef: subject }), GRANT);
    if (data.grantConsent.__typename !== 'ConsentChanged') throw new Error(`seed consent answered ${data.grantConsent.__typename}`);
  }
  const brand = await setup.token(LOAD_BRAND);
  const requested = await graphql(url, brand, 'mutation{requestAgreement(purpose:"product-rnd"){__typename ... on AgreementResult{agreement{id status}}}}');
  const agreement = requested.requestAgreement.agreement as { id: string; status: string } | undefined;
  if (agreement === undefined) throw new Error(`requestAgreement answered ${requested.requestAgreement.__typename}`);
  if (agreement.status !== 'ACTIVE') {
    const approved = await graphql(url, await setup.token(LOAD_OPERATOR), 'mutation($id:ID!){approveAgreement(id:$id){__typename}}', { id: agreement.id });
    if (approved.approveAgreement.__typename !== 'AgreementResult') throw new Error(`approveAgreement answered ${approved.approveAgreement.__typename}`);
  }
  return { run: options.run, subjects, churnSubjects, seededRefs: documents.map((d) => String(d.externalRef)), seedEventsPerChurnSubject: 1 };
}

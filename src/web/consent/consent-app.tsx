import type { JSONWebKeySet } from 'jose';
import { Fragment } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConsentState } from '../../consent/consent-states.ts';
import { takeFragmentToken } from '../shared/fragment-token.ts';
import { formatBasisPoints, formatDate, formatDateTime, formatFen } from '../shared/format.ts';
import { hubGraphql, hubJson } from '../shared/hub-client.ts';
import { PageHeader, useLang } from '../shared/i18n.tsx';
import type { Lang } from '../shared/lang.ts';
import { usePageFailure } from '../shared/page-failure.ts';
import { FailureNotice, NoTokenNotice } from '../shared/page-notices.tsx';
import { saveFile } from '../shared/save-file.ts';
import {
  CATEGORY_NAMES,
  CHANNEL_NAMES,
  CONSENT_STATE_NAMES,
  DIMENSION_NAMES,
  DISPOSITION_NAMES,
  GRADE_NAMES,
  MEASURE_NAMES,
  ROLE_NAMES,
  nameOf,
  regionName,
} from '../shared/vocabulary.ts';
import { CONSENT_TEXTS, type ConsentTexts } from './consent-texts.ts';
import {
  EARNINGS_QUERY,
  ME_QUERY,
  WIPES_QUERY,
  consentMutation,
  type ConsentMutation,
  type ConsentMutationResult,
  type ConsentReceipt,
  type EarningsPeriod,
  type EarningsResult,
  type Me,
  type MeResult,
  type MyRecord,
  type PurposeConsent,
  type QueryCountingMe,
  type RecordWipe,
  type WipesResult,
} from './consent-queries.ts';
import { verifyWipeCertificate } from './certificate-verification.ts';
import { receiptAsJson, verifyReceipt, type ReceiptVerification } from './receipt-verification.ts';
import { GreenPointsSection } from './green-points-section.tsx';
import { GREEN_POINTS_TEXTS } from './green-points-texts.ts';

const TOKEN_KEY = 'tradein-hub.consent-token';

type Earnings = { kind: 'loaded'; periods: EarningsPeriod[] } | { kind: 'unavailable' } | { kind: 'loading' };
type Wipes = { kind: 'loaded'; records: RecordWipe[] } | { kind: 'unavailable' } | { kind: 'loading' };

/** The user's consent centre: what is held, consent per purpose, receipts, earnings, and who counted them. */
export function ConsentApp() {
  const [lang, setLang] = useLang();
  const t = CONSENT_TEXTS[lang];
  const [token] = useState(() => takeFragmentToken(TOKEN_KEY));
  const [me, setMe] = useState<Me | null>(null);
  const [earnings, setEarnings] = useState<Earnings>({ kind: 'loading' });
  const [wipes, setWipes] = useState<Wipes>({ kind: 'loading' });
  const { failure, setFailure, fail } = usePageFailure(TOKEN_KEY, t.pageTitle);
  const [status, setStatus] = useState('');
  const [busyPurpose, setBusyPurpose] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (token === null) return;
    // Asked side by side; a hub without the earnings field yet (or a transient failure there) leaves the
    // rest of the page standing.
    const earningsAnswer = hubGraphql<EarningsResult>(token, EARNINGS_QUERY).then(
      ({ me: result }): Earnings => (result.__typename === 'Me' ? { kind: 'loaded', periods: result.earnings } : { kind: 'unavailable' }),
      (): Earnings => ({ kind: 'unavailable' }),
    );
    const wipesAnswer = hubGraphql<WipesResult>(token, WIPES_QUERY).then(
      ({ me: result }): Wipes => (result.__typename === 'Me' ? { kind: 'loaded', records: result.records } : { kind: 'unavailable' }),
      (): Wipes => ({ kind: 'unavailable' }),
    );
    try {
      const { me: result } = await hubGraphql<MeResult>(token, ME_QUERY);
      if (result.__typename !== 'Me') {
        setFailure({ kind: 'refused', message: result.message });
        return;
      }
      setMe(result);
      setFailure(null);
    } catch (error) {
      fail(error);
      return;
    }
    setEarnings(await earningsAnswer);
    setWipes(await wipesAnswer);
  }, [token, fail]);

  useEffect(() => {
    void load();
  }, [load]);

  const change = async (consent: PurposeConsent, mutation: ConsentMutation) => {
    if (token === null) return;
    setBusyPurpose(consent.purpose);
    setStatus('');
    try {
      const { result } = await hubGraphql<ConsentMutationResult>(token, consentMutation(mutation), { purpose: consent.purpose });
      const title = consent.title[lang];
      if (result.__typename === 'ConsentChanged') {
        const state = result.change.state.toLowerCase() as 'granted' | 'refused' | 'withdrawn';
        setStatus(t.changed[state](title));
        await load();
        // The card's buttons change with its state; keep keyboard users where they were.
        document.getElementById(`purpose-${consent.purpose}-heading`)?.focus();
      } else {
        setStatus(t.notChanged(result.message));
      }
    } catch (error) {
      fail(error);
    } finally {
      setBusyPurpose(null);
    }
  };

  return (
    <>
      <PageHeader lang={lang} onLang={setLang} />
      <main id="main" class="page">
        <h1>{t.heading}</h1>
        <p class="lead">{t.intro}</p>
        {token === null ? (
          <NoTokenNotice t={t} />
        ) : failure !== null ? (
          <FailureNotice failure={failure} t={t} onRetry={failure.kind === 'unavailable' ? () => void load() : undefined} />
        ) : me === null ? (
          <p aria-busy="true">{t.loading}</p>
        ) : (
          <>
            <p class="identity">{t.identity(me.platformId, me.subjectRef)}</p>
            <nav class="section-nav" aria-label={t.nav}>
              <a href="#held">{t.heldHeading}</a>
              <a href="#green">{GREEN_POINTS_TEXTS[lang].heading}</a>
              <a href="#purposes">{t.purposesHeading}</a>
              <a href="#receipts">{t.receiptsHeading}</a>
              <a href="#wipes">{t.wipesHeading}</a>
              <a href="#earnings">{t.earningsHeading}</a>
              <a href="#queries">{t.queriesHeading}</a>
            </nav>
            <p class="status" role="status" aria-live="polite">
              {status}
            </p>
            <HeldSection records={me.records} lang={lang} t={t} />
            <GreenPointsSection token={token} lang={lang} version={me} />
            <PurposesSection consents={me.consents} lang={lang} t={t} busyPurpose={busyPurpose} onChange={change} />
            <ReceiptsSection me={me} lang={lang} t={t} />
            <WipesSection wipes={wipes} lang={lang} t={t} />
            <EarningsSection earnings={earnings} consents={me.consents} lang={lang} t={t} />
            <QueriesSection queries={me.queries} consents={me.consents} lang={lang} t={t} />
            <p class="footnote">{t.footer}</p>
          </>
        )}
      </main>
    </>
  );
}

function HeldSection({ records, lang, t }: { records: MyRecord[]; lang: Lang; t: ConsentTexts }) {
  return (
    <section id="held" aria-labelledby="held-heading">
      <h2 id="held-heading">{t.heldHeading}</h2>
      {records.length === 0 ? (
        <p class="empty">{t.heldEmpty}</p>
      ) : (
        <>
          <p>{t.heldIntro}</p>
          <ul class="records">
            {records.map((record, index) => (
              <li key={index} class="record">
                <h3>{t.recordTitle(nameOf(CATEGORY_NAMES, record.category, lang), record.brandName, record.model ?? '')}</h3>
                <dl class="facts">
                  <dt>{t.fieldUsage}</dt>
                  <dd>{t.usageMonths(record.usageMonths)}</dd>
                  <dt>{t.fieldMonth}</dt>
                  <dd>{record.tradeInMonth}</dd>
                  <dt>{t.fieldRegion}</dt>
                  <dd>{regionName(record.regionCode, lang)}</dd>
                  <dt>{t.fieldChannel}</dt>
                  <dd>{nameOf(CHANNEL_NAMES, record.channel, lang)}</dd>
                  <dt>{t.fieldValuation}</dt>
                  <dd>{formatFen(record.quotedValuationFen, lang)}</dd>
                  <dt>{t.fieldGrade}</dt>
                  <dd>{record.grade === null ? t.notYet : nameOf(GRADE_NAMES, record.grade, lang)}</dd>
                  <dt>{t.fieldDisposition}</dt>
                  <dd>{record.disposition === null ? t.notYet : nameOf(DISPOSITION_NAMES, record.disposition, lang)}</dd>
                </dl>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t.neverHeading}</h3>
      <p>{t.neverIntro}</p>
      <ul class="never-held">
        {t.neverHeld.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </section>
  );
}

type ActionButton = { mutation: ConsentMutation; label: string };

/** The actions that apply in each state; the hub refuses the others (refusing a grant: withdraw instead). */
function actionsFor(state: ConsentState, t: ConsentTexts): ActionButton[] {
  const grant = (label: string): ActionButton => ({ mutation: 'grantConsent', label });
  const refuse: ActionButton = { mutation: 'refuseConsent', label: t.refuse };
  const withdraw: ActionButton = { mutation: 'withdrawConsent', label: t.withdraw };
  switch (state) {
    case 'never_asked':
      return [grant(t.grant), refuse];
    case 'granted':
      return [withdraw, grant(t.renew)];
    case 'refused':
      return [grant(t.grant)];
    case 'withdrawn':
      return [grant(t.grantAgain)];
    case 'expired':
      return [grant(t.grantAgain), withdraw];
  }
}

function stateDetail(consent: PurposeConsent, state: ConsentState, lang: Lang, t: ConsentTexts): string {
  switch (state) {
    case 'never_asked':
      return t.stateDetail.never_asked();
    case 'granted':
      return t.stateDetail.granted(formatDate(consent.expiresAt, lang));
    case 'refused':
      return t.stateDetail.refused(formatDate(consent.updatedAt, lang));
    case 'withdrawn':
      return t.stateDetail.withdrawn(formatDate(consent.updatedAt, lang));
    case 'expired':
      return t.stateDetail.expired(formatDate(consent.expiresAt, lang));
  }
}

const STATE_ICONS: Record<ConsentState, string> = { never_asked: '○', granted: '✓', refused: '✕', withdrawn: '↩', expired: '◔' };

function PurposesSection(props: {
  consents: PurposeConsent[];
  lang: Lang;
  t: ConsentTexts;
  busyPurpose: string | null;
  onChange: (consent: PurposeConsent, mutation: ConsentMutation) => void;
}) {
  const { consents, lang, t } = props;
  const list = (codes: string[], names: Readonly<Record<string, { zh: string; en: string }>>) =>
    codes.map((code) => nameOf(names, code, lang)).join(t.listSeparator);
  return (
    <section id="purposes" aria-labelledby="purposes-heading">
      <h2 id="purposes-heading">{t.purposesHeading}</h2>
      <p>{t.purposesIntro}</p>
      <div class="purposes">
        {consents.map((consent) => {
          const state = consent.state.toLowerCase() as ConsentState;
          const title = consent.title[lang];
          const busy = props.busyPurpose === consent.purpose;
          const userShareFen = (consent.pricePerSubjectFen * consent.usersShareBp) / 10_000;
          return (
            <article
              key={consent.purpose}
              class={`purpose state-${state}`}
              data-purpose={consent.purpose}
              data-state={state}
              aria-labelledby={`purpose-${consent.purpose}-heading`}
            >
              <div class="purpose-head">
                <h3 id={`purpose-${consent.purpose}-heading`} tabIndex={-1}>
                  {title}
                </h3>
                <span class={`badge badge-${state}`}>
                  <span aria-hidden="true">{STATE_ICONS[state]} </span>
                  {CONSENT_STATE_NAMES[state][lang]}
                </span>
              </div>
              <p>{consent.description[lang]}</p>
              <p class="state-detail">{stateDetail(consent, state, lang, t)}</p>
              <dl class="terms">
                <dt>{t.whoMay}</dt>
                <dd>{list(consent.rolesAllowed, ROLE_NAMES)}</dd>
                <dt>{t.whichFields}</dt>
                <dd>{list(consent.dimensions, DIMENSION_NAMES)}</dd>
                <dt>{t.whatComputed}</dt>
                <dd>{list(consent.measures, MEASURE_NAMES)}</dd>
                <dt>{t.smallestGroup}</dt>
                <dd>{t.smallestGroupValue(consent.minGroupSize)}</dd>
                <dt>{t.priceAndShare}</dt>
                <dd>
                  {t.priceValue(
                    formatFen(consent.pricePerSubjectFen, lang),
                    formatBasisPoints(consent.usersShareBp, lang),
                    `¥${(userShareFen / 100).toFixed(userShareFen % 1 === 0 ? 2 : 3)}`,
                  )}
                </dd>
              </dl>
              <div class="actions">
                {actionsFor(state, t).map((action) => (
                  <button
                    key={action.mutation}
                    type="button"
                    class="action"
                    disabled={busy}
                    onClick={() => props.onChange(consent, action.mutation)}
                    aria-label={lang === 'zh' ? `${action.label}：${title}` : `${action.label}: ${title}`}
                  >
                    {action.label}
                  </button>
                ))}
                {busy && (
                  <span class="busy" aria-hidden="true">
                    {t.busy}
                  </span>
                )}
              </div>
            </article>
          );
        })}
      </div>
    </section>
  );
}

let jwksPromise: Promise<JSONWebKeySet> | undefined;
/** The hub's public keys, fetched once per page view (a failed fetch is retried on the next click). */
function hubKeys(): Promise<JSONWebKeySet> {
  jwksPromise ??= hubJson<JSONWebKeySet>('/.well-known/jwks.json').catch((error: unknown) => {
    jwksPromise = undefined;
    throw error;
  });
  return jwksPromise;
}

function ReceiptsSection({ me, lang, t }: { me: Me; lang: Lang; t: ConsentTexts }) {
  return (
    <section id="receipts" aria-labelledby="receipts-heading">
      <h2 id="receipts-heading">{t.receiptsHeading}</h2>
      <p>{t.receiptsIntro}</p>
      {me.receipts.length === 0 ? (
        <p class="empty">{t.receiptsEmpty}</p>
      ) : (
        <ul class="receipts">
          {me.receipts.map((receipt) => (
            <ReceiptItem
              key={receipt.receiptId}
              receipt={receipt}
              subjectRef={me.subjectRef}
              title={purposeTitle(me.consents, receipt.purpose, lang)}
              lang={lang}
              t={t}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ReceiptItem({ receipt, subjectRef, title, lang, t }: { receipt: ConsentReceipt; subjectRef: string; title: string; lang: Lang; t: ConsentTexts }) {
  return (
    <li class="receipt" data-receipt-id={receipt.receiptId}>
      <p class="receipt-title">
        <strong>{t.receiptLine(t.actionNames[receipt.action] ?? receipt.action, title)}</strong>
        <span class="muted"> · {formatDateTime(receipt.issuedAt, lang)}</span>
      </p>
      <p class="muted receipt-id">
        {t.receiptId}: <code>{receipt.receiptId}</code>
      </p>
      <SignedDocumentActions
        id={receipt.receiptId}
        jws={receipt.receipt}
        fileName={`consent-receipt-${receipt.receiptId}`}
        check={(keys) => verifyReceipt(receipt.receipt, keys, { subjectRef, receiptId: receipt.receiptId })}
        verifiedText={t.verified}
        t={t}
      />
    </li>
  );
}

function WipesSection({ wipes, lang, t }: { wipes: Wipes; lang: Lang; t: ConsentTexts }) {
  const certified = wipes.kind === 'loaded' ? wipes.records.filter((r) => r.wipeCertificate !== null) : [];
  return (
    <section id="wipes" aria-labelledby="wipes-heading">
      <h2 id="wipes-heading">{t.wipesHeading}</h2>
      <p>{t.wipesIntro}</p>
      {wipes.kind === 'loading' ? (
        <p aria-busy="true">{t.loading}</p>
      ) : wipes.kind === 'unavailable' ? (
        <p class="empty">{t.wipesUnavailable}</p>
      ) : certified.length === 0 ? (
        <p class="empty">{t.wipesEmpty}</p>
      ) : (
        <ul class="receipts wipe-certificates">
          {certified.map((record) => (
            <WipeCertificateItem key={record.wipeCertificate!.certificateId} record={record} lang={lang} t={t} />
          ))}
        </ul>
      )}
      <p class="muted">{t.selfDeclaredNote}</p>
    </section>
  );
}

function WipeCertificateItem({ record, lang, t }: { record: RecordWipe; lang: Lang; t: ConsentTexts }) {
  const certificate = record.wipeCertificate!;
  const device = `${nameOf(CATEGORY_NAMES, record.category, lang)} · ${record.brandName} ${record.model ?? ''}`.trim();
  return (
    <li class="receipt wipe-certificate" data-certificate-id={certificate.certificateId}>
      <p class="receipt-title">
        <strong>{t.wipeLine(device)}</strong>
        <span class="muted"> · {formatDateTime(certificate.issuedAt, lang)}</span>
      </p>
      <dl class="facts">
        <dt>{t.wipeStandard}</dt>
        <dd>{certificate.standard}</dd>
        <dt>{t.wipeLevel}</dt>
        <dd>{t.wipeLevels[certificate.level] ?? certificate.level}</dd>
        <dt>{t.wipeMonth}</dt>
        <dd>{certificate.month}</dd>
        <dt>{t.wipeNotary}</dt>
        <dd>{certificate.notary}</dd>
      </dl>
      <p class="muted receipt-id">
        {t.certificateId}: <code>{certificate.certificateId}</code>
      </p>
      <SignedDocumentActions
        id={certificate.certificateId}
        jws={certificate.certificate}
        fileName={`wipe-certificate-${certificate.certificateId}`}
        check={(keys) => verifyWipeCertificate(certificate.certificate, keys, { ticket: certificate.ticket, certificateId: certificate.certificateId })}
        verifiedText={t.certificateVerified}
        t={t}
      />
    </li>
  );
}

/** Download (JWS, JSON) and in-page verification against the hub's published keys: receipts and certificates alike. */
function SignedDocumentActions(props: {
  id: string;
  jws: string;
  fileName: string;
  check: (keys: JSONWebKeySet) => Promise<ReceiptVerification>;
  verifiedText: (kid: string) => string;
  t: ConsentTexts;
}) {
  const { id, jws, fileName, check, verifiedText, t } = props;
  const [verification, setVerification] = useState<ReceiptVerification | 'verifying' | null>(null);
  const verify = async () => {
    setVerification('verifying');
    let keys: JSONWebKeySet;
    try {
      keys = await hubKeys();
    } catch {
      setVerification({ valid: false, reason: 'keys_unavailable' });
      return;
    }
    setVerification(await check(keys));
  };
  return (
    <>
      <div class="actions">
        <button type="button" aria-label={`${t.downloadJws} ${id}`} onClick={() => saveFile(`${fileName}.jws`, jws, 'application/jose')}>
          {t.downloadJws}
        </button>
        <button
          type="button"
          aria-label={`${t.downloadJson} ${id}`}
          onClick={() => saveFile(`${fileName}.json`, receiptAsJson(jws, location.origin), 'application/json')}
        >
          {t.downloadJson}
        </button>
        <button type="button" aria-label={`${t.verify} ${id}`} onClick={() => void verify()} disabled={verification === 'verifying'}>
          {t.verify}
        </button>
      </div>
      <p class="verification" role="status" data-valid={verification === null || verification === 'verifying' ? undefined : String(verification.valid)}>
        {verification === 'verifying'
          ? t.verifying
          : verification === null
            ? ''
            : verification.valid
              ? verifiedText(verification.kid.slice(0, 12) + '…')
              : t.verifyFailed[verification.reason]}
      </p>
    </>
  );
}

function purposeTitle(consents: PurposeConsent[], purpose: string, lang: Lang): string {
  return consents.find((c) => c.purpose === purpose)?.title[lang] ?? purpose;
}

function EarningsSection({ earnings, consents, lang, t }: { earnings: Earnings; consents: PurposeConsent[]; lang: Lang; t: ConsentTexts }) {
  return (
    <section id="earnings" aria-labelledby="earnings-heading">
      <h2 id="earnings-heading">{t.earningsHeading}</h2>
      <p>{t.earningsIntro}</p>
      {earnings.kind === 'loading' ? (
        <p aria-busy="true">{t.loading}</p>
      ) : earnings.kind === 'unavailable' ? (
        <p class="empty">{t.earningsUnavailable}</p>
      ) : earnings.periods.length === 0 ? (
        <p class="empty">{t.earningsEmpty}</p>
      ) : (
        <div class="table-scroll">
          <table class="earnings">
            <thead>
              <tr>
                <th scope="col">{t.period}</th>
                <th scope="col">{t.periodStatus}</th>
                <th scope="col" class="num">
                  {t.broughtForward}
                </th>
                <th scope="col" class="num">
                  {t.earned}
                </th>
                <th scope="col" class="num">
                  {t.accrued}
                </th>
                <th scope="col" class="num">
                  {t.paid}
                </th>
                <th scope="col" class="num">
                  {t.carried}
                </th>
              </tr>
            </thead>
            <tbody>
              {earnings.periods.map((period) => (
                <Fragment key={period.period}>
                  <tr data-period={period.period}>
                    <th scope="row">{period.period}</th>
                    <td>{t.periodStatuses[period.status] ?? period.status}</td>
                    <td class="num">{formatFen(period.broughtForwardFen, lang)}</td>
                    <td class="num">{formatFen(period.earnedFen, lang)}</td>
                    <td class="num" data-field="accrued">
                      {formatFen(period.accruedFen, lang)}
                    </td>
                    <td class="num" data-field="paid">
                      {period.paidFen === null ? <span class="muted">{t.atClose}</span> : formatFen(period.paidFen, lang)}
                    </td>
                    <td class="num" data-field="carried">
                      {period.carriedFen === null ? <span class="muted">{t.atClose}</span> : formatFen(period.carriedFen, lang)}
                    </td>
                  </tr>
                  {period.lines.length > 0 && (
                    <tr class="detail-row">
                      <td colSpan={7}>
                        <details>
                          <summary>{t.lines(period.lines.length)}</summary>
                          <table class="lines">
                            <thead>
                              <tr>
                                <th scope="col">{t.lineAt}</th>
                                <th scope="col">{t.lineParty}</th>
                                <th scope="col">{t.linePurpose}</th>
                                <th scope="col" class="num">
                                  {t.lineAmount}
                                </th>
                              </tr>
                            </thead>
                            <tbody>
                              {period.lines.map((line) => (
                                <tr key={line.queryId}>
                                  <td>{formatDateTime(line.at, lang)}</td>
                                  <td>{line.partyId}</td>
                                  <td>{purposeTitle(consents, line.purpose, lang)}</td>
                                  <td class="num">{formatFen(line.amountFen, lang)}</td>
                                </tr>
                              ))}
                            </tbody>
                          </table>
                        </details>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function QueriesSection({ queries, consents, lang, t }: { queries: QueryCountingMe[]; consents: PurposeConsent[]; lang: Lang; t: ConsentTexts }) {
  return (
    <section id="queries" aria-labelledby="queries-heading">
      <h2 id="queries-heading">{t.queriesHeading}</h2>
      <p>{t.queriesIntro}</p>
      {queries.length === 0 ? (
        <p class="empty">{t.queriesEmpty}</p>
      ) : (
        <div class="table-scroll">
          <table class="queries">
            <thead>
              <tr>
                <th scope="col">{t.queryAt}</th>
                <th scope="col">{t.queryParty}</th>
                <th scope="col">{t.queryPurpose}</th>
                <th scope="col" class="num">
                  {t.queryPrice}
                </th>
              </tr>
            </thead>
            <tbody>
              {queries.map((query) => (
                <tr key={query.queryId} data-query-id={query.queryId}>
                  <td>{formatDateTime(query.at, lang)}</td>
                  <td>{query.partyId}</td>
                  <td>{purposeTitle(consents, query.purpose, lang)}</td>
                  <td class="num">{formatFen(query.priceFen, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

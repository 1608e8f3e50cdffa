import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { PolicyDimension } from '../../policy/policy-vocabulary.ts';
import { takeFragmentToken } from '../shared/fragment-token.ts';
import { formatDate, formatFen, formatNumber, formatShare } from '../shared/format.ts';
import { hubGraphql, hubJson } from '../shared/hub-client.ts';
import { PageHeader, useLang } from '../shared/i18n.tsx';
import type { Lang } from '../shared/lang.ts';
import type { PurposeTerms } from '../shared/purpose-terms.ts';
import { usePageFailure } from '../shared/page-failure.ts';
import { FailureNotice, NoTokenNotice } from '../shared/page-notices.tsx';
import { saveFile } from '../shared/save-file.ts';
import { CATEGORY_NAMES, DIMENSION_NAMES, PROVINCE_NAMES, ROLE_NAMES, nameOf } from '../shared/vocabulary.ts';
import { dimensionValueName } from './dimension-values.ts';
import { ChartCard, SuppressionNote, refusalText } from './insights-charts.tsx';
import { insightsCsv, type CsvSection } from './insights-csv.ts';
import { CHARTS, COMPARE_DIMENSIONS, planGroupsQuery, planResidualQuery, splitList } from './insights-plan.ts';
import {
  INSIGHTS_QUERY,
  START_QUERY,
  type Agreement,
  type InsightsAnswer,
  type InsightsOutcome,
  type InsightsRequest,
  type StartResult,
} from './insights-queries.ts';
import { INSIGHTS_TEXTS, type InsightsTexts } from './insights-texts.ts';

const TOKEN_KEY = 'tradein-hub.insights-token';

interface Filters {
  category: string;
  brand: string;
  model: string;
  province: string;
  monthFrom: string;
  monthTo: string;
}

const NO_FILTERS: Filters = { category: '', brand: '', model: '', province: '', monthFrom: '', monthTo: '' };

interface Result {
  purpose: string;
  compareBy: PolicyDimension;
  models: string[];
  /** The filter the groups were asked with; the residual curve, opened later, is asked with the same. */
  filter: InsightsRequest['filter'];
  groups: InsightsOutcome;
  /** Null until the user opens the residual curve. */
  residual: InsightsOutcome | null;
}

/** The filter the hub is sent: only dimensions the purpose allows, lists split, empty fields left out. */
function filterFor(filters: Filters, terms: PurposeTerms): InsightsRequest['filter'] {
  const allowed = (d: PolicyDimension) => terms.dimensions.includes(d);
  const filter: InsightsRequest['filter'] = {};
  if (allowed('category') && filters.category !== '') filter.category = [filters.category];
  if (allowed('brand') && splitList(filters.brand).length > 0) filter.brand = splitList(filters.brand);
  if (allowed('model') && splitList(filters.model).length > 0) filter.model = splitList(filters.model);
  if (allowed('province') && filters.province !== '') filter.province = [filters.province];
  if (allowed('tradeInMonth') && filters.monthFrom !== '') filter.tradeInMonthFrom = filters.monthFrom;
  if (allowed('tradeInMonth') && filters.monthTo !== '') filter.tradeInMonthTo = filters.monthTo;
  return filter;
}

/** The brand's (or recycler's) dashboard: a purpose it holds an agreement for, filters, a table and charts. */
export function InsightsApp() {
  const [lang, setLang] = useLang();
  const t = INSIGHTS_TEXTS[lang];
  const [token] = useState(() => takeFragmentToken(TOKEN_KEY));
  const [start, setStart] = useState<{ viewer: StartResult['viewer']; agreements: Agreement[]; terms: PurposeTerms[] } | null>(null);
  const { failure, setFailure, fail } = usePageFailure(TOKEN_KEY, t.pageTitle);
  const [purpose, setPurpose] = useState('');
  const [compareBy, setCompareBy] = useState<PolicyDimension>('model');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [result, setResult] = useState<Result | null>(null);
  const [running, setRunning] = useState(false);
  const [knownModels, setKnownModels] = useState<string[]>([]);

  const load = useCallback(async () => {
    if (token === null) return;
    try {
      const [started, terms] = await Promise.all([hubGraphql<StartResult>(token, START_QUERY), hubJson<PurposeTerms[]>('/web/purposes.json')]);
      if (started.myAgreements.__typename !== 'QueryMyAgreementsSuccess') {
        setFailure({ kind: 'refused', message: started.myAgreements.message });
        return;
      }
      setStart({ viewer: started.viewer, agreements: started.myAgreements.data, terms });
      setFailure(null);
    } catch (error) {
      fail(error);
    }
  }, [token, fail]);

  useEffect(() => {
    void load();
  }, [load]);

  /** Purposes the caller may query now: an active agreement and a policy the hub serves. */
  const usable = useMemo(() => {
    if (start === null) return [];
    const active = new Set(start.agreements.filter((a) => a.status === 'ACTIVE').map((a) => a.purpose));
    return start.terms.filter((terms) => active.has(terms.purpose));
  }, [start]);
  const terms = usable.find((p) => p.purpose === purpose) ?? usable[0];
  const compareOptions = terms === undefined ? [] : COMPARE_DIMENSIONS.filter((d) => terms.dimensions.includes(d));
  const groupBy: PolicyDimension = compareOptions.includes(compareBy as (typeof compareOptions)[number]) ? compareBy : (compareOptions[0] ?? 'category');

  const choosePurpose = (next: string) => {
    setPurpose(next);
    setResult(null);
  };

  const run = async () => {
    if (token === null || terms === undefined) return;
    setRunning(true);
    try {
      const filter = filterFor(filters, terms);
      const planned = planGroupsQuery(terms, groupBy);
      const request: InsightsRequest = { purpose: terms.purpose, groupBy: planned.groupBy, measures: planned.measures, filter };
      const groups = (await hubGraphql<{ insights: InsightsOutcome }>(token, INSIGHTS_QUERY, { ...request })).insights;
      setResult({ purpose: terms.purpose, compareBy: groupBy, models: (filter.model as string[] | undefined) ?? [], filter, groups, residual: null });
      if (groups.__typename === 'Insights' && groupBy === 'model') {
        const seen = groups.rows.flatMap((row) => (row.keys.model == null ? [] : [row.keys.model]));
        setKnownModels((models) => [...new Set([...models, ...seen])].sort());
      }
    } catch (error) {
      fail(error);
    } finally {
      setRunning(false);
    }
  };

  const [residualRunning, setResidualRunning] = useState(false);
  /** The residual curve for the result on screen, asked with its filter: one more query, only on demand. */
  const showResidual = async () => {
    const planned = terms === undefined ? null : planResidualQuery(terms);
    if (token === null || result === null || planned === null) return;
    setResidualRunning(true);
    try {
      const request: InsightsRequest = { purpose: result.purpose, groupBy: planned.groupBy, measures: planned.measures, filter: result.filter };
      const residual = (await hubGraphql<{ insights: InsightsOutcome }>(token, INSIGHTS_QUERY, { ...request })).insights;
      setResult((current) => (current === result ? { ...current, residual } : current));
    } catch (error) {
      fail(error);
    } finally {
      setResidualRunning(false);
    }
  };

  const exportCsv = () => {
    if (result === null) return;
    const sections: CsvSection[] = [];
    if (result.groups.__typename === 'Insights') sections.push({ grouping: result.compareBy, answer: result.groups });
    if (result.residual?.__typename === 'Insights') sections.push({ grouping: 'ageBand+grade', answer: result.residual });
    const id = result.groups.__typename === 'Insights' ? result.groups.queryId : 'result';
    saveFile(`insights-${result.purpose}-${id}.csv`, insightsCsv(sections), 'text/csv;charset=utf-8');
  };

  const viewer = start?.viewer;
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
        ) : start === null ? (
          <p aria-busy="true">{t.loading}</p>
        ) : (
          <>
            {viewer?.partyId != null && <p class="identity">{t.signedInAs(viewer.partyId, nameOf(ROLE_NAMES, viewer.role, lang))}</p>}
            {terms === undefined ? (
              <div class="notice" role="alert">
                <p>{t.noAgreements}</p>
                {start.agreements.length > 0 && (
                  <p>{t.agreementsList(start.agreements.map((a) => `${a.purpose}（${t.agreementStatus[a.status] ?? a.status}）`).join(t.listSeparator))}</p>
                )}
              </div>
            ) : (
              <>
                <Controls
                  t={t}
                  lang={lang}
                  usable={usable}
                  terms={terms}
                  agreements={start.agreements}
                  compareOptions={compareOptions}
                  groupBy={groupBy}
                  filters={filters}
                  knownModels={knownModels}
                  running={running}
                  canExport={result !== null}
                  onPurpose={choosePurpose}
                  onCompareBy={setCompareBy}
                  onFilters={setFilters}
                  onRun={() => void run()}
                  onExport={exportCsv}
                />
                {result === null ? (
                  <p class="muted">{t.nothingYet}</p>
                ) : (
                  <ResultView result={result} terms={terms} lang={lang} t={t} onShowResidual={residualRunning ? undefined : () => void showResidual()} />
                )}
              </>
            )}
          </>
        )}
      </main>
    </>
  );
}

interface ControlsProps {
  t: InsightsTexts;
  lang: Lang;
  usable: PurposeTerms[];
  terms: PurposeTerms;
  agreements: Agreement[];
  compareOptions: PolicyDimension[];
  groupBy: PolicyDimension;
  filters: Filters;
  knownModels: string[];
  running: boolean;
  canExport: boolean;
  onPurpose: (purpose: string) => void;
  onCompareBy: (dimension: PolicyDimension) => void;
  onFilters: (filters: Filters) => void;
  onRun: () => void;
  onExport: () => void;
}

function Controls(props: ControlsProps) {
  const { t, lang, terms, filters } = props;
  const allows = (d: PolicyDimension) => terms.dimensions.includes(d);
  const set = (field: keyof Filters) => (event: Event) =>
    props.onFilters({ ...filters, [field]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  const agreement = props.agreements.find((a) => a.purpose === terms.purpose && a.status === 'ACTIVE');
  return (
    <form
      class="controls"
      aria-label={t.controls}
      onSubmit={(event) => {
        event.preventDefault();
        props.onRun();
      }}
    >
      <div class="field">
        <label for="purpose">{t.purpose}</label>
        <select id="purpose" value={terms.purpose} onChange={(e) => props.onPurpose((e.currentTarget as HTMLSelectElement).value)}>
          {props.usable.map((p) => (
            <option key={p.purpose} value={p.purpose}>
              {p.title[lang]}（{p.purpose}）
            </option>
          ))}
        </select>
        {agreement?.validTo != null && <small>{t.agreementUntil(formatDate(agreement.validTo, lang))}</small>}
      </div>
      <div class="field">
        <label for="compare-by">{t.compareBy}</label>
        <select id="compare-by" value={props.groupBy} onChange={(e) => props.onCompareBy((e.currentTarget as HTMLSelectElement).value as PolicyDimension)}>
          {props.compareOptions.map((d) => (
            <option key={d} value={d}>
              {nameOf(DIMENSION_NAMES, d, lang)}
            </option>
          ))}
        </select>
      </div>
      {allows('category') && (
        <div class="field">
          <label for="filter-category">{t.category}</label>
          <select id="filter-category" value={filters.category} onChange={set('category')}>
            <option value="">{t.all}</option>
            {Object.entries(CATEGORY_NAMES).map(([code, name]) => (
              <option key={code} value={code}>
                {name[lang]}
              </option>
            ))}
          </select>
        </div>
      )}
      {allows('brand') && (
        <div class="field">
          <label for="filter-brand">
            {t.brand} <small>{t.listHint}</small>
          </label>
          <input id="filter-brand" type="text" value={filters.brand} onInput={set('brand')} autoComplete="off" />
        </div>
      )}
      {allows('model') && (
        <div class="field">
          <label for="filter-model">
            {t.model} <small>{t.listHint}</small>
          </label>
          <input id="filter-model" type="text" list="known-models" value={filters.model} onInput={set('model')} autoComplete="off" />
          <datalist id="known-models">
            {props.knownModels.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </div>
      )}
      {allows('province') && (
        <div class="field">
          <label for="filter-province">{t.province}</label>
          <select id="filter-province" value={filters.province} onChange={set('province')}>
            <option value="">{t.all}</option>
            {Object.entries(PROVINCE_NAMES).map(([prefix, name]) => (
              <option key={prefix} value={`${prefix}0000`}>
                {name[lang]}
              </option>
            ))}
          </select>
        </div>
      )}
      {allows('tradeInMonth') && (
        <>
          <div class="field">
            <label for="filter-from">{t.monthFrom}</label>
            <input id="filter-from" type="month" value={filters.monthFrom} onInput={set('monthFrom')} />
          </div>
          <div class="field">
            <label for="filter-to">{t.monthTo}</label>
            <input id="filter-to" type="month" value={filters.monthTo} onInput={set('monthTo')} />
          </div>
        </>
      )}
      <div class="run">
        <button type="submit" class="primary" disabled={props.running}>
          {props.running ? t.running : t.run}
        </button>
        <button type="button" onClick={props.onExport} disabled={!props.canExport}>
          {t.exportCsv}
        </button>
        <small class="muted">{t.runHint(formatFen(terms.pricePerSubjectFen, lang), terms.minGroupSize)}</small>
      </div>
    </form>
  );
}

function ResultView({
  result,
  terms,
  lang,
  t,
  onShowResidual,
}: {
  result: Result;
  terms: PurposeTerms;
  lang: Lang;
  t: InsightsTexts;
  onShowResidual: (() => void) | undefined;
}) {
  const answers = [result.groups, result.residual].filter((a): a is InsightsAnswer => a?.__typename === 'Insights');
  const groups = result.groups;
  const noise = answers.find((a) => a.noise !== null)?.noise ?? null;
  const lastNoise = [...answers].reverse().find((a) => a.noise !== null)?.noise ?? null;
  const prices = answers.map((a) => a.priceFen);
  return (
    <section aria-labelledby="result-heading" aria-live="polite">
      <h2 id="result-heading">{t.summary}</h2>
      {groups.__typename !== 'Insights' ? (
        <div class="notice notice-error" role="alert">
          <p>{t.refused(refusalText(groups))}</p>
        </div>
      ) : (
        <>
          <dl class="summary">
            <div>
              <dt>{t.purpose}</dt>
              <dd>{terms.title[lang]}</dd>
            </div>
            <div>
              <dt>{t.k}</dt>
              <dd data-field="k">{groups.minGroupSize}</dd>
            </div>
            <div>
              <dt>{t.subjectsCounted}</dt>
              <dd data-field="subjects-counted">{groups.subjectsCounted === null ? t.notReleased : formatNumber(groups.subjectsCounted, lang, 0)}</dd>
            </div>
            <div>
              <dt>{t.price}</dt>
              <dd>
                {prices.some((p) => p === null)
                  ? t.notReleased
                  : prices.every((p) => p === 0)
                    ? t.priceUnbilled
                    : formatFen(
                        prices.reduce<number>((sum, p) => sum + (p ?? 0), 0),
                        lang,
                      )}
              </dd>
            </div>
            <div>
              <dt>{t.queryId}</dt>
              <dd>
                <code>{answers.map((a) => a.queryId).join(' · ')}</code>
              </dd>
            </div>
          </dl>
          {noise !== null && lastNoise !== null && (
            <p class="noise" data-noise="laplace">
              {t.noise(
                answers.reduce((sum, a) => sum + (a.noise?.epsilonSpent ?? 0), 0),
                lastNoise.epsilonRemaining,
                lastNoise.monthlyBudget,
              )}
            </p>
          )}
          <SuppressionNote answer={groups} t={t} />
          <GroupsTable answer={groups} compareBy={result.compareBy} lang={lang} t={t} />
        </>
      )}
      <h2>{t.chartsHeading}</h2>
      <div class="charts">
        {CHARTS.map((chart) => (
          <ChartCard
            key={`${chart.id}-${lang}`}
            chart={chart.id}
            terms={terms}
            groups={result.groups}
            residual={result.residual}
            onShowResidual={onShowResidual}
            compareBy={result.compareBy}
            models={result.models}
            lang={lang}
            t={t}
          />
        ))}
      </div>
    </section>
  );
}

function GroupsTable({ answer, compareBy, lang, t }: { answer: InsightsAnswer; compareBy: PolicyDimension; lang: Lang; t: InsightsTexts }) {
  const noisy = answer.noise !== null;
  const mark = noisy ? (
    <span class="noisy-mark" title={t.chartNoisy}>
      {t.approx}
    </span>
  ) : null;
  const rows = [...answer.rows].sort((a, b) => Number(a.remainder) - Number(b.remainder) || Number(b.values.count ?? 0) - Number(a.values.count ?? 0));
  const dimension = nameOf(DIMENSION_NAMES, compareBy, lang);
  return (
    <>
      <h3>{t.tableHeading(dimension)}</h3>
      <div class="table-scroll">
        <table class="groups" data-compare-by={compareBy}>
          <thead>
            <tr>
              <th scope="col">{t.group(dimension)}</th>
              <th scope="col" class="num">
                {t.count}
              </th>
              <th scope="col" class="num">
                {t.share}
              </th>
              <th scope="col" class="num">
                {t.subjects}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={4} class="empty">
                  {t.chartEmpty}
                </td>
              </tr>
            )}
            {rows.map((row, index) => {
              const key = row.remainder ? null : (row.keys[compareBy] ?? null);
              const count = typeof row.values.count === 'number' ? row.values.count : null;
              const share = typeof row.values.share === 'number' ? row.values.share : null;
              return (
                <tr key={`${key}-${index}`} class={row.remainder ? 'remainder' : undefined} data-group={row.remainder ? '(remainder)' : (key ?? '(unknown)')}>
                  <th scope="row">{row.remainder ? t.remainderLabel : dimensionValueName(compareBy, key, lang, t.unknownValue)}</th>
                  <td class="num" data-measure="count">
                    {mark}
                    {formatNumber(count, lang, 0)}
                  </td>
                  <td class="num" data-measure="share">
                    {mark}
                    {formatShare(share, lang)}
                  </td>
                  <td class="num" data-measure="subjects">
                    {mark}
                    {formatNumber(row.subjects, lang, 0)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'preact/hooks';
import { formatNumber, formatShare } from '../shared/format.ts';
import type { Lang } from '../shared/lang.ts';
import type { PurposeTerms } from '../shared/purpose-terms.ts';
import { AGE_BANDS, DIMENSION_NAMES, DISPOSITION_NAMES, FAULT_NAMES, GRADE_NAMES, MEASURE_NAMES, nameOf } from '../shared/vocabulary.ts';
import { ChartCanvas } from './chart-canvas.tsx';
import { chartRows, distributionSeries, residualCurve, scalarSeries, type Series } from './chart-data.ts';
import { dimensionValueName } from './dimension-values.ts';
import { chartAvailability, type ChartId } from './insights-plan.ts';
import type { InsightRow, InsightsAnswer, InsightsOutcome } from './insights-queries.ts';
import type { InsightsTexts } from './insights-texts.ts';

const PALETTE = ['#0b5cad', '#d9822b', '#1d7a3a', '#b3261e', '#6b3fa0', '#00838f', '#8d6e63', '#5a6472'];
const GRADE_COLOURS: Record<string, string> = { A: '#1d7a3a', B: '#7cb342', C: '#f9a825', D: '#ef6c00', E: '#c62828', X: '#5a6472' };
const GRADE_ORDER = ['A', 'B', 'C', 'D', 'E', 'X'];
const DISPOSITION_ORDER = ['resold_as_is', 'refurbished', 'parts_harvested', 'dismantled_recycled', 'pending'];
const CHART_LIMIT = 12;

/** Refusal reasons as one line (the hub's own words, which name rules, never data). */
export function refusalText(outcome: Exclude<InsightsOutcome, { __typename: 'Insights' }>): string {
  return outcome.reasons !== undefined && outcome.reasons.length > 0 ? outcome.reasons.join('; ') : outcome.message;
}

interface SeriesView {
  series: Series;
  kind: 'bar' | 'line';
  stacked: boolean;
  percent: boolean;
  datasetLabel: (key: string) => string;
  datasetColour: (key: string, index: number) => string;
  xTitle?: string;
  yTitle?: string;
}

/** Fades a #rrggbb colour; the remainder row's bars are drawn faded so they read as "merged", not a group. */
function faded(colour: string): string {
  return `${colour}59`;
}

function chartConfig(view: SeriesView, lang: Lang): ChartConfiguration {
  const format = (value: number | null) => (view.percent ? formatShare(value, lang) : formatNumber(value, lang));
  return {
    type: view.kind,
    data: {
      labels: view.series.labels,
      datasets: view.series.datasets.map((dataset, index) => {
        const colour = view.datasetColour(dataset.key, index);
        const pointColours = view.series.labels.map((_, i) => (i === view.series.remainderIndex ? faded(colour) : colour));
        return {
          label: view.datasetLabel(dataset.key),
          data: dataset.values,
          backgroundColor: view.kind === 'bar' ? pointColours : colour,
          borderColor: colour,
          borderWidth: view.kind === 'line' ? 2 : 0,
          spanGaps: true,
        };
      }),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${format(item.parsed.y)}` } },
      },
      scales: {
        x: { stacked: view.stacked, ticks: { autoSkip: false, maxRotation: 60 }, ...(view.xTitle ? { title: { display: true, text: view.xTitle } } : {}) },
        y: {
          stacked: view.stacked,
          beginAtZero: true,
          ...(view.percent && view.stacked ? { max: 1 } : {}),
          ticks: { callback: (value) => format(Number(value)) },
          ...(view.yTitle ? { title: { display: true, text: view.yTitle } } : {}),
        },
      },
    },
  } as ChartConfiguration;
}

function SeriesChart({ view, lang, t, description }: { view: SeriesView; lang: Lang; t: InsightsTexts; description: string }) {
  const config = useMemo(() => chartConfig(view, lang), [view, lang]);
  const format = (value: number | null) => (view.percent ? formatShare(value, lang) : formatNumber(value, lang));
  return (
    <>
      <ChartCanvas config={config} description={description} />
      <details>
        <summary>{t.dataTable}</summary>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{view.xTitle ?? ''}</th>
                {view.series.datasets.map((d) => (
                  <th key={d.key} scope="col" class="num">
                    {view.datasetLabel(d.key)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {view.series.labels.map((label, i) => (
                <tr key={`${label}-${i}`} class={i === view.series.remainderIndex ? 'remainder' : undefined}>
                  <th scope="row">{label}</th>
                  {view.series.datasets.map((d) => (
                    <td key={d.key} class="num">
                      {format(d.values[i] ?? null)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

export interface ChartCardProps {
  chart: ChartId;
  terms: PurposeTerms;
  /** The answer grouped by `compareBy` (every chart but the residual curve). */
  groups: InsightsOutcome;
  /** The answer grouped by age band and grade; null until the user opens the curve (or where the purpose does not allow it). */
  residual: InsightsOutcome | null;
  /** Sends the residual curve's query; absent while it runs. */
  onShowResidual?: (() => void) | undefined;
  compareBy: string;
  models: string[];
  lang: Lang;
  t: InsightsTexts;
}

/** One chart, or the sentence saying why the chosen purpose does not allow it. */
export function ChartCard(props: ChartCardProps) {
  const { chart, terms, lang, t } = props;
  const title = t.charts[chart];
  const availability = chartAvailability(chart, terms);
  const purposeTitle = terms.title[lang];
  const headingId = `chart-${chart}-heading`;
  let body;
  if (!availability.available) {
    const names = availability.missing
      .map((code) => (availability.reason === 'dimension_not_allowed' ? nameOf(DIMENSION_NAMES, code, lang) : nameOf(MEASURE_NAMES, code, lang)))
      .join(t.listSeparator);
    const sentence =
      availability.reason === 'dimension_not_allowed'
        ? t.notAllowedDimension
        : availability.reason === 'measure_not_releasable'
          ? t.notReleasable
          : t.notAllowedMeasure;
    body = (
      <p class="chart-unavailable" data-unavailable={availability.reason}>
        {sentence(purposeTitle, names)}
      </p>
    );
  } else {
    const outcome = chart === 'residual' ? props.residual : props.groups;
    if (outcome === null)
      body = (
        <div class="chart-on-demand">
          <p class="muted">{t.residualOnDemand}</p>
          <button type="button" onClick={props.onShowResidual} disabled={props.onShowResidual === undefined}>
            {props.onShowResidual === undefined ? t.running : t.showResidual}
          </button>
        </div>
      );
    else if (outcome.__typename !== 'Insights')
      body = (
        <p class="chart-unavailable" role="alert">
          {t.refused(refusalText(outcome))}
        </p>
      );
    else
      body = (
        <ChartBody
          {...props}
          rows={outcome.rows}
          noisy={outcome.noise !== null}
          measures={availability.measures}
          suppressed={chart === 'residual' ? outcome : null}
        />
      );
  }
  return (
    <section class="chart-card" data-chart={chart} aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      {body}
    </section>
  );
}

function ChartBody(props: ChartCardProps & { rows: InsightRow[]; noisy: boolean; measures: string[]; suppressed: SuppressionFacts | null }) {
  const { chart, rows, lang, t, compareBy } = props;
  const shown = useMemo(() => chartRows(rows, CHART_LIMIT), [rows]);
  const labelOf = (row: InsightRow) => (row.remainder ? t.remainderLabel : dimensionValueName(compareBy, row.keys[compareBy], lang, t.unknownValue));
  const groupAxis = nameOf(DIMENSION_NAMES, compareBy, lang);
  const view = useMemo((): SeriesView | null => {
    switch (chart) {
      case 'residual': {
        const curve = residualCurve(
          rows,
          AGE_BANDS.map((b) => b.code),
          GRADE_ORDER,
        );
        return {
          series: { ...curve, labels: curve.labels.map((code) => dimensionValueName('ageBand', code, lang, t.unknownValue)) },
          kind: 'line',
          stacked: false,
          percent: true,
          datasetLabel: (grade) => nameOf(GRADE_NAMES, grade, lang),
          datasetColour: (grade, i) => GRADE_COLOURS[grade] ?? PALETTE[i % PALETTE.length]!,
          xTitle: t.ageAxis,
          yTitle: t.ratioAxis,
        };
      }
      case 'faults':
        return {
          series: distributionSeries(shown, 'faultRate', labelOf, 6),
          kind: 'bar',
          stacked: false,
          percent: true,
          datasetLabel: (code) => nameOf(FAULT_NAMES, code, lang),
          datasetColour: (_k, i) => PALETTE[i % PALETTE.length]!,
          xTitle: groupAxis,
        };
      case 'grades':
        return {
          series: distributionSeries(shown, 'gradeDistribution', labelOf, Infinity, GRADE_ORDER),
          kind: 'bar',
          stacked: true,
          percent: true,
          datasetLabel: (grade) => nameOf(GRADE_NAMES, grade, lang),
          datasetColour: (grade, i) => GRADE_COLOURS[grade] ?? PALETTE[i % PALETTE.length]!,
          xTitle: groupAxis,
        };
      case 'usage':
        return {
          series: scalarSeries(shown, props.measures, labelOf),
          kind: 'bar',
          stacked: false,
          percent: false,
          datasetLabel: (m) => nameOf(MEASURE_NAMES, m, lang),
          datasetColour: (_k, i) => PALETTE[i % PALETTE.length]!,
          xTitle: groupAxis,
          yTitle: t.monthsAxis,
        };
      case 'dispositions':
        return {
          series: distributionSeries(shown, 'dispositionShares', labelOf, Infinity, DISPOSITION_ORDER),
          kind: 'bar',
          stacked: true,
          percent: true,
          datasetLabel: (d) => nameOf(DISPOSITION_NAMES, d, lang),
          datasetColour: (_k, i) => PALETTE[i % PALETTE.length]!,
          xTitle: groupAxis,
        };
      case 'co2e':
        return {
          series: scalarSeries(shown, ['co2eAvoidedKg'], labelOf),
          kind: 'bar',
          stacked: false,
          percent: false,
          datasetLabel: (m) => nameOf(MEASURE_NAMES, m, lang),
          datasetColour: () => PALETTE[2]!,
          xTitle: groupAxis,
          yTitle: t.kgAxis,
        };
    }
  }, [chart, rows, shown, lang, compareBy, props.measures.join()]);
  const empty = view === null || view.series.labels.length === 0 || view.series.datasets.length === 0;
  const offCurve =
    chart === 'residual'
      ? residualCurve(
          rows,
          AGE_BANDS.map((b) => b.code),
          GRADE_ORDER,
        ).offCurve.length
      : 0;
  return (
    <>
      {chart === 'residual' && <p class="chart-note">{t.residualFor(props.models.length > 0 ? props.models.join(t.listSeparator) : t.allModels)}</p>}
      {props.noisy && (
        <p class="chart-note noisy-mark">
          {t.approx} {t.chartNoisy}
        </p>
      )}
      {props.suppressed !== null && <SuppressionNote answer={props.suppressed} t={t} />}
      {empty ? <p class="chart-unavailable">{t.chartEmpty}</p> : <SeriesChart view={view} lang={lang} t={t} description={t.charts[chart]} />}
      {chart !== 'residual' && rows.filter((r) => !r.remainder).length > CHART_LIMIT && <p class="chart-note">{t.chartTop(CHART_LIMIT)}</p>}
      {offCurve > 0 && <p class="chart-note">{t.offCurve(offCurve)}</p>}
    </>
  );
}

type SuppressionFacts = Pick<InsightsAnswer, 'suppressedGroups' | 'remainderDropped' | 'minGroupSize' | 'noise'>;

/**
 * Says what was withheld. Exact answers: how many groups were below k and what became of them (merged
 * into the remainder, or not released). Noisy answers: only that rows below the release threshold are
 * withheld, and roughly how many records they held; an exact small count would undo the noise.
 */
export function SuppressionNote({ answer, t }: { answer: SuppressionFacts; t: InsightsTexts }) {
  if (answer.suppressedGroups === null || answer.remainderDropped === null) {
    if (answer.noise === null) return null;
    return (
      <p class="suppression" data-suppression="noisy">
        {t.suppressionNoisy(answer.noise.releaseThreshold, answer.noise.withheldRecords)}
      </p>
    );
  }
  if (answer.suppressedGroups === 0 && !answer.remainderDropped)
    return (
      <p class="chart-note" data-suppression="none">
        {t.suppressionNone}
      </p>
    );
  return (
    <p class="suppression" data-suppression={answer.remainderDropped ? 'dropped' : 'merged'}>
      {answer.remainderDropped
        ? t.suppressionDropped(answer.suppressedGroups, answer.minGroupSize)
        : t.suppressionMerged(answer.suppressedGroups, answer.minGroupSize)}
    </p>
  );
}

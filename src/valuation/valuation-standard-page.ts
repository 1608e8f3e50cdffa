import type { ValuationStandard } from './valuation-standard.ts';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
const percent = (bp: number) => `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)}%`;

/** The published standard as a page: grades with their checks, residual curves, deductions, formula. Pure. */
export function renderValuationStandardPage(standard: ValuationStandard): string {
  const grades = Object.entries(standard.grades)
    .map(
      ([grade, g]) => `<tr><td>${escapeHtml(grade)}</td><td>${percent(g.factorBp)}</td><td>${escapeHtml(g.checks.zh)}<br>${escapeHtml(g.checks.en)}</td></tr>`,
    )
    .join('\n');
  const curves = Object.entries(standard.residualCurves)
    .map(([category, c]) => `<tr><td>${escapeHtml(category)}</td><td>${percent(c.retentionPerMonthBp)}</td><td>${percent(c.floorBp)}</td></tr>`)
    .join('\n');
  const deductions = Object.entries(standard.faultDeductions)
    .map(([fault, d]) => `<tr><td>${escapeHtml(fault)}</td><td>${percent(d.deductionBp)}</td></tr>`)
    .join('\n');
  const pool = standard.observedPool;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(standard.title.zh)} · ${escapeHtml(standard.title.en)} ${escapeHtml(standard.version)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem}table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}code{white-space:pre-wrap}</style>
</head>
<body>
<h1>${escapeHtml(standard.title.zh)} <small>${escapeHtml(standard.title.en)} · ${escapeHtml(standard.version)}</small></h1>
<p>${escapeHtml(standard.description.zh)}</p>
<p>${escapeHtml(standard.description.en)}</p>
<p><code>${escapeHtml(standard.formula)}</code></p>
<p>机器可读版本 Machine-readable: <a href="/valuation-standard.json">/valuation-standard.json</a></p>
<h2>成色 Grades</h2>
<table><thead><tr><th scope="col">成色 Grade</th><th scope="col">系数 Factor</th><th scope="col">检测要求 Checks</th></tr></thead><tbody>
${grades}
</tbody></table>
<h2>残值曲线 Residual curves</h2>
<table><thead><tr><th scope="col">品类 Category</th><th scope="col">每月保值率 Retention per month</th><th scope="col">最低残值 Floor</th></tr></thead><tbody>
${curves}
</tbody></table>
<h2>故障扣减 Fault deductions (share of launch price)</h2>
<table><thead><tr><th scope="col">故障 Fault</th><th scope="col">扣减 Deduction</th></tr></thead><tbody>
${deductions}
</tbody></table>
<h2>观测值 Observed values</h2>
<p>${escapeHtml(pool.description.zh)}</p>
<p>${escapeHtml(pool.description.en)} (Purpose: ${escapeHtml(pool.purpose)}; ${pool.ageBandMonths} months per band, ε = ${pool.epsilon}, at least ${pool.minDevices} devices.)</p>
</body>
</html>
`;
}

import type { PublicFirm } from './firms.service.ts';
import type { FirmCapacity, FirmStatus } from './firms.table.ts';

const CAPACITY_NAMES: Readonly<Record<FirmCapacity, string>> = {
  sales_firm: '销售企业 Sales firm',
  recycler: '回收企业 Recycler',
  dismantler: '拆解企业 Dismantler',
  ecommerce_platform: '电商平台 E-commerce platform',
  third_party_service: '第三方服务机构 Third-party service',
  brand: '生产企业 Brand',
  notary: '数据清除见证机构 Wipe notary',
  regulator: '监管部门 Regulator',
  operator: '平台运营方 Operator',
};

const STATUS_NAMES: Readonly<Record<FirmStatus, string>> = {
  pending: '待审核 Pending',
  active: '参与中 Active',
  suspended: '已暂停 Suspended',
  withdrawn: '已退出 Withdrawn',
};

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * The public list as a page: a plain table rendered on the server, no script, so it needs no build and
 * reads on any phone. Names are firms' own and escaped. Pure.
 */
export function renderFirmListPage(firms: readonly PublicFirm[]): string {
  const rows = firms
    .map((f) => `<tr><td>${escapeHtml(f.name)}</td><td>${f.capacities.map((c) => CAPACITY_NAMES[c]).join('<br>')}</td><td>${STATUS_NAMES[f.status]}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>以旧换新参与企业名单 · Participating firms</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}</style>
</head>
<body>
<h1>以旧换新参与企业名单 <small>Participating firms</small></h1>
<p>${firms.length} 家企业 · firms. 机器可读版本 Machine-readable: <a href="/firms.json">/firms.json</a></p>
<table>
<thead><tr><th scope="col">名称 Name</th><th scope="col">企业类别 Type</th><th scope="col">状态 Status</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

import { describe, expect, it } from 'vitest';
import { mappedCsv } from '../../adapters/mapped-csv/mapped-csv.adapter.ts';
import { recyclerInspectionsCsv } from '../../adapters/recycler-inspections-csv/recycler-inspections-csv.adapter.ts';
import { SHIPPED_ADAPTER_VOCABULARIES } from '../../adapters/shared/vocabulary-cells.ts';
import { createBrandRegistry } from '../../src/vocabulary/brand-names.ts';
import { SHIPPED_BRANDS } from '../../src/vocabulary/shipped-brands.ts';

const INSPECTIONS = {
  kind: 'inspection',
  fields: {
    externalRef: { column: '单号' },
    ticket: { column: '票据' },
    grade: { column: '成色', values: { 好: 'B' } },
    gradeScheme: { column: '体系', values: { CTIA: 'CTIA', 自有: 'PROPRIETARY' } },
    gradeValue: { column: '等级' },
    inspectedMonth: { column: '日期', parse: 'month' },
    'dataWipe.certificateRef': { column: '证书', optional: true },
  },
};
const row = (overrides: Record<string, string>) => ({
  单号: 'Q-1',
  票据: '0f8e3c52-9a41-4b7e-8c2d-6a1f0e9b3d74',
  成色: '好',
  体系: 'CTIA',
  等级: '1 B',
  日期: '2026-10',
  ...overrides,
});

describe('adapters map into the hub vocabularies', () => {
  it('resolves brands through the registry it is given, and reports a miss by row and column without the value', () => {
    const mapping = {
      kind: 'catalogue',
      fields: {
        brand: { column: '品牌' },
        model: { column: '型号' },
        category: { column: '品类', parse: 'category' },
        launchMonth: { column: '上市', parse: 'month' },
        launchPriceFen: { column: '价格', parse: 'fen' },
      },
    };
    const cells = { 品牌: 'Nothing', 型号: 'Phone (2)', 品类: '手机', 上市: '2023-07', 价格: '3999' };
    const refused = mappedCsv.create({ mapping })(cells, 4);
    expect(refused).toEqual({ ok: false, errors: [{ row: 4, column: '品牌', code: 'adapter.unknown_brand', message: expect.any(String) }] });
    expect(JSON.stringify(refused)).not.toContain('Nothing');
    const registered = {
      ...SHIPPED_ADAPTER_VOCABULARIES,
      brands: createBrandRegistry([...SHIPPED_BRANDS, { id: 'nothing', nameZh: 'Nothing', nameEn: 'Nothing', aliases: [] }]),
    };
    expect(mappedCsv.create({ mapping, vocabularies: registered })(cells, 4).ok).toBe(true);
  });

  it("checks a grade value against its scheme, and a proprietary value against the recycler's own list", () => {
    const map = (cells: Record<string, string>, vocabularies = SHIPPED_ADAPTER_VOCABULARIES) =>
      mappedCsv.create({ mapping: INSPECTIONS, vocabularies })(row(cells), 2);
    expect(map({}).ok).toBe(true);
    expect(map({ 等级: 'Z9' })).toEqual({ ok: false, errors: [{ row: 2, column: '等级', code: 'adapter.unknown_grade_value', message: expect.any(String) }] });
    expect(map({ 体系: '自有', 等级: '靓机' }).ok).toBe(false);
    expect(map({ 体系: '自有', 等级: '靓机' }, { ...SHIPPED_ADAPTER_VOCABULARIES, proprietaryGradeValues: new Set(['靓机']) }).ok).toBe(true);
  });

  it('refuses a certificate number that is a personal datum', () => {
    const map = (certificate: string) => mappedCsv.create({ mapping: INSPECTIONS })(row({ 证书: certificate }), 3);
    expect(map('WC-NHUWEHSBZ4').ok).toBe(true);
    expect(map('13912345678')).toEqual({ ok: false, errors: [{ row: 3, column: '证书', code: 'adapter.bad_certificate_ref', message: expect.any(String) }] });
    const sheet = recyclerInspectionsCsv.create({ platform: 'platform-a' });
    const result = sheet({ 质检单号: 'QC1', 平台订单号: 'TI1', 成色: '95新', 质检完成时间: '2025-04-18', 清除证书编号: '139-1234-5678' }, 5);
    expect(result).toEqual({ ok: false, errors: [{ row: 5, column: '清除证书编号', code: 'adapter.bad_certificate_ref', message: expect.any(String) }] });
  });
});

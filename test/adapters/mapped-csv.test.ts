import { describe, expect, it } from 'vitest';
import { AdapterOptionsError } from '../../adapters/adapter.ts';
import { mappedCsv } from '../../adapters/mapped-csv/mapped-csv.adapter.ts';
import { nativeSchemaOf, readMappingSpec } from '../../adapters/mapped-csv/mapping-spec.ts';

const MAPPING = {
  kind: 'catalogue',
  private: ['联系人'],
  fields: {
    brand: { column: '品牌' },
    model: { column: '型号' },
    category: { column: '品类', parse: 'category' },
    launchMonth: { column: '上市', parse: 'month' },
    launchPriceFen: { column: '价格', parse: 'fen' },
    weightKg: { column: '重量克', parse: 'number', scale: -3, optional: true },
  },
};

describe('mapped-csv adapter', () => {
  it('maps a row through the mapping and names its kind', () => {
    expect(readMappingSpec(MAPPING).kind).toBe('catalogue');
    const result = mappedCsv.create({ mapping: MAPPING })(
      { 品牌: 'Apple', 型号: 'iPhone 13 128GB', 品类: '手机', 上市: '2021-09', 价格: '5,999', 重量克: '173', 联系人: '王军' },
      1,
    );
    expect(result).toEqual({
      ok: true,
      document: { brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 599_900, weightKg: 0.173 },
    });
  });

  it('reports an unknown category with its row and column', () => {
    const result = mappedCsv.create({ mapping: MAPPING })({ 品牌: 'Sony', 型号: 'PS5', 品类: '游戏机', 上市: '2020-11', 价格: '3899' }, 9);
    expect(result).toEqual({ ok: false, errors: [{ row: 9, column: '品类', code: 'adapter.unknown_category', message: expect.any(String) }] });
  });

  it('implies the native schema: required and private columns, and the column behind each field', () => {
    const native = nativeSchemaOf(readMappingSpec(MAPPING));
    expect(native.required).toEqual(['品牌', '型号', '品类', '上市', '价格']);
    expect(native.properties?.['联系人']?.['x-private']).toBeDefined();
    expect(native.properties?.['价格']?.['x-field']).toEqual(['/launchPriceFen']);
  });

  it('refuses a mapping whose field reads a column it declares private', () => {
    const leaky = { ...MAPPING, fields: { ...MAPPING.fields, model: { column: '联系人' } } };
    expect(() => mappedCsv.create({ mapping: leaky })).toThrow(AdapterOptionsError);
  });

  it('refuses a field the standard does not define, and accepts a nested one it does', () => {
    expect(() => mappedCsv.create({ mapping: { ...MAPPING, fields: { ...MAPPING.fields, phone: { column: '电话' } } } })).toThrow(/field phone/);
    expect(() =>
      mappedCsv.create({ mapping: { ...MAPPING, fields: { ...MAPPING.fields, 'spec.storageGb': { column: '容量', parse: 'integer' } } } }),
    ).not.toThrow();
  });

  it('refuses unknown parsers, kinds and missing mappings', () => {
    expect(() => mappedCsv.create({ mapping: { ...MAPPING, fields: { brand: { column: '品牌', parse: 'guess' } } } })).toThrow(/parse/);
    expect(() => mappedCsv.create({ mapping: { ...MAPPING, kind: 'invoice' } })).toThrow(/kind/);
    expect(() => mappedCsv.create({})).toThrow(/mapping/);
  });

  it('needs --platform only when a field takes it', () => {
    const disposition = {
      kind: 'disposition',
      fields: {
        externalRef: { column: '单号' },
        'tradeIn.platform': { option: 'platform' },
        'tradeIn.externalRef': { column: '订单' },
        disposition: { const: 'pending' },
        completedMonth: { column: '日期', parse: 'month' },
      },
    };
    expect(() => mappedCsv.create({ mapping: disposition })).toThrow(/platform/);
    expect(mappedCsv.create({ mapping: disposition, platform: 'platform-a' })({ 单号: 'D1', 订单: 'O1', 日期: '2025/1/2' }, 1)).toEqual({
      ok: true,
      document: { externalRef: 'D1', tradeIn: { platform: 'platform-a', externalRef: 'O1' }, disposition: 'pending', completedMonth: '2025-01' },
    });
  });

  describe('document versions', () => {
    const TRADEIN = {
      kind: 'tradein',
      fields: {
        externalRef: { column: '单号' },
        category: { column: '品类', parse: 'category' },
        brand: { column: '品牌' },
        model: { column: '型号' },
        usageMonths: { column: '月数', parse: 'integer' },
        tradeInMonth: { column: '日期', parse: 'month' },
        channel: { const: 'online' },
        quotedValuationFen: { column: '报价', parse: 'fen' },
        'newPurchase.category': { column: '新品类', parse: 'category' },
      },
    };
    const PRICES = { 'newPurchase.listPriceFen': { column: '标价', parse: 'fen' }, 'newPurchase.paidPriceFen': { column: '实付', parse: 'fen' } };
    const ROW = {
      单号: 'V1',
      品类: '手机',
      品牌: 'Apple',
      型号: 'iPhone 13 128GB',
      月数: '30',
      日期: '2026-12',
      报价: '1800',
      新品类: '手机',
      标价: '5,999',
      实付: '5499.00',
    };
    const BASE = {
      externalRef: 'V1',
      category: 'mobile_phone',
      brand: 'Apple',
      model: 'iPhone 13 128GB',
      usageMonths: 30,
      tradeInMonth: '2026-12',
      channel: 'online',
      quotedValuationFen: 180_000,
    };

    it('maps to version 1 when the mapping names none, and refuses the price fields v1 does not define', () => {
      expect(readMappingSpec(TRADEIN).version).toBe(1);
      expect(mappedCsv.create({ mapping: TRADEIN })(ROW, 1)).toEqual({ ok: true, document: { ...BASE, newPurchase: { category: 'mobile_phone' } } });
      expect(() => mappedCsv.create({ mapping: { ...TRADEIN, fields: { ...TRADEIN.fields, ...PRICES } } })).toThrow(
        'mapping field newPurchase.listPriceFen must be a field of tradein.v1',
      );
    });

    it('maps a version 2 mapping to tradein.v2 documents with the new purchase price columns', () => {
      const mapping = { ...TRADEIN, version: 2, fields: { ...TRADEIN.fields, ...PRICES } };
      expect(readMappingSpec(mapping).version).toBe(2);
      expect(mappedCsv.create({ mapping })(ROW, 1)).toEqual({
        ok: true,
        document: { ...BASE, newPurchase: { category: 'mobile_phone', listPriceFen: 599_900, paidPriceFen: 549_900 } },
        version: 2,
      });
      expect(nativeSchemaOf(readMappingSpec(mapping)).properties?.['实付']?.['x-field']).toEqual(['/newPurchase/paidPriceFen']);
      // version 1 named explicitly is the default.
      expect(readMappingSpec({ ...TRADEIN, version: 1 }).version).toBe(1);
    });

    it('refuses a version the standard does not define for the kind, naming the versions it does', () => {
      expect(() => mappedCsv.create({ mapping: { ...TRADEIN, version: 3 } })).toThrow(
        'mapping version must be a version the standard defines for tradein (1, 2',
      );
      expect(() => mappedCsv.create({ mapping: { ...TRADEIN, version: '2' } })).toThrow(/mapping version must be/);
      expect(() => mappedCsv.create({ mapping: { ...MAPPING, version: 2 } })).toThrow(
        'mapping version must be a version the standard defines for catalogue (1;',
      );
      expect(() => mappedCsv.create({ mapping: { ...TRADEIN, version: 0 } })).toThrow(AdapterOptionsError);
    });
  });
});

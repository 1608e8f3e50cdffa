import { describe, expect, it } from 'vitest';
import { regionCode } from '../../adapters/shared/region-code.ts';

// The tradein.v1 regionCode pattern: province or prefecture, never county.
const REGION_CODE = /^[1-9]\d(0000|\d{2}00)$/;

describe('regionCode', () => {
  it.each([
    ['江苏省', '无锡市', '320200', 'prefecture'],
    ['江苏', '无锡', '320200', 'prefecture'],
    ['湖北省', '宜昌市', '420500', 'prefecture'],
    ['广东省', '东莞市', '441900', 'prefecture'],
    ['贵州省', '遵义市', '520300', 'prefecture'],
    ['内蒙古自治区', '呼和浩特市', '150100', 'prefecture'],
    ['上海市', '上海市', '310000', 'province'],
    ['北京市', '北京市', '110000', 'province'],
    ['浙江省', '不存在市', '330000', 'province'],
    ['浙江省', undefined, '330000', 'province'],
  ])('resolves %s + %s to %s', (province, city, code, level) => {
    const result = regionCode(province, city);
    expect(result).toEqual({ ok: true, region: { code, level } });
    expect(code).toMatch(REGION_CODE);
  });

  it('resolves a city that is unique in the country without its province', () => {
    expect(regionCode(undefined, '无锡市')).toEqual({ ok: true, region: { code: '320200', level: 'prefecture' } });
  });

  it('gives no region for no names at all', () => {
    expect(regionCode('', '')).toEqual({ ok: true, region: undefined });
  });

  it('reports an unknown province, and a province-less city it cannot place', () => {
    expect(regionCode('火星省', '某市')).toEqual({ ok: false, column: 'province' });
    expect(regionCode(undefined, '不存在市')).toEqual({ ok: false, column: 'city' });
  });

  it('never answers a county-level code', () => {
    for (const [province, city] of [
      ['江苏省', '南山区'],
      ['广东省', '深圳市'],
      ['四川省', '绵阳市'],
    ] as const) {
      const result = regionCode(province, city);
      expect(result.ok && result.region?.code).toMatch(REGION_CODE);
    }
  });
});

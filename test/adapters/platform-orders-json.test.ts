import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { platformOrdersJson } from '../../adapters/platform-orders-json/platform-orders-json.adapter.ts';
import { checkDocument } from '../../src/documents/check-document.ts';

const KEY = Buffer.from('a-platform-key-that-never-leaves-the-platform', 'utf8');

const ORDER = {
  订单号: 'TI20250409415683',
  用户ID: 'u0386074',
  收货人: '马洋',
  手机号: '18893244838',
  收货地址: '江苏省无锡市南山区科技园路189号1栋1735室',
  身份证号: '610403197301278775',
  旧机品类: '手机',
  旧机品牌: 'Apple',
  旧机型号: 'iPhone 13 128GB',
  'IMEI/序列号': '867458036339754',
  购买时间: '2022/4/14',
  回收时间: '2025/4/9 09:33:43',
  回收估价: '390.00',
  国补金额: '500.00',
  新机品类: '手机',
  新机能效等级: '',
  省份: '江苏省',
  城市: '无锡市',
  回收方式: '门店回收',
  备注: '联系张涛，电话13106203290',
};

describe('platform-orders-json adapter', () => {
  it('sends the HMAC of the user id under the platform key as subjectRef', () => {
    const result = platformOrdersJson.create({ subjectKey: KEY })(ORDER, 1);
    const expected = createHmac('sha256', KEY).update('u0386074').digest('base64url');
    expect(result).toMatchObject({ ok: true, document: { subjectRef: expected } });
    if (result.ok) expect(checkDocument('tradein', result.document)).toEqual([]);
  });

  it('sends no subjectRef without a key: the record is anonymous', () => {
    const result = platformOrdersJson.create({})(ORDER, 1);
    expect(result.ok && 'subjectRef' in result.document).toBe(false);
  });

  it('derives a different pseudonym under another platform key', () => {
    const a = platformOrdersJson.create({ subjectKey: KEY })(ORDER, 1);
    const b = platformOrdersJson.create({ subjectKey: Buffer.from('another-platform-key-another-platform-key') })(ORDER, 1);
    expect(a.ok && b.ok && a.document.subjectRef !== b.document.subjectRef).toBe(true);
  });

  it('maps usage, month, region, prices, channel and the new purchase', () => {
    expect(platformOrdersJson.create({})(ORDER, 1)).toEqual({
      ok: true,
      document: {
        externalRef: 'TI20250409415683',
        category: 'mobile_phone',
        brand: 'Apple',
        model: 'iPhone 13 128GB',
        usageMonths: 35,
        tradeInMonth: '2025-04',
        regionCode: '320200',
        channel: 'in_store',
        quotedValuationFen: 39_000,
        subsidyFen: 50_000,
        newPurchase: { category: 'mobile_phone' },
      },
    });
  });

  it('reports every unmappable column of a row at once, by row and column', () => {
    const result = platformOrdersJson.create({})({ ...ORDER, 旧机品类: '游戏机', 回收时间: '2025/2/30', 回收方式: '自提' }, 42);
    expect(result).toEqual({
      ok: false,
      errors: [
        { row: 42, column: '旧机品类', code: 'adapter.unknown_category', message: expect.any(String) },
        { row: 42, column: '回收时间', code: 'adapter.bad_date', message: expect.any(String) },
        { row: 42, column: '回收方式', code: 'adapter.unknown_channel', message: expect.any(String) },
      ],
    });
    expect(JSON.stringify(result)).not.toMatch(/游戏机|2025\/2\/30|自提/);
  });

  it('reports an empty row as missing values in each required column', () => {
    const result = platformOrdersJson.create({})({}, 3);
    expect(result.ok ? [] : result.errors.map((error) => error.column)).toEqual([
      '订单号',
      '旧机品牌',
      '旧机型号',
      '旧机品类',
      '购买时间',
      '回收时间',
      '回收估价',
      '回收方式',
    ]);
  });
});

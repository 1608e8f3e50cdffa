import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { AdapterOptions, NativeRow } from '../../adapters/adapter.ts';
import { privateColumns } from '../../adapters/native-schema.ts';
import { ADAPTERS } from '../../adapters/registry.ts';

// Personal data as partners' exports hold it. Whatever the public columns contain — clean values,
// unknown words, broken dates — no private cell may reach the adapter's answer, document or errors.
const digits = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
const surname = fc.constantFrom('王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '马', '胡', '朱', '郭', '何', '罗', '高', '林', '欧阳');
const given = fc.constantFrom('伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '桂英', '建华');
const personName = fc.tuple(surname, given).map(([a, b]) => a + b);
const mobile = fc.tuple(fc.constantFrom(...'3456789'), digits(9)).map(([second, rest]) => `1${second}${rest}`);
const landline = fc.tuple(fc.constantFrom('010', '021', '0571', '0755'), digits(8)).map(([area, local]) => `${area}-${local}`);
const idNumber = fc
  .tuple(digits(17), fc.constantFrom(...'0123456789X'))
  .map(([body, check]) => `${['1', '3', '4', '6'][Number(body[0]) % 4]}${body.slice(1)}${check}`);
const imei = digits(15);
const serial = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: 12, maxLength: 12 }).map((hex) => `SN${hex}`);
const address = fc
  .tuple(
    fc.constantFrom('江苏省无锡市', '浙江省杭州市', '北京市朝阳区', '广东省深圳市'),
    fc.constantFrom('南山区科技园路', '西湖区文三路', '建国路'),
    fc.integer({ min: 1, max: 999 }),
    fc.integer({ min: 1, max: 30 }),
    fc.integer({ min: 101, max: 3000 }),
  )
  .map(([city, road, number, building, room]) => `${city}${road}${number}号${building}栋${room}室`);
const remark = fc.oneof(
  fc.tuple(personName, mobile).map(([name, phone]) => `联系${name}，电话${phone}`),
  personName.map((name) => `客户${name}来电询问进度`),
  fc.tuple(personName, address).map(([name, place]) => `${name}要求送到${place}`),
);
const userId = digits(7).map((id) => `u${id}`);

const PRIVATE_VALUES: Readonly<Record<string, fc.Arbitrary<string>>> = {
  name: personName,
  phone: fc.oneof(mobile, landline),
  address,
  'id-number': idNumber,
  'device-id': fc.oneof(imei, serial),
  'free-text': remark,
  'user-id': userId,
};

// Public cells: clean values, partner variants and garbage, so the property covers every error path too.
// Clean values are drawn nine times in ten: a row maps only when every public cell is clean, and the
// success path must be exercised in every run, not by luck (with even odds per cell, a 300-run property
// sometimes drew no mappable orders row at all).
const mostlyClean = (clean: string[], broken: string[]) =>
  fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...clean) }, { weight: 1, arbitrary: fc.constantFrom(...broken) });
const date = mostlyClean(['2021/3/15', '20210315', '2021年03月15日', '2021-12-23', '2025/4/9 09:33:43', '20241227 22:16:51'], ['2025/2/30', '', '下周']);
const price = mostlyClean(['¥1,850.00', '￥200.00', '390.00', '1,234.5'], ['', '约500', '-1']);
const PUBLIC_VALUES: Readonly<Record<string, fc.Arbitrary<string>>> = {
  订单号: digits(14).map((d) => `TI${d}`),
  平台订单号: digits(14).map((d) => `TI${d}`),
  质检单号: digits(8).map((d) => `QC${d}`),
  旧机品类: mostlyClean(['手机', '笔记本电脑', '智能手表', '冰箱'], ['游戏机', '']),
  新机品类: mostlyClean(['手机', '电视', ''], ['扫地机器人']),
  品类: fc.constantFrom('手机', '笔记本电脑', '智能手表', '游戏机'),
  旧机品牌: fc.constantFrom('Apple', '华为', '海尔', ''),
  品牌: fc.constantFrom('Apple', '华为', '海尔'),
  旧机型号: fc.constantFrom('iPhone 13 128GB', 'BCD-516WKPZM', ''),
  型号: fc.constantFrom('iPhone 13 128GB', 'BCD-516WKPZM', ''),
  购买时间: date,
  回收时间: date,
  质检完成时间: date,
  完成日期: date,
  上市时间: fc.constantFrom('2019-09', '2019年9月', '2019-13'),
  回收估价: price,
  国补金额: price,
  最终回收价: price,
  '首发价(元)': price,
  新机能效等级: mostlyClean(['1级', '一级', '2级', ''], ['6级']),
  省份: mostlyClean(['江苏省', '上海市'], ['火星省', '']),
  城市: fc.constantFrom('无锡市', '上海市', ''),
  回收方式: fc.constantFrom('线上邮寄', '门店回收', '上门回收', '自提'),
  成色: fc.constantFrom('99新', '95新', '9成新', '无法开机', '九成新'),
  质检结果: fc.constantFrom('无异常', '屏幕划痕;电池健康度78%', '按键失灵', '进水;漏水'),
  电池健康: fc.constantFrom('78%', '', '120%'),
  数据清除: fc.constantFrom('国标覆写', '物理销毁', '', '低级格式化'),
  处置方式: fc.constantFrom('直接转售', '拆解资源化', '回炉'),
  '整机重量(kg)': fc.constantFrom('21.181', '', '约20'),
  冷媒类型: fc.constantFrom('R600a', '', 'R404A'),
  '冷媒回收量(g)': fc.constantFrom('120', ''),
  '重量(g)': fc.constantFrom('194', '85000', ''),
};

function nativeRows(columns: Record<string, { 'x-private'?: string }>, extra: Record<string, fc.Arbitrary<string>> = {}): fc.Arbitrary<Record<string, string>> {
  const model: Record<string, fc.Arbitrary<string>> = {};
  for (const [column, spec] of Object.entries(columns)) {
    const kind = spec['x-private'];
    model[column] = kind !== undefined ? PRIVATE_VALUES[kind]! : (PUBLIC_VALUES[column] ?? fc.constantFrom('', '1.0', 'WC-NHUWEHSBZ4'));
  }
  return fc.record({ ...model, ...extra });
}

const SUBJECT_KEY = Buffer.from('property-test-platform-key-0123456789', 'utf8');

describe('adapters (privacy property)', () => {
  for (const [name, entry] of Object.entries(ADAPTERS)) {
    if (entry.kind === 'from-mapping') continue;
    const columns = entry.native.properties ?? {};
    const secrets = privateColumns(entry.native);
    it(`${name} never lets a value of a private column (${secrets.join(', ') || 'none'}) into its answer`, () => {
      const options: AdapterOptions = { platform: 'platform-a', subjectKey: SUBJECT_KEY };
      const mapRow = entry.adapter.create(options);
      // A certificate number sometimes built from the serial, the one private cell an adapter reads.
      const rows = nativeRows(columns).chain((row) =>
        '清除证书编号' in columns ? fc.constantFrom(row, { ...row, 清除证书编号: `WC-${row['设备序列号']}` }) : fc.constant(row),
      );
      let documents = 0;
      fc.assert(
        fc.property(rows, fc.integer({ min: 1, max: 100_000 }), (row, rowNumber) => {
          const result = mapRow(row as NativeRow, rowNumber);
          if (result.ok) documents += 1;
          const answer = JSON.stringify(result);
          for (const column of secrets) expect(answer).not.toContain(row[column]);
        }),
        { numRuns: 300 },
      );
      // Not vacuous: some generated rows map to documents, the rest exercise the error paths.
      expect(documents).toBeGreaterThan(0);
    });
  }

  it('mapped-csv never lets a column its mapping declares private into its answer', () => {
    const mapping = parseYaml(fs.readFileSync(new URL('../../adapters/mapped-csv/fixtures/example-dispositions/mapping.yaml', import.meta.url), 'utf8')) as {
      private: string[];
    };
    const mapRow = ADAPTERS['mapped-csv']!.adapter.create({ platform: 'platform-a', mapping });
    const rows = fc.record({
      处置单号: digits(6).map((d) => `DS-${d}`),
      订单编号: digits(14).map((d) => `TI${d}`),
      处置结果: fc.constantFrom('转售', '拆解', '回炉'),
      处置日期: date,
      '重量(公斤)': fc.constantFrom('0.173', '', '八十五'),
      冷媒: fc.constantFrom('R600a', ''),
      经办人: personName,
      联系电话: fc.oneof(mobile, landline),
      备注: remark,
    });
    let documents = 0;
    fc.assert(
      fc.property(rows, (row) => {
        const result = mapRow(row, 1);
        if (result.ok) documents += 1;
        const answer = JSON.stringify(result);
        for (const column of mapping.private) expect(answer).not.toContain(row[column as keyof typeof row]);
      }),
      { numRuns: 300 },
    );
    expect(documents).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import { CONDITION_GRADES } from '../../adapters/recycler-inspections-csv/condition-words.ts';
import { FAULT_PHRASES } from '../../adapters/recycler-inspections-csv/fault-phrases.ts';
import { recyclerInspectionsCsv } from '../../adapters/recycler-inspections-csv/recycler-inspections-csv.adapter.ts';
import { WIPE_METHODS } from '../../adapters/recycler-inspections-csv/wipe-methods.ts';
import { DEFS_SCHEMA } from '../../src/documents/document-validator.ts';

const definitions = DEFS_SCHEMA.$defs as Record<string, { enum: string[] }>;
const mapRow = recyclerInspectionsCsv.create({ platform: 'platform-a' });

function row(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    质检单号: 'QC41157466',
    平台订单号: 'TI20250409415683',
    品牌: 'Apple',
    型号: 'iPhone 13 128GB',
    成色: '9成新',
    质检结果: '无异常',
    电池健康: '',
    最终回收价: '370.00',
    数据清除: '',
    清除证书编号: '',
    质检完成时间: '20250418',
    质检员: '郭军',
    质检员电话: '19457343568',
    设备序列号: '356938030439179',
    备注: '',
    ...overrides,
  };
}

describe('recycler-inspections-csv tables', () => {
  it('maps every condition word and fault phrase of the sample sheet (按键失灵 aside)', () => {
    for (const word of ['99新', '95新', '9成新', '8成新', '7成新及以下', '无法开机']) expect(CONDITION_GRADES[word]).toBeDefined();
    const samplePhrases = [
      '屏幕亮点',
      '前摄像头故障',
      '遥控器缺失',
      '电池鼓包',
      '麦克风故障',
      '非原装电池',
      '扬声器故障',
      '听筒故障',
      '蓝牙故障',
      '屏幕碎裂',
      '充电口故障',
      '进水',
      '噪音大',
      '屏幕烧屏',
      '屏幕划痕',
      '显示屏故障',
      '外壳磕碰',
      '漏电',
      '面容识别故障',
      '后摄像头故障',
      '电机故障',
      '漏水',
      '边框变形',
      '压缩机故障',
      '指纹故障',
      'WiFi故障',
      '不制冷',
      '不加热',
      '锈蚀',
      '主板故障',
      '门封老化',
    ];
    for (const phrase of samplePhrases) {
      const result = mapRow(row({ 质检结果: phrase }), 1);
      expect(result.ok, phrase).toBe(true);
    }
  });

  it('holds only grades, fault codes and wipe values of the schema enums', () => {
    for (const grade of Object.values(CONDITION_GRADES)) expect(definitions.grade!.enum).toContain(grade);
    for (const code of Object.values(FAULT_PHRASES)) expect(definitions.faultCode!.enum).toContain(code);
    for (const method of Object.values(WIPE_METHODS)) {
      expect(definitions.wipeLevel!.enum).toContain(method.level);
      if (method.standard) expect(definitions.wipeStandard!.enum).toContain(method.standard);
      if (method.technique) expect(definitions.wipeTechnique!.enum).toContain(method.technique);
    }
  });
});

describe('recycler-inspections-csv adapter', () => {
  it('keeps the condition word as the proprietary grade value', () => {
    const result = mapRow(row({ 成色: '95新' }), 1);
    expect(result).toMatchObject({ ok: true, document: { grade: 'B', gradeScheme: 'PROPRIETARY', gradeValue: '95新' } });
  });

  it('reports an unknown condition word with its row and column (never guessed)', () => {
    expect(mapRow(row({ 成色: '九成新' }), 17)).toEqual({
      ok: false,
      errors: [{ row: 17, column: '成色', code: 'adapter.unknown_condition', message: expect.any(String) }],
    });
  });

  it('reads 电池健康度78% in the findings as battery health, not as a fault', () => {
    expect(mapRow(row({ 质检结果: '屏幕划痕;电池健康度78%' }), 1)).toMatchObject({
      ok: true,
      document: { faults: ['screen_scratch_minor'], batteryHealthPct: 78 },
    });
  });

  it('reports an unknown or ambiguous fault phrase with its row and column, without the phrase', () => {
    const result = mapRow(row({ 质检结果: '屏幕划痕;按键失灵' }), 63);
    expect(result).toEqual({ ok: false, errors: [{ row: 63, column: '质检结果', code: 'adapter.unknown_fault', message: expect.any(String) }] });
    expect(JSON.stringify(result)).not.toContain('按键失灵');
  });

  it('adds no_power for 无法开机 once', () => {
    expect(mapRow(row({ 成色: '无法开机', 质检结果: '无法开机;进水' }), 1)).toMatchObject({
      ok: true,
      document: { grade: 'E', faults: ['no_power', 'water_damage_ldi_tripped'] },
    });
  });

  it('sends an opaque certificate number, and refuses one derived from the serial', () => {
    expect(mapRow(row({ 数据清除: '国标覆写', 清除证书编号: 'WC-NHUWEHSBZ4' }), 1)).toMatchObject({
      ok: true,
      document: { dataWipe: { required: true, standard: 'GB_INFO_CLEARANCE_2025', level: 'clear', technique: 'overwrite', certificateRef: 'WC-NHUWEHSBZ4' } },
    });
    expect(mapRow(row({ 数据清除: '国标覆写', 清除证书编号: 'WC-356938030439179' }), 2)).toMatchObject({
      ok: false,
      errors: [{ row: 2, column: '清除证书编号', code: 'adapter.bad_certificate_ref' }],
    });
  });

  it('needs the platform party id the order numbers belong to', () => {
    expect(() => recyclerInspectionsCsv.create({})).toThrow(/platform/);
    expect(() => recyclerInspectionsCsv.create({ platform: 'Not A Party' })).toThrow(/party id/);
  });
});

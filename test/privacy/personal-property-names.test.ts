import { describe, expect, it } from 'vitest';
import { findPersonalPropertyNames, isPersonalPropertyName } from '../../src/privacy/personal-property-names.ts';

// Every property name the standard documents use (schema/*.schema.json, DESIGN.md §3.1).
const STANDARD_PROPERTY_NAMES = [
  'model',
  'brand',
  'category',
  'channel',
  'completedMonth',
  'materialsKg',
  'platform',
  'level',
  'technique',
  'verification',
  'certificateRef',
  'externalRef',
  'subjectRef',
  'tradeInMonth',
  'regionCode',
  'gradeValue',
  'lockStatus',
  'newPurchase',
  'passes',
  'tool',
  'standard',
  'batteryHealthPct',
  'weightKg',
  'recoveredG',
  'processorLicensed',
  'storageGb',
  'ramGb',
  'capacityL',
  'screenIn',
  'coolingW',
  'energyGrade',
  'waterGrade',
  'energyGradeOld',
  'usageMonths',
  'quotedValuationFen',
  'subsidyFen',
  'finalValuationFen',
  'launchMonth',
  'launchPriceFen',
  'batteryCycles',
  'repairHistory',
  'faults',
  'disposition',
  'refrigerant',
  'dataWipe',
  'required',
  'result',
  'inspectedMonth',
  'ticket',
  'tradeIn',
  'spec',
  'grade',
  'gradeScheme',
  'type',
  'steel',
  'copper',
  'aluminium',
  'plastic',
  'glass',
  'pcb',
  'battery',
  'storage_gb',
  'screen_in',
  'capacity_l',
  'toolVersion',
  'issuerOrgId',
  'signatureVerified',
  'schemaVersion',
];

const PERSONAL_PROPERTY_NAMES = [
  'name',
  'userName',
  'user_name',
  'username',
  'user_id',
  'userId',
  'contactPhone',
  'phone',
  'mobileNo',
  'mobile',
  'tel',
  'shippingAddress',
  'addr',
  'idCard',
  'id_card',
  'IDCard',
  'imei',
  'imeiNo',
  'IMEI',
  'meid',
  'deviceSerial',
  'serialNumber',
  'sn',
  'SN',
  'deviceSn',
  'devicesn',
  'macAddr',
  'mac',
  'macaddress',
  'email',
  'photo',
  'imageUrl',
  'remark',
  'remarks',
  'comment',
  'note',
  'notes',
  'gpsLat',
  'lat',
  'lng',
  'latitude',
  'orderId',
  'order_id',
  'openid',
  'openId',
  'unionid',
  'unionId',
  '收货人',
  '手机号',
  '身份证号',
  'IMEI/序列号',
  '备注',
  '姓名',
  '收货地址',
  '用户ID',
  '订单号',
  '串号',
  '图片',
];

describe('isPersonalPropertyName', () => {
  it.each(PERSONAL_PROPERTY_NAMES)('flags %j', (name) => {
    expect(isPersonalPropertyName(name)).toBe(true);
  });

  it.each(STANDARD_PROPERTY_NAMES)('does not flag the standard property %j', (name) => {
    expect(isPersonalPropertyName(name)).toBe(false);
  });

  it('matches words, not substrings (platform contains "lat", notebook contains "note")', () => {
    expect(isPersonalPropertyName('platform')).toBe(false);
    expect(isPersonalPropertyName('notebook')).toBe(false);
    expect(isPersonalPropertyName('machineType')).toBe(false);
    expect(isPersonalPropertyName('gpsLat')).toBe(true);
    expect(isPersonalPropertyName('noteText')).toBe(true);
    expect(isPersonalPropertyName('macAddress')).toBe(true);
  });

  it('is false for the empty name', () => {
    expect(isPersonalPropertyName('')).toBe(false);
  });
});

describe('findPersonalPropertyNames', () => {
  it('reports every offending property at any depth, including inside arrays', () => {
    const doc = { model: 'X', spec: { storageGb: 128, userName: 'x' }, faults: [{ remark: 'x' }], newPurchase: { category: 'tablet' } };
    expect(findPersonalPropertyNames(doc).map((finding) => finding.path)).toEqual(['/spec/userName', '/faults/0/remark']);
  });

  it('reports nothing for a document that uses only standard names (twin)', () => {
    const doc = Object.fromEntries(STANDARD_PROPERTY_NAMES.map((name) => [name, 'x']));
    expect(findPersonalPropertyNames(doc)).toEqual([]);
  });

  it('replaces a non-identifier property name in the path instead of echoing it', () => {
    const findings = findPersonalPropertyNames({ orders: [{ 手机号: 'x', 'IMEI/序列号': 'y' }] });
    expect(findings).toEqual([
      { path: '/orders/0/~invalid-key', code: 'pii.property_name', message: 'must not use a property name that suggests personal data' },
    ]);
    expect(JSON.stringify(findings)).not.toMatch(/手机号|序列号/);
  });
});

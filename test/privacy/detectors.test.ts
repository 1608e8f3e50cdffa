import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, residentIdCheckCharacter } from '../../src/privacy/checksums.ts';
import { PII_DETECTORS, type DetectorId } from '../../src/privacy/detectors.ts';
import { findPiiInText } from '../../src/privacy/scan-text.ts';

const AS_OF = new Date(Date.UTC(2026, 0, 15));
const detect = (text: string): readonly DetectorId[] => findPiiInText(text, { asOf: AS_OF });

const withResidentIdCheck = (first17: string): string => first17 + residentIdCheckCharacter(first17);
const withLuhn = (payload: string): string => payload + luhnCheckDigit(payload);
const withWrongLuhn = (payload: string): string => payload + String((Number(luhnCheckDigit(payload)) + 1) % 10);

const VALID_ID_18 = withResidentIdCheck('11010519900307123');
const VALID_IMEI = withLuhn('49015420323751');
const VALID_BANK_CARD = withLuhn('622202020011223');
const VALID_ICCID = withLuhn('8986001234567890123');
const BASE64_PAYLOAD = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg'.repeat(3);

interface DetectorExamples {
  readonly caught: readonly string[];
  readonly notCaught: readonly string[];
}

const EXAMPLES: Record<DetectorId, DetectorExamples> = {
  cn_mobile: {
    caught: [
      '13812345678',
      '138-1234-5678',
      '138 1234 5678',
      '+86 138 1234 5678',
      '１３８１２３４５６７８',
      '手机：19912345678',
      'iPhone 1' + '13812345678' + '3',
    ],
    notCaught: ['12812345678', '1381234567', 'iPhone 13 128GB', '2025-04'],
  },
  cn_landline: {
    caught: ['010-12345678', '0571-8765432', '(021) 12345678', '+86 10 1234 5678'],
    notCaught: ['010-1234', '0571', '2025-04-09'],
  },
  resident_id_18: {
    caught: [VALID_ID_18, '11010519491231002X', '11010519491231002x', `身份证 ${VALID_ID_18.slice(0, 6)} ${VALID_ID_18.slice(6, 14)} ${VALID_ID_18.slice(14)}`],
    notCaught: [
      `${VALID_ID_18.slice(0, 17)}${VALID_ID_18.endsWith('1') ? '2' : '1'}`,
      withResidentIdCheck('11010519990230123'),
      withResidentIdCheck('11010520300101123'),
      withResidentIdCheck('11010518991231123'),
    ],
  },
  resident_id_15: {
    caught: ['110105491231002', '11 0105 491231 002'],
    notCaught: ['110105491331002', '110105490230002', '010105491231002'],
  },
  imei: {
    caught: [VALID_IMEI, `IMEI ${VALID_IMEI.slice(0, 8)}-${VALID_IMEI.slice(8)}`],
    notCaught: [withWrongLuhn('49015420323751'), VALID_IMEI.slice(0, 14)],
  },
  meid: {
    caught: ['A10000009296F2', 'meid a10000009296f2'],
    notCaught: ['ABCDEFABCDEFAB', '10000009296F2A', 'A10000009296F'],
  },
  iccid: {
    caught: [VALID_ICCID],
    notCaught: [withWrongLuhn('8986001234567890123'), withLuhn('1986001234567890123')],
  },
  imsi: {
    caught: ['460001234567890'],
    notCaught: ['310001234567890', '46000123456789'],
  },
  bank_card: {
    caught: [
      VALID_BANK_CARD,
      `${VALID_BANK_CARD.slice(0, 4)} ${VALID_BANK_CARD.slice(4, 8)} ${VALID_BANK_CARD.slice(8, 12)} ${VALID_BANK_CARD.slice(12)}`,
      withLuhn('622202020011223344'),
    ],
    notCaught: [withWrongLuhn('622202020011223'), withLuhn('62220202001122334455')],
  },
  email: {
    caught: [
      'user@example.com',
      'a.b+c@mail.qq.com',
      'user at example dot com',
      'zhangwei[at]qq[dot]com',
      'zhangwei(at)qq.com',
      'zhangwei艾特qq点com',
      'zhangwei#163.com',
      'zhаngwei@qq.com',
      'ｕｓｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ',
      'user＠example.cn',
      '联系 zhang_wei@163.com 谢谢',
    ],
    notCaught: ['user@localhost', '@brand', 'meet at the shop dot', 'iPhone@2025', 'located at home'],
  },
  licence_plate: {
    caught: ['Jing A12345', 'YUE-B 12345', '京A12345', '沪AD12345', '粤B·D12345', '苏E12345D', '京A1234学', '京 A 1 2 3 4 5', '京Ａ１２３４５'],
    notCaught: ['京O12345', '京A1234', '华为 Mate 40 Pro', '新款 A12345', 'Su 7 Max', 'Lu ABCDE'],
  },
  passport_permit: {
    caught: [
      'E12345678',
      'EA1234567',
      'G12345678',
      'C01234567',
      'H12345678',
      'A123456(7)',
      'A1234563',
      'A123456789',
      'L12345678',
      '护照号码：P1234567',
      'passport no. 1234567AB',
    ],
    notCaught: ['E1234567', 'EG100MATE2S', 'E123456789', 'XE12345678'],
  },
  mac_address: {
    caught: ['00:1A:2B:3C:4D:5E', '00-1a-2b-3c-4d-5e', '001a.2b3c.4d5e', 'mac＝00：1A：2B：3C：4D：5E', '001A2B3C4D5E', '00 1A 2B 3C 4D 5E'],
    notCaught: ['00:1A:2B:3C:4D', '00:1A-2B:3C-4D:5E', '2025-04-09'],
  },
  hex_hash: {
    caught: [
      'd41d8cd98f00b204e9800998ecf8427e',
      'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ],
    notCaught: ['d41d8cd98f00b204e9800998ecf8427', 'd41d8cd98f00b204e9800998ecf8427ef', 'TG100V88WMUIADY5'],
  },
  url: {
    caught: ['https://example.com/x', 'HTTP://EXAMPLE.COM', 'see www.example.cn', 'weixin://dl/chat'],
    notCaught: ['www', 'https', 'ratio 1:2', 'Watch Series 7 45mm'],
  },
  data_uri_base64: {
    caught: [`data:image/png;base64,${BASE64_PAYLOAD.slice(0, 40)}`, 'data:application/pdf,abc', BASE64_PAYLOAD.slice(0, 200)],
    notCaught: [BASE64_PAYLOAD.slice(0, 199), 'data: none', 'metadata'],
  },
  gps_pair: {
    caught: ['31.2304, 121.4737', '121.473701 31.230416', 'N31.2304, E121.4737', '31°13′49″N', '-33.8688,151.2093'],
    notCaught: ['31.23, 121.47', '21.181', '190.12345, 200.12345', 'v1.2.3', '11.5, 8.256'],
  },
  geohash: {
    caught: ['wx4g0ec1', 'geohash: wtw3sjq6', 'at wtw3sjq6q'],
    notCaught: ['wx4g', 'washing', 'wxyzwxyz', 'XQG100-BD14376LU1'],
  },
  ip_address: {
    caught: [
      '192.168.1.10',
      'IP: 10.0.0.1',
      '223.5.5.5',
      '2001:db8:85a3::8a2e:370:7334',
      'fe80::1ff:fe23:4567:890a',
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    ],
    notCaught: ['5.12.1.3', 'v13.0.0.12', '1.2.3', '12:30:45', 'NIST_800_88_R1'],
  },
  date_of_birth: {
    caught: ['1990-05-12', '1985/3/7', '1979年12月31日', '生日：2003-04-05', 'DOB 20030405', '出生日期 二〇〇三年四月五日', '一九九〇年五月十二日'],
    notCaught: ['2025-04-09', '2025年05月09日', '1990-02-30', '2025-04', 'NIST_800_88_R1'],
  },
  messaging_id: {
    caught: ['微信：zhangwei_88', 'wx: zw123456', 'QQ 123456789', 'QQ号1234567', 'wxid_abc123def', 'vx zhangwei1990'],
    notCaught: ['KFR-72LW/WX12AA', 'QQ', 'wx', 'iPhone 15 Pro'],
  },
  cn_address: {
    caught: [
      '江苏省无锡市南山区科技园路189号1栋1735室',
      '科技园路189号',
      '12号楼',
      '302室',
      '3单元',
      '北京市朝阳区 建国路 88 号',
      '朝阳区建国路',
      '建国路一百零八号',
      '三栋二单元',
      '88 Jianguo Road',
      'Chaoyang District',
    ],
    notCaught: ['江苏省无锡市', '2级', '9成新', '电池健康度78%', '洗烘一体机', 'Galaxy Tab S9'],
  },
  person_name: {
    caught: [
      '收货人：马洋',
      '客户李洋来电询问进度',
      '联系人 张伟',
      '王先生',
      '欧阳女士',
      '李小姐',
      'name: Zhang Wei',
      '张伟的iPhone',
      '某某的手机',
      "Zhang's iPhone",
      'Mr Wang',
      'Dr. Li',
      '陈娟',
      '马洋',
      '机主 王芳',
      '用户：李娜',
    ],
    notCaught: ['新款女士手表', '客户', '先生', 'username', 'WATCH GT 4 41mm 玫瑰金女士款', '华为', '荣耀', '我的手机', '白色', '洗衣机'],
  },
  serial_number: {
    caught: [
      'SNCF7C85E44AF0',
      'F2LXK0ABHG7F',
      'C02XG2JHJGH5',
      'f2lxk0abhg7f',
      'SN: R58M123ABCD',
      'S/N R58M123ABCD',
      'SN R58M123ABCD',
      '序列号：R58M123ABCD',
      '串号F2LXK0ABHG7F',
      'serial number 5CG1234XYZ',
    ],
    notCaught: ['TG100V88WMUIADY5', 'KA92NV02TI', 'EG100MATE2S', 'BCD-516WKPZM', 'SN23HI60CE', 'WD Blue SN770 1TB', 'sn 1234GB', 'WC-NHUWEHSBZ4'],
  },
  long_digit_run: {
    caught: ['12345678901234', '1'.repeat(100), '1234 5678 9012 34', 'TI20250409415683'],
    notCaught: ['1234567890123', '2025-04-09 12:30', 'u0386074'],
  },
};

describe('PII_DETECTORS', () => {
  it('has one entry per id, each with a lowercase kind and a one-line description', () => {
    const ids = PII_DETECTORS.map((detector) => detector.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(Object.keys(EXAMPLES).sort());
    for (const detector of PII_DETECTORS) {
      expect(detector.kind).toBe(detector.kind.toLowerCase());
      // No number long enough to be mistaken for (part of) a reported value.
      expect(detector.kind).not.toMatch(/[0-9]{3}/);
      expect(detector.description).not.toContain('\n');
      expect(detector.description.length).toBeGreaterThan(10);
    }
  });

  it('keeps long_digit_run last, as the backstop', () => {
    expect(PII_DETECTORS.at(-1)?.id).toBe('long_digit_run');
  });
});

describe('detectors', () => {
  for (const [id, { caught, notCaught }] of Object.entries(EXAMPLES) as [DetectorId, DetectorExamples][]) {
    describe(id, () => {
      it.each(caught)(`matches %j`, (text) => {
        expect(detect(text)).toContain(id);
      });
      it.each(notCaught)(`does not match %j`, (text) => {
        expect(detect(text)).not.toContain(id);
      });
    });
  }
});

describe('resident_id_18 checks', () => {
  it('is not reported for a wrong check digit, but the digits are still caught by long_digit_run', () => {
    const wrong = `${VALID_ID_18.slice(0, 17)}${VALID_ID_18.endsWith('1') ? '2' : '1'}`;
    expect(detect(wrong)).not.toContain('resident_id_18');
    expect(detect(wrong)).toContain('long_digit_run');
  });

  it('is not reported for the birth date 19990230 (no such day), but long_digit_run still catches it', () => {
    const impossible = withResidentIdCheck('11010519990230123');
    expect(detect(impossible)).not.toContain('resident_id_18');
    expect(detect(impossible)).toContain('long_digit_run');
  });

  it('is reported for a birth date up to the scan date, and not after it (future birth date)', () => {
    const bornOnScanDay = withResidentIdCheck('11010520260115123');
    const bornNextDay = withResidentIdCheck('11010520260116123');
    expect(detect(bornOnScanDay)).toContain('resident_id_18');
    expect(detect(bornNextDay)).not.toContain('resident_id_18');
    expect(detect(bornNextDay)).toContain('long_digit_run');
  });

  it('treats every birth date up to 2099 as possible when no scan date is given (fails towards reporting)', () => {
    expect(findPiiInText(withResidentIdCheck('11010520300101123'))).toContain('resident_id_18');
  });

  it('accepts an X check character followed by letters, which the digit-run anchors would otherwise hide', () => {
    expect(detect('ID11010519491231002XPro')).toContain('resident_id_18');
  });
});

describe('cn_mobile in merged digit runs', () => {
  it('finds a mobile number glued to digits on either side within a 13-digit run', () => {
    expect(detect('6513812345678E3H')).toContain('cn_mobile');
    expect(detect('6' + '13812345678' + '5')).toContain('cn_mobile');
  });

  it('leaves runs of 14 or more to long_digit_run (any such run is rejected anyway)', () => {
    const merged = detect('iPhone 1' + '13812345678' + '3 128GB');
    expect(merged).not.toContain('cn_mobile');
    expect(merged).toContain('long_digit_run');
  });
});

describe('findPiiInText options', () => {
  it('suppresses serial_number for a model the catalogue knows, and only serial_number', () => {
    const isKnownModel = (text: string): boolean => text === 'F2LXK0ABHG7F';
    expect(findPiiInText('F2LXK0ABHG7F', { isKnownModel })).toEqual([]);
    expect(findPiiInText('C02XG2JHJGH5', { isKnownModel })).toEqual(['serial_number']);
  });

  it('skips the detectors it is told to skip, and runs the others', () => {
    const skip = new Set<DetectorId>(['long_digit_run', 'imei']);
    expect(findPiiInText(VALID_IMEI, { skip })).toEqual([]);
    expect(findPiiInText('13812345678', { skip })).toEqual(['cn_mobile']);
  });

  it('skips a whole canonical UUID, but not a UUID with anything inserted', () => {
    const ticket = '01936b2e-1111-7000-8000-138123456780';
    expect(findPiiInText(ticket)).toEqual([]);
    expect(findPiiInText(`${ticket}1`)).not.toEqual([]);
  });
});

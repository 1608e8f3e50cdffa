/**
 * IP and MAC addresses, matched on the folded copy (their separators carry meaning).
 *
 * IPv4: a dotted quad is also how firmware and tool versions are written (`5.12.1.3`,
 * `13.0.0.123`), so an unlabelled quad counts only when it does not look like a version: the first
 * octet is 30 or more, or another octet is 100 or more with two multi-digit octets (`192.168.1.10`,
 * `223.5.5.5`, `10.12.100.4`). A labelled quad (IP, IP地址, ip=) counts whatever its numbers.
 * IPv6: eight groups, or a `::` abbreviation with at least three groups, or a link-local/global
 * prefix (`fe80::`, `2001:`, `240e:`, `2408:`, `2409:`) followed by `::` or more groups.
 * MAC: six hex pairs with one separator throughout (`:`, `-`, `.`, space), three dotted quads, or
 * twelve hex digits with no separator and at least one letter and two digits.
 */

const IPV4 =
  /(?<![0-9.])((?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))\.((?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))\.((?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))\.((?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))(?![0-9]|\.[0-9])/g;
const IP_LABEL = /(?<![A-Za-z])(?:ip|ipv4|ip地址|ip addr(?:ess)?)\s*[:：=#]?\s*$/i;
const IPV6_FULL = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![0-9A-Fa-f:])/;
const IPV6_ABBREVIATED = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])/g;
const IPV6_PREFIX = /(?<![0-9A-Fa-f:])(?:fe80|2001|2400|2401|2402|2403|2404|2405|2406|2407|2408|2409|240e|fd[0-9a-f]{2}):[0-9A-Fa-f:]{2,}/i;

const MAC_SEPARATED =
  /(?<![0-9A-Fa-f:.-])[0-9A-Fa-f]{2}([:\-. ])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![0-9A-Fa-f:.-])|(?<![0-9A-Fa-f.])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![0-9A-Fa-f.])/;
const MAC_PLAIN = /(?<![0-9A-Za-z])[0-9A-Fa-f]{12}(?![0-9A-Za-z])/g;
const LETTER = /[A-Fa-f]/;
const TWO_DIGITS = /[0-9][^0-9]*[0-9]/;

/** True when `folded` contains an IPv4 or IPv6 address as described above. Never throws. */
export function containsIpAddress(folded: string): boolean {
  if (folded.includes(':') && (IPV6_FULL.test(folded) || IPV6_PREFIX.test(folded) || containsAbbreviatedIpv6(folded))) return true;
  for (const match of folded.matchAll(IPV4)) {
    const octets = [match[1], match[2], match[3], match[4]].map(Number);
    if (IP_LABEL.test(folded.slice(Math.max(0, match.index - 12), match.index))) return true;
    if ((octets[0] ?? 0) >= 30) return true;
    const multiDigit = octets.filter((octet) => octet >= 10).length;
    if (multiDigit >= 2 && octets.some((octet) => octet >= 100)) return true;
  }
  return false;
}

function containsAbbreviatedIpv6(folded: string): boolean {
  for (const match of folded.matchAll(IPV6_ABBREVIATED)) {
    const groups = match[0].split(':').filter((group) => group.length > 0);
    if (groups.length >= 3) return true;
  }
  return false;
}

/**
 * True when `folded` contains a MAC address (separated forms always; the bare 12-hex form only when
 * `bare` is true, since random tokens contain such runs now and then). Never throws.
 */
export function containsMacAddress(folded: string, bare: boolean): boolean {
  if (MAC_SEPARATED.test(folded)) return true;
  if (!bare) return false;
  for (const match of folded.matchAll(MAC_PLAIN)) {
    if (LETTER.test(match[0]) && TWO_DIGITS.test(match[0])) return true;
  }
  return false;
}

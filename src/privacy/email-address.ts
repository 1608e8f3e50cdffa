/**
 * E-mail addresses, written plainly (`a@b.cn`, full-width ＠ folded before) or spelled out so that a
 * pattern looking for '@' misses them: `zhangwei at qq dot com`, `zhangwei[at]qq[dot]com`,
 * `zhangwei(at)qq.com`, `zhangwei艾特qq点com`, `zhangwei#qq.com` (a common spam-filter dodge).
 * A spelled-out address must end in a well-known top-level domain, which is what keeps an ordinary
 * English sentence with "at" and "dot" in it from matching.
 */

// RFC 5322 atext plus '.', so any local part is matched at least by its last character; the
// domain needs one dot and a top-level domain starting with two letters.
const EMAIL = /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2}/;

const SPELLED_AT =
  /\s*[[(<{【（「]\s*(?:at|艾特|@)\s*[\])>}】）」]\s*|\s+at\s+|\s*(?:艾特|圈a|小老鼠|at符号)\s*|\s*#\s*(?=(?:qq|163|126|139|189|gmail|outlook|hotmail|foxmail|sina|sohu|yahoo|icloud|aliyun|live|yeah)\b)/gi;
const SPELLED_DOT = /\s*[[(<{【（「]\s*(?:dot|点|\.)\s*[\])>}】）」]\s*|\s+dot\s+|\s*(?:点|句点)\s*/gi;
const TOP_LEVEL_DOMAINS = 'com|cn|net|org|edu|gov|io|co|me|info|hk|tw|mo|top|xyz|vip|cc|biz|us|uk|jp';
const SPELLED_EMAIL = new RegExp(`[A-Za-z0-9._%+-]@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.(?:${TOP_LEVEL_DOMAINS})(?![A-Za-z])`, 'i');
const MIGHT_BE_SPELLED = /at|艾特|圈a|老鼠|#/i;

/**
 * True when `folded` (the folded detection copy) or its digit view `joined` contains an e-mail address, plain or spelled out.
 * Never throws; linear in the input.
 */
export function containsEmailAddress(folded: string, joined: string, hasAt: boolean): boolean {
  // `joined` too: a separator between two digits of the domain (`a@0‐0.cn`) is noise.
  if (hasAt && (EMAIL.test(folded) || EMAIL.test(joined))) return true;
  if (!MIGHT_BE_SPELLED.test(folded)) return false;
  const respelled = folded.replace(SPELLED_AT, '@').replace(SPELLED_DOT, '.');
  return SPELLED_EMAIL.test(respelled);
}

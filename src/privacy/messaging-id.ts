/**
 * WeChat and QQ accounts. Their ids have no shape of their own (a WeChat id is 6–20 letters, digits,
 * '_' or '-', starting with a letter; a QQ number 5–11 digits), so only a label makes them personal
 * data: 微信, 微信号, wechat, weixin, vx, wx, v信, QQ, 扣扣, 企鹅号 followed by an id. WeChat's
 * generated `wxid_…` ids are caught without a label.
 */

// CJK labels may touch the id; Latin ones need a separator, so a model code such as `KFR-72LW/WX12AA`
// is not read as a label and an id.
const LABELLED_ID =
  /(?:(?:微信号?|威信|薇信|v信|扣扣|企鹅号?|QQ号码?)\s*[:：=#]?|(?<![A-Za-z])(?:wechat|weixin|vx|wx|vchat|qq)(?:\s*(?:id|no\.?))?(?:\s*[:：=#]|\s))\s*([A-Za-z0-9][A-Za-z0-9_-]{4,19})(?![A-Za-z0-9_-])/gi;
const MIGHT_BE_LABELLED = /qq|wx|vx|we|信|扣|企|vc|wxid/i;
const WXID = /(?<![A-Za-z0-9])wxid_[a-z0-9]{6,}/i;
const DIGIT = /[0-9]/;

/** True when `folded` contains a labelled WeChat/QQ id or a `wxid_` id. Never throws. */
export function containsMessagingId(folded: string): boolean {
  if (!MIGHT_BE_LABELLED.test(folded)) return false;
  if (WXID.test(folded)) return true;
  for (const match of folded.matchAll(LABELLED_ID)) {
    const id = match[1] ?? '';
    // An id of letters only after "wx"/"qq" could be a word ("QQ music"); require a digit or length.
    if (DIGIT.test(id) || id.length >= 6) return true;
  }
  return false;
}

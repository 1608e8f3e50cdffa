import type { DocumentKind } from './document-kinds.ts';
import type { DocumentError } from './document-validator.ts';

/**
 * Rules across fields that JSON Schema cannot state (pure), run on a document its schema accepted. Each
 * names the path and the rule, never a value.
 */
export function crossFieldErrors(kind: DocumentKind, version: number, document: unknown): DocumentError[] {
  if (kind === 'tradein' && version >= 2) return tradeInPriceErrors(document as { newPurchase?: { listPriceFen?: number; paidPriceFen?: number } });
  return [];
}

// A paid price above the list price is a typo or an inflated discount claim the other way round; either
// way the discount (list − paid) the regulator's report shows would be negative.
function tradeInPriceErrors(document: { newPurchase?: { listPriceFen?: number; paidPriceFen?: number } }): DocumentError[] {
  const prices = document.newPurchase;
  if (prices?.listPriceFen === undefined || prices.paidPriceFen === undefined) return [];
  if (prices.paidPriceFen <= prices.listPriceFen) return [];
  return [{ path: '/newPurchase/paidPriceFen', code: 'tradein.paid_above_list', message: 'must not exceed newPurchase.listPriceFen' }];
}

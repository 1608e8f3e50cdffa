/** A valid tradein.v1 document of one iPhone traded in online in 2026-10; `overrides` replaces or adds fields. */
export function tradeInDocument(externalRef: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalRef,
    category: 'mobile_phone',
    brand: 'Apple',
    model: 'iPhone 13 128GB',
    usageMonths: 30,
    tradeInMonth: '2026-10',
    regionCode: '320200',
    channel: 'online',
    quotedValuationFen: 180_000,
    ...overrides,
  };
}

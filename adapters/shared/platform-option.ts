import { AdapterOptionsError, type AdapterOptions } from '../adapter.ts';

// The schema's partyId pattern (defs.schema.json#/$defs/partyId).
const PARTY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * The platform party id that recyclers' documents name in `tradeIn.platform`: the platform whose order
 * numbers the file carries. Required; a recycler file never says which platform it came from.
 */
export function platformOption(options: AdapterOptions): string {
  const platform = options.platform;
  if (platform === undefined) throw new AdapterOptionsError('the platform option must name the platform party id the file refers to');
  if (!PARTY_ID.test(platform)) throw new AdapterOptionsError('the platform option must be a party id (lowercase letters, digits, hyphens)');
  return platform;
}

/**
 * The recycler a platform's trade-ins are handed to (`recycler` in tradein.v1), when configured: a party id,
 * or undefined. The hub checks that it names a registered recycler.
 */
export function recyclerOption(options: AdapterOptions): string | undefined {
  const recycler = options.recycler;
  if (recycler !== undefined && !PARTY_ID.test(recycler))
    throw new AdapterOptionsError('the recycler option must be a party id (lowercase letters, digits, hyphens)');
  return recycler;
}

import type { TestHub } from './test-hub.ts';

/**
 * Catalogues models as the test brand party, so trade-ins of them resolve to a model (an uncatalogued
 * model is kept only as a keyed hash and is left out of model-level answers). Throws if any is refused.
 */
export async function catalogueModels(
  hub: TestHub,
  models: readonly { brand: string; model: string; category?: string; launchMonth?: string }[],
): Promise<void> {
  const documents = models.map((m) => ({
    brand: m.brand,
    model: m.model,
    category: m.category ?? 'mobile_phone',
    launchMonth: m.launchMonth ?? '2021-09',
    launchPriceFen: 599_900,
  }));
  const { body } = await hub.graphql(
    'mutation($d:[JSON!]!){submitCatalogueEntries(documents:$d){... on SubmissionBatch{accepted}}}',
    { d: documents },
    await hub.token('brand-a'),
  );
  if (body.data?.submitCatalogueEntries?.accepted !== documents.length) throw new Error('the test catalogue must be accepted whole');
}

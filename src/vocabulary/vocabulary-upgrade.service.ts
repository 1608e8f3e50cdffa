import { createHash } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { GradeScheme } from '../documents/documents.generated.ts';
import { keyedHash } from '../hub-keys/keyed-hash.ts';
import { subjectRefCipher } from '../hub-keys/subject-ref-cipher.ts';
import { resolveGradeValue } from './grade-vocabularies.ts';
import { normaliseModelName } from './model-names.ts';
import * as upgrade from './vocabulary-upgrade.repository.ts';
import * as vocabulary from './vocabulary.repository.ts';
import { listProprietaryGradeValues } from './vocabulary.repository.ts';
import { loadBrandRegistry, resolveModels } from './vocabulary.service.ts';

/** The brand id records get when their stored brand is in no registry: not a registry id, so never submitted. */
export const UNLISTED_BRAND = 'unlisted';

export interface VocabularyUpgradeReport {
  catalogue: number;
  records: number;
  subjects: number;
  inspections: number;
}

/**
 * The app-level step that runs at start-up right after migrations (createApp), once: it moves values
 * stored before the vocabulary rule into their new form and drops the legacy columns, in one transaction.
 * A migration cannot do it: it needs the hub secret (keyed hashes, the subject cipher) and the brand
 * registry. Returns undefined when there was nothing to move (the columns are already gone).
 *
 * - catalogue: brand → canonical id (a brand no registry knows is registered under `legacy-<hash>` in the
 *   cataloguing party's name: it is that brand's own public name), model → match key;
 * - records: brand → canonical id (else `unlisted`), model → the catalogue's name or a keyed hash;
 * - subjects: the pseudonym → sealed (AES-256-GCM); the id was already its keyed hash;
 * - inspections: certificateRef → keyed hash; a grade value outside its scheme's vocabulary → dropped.
 */
export async function upgradeLegacyVocabularyValues(db: Db, secret: Buffer, now: Date): Promise<VocabularyUpgradeReport | undefined> {
  if (!(await upgrade.legacyColumnsExist(db))) return undefined;
  return db.transaction().execute(async (tx) => {
    await upgrade.lockUpgrade(tx);
    if (!(await upgrade.legacyColumnsExist(tx))) return undefined;
    const report: VocabularyUpgradeReport = { catalogue: 0, records: 0, subjects: 0, inspections: 0 };

    let brands = await loadBrandRegistry(tx);
    for (const row of await upgrade.legacyCatalogueRows(tx)) {
      let brand = brands.resolve(row.brand);
      if (brand === undefined) {
        brand = `legacy-${createHash('sha256').update(row.brand).digest('hex').slice(0, 12)}`;
        await vocabulary.insertRegisteredBrand(tx, { id: brand, name_zh: row.brand, name_en: row.brand, aliases: [], party_id: row.party_id, created_at: now });
        brands = await loadBrandRegistry(tx);
      }
      await upgrade.canonicaliseCatalogueRow(tx, row, brand, normaliseModelName(row.model).key);
      report.catalogue++;
    }

    for (let page = await upgrade.legacyRecords(tx); page.length > 0; page = await upgrade.legacyRecords(tx)) {
      const canonical = page.map((row) => ({ id: row.id, brand: brands.resolve(row.brand_legacy) ?? UNLISTED_BRAND, model: row.model_legacy }));
      const models = await resolveModels(tx, secret, canonical);
      for (const [i, row] of canonical.entries()) {
        await upgrade.moveRecord(tx, row.id, { brand: row.brand, model: models[i]!.model, modelHash: models[i]!.modelHash });
      }
      report.records += page.length;
    }

    const cipher = subjectRefCipher(secret);
    for (let page = await upgrade.legacySubjects(tx); page.length > 0; page = await upgrade.legacySubjects(tx)) {
      for (const row of page) await upgrade.sealSubject(tx, row.id, cipher.seal(row.id, row.subject_ref_legacy));
      report.subjects += page.length;
    }

    const proprietary = new Map<string, Set<string>>();
    let after = '00000000-0000-0000-0000-000000000000';
    for (let page = await upgrade.legacyInspections(tx, after); page.length > 0; page = await upgrade.legacyInspections(tx, after)) {
      for (const row of page) {
        if (!proprietary.has(row.recycler_id)) proprietary.set(row.recycler_id, new Set(await listProprietaryGradeValues(tx, row.recycler_id)));
        const gradeValue =
          row.grade_scheme === null || row.grade_value === null
            ? undefined
            : resolveGradeValue(row.grade_scheme as GradeScheme, row.grade_value, proprietary.get(row.recycler_id));
        let dataWipe = row.data_wipe;
        if (dataWipe !== null && typeof dataWipe.certificateRef === 'string') {
          const { certificateRef, ...rest } = dataWipe;
          dataWipe = { ...rest, certificateRefHash: keyedHash(secret, 'certificate', row.recycler_id, certificateRef as string).toString('base64url') };
        }
        await upgrade.updateInspectionVocabulary(tx, row.id, {
          gradeScheme: gradeValue === undefined ? null : row.grade_scheme,
          gradeValue: gradeValue ?? null,
          dataWipe,
        });
        after = row.id;
      }
      report.inspections += page.length;
    }

    await upgrade.dropLegacyColumns(tx);
    return report;
  });
}

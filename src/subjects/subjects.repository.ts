import type { DbOrTx } from '../db/database.ts';
import type { RecordSubjectsTable, SubjectsTable } from './subjects.table.ts';

/** Adds subjects to the vault; a subject already there is left as it is (its id is derived, not drawn). */
export async function insertSubjects(db: DbOrTx, rows: SubjectsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('subjects').values(rows).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export async function insertRecordSubjects(db: DbOrTx, rows: RecordSubjectsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('record_subjects').values(rows).onConflict((oc) => oc.columns(['subject_id', 'record_id']).doNothing()).execute();
}

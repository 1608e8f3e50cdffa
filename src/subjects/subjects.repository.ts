import { bulkInsert, type BulkColumn } from '../db/bulk-insert.ts';
import type { DbOrTx } from '../db/database.ts';
import type { RecordSubjectsTable, SubjectsTable } from './subjects.table.ts';

const SUBJECT_COLUMNS: BulkColumn<SubjectsTable>[] = [
  { name: 'id', type: 'uuid', value: (r) => r.id },
  { name: 'platform_id', type: 'text', value: (r) => r.platform_id },
  { name: 'subject_ref', type: 'text', value: (r) => r.subject_ref },
  { name: 'created_at', type: 'timestamptz', value: (r) => r.created_at },
];

/** Adds subjects to the vault; a subject already there is left as it is (its id is derived, not drawn). */
export async function insertSubjects(db: DbOrTx, rows: SubjectsTable[]): Promise<void> {
  await bulkInsert(db, 'subjects', SUBJECT_COLUMNS, rows, { onConflictDoNothing: ['id'] });
}

const RECORD_SUBJECT_COLUMNS: BulkColumn<RecordSubjectsTable>[] = [
  { name: 'subject_id', type: 'uuid', value: (r) => r.subject_id },
  { name: 'record_id', type: 'uuid', value: (r) => r.record_id },
  { name: 'platform_id', type: 'text', value: (r) => r.platform_id },
  { name: 'created_at', type: 'timestamptz', value: (r) => r.created_at },
];

export async function insertRecordSubjects(db: DbOrTx, rows: RecordSubjectsTable[]): Promise<void> {
  await bulkInsert(db, 'record_subjects', RECORD_SUBJECT_COLUMNS, rows, { onConflictDoNothing: ['subject_id', 'record_id'] });
}

/** The subject vault: the only place a record is linked to a platform's pseudonym for a user. */
export interface SubjectsTable {
  id: string;
  platform_id: string;
  subject_ref: string;
  created_at: Date;
}

export interface RecordSubjectsTable {
  subject_id: string;
  record_id: string;
  platform_id: string;
  created_at: Date;
}

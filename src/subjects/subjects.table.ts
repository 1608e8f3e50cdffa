/** The subject vault: the only place a record is linked to a platform's pseudonym for a user. */
export interface SubjectsTable {
  id: string;
  platform_id: string;
  /** The platform's pseudonym, sealed with AES-256-GCM (src/hub-keys/subject-ref-cipher.ts); never in clear. */
  subject_ref_sealed: Buffer;
  created_at: Date;
}

export interface RecordSubjectsTable {
  subject_id: string;
  record_id: string;
  platform_id: string;
  created_at: Date;
}

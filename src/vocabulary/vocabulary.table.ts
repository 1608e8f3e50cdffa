/** A brand a brand party registered, beside the shipped list (shipped-brands.ts). */
export interface RegisteredBrandsTable {
  id: string;
  name_zh: string;
  name_en: string;
  aliases: string[];
  party_id: string;
  created_at: Date;
}

/** One value of a recycler's own grading scheme (gradeScheme PROPRIETARY). */
export interface ProprietaryGradeValuesTable {
  recycler_id: string;
  value: string;
  created_at: Date;
}

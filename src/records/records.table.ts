/** Analytic fields only; months are stored as the first day of the month (UTC) so ranges index well. */
export interface RecordsTable {
  id: string;
  category: string;
  /** A canonical brand id from the brand registry (src/vocabulary). */
  brand: string;
  /** The catalogue's name of the model; null while the brand has not catalogued it (then model_hash). */
  model: string | null;
  /** Keyed hash of the normalised model name of an uncatalogued model; null once resolved. */
  model_hash: Buffer | null;
  spec: Record<string, number> | null;
  usage_months: number;
  trade_in_month: string;
  region_code: string | null;
  channel: string;
  quoted_valuation_fen: string;
  subsidy_fen: string | null;
  energy_grade_old: number | null;
  new_purchase_category: string | null;
  new_purchase_energy_grade: number | null;
  new_purchase_water_grade: number | null;
  /** tradein.v2: the new product's list and paid price (fen); both null for v1 and without a new purchase. */
  new_purchase_list_price_fen: string | null;
  new_purchase_paid_price_fen: string | null;
  created_at: Date;
}

export interface TicketsTable {
  id: string;
  record_id: string;
  platform_id: string;
  created_at: Date;
}

export interface InspectionsTable {
  id: string;
  record_id: string;
  recycler_id: string;
  grade: string;
  grade_scheme: string | null;
  grade_value: string | null;
  inspected_month: string;
  faults: string[];
  battery_health_pct: number | null;
  battery_cycles: number | null;
  repair_history: string | null;
  lock_status: string | null;
  final_valuation_fen: string | null;
  data_wipe: Record<string, unknown> | null;
  created_at: Date;
}

export interface DispositionsTable {
  id: string;
  record_id: string;
  recycler_id: string;
  disposition: string;
  completed_month: string;
  weight_kg: string | null;
  materials_kg: Record<string, number> | null;
  refrigerant_type: string | null;
  refrigerant_recovered_g: number | null;
  processor_licensed: boolean | null;
  created_at: Date;
}

export interface CatalogueModelsTable {
  brand: string;
  model: string;
  /** The match key (src/vocabulary/model-names.ts); null only on rows from before the vocabulary upgrade. */
  model_key: string | null;
  category: string;
  launch_month: string;
  launch_price_fen: string;
  weight_kg: string | null;
  spec: Record<string, number> | null;
  party_id: string;
  created_at: Date;
}

import type { Kysely, Transaction } from 'kysely';
import type { AgreementsTable } from '../agreements/agreements.table.ts';
import type { AccessLogTable } from '../audit/access-log.table.ts';
import type { ContributionsTable } from '../ledger/contributions.table.ts';
import type { FirmsTable } from '../firms/firms.table.ts';
import type { GreenPointsTable } from '../green/green-points.table.ts';
import type { DpBudgetTable } from '../insights/dp-budget.repository.ts';
import type { TicketCustodyTable } from '../custody/custody.table.ts';
import type { ConsentEventsTable, ConsentsTable } from '../consent/consent.table.ts';
import type {
  AccountBalancesTable,
  JournalLinesTable,
  JournalsTable,
  LedgerPeriodsTable,
  PayoutLinesTable,
  PayoutRunsTable,
  QueryAllocationsTable,
  QueryPointersTable,
  StatementConfirmationsTable,
  StatementsTable,
} from '../ledger/ledger.table.ts';
import type { HubSettingsTable, PartiesTable, PartyKeysTable } from '../parties/parties.table.ts';
import type { CatalogueModelsTable, DispositionsTable, InspectionsTable, RecordsTable, TicketsTable } from '../records/records.table.ts';
import type { RecordSubjectsTable, SubjectsTable } from '../subjects/subjects.table.ts';
import type { IngestBatchesTable, SubmissionsTable } from '../submissions/submissions.table.ts';
import type { ProprietaryGradeValuesTable, RegisteredBrandsTable } from '../vocabulary/vocabulary.table.ts';
import type { WipeAttestationsTable } from '../wipes/wipes.table.ts';

/** Every table the application reads or writes; each domain owns its row types in `<domain>.table.ts`. */
export interface Database {
  hub_settings: HubSettingsTable;
  parties: PartiesTable;
  party_keys: PartyKeysTable;
  ingest_batches: IngestBatchesTable;
  records: RecordsTable;
  tickets: TicketsTable;
  ticket_custody: TicketCustodyTable;
  inspections: InspectionsTable;
  dispositions: DispositionsTable;
  catalogue_models: CatalogueModelsTable;
  subjects: SubjectsTable;
  record_subjects: RecordSubjectsTable;
  submissions: SubmissionsTable;
  registered_brands: RegisteredBrandsTable;
  proprietary_grade_values: ProprietaryGradeValuesTable;
  consent_events: ConsentEventsTable;
  consents: ConsentsTable;
  agreements: AgreementsTable;
  access_log: AccessLogTable;
  contributions: ContributionsTable;
  dp_budget: DpBudgetTable;
  ledger_periods: LedgerPeriodsTable;
  journals: JournalsTable;
  journal_lines: JournalLinesTable;
  account_balances: AccountBalancesTable;
  payout_runs: PayoutRunsTable;
  payout_lines: PayoutLinesTable;
  statements: StatementsTable;
  statement_confirmations: StatementConfirmationsTable;
  query_pointers: QueryPointersTable;
  query_allocations: QueryAllocationsTable;
  firms: FirmsTable;
  wipe_attestations: WipeAttestationsTable;
  green_points: GreenPointsTable;
}

export type Db = Kysely<Database>;
/** A repository function's first argument: the database or an open transaction. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

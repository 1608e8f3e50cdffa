import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from './database.ts';

/** A column of a bulk insert: its name, the PostgreSQL type of its array parameter, and how to read it. */
export interface BulkColumn<Row> {
  name: string;
  /** Element type, e.g. `uuid`, `text`, `bigint`, `jsonb`, `date`; `bytea` values travel as hex text. */
  type: 'uuid' | 'text' | 'smallint' | 'integer' | 'bigint' | 'numeric' | 'jsonb' | 'date' | 'timestamptz' | 'boolean' | 'bytea';
  value: (row: Row) => unknown;
}

/**
 * Inserts many rows with one array parameter per column (`INSERT … SELECT FROM unnest(…)`): a 1,000-row
 * batch is a dozen parameters instead of thousands, which PostgreSQL parses and binds far faster than a
 * multi-row VALUES list. `suffix` adds e.g. an ON CONFLICT clause; `returning` names columns to return.
 */
export async function bulkInsert<Row, Out = Record<string, unknown>>(
  db: DbOrTx,
  table: string,
  columns: BulkColumn<Row>[],
  rows: readonly Row[],
  options: { onConflictDoNothing?: string[]; returning?: string[] } = {},
): Promise<Out[]> {
  if (rows.length === 0) return [];
  const arrays = columns.map((column) => sql`${columnValues(column, rows)}::${sql.raw(arrayElementType(column))}[]`);
  const selected = columns.map((column, i) => typedElement(column, sql.ref(`u.c${i}`)));
  const aliases = sql.raw(columns.map((_, i) => `c${i}`).join(', '));
  const conflict = options.onConflictDoNothing ? sql` on conflict (${sql.join(options.onConflictDoNothing.map((c) => sql.ref(c)))}) do nothing` : sql``;
  const returning = options.returning ? sql` returning ${sql.join(options.returning.map((c) => sql.ref(c)))}` : sql``;
  const result = await sql<Out>`
    insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c.name)))})
    select ${sql.join(selected)} from unnest(${sql.join(arrays)}) as u(${aliases})${conflict}${returning}`.execute(db);
  return result.rows;
}

/**
 * The rows as a derived table with the columns' names and types, `(select … from unnest(…)) as <alias>`:
 * the input of a set-based statement (one array parameter per column, whatever the row count).
 */
export function unnestRows<Row>(columns: readonly BulkColumn<Row>[], rows: readonly Row[]): RawBuilder<unknown> {
  const arrays = columns.map((column) => sql`${columnValues(column, rows)}::${sql.raw(arrayElementType(column))}[]`);
  const selected = columns.map((column, i) => sql`${typedElement(column, sql.ref(`u.c${i}`))} as ${sql.ref(column.name)}`);
  return sql`(select ${sql.join(selected)} from unnest(${sql.join(arrays)}) as u(${sql.raw(columns.map((_, i) => `c${i}`).join(', '))}))`;
}

function columnValues<Row>(column: BulkColumn<Row>, rows: readonly Row[]): unknown[] {
  return rows.map((row) => {
    const value = column.value(row);
    if (value === null || value === undefined) return null;
    if (column.type === 'bytea') return Buffer.from(value as Uint8Array).toString('hex');
    if (column.type === 'jsonb') return JSON.stringify(value);
    if (value instanceof Date) return value.toISOString();
    return value;
  });
}

/** bytea travels as hex text and jsonb as text: both databases bind text arrays the same way. */
function arrayElementType<Row>(column: BulkColumn<Row>): string {
  return column.type === 'bytea' || column.type === 'jsonb' ? 'text' : column.type;
}

function typedElement<Row>(column: BulkColumn<Row>, ref: RawBuilder<unknown> | ReturnType<typeof sql.ref>) {
  return column.type === 'bytea' ? sql`decode(${ref}, 'hex')` : column.type === 'jsonb' ? sql`${ref}::jsonb` : ref;
}

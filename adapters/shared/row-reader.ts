import type { AdapterErrorCode, NativeRow } from '../adapter.ts';
import { cellText } from './cell-text.ts';
import type { RowErrors } from './row-errors.ts';

/**
 * Reads one native row's cells and reports what is missing or unreadable into the row's errors: the three
 * moves every adapter makes for every column, written once. Messages are the adapter's fixed sentences;
 * a cell's value never enters an error.
 */
export class RowReader {
  constructor(
    private readonly record: NativeRow,
    readonly errors: RowErrors,
  ) {}

  /** The cell as trimmed text, or undefined when empty. */
  text(column: string): string | undefined {
    return cellText(this.record[column]);
  }

  /** The cell's text; an empty cell is reported as `adapter.missing_value`. */
  required(column: string): string | undefined {
    const value = this.text(column);
    if (value === undefined) this.errors.add(column, 'adapter.missing_value', 'must not be empty');
    return value;
  }

  /**
   * The cell read through `parse`. An empty cell is undefined (and reported when `required`); a cell that
   * `parse` cannot read is reported with `code` and `message`.
   */
  parse<T>(
    column: string,
    parse: (text: string) => T | undefined,
    code: AdapterErrorCode,
    message: string,
    options: { required?: boolean } = {},
  ): T | undefined {
    const text = options.required ? this.required(column) : this.text(column);
    if (text === undefined) return undefined;
    const value = parse(text);
    if (value === undefined) this.errors.add(column, code, message);
    return value;
  }
}

/**
 * A cell as trimmed text, or undefined when it is empty. Numbers (JSON exports) become their decimal text;
 * objects and arrays are not cells and count as empty. NFKC folds full-width digits, letters and the
 * full-width yen sign (￥ → ¥), which partners' spreadsheets mix freely with their ASCII forms.
 */
export function cellText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const text = value.normalize('NFKC').replace(/\s+/g, ' ').trim();
  return text === '' ? undefined : text;
}

/** Whether a cell holds anything at all (so that "present but unreadable" differs from "empty"). */
export function isBlank(value: unknown): boolean {
  return cellText(value) === undefined;
}

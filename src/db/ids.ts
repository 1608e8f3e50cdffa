const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a UUID in canonical text form. Ids from callers are checked before they reach a `uuid` column,
 * so a malformed one is answered like an unknown one instead of failing inside the database.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

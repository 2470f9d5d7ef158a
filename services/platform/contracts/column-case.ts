/** SA_PPON_CONT_NO → saPponContNo: the JSON name of a column (the source's field names). */
export function toFieldName(column: string): string {
  return column.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** A database row as the API shows it: camelCase names, timestamps as ISO-8601 strings. */
export function rowToJson(row: Record<string, unknown>): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    json[toFieldName(column)] = value instanceof Date ? value.toISOString() : value;
  }
  return json;
}

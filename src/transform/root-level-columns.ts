import { ADDITIONAL_PROPERTIES, AB_ID, EMITTED_AT } from './output-row.js';

/**
 * The columns of a root-level-flattened table: the top-level properties the stream's JSON schema
 * declares, sorted by name as Airbyte's S3 destination does (the order of a schema's keys is not
 * something a source promises to keep stable), then `_airbyte_additional_properties` for every field
 * the schema does not declare, so that no value of a record is dropped.
 */
export function rootLevelColumns(jsonSchema: unknown): string[] {
  const properties = (jsonSchema as { properties?: unknown } | undefined)?.properties;
  const declared =
    properties && typeof properties === 'object' && !Array.isArray(properties) ? Object.keys(properties) : [];
  const reserved = new Set([AB_ID, EMITTED_AT, ADDITIONAL_PROPERTIES]);
  return declared.filter((name) => !reserved.has(name)).sort();
}

/** Splits a record into the values of the declared columns and the rest (undefined when none). */
export function splitDeclared(
  data: Record<string, unknown>,
  columns: readonly string[],
  columnSet: ReadonlySet<string>,
): { values: unknown[]; additional: Record<string, unknown> | undefined } {
  const values = columns.map((c) => data[c]);
  let additional: Record<string, unknown> | undefined;
  for (const key in data) {
    if (!columnSet.has(key)) (additional ??= {})[key] = data[key];
  }
  return { values, additional };
}

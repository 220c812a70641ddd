/**
 * Avro names must match [A-Za-z_][A-Za-z0-9_]*. As Airbyte's S3 destination does, accents are
 * stripped (é -> e), every other invalid character becomes `_`, and a name that starts with a
 * digit gets a leading `_`. The original is kept in the schema's `doc` when it changes.
 */
export function avroName(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const safe = ascii.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(safe) ? safe : `_${safe}`;
}

/** A namespace is dot-separated names; each part is made valid on its own. */
export function avroNamespace(namespace: string | null | undefined): string {
  if (!namespace) return '';
  return namespace.split('.').map(avroName).join('.');
}

export const ORIGINAL_NAME_DOC = '_airbyte_original_name:';

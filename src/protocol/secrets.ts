/**
 * Values that must never be printed: the config's secrets (fields marked airbyte_secret in the
 * spec). The protocol writer replaces them in every message, stack traces included, so an error
 * that quotes a secret (a library's message, a URL with credentials) cannot leak it.
 */
const secrets = new Set<string>();

/** Shorter values are not scrubbed: replacing a common short word would garble messages. */
const MIN_SECRET_LENGTH = 8;
export const REDACTED = '**********';

export function registerSecret(value: unknown): void {
  if (typeof value === 'string' && value.trim().length >= MIN_SECRET_LENGTH) secrets.add(value.trim());
}

export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    // The JSON-escaped form, for secrets with quotes or backslashes inside a serialised message.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.replaceAll(escaped, REDACTED);
  }
  return out;
}

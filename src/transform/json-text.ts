/**
 * JSON text of record data. Integers beyond 2^53 arrive as BigInt (see parse-message.ts) and are
 * written back as the same JSON numbers; JSON.stringify cannot, so only such values take the
 * slower path.
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError) || !/BigInt/.test(err.message)) throw err;
    return stringifyWithBigInt(value);
  }
}

function stringifyWithBigInt(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return stringifyWithBigInt((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : stringifyWithBigInt(v))).join(',')}]`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(`${JSON.stringify(k)}:${stringifyWithBigInt(v)}`);
  }
  return `{${parts.join(',')}}`;
}

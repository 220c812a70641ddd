/**
 * Converts a record's JSON data to the Avro value of its converted schema, with unions wrapped
 * (`{"long": 5}`) so the branch is chosen here, by rule, and never guessed by the encoder.
 *
 * A union takes the first branch, in schema order, that accepts the value: numbers and numeric
 * strings for long/double (as Airbyte's converter does: "153" in a long|string union is 153),
 * RFC 3339 strings for the date/time logical types, objects for records and maps, arrays for
 * arrays. If none does, a string branch takes the value as text (JSON for objects). If there is
 * no string branch either, the value does not fit its declared type: it is written as null and
 * counted, so one bad value never stops a sync nor corrupts a file.
 */
import { ADDITIONAL_PROPERTIES, AB_ID, EMITTED_AT } from '../../transform/output-row.js';
import { ADDITIONAL_PROPERTIES_ALIASES, branchKey, type AvroRecordSchema, type AvroType } from './json-schema-to-avro.js';
import { ORIGINAL_NAME_DOC } from './avro-names.js';
import { epochDay, NO_MATCH, timeMicros, timestampMicros } from '../../transform/dates.js';
import { jsonText } from '../../transform/json-text.js';

/** Counts values that did not fit their declared type, by field path. */
export type MismatchCounter = (fieldPath: string) => void;

interface CompiledField {
  avroName: string;
  jsonName: string;
  convert: (value: unknown, mismatch: MismatchCounter, path: string) => unknown;
}

type Converter = (value: unknown, mismatch: MismatchCounter, path: string) => unknown;
type Attempt = (value: unknown, mismatch: MismatchCounter, path: string) => unknown | typeof NO_MATCH;

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export type RecordConverter = (
  data: Record<string, unknown>,
  mismatch: MismatchCounter,
  meta?: { abId: string; emittedAt: number },
) => Record<string, unknown>;

/**
 * Builds, once per stream, the function that turns a record's data into its Avro value. With
 * `meta`, the metadata fields come from the row, not from the record's data.
 */
export function compileRecord(schema: AvroRecordSchema): RecordConverter {
  const convert = recordConverter(schema);
  const hasMeta = schema.fields[0]?.name === AB_ID;
  return (data, mismatch, meta) => {
    const out = convert(data, mismatch, '') as Record<string, unknown>;
    if (meta && hasMeta) {
      out[AB_ID] = meta.abId;
      out[EMITTED_AT] = meta.emittedAt;
    }
    return out;
  };
}

function recordConverter(schema: AvroRecordSchema): Converter {
  const fields: CompiledField[] = [];
  const declared = new Set<string>();
  let hasAdditional = false;
  for (const f of schema.fields) {
    if (f.name === ADDITIONAL_PROPERTIES) {
      hasAdditional = true;
      continue;
    }
    const jsonName = f.doc?.startsWith(ORIGINAL_NAME_DOC) ? f.doc.slice(ORIGINAL_NAME_DOC.length) : f.name;
    declared.add(jsonName);
    declared.add(f.name);
    fields.push({ avroName: f.name, jsonName, convert: typeConverter(f.type) });
  }
  return (value, mismatch, path) => {
    const data = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const v = data[f.jsonName];
      out[f.avroName] = f.convert(v === undefined ? data[f.avroName] ?? null : v, mismatch, path ? `${path}.${f.jsonName}` : f.jsonName);
    }
    if (hasAdditional) out[ADDITIONAL_PROPERTIES] = additionalProperties(data, declared);
    return out;
  };
}

/** Undeclared fields, plus the entries of an `_airbyte_additional_properties` object, as strings. */
function additionalProperties(data: Record<string, unknown>, declared: Set<string>): { map: Record<string, string> } | null {
  let map: Record<string, string> | undefined;
  for (const key in data) {
    if (declared.has(key)) continue;
    const v = data[key];
    if (ADDITIONAL_PROPERTIES_ALIASES.has(key)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k, inner] of Object.entries(v)) if (inner !== null && inner !== undefined) (map ??= {})[k] = asText(inner);
        continue;
      }
      if (v === null || v === undefined) continue;
    }
    if (v !== undefined) (map ??= {})[key] = asText(v);
  }
  return map ? { map } : null;
}

function asText(v: unknown): string {
  return typeof v === 'string' ? v : v === null ? 'null' : jsonText(v);
}

function typeConverter(type: AvroType): Converter {
  if (!Array.isArray(type)) {
    const attempt = branchAttempt(type);
    return (v, mismatch, path) => {
      const out = attempt(v, mismatch, path);
      return out === NO_MATCH ? null : out;
    };
  }
  const nullable = type.includes('null');
  const branches = type.filter((t) => t !== 'null').map((t) => ({ key: branchKey(t), attempt: branchAttempt(t) }));
  const stringKey = branches.find((b) => b.key === 'string')?.key;
  return (v, mismatch, path) => {
    if (v === null || v === undefined) return null;
    for (const b of branches) {
      const out = b.attempt(v, mismatch, path);
      if (out !== NO_MATCH) return { [b.key]: out };
    }
    if (stringKey) return { string: asText(v) };
    mismatch(path);
    return nullable ? null : undefined;
  };
}

function branchAttempt(t: AvroType): Attempt {
  if (typeof t === 'string') return primitive(t);
  if (Array.isArray(t)) {
    const convert = typeConverter(t);
    return (v, m, p) => convert(v, m, p);
  }
  switch (t.logicalType) {
    case 'timestamp-micros':
      return (v) => (typeof v === 'string' ? timestampMicros(v) : NO_MATCH);
    case 'timestamp-millis':
      return (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : NO_MATCH);
    case 'date':
      return (v) => (typeof v === 'string' ? epochDay(v) : NO_MATCH);
    case 'time-micros':
      return (v) => (typeof v === 'string' ? timeMicros(v) : NO_MATCH);
  }
  switch (t.type) {
    case 'record': {
      const convert = recordConverter(t as AvroRecordSchema);
      return (v, m, p) => (v && typeof v === 'object' && !Array.isArray(v) ? convert(v, m, p) : NO_MATCH);
    }
    case 'array': {
      const item = typeConverter(t.items as AvroType);
      return (v, m, p) => (Array.isArray(v) ? v.map((x) => item(x, m, `${p}[]`)) : NO_MATCH);
    }
    case 'map': {
      return (v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asText(x)])) : NO_MATCH);
    }
    default:
      return primitive(t.type);
  }
}

function primitive(name: string): Attempt {
  switch (name) {
    case 'string':
      return (v) => (typeof v === 'string' ? v : NO_MATCH);
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : NO_MATCH);
    case 'long':
      return toLong;
    case 'double':
      return (v) => {
        if (typeof v === 'number') return v;
        if (typeof v === 'bigint') return Number(v);
        if (typeof v === 'string' && (DECIMAL.test(v.trim()) || v === 'NaN' || v === 'Infinity' || v === '-Infinity')) return Number(v);
        return NO_MATCH;
      };
    default:
      return () => NO_MATCH;
  }
}

/** Integers within int64; safe ones as numbers, the rest as BigInt (never rounded). */
function toLong(v: unknown): unknown {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v) : NO_MATCH;
  if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? v : NO_MATCH;
  if (typeof v === 'string' && INTEGER.test(v.trim())) {
    const big = BigInt(v.trim());
    if (big < INT64_MIN || big > INT64_MAX) return NO_MATCH;
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  return NO_MATCH;
}

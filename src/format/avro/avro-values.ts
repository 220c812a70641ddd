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
  convert: Converter;
}

// A value's field path (for the mismatch count) is fixed where its converter is compiled, so
// converting a record builds no path strings.
type Converter = (value: unknown, mismatch: MismatchCounter) => unknown;
type Attempt = (value: unknown, mismatch: MismatchCounter) => unknown | typeof NO_MATCH;

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A row's metadata columns: its id as text (Avro) or as the uuid's 16 bytes (Parquet). */
export interface RowMeta {
  abId: string | Uint8Array;
  emittedAt: number;
}

export type RecordConverter = (
  data: Record<string, unknown>,
  mismatch: MismatchCounter,
  meta?: RowMeta,
) => Record<string, unknown>;

/**
 * How a union's value comes out: `wrapped` as avsc takes it (`{"long": 5}`); `plain` leaves the
 * value of a union of null and one type as it is (5), for Parquet, where such a union is just an
 * optional column: no wrapper object per field and row to make, then take apart. Unions of several
 * types are wrapped either way, as the branch must be known.
 */
export type UnionValues = 'wrapped' | 'plain';

/**
 * Builds, once per stream, the function that turns a record's data into its Avro value. With
 * `meta`, the metadata fields come from the row, not from the record's data.
 */
export function compileRecord(schema: AvroRecordSchema, unions: UnionValues = 'wrapped'): RecordConverter {
  const convert = recordConverter(schema, '', unions);
  const hasMeta = schema.fields[0]?.name === AB_ID;
  return (data, mismatch, meta) => {
    const out = convert(data, mismatch) as Record<string, unknown>;
    if (meta && hasMeta) {
      out[AB_ID] = meta.abId;
      out[EMITTED_AT] = meta.emittedAt;
    }
    return out;
  };
}

function recordConverter(schema: AvroRecordSchema, path: string, unions: UnionValues): Converter {
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
    fields.push({ avroName: f.name, jsonName, convert: typeConverter(f.type, path ? `${path}.${jsonName}` : jsonName, unions) });
  }
  // Compiled per record schema into one object literal with direct property reads: a loop
  // reading data[name] and writing out[name] goes through V8's megamorphic keyed access for every
  // field, and built each row object key by key. Names are embedded as JSON string literals.
  const members = fields.map((f, i) => {
    const read =
      f.jsonName === f.avroName
        ? `data[${JSON.stringify(f.jsonName)}] ?? null`
        : `(v = data[${JSON.stringify(f.jsonName)}]) === undefined ? data[${JSON.stringify(f.avroName)}] ?? null : v`;
    return `${literalKey(f.avroName)}: convert[${i}](${read}, mismatch)`;
  });
  // The field is a union of null and a map: wrapped as { map } unless unions are plain.
  if (hasAdditional) members.push(`${literalKey(ADDITIONAL_PROPERTIES)}: additional(data, declared, ${unions === 'plain'})`);
  const make = new Function(
    'convert',
    'additional',
    'declared',
    `return function (data, mismatch) { let v; return { ${members.join(', ')} }; };`,
  ) as (convert: Converter[], additional: typeof additionalProperties, declared: Set<string>) => Converter;
  return make(
    fields.map((f) => f.convert),
    additionalProperties,
    declared,
  );
}

/** An object literal's key for `name`: a JSON string, computed for `__proto__` so it stays an own property. */
function literalKey(name: string): string {
  return name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
}

/** Undeclared fields, plus the entries of an `_airbyte_additional_properties` object, as strings. */
function additionalProperties(data: Record<string, unknown>, declared: Set<string>, plain: boolean): { map: Record<string, string> } | Record<string, string> | null {
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
  if (!map) return null;
  return plain ? map : { map };
}

function asText(v: unknown): string {
  return typeof v === 'string' ? v : v === null ? 'null' : jsonText(v);
}

function typeConverter(type: AvroType, path: string, unions: UnionValues): Converter {
  if (!Array.isArray(type)) {
    const attempt = branchAttempt(type, path, unions);
    return (v, mismatch) => {
      const out = attempt(v, mismatch);
      return out === NO_MATCH ? null : out;
    };
  }
  const nullable = type.includes('null');
  const branches = type
    .filter((t) => t !== 'null')
    .map((t) => ({ key: branchKey(t), wrap: unionWrapper(branchKey(t)), attempt: branchAttempt(t, path, unions) }));
  const hasString = branches.some((b) => b.key === 'string');
  if (unions === 'plain' && branches.length === 1) {
    const { attempt } = branches[0]!;
    return (v, mismatch) => {
      if (v === null || v === undefined) return null;
      const out = attempt(v, mismatch);
      if (out !== NO_MATCH) return out;
      if (hasString) return asText(v);
      mismatch(path);
      return nullable ? null : undefined;
    };
  }
  return (v, mismatch) => {
    if (v === null || v === undefined) return null;
    for (const b of branches) {
      const out = b.attempt(v, mismatch);
      if (out !== NO_MATCH) return b.wrap(out);
    }
    if (hasString) return { string: asText(v) };
    mismatch(path);
    return nullable ? null : undefined;
  };
}

/**
 * A union value as avsc's wrapped unions take it, `{"<branch>": value}`. Built by a function
 * compiled per branch so each object is a literal with one fixed shape: `{ [key]: value }` made a
 * dictionary-mode object per value and was the converter's largest cost. The key is a JSON
 * string literal, so any branch name is safe to embed; `__proto__` stays an own property.
 */
function unionWrapper(key: string): (value: unknown) => Record<string, unknown> {
  return new Function('value', `return { ${literalKey(key)}: value };`) as (value: unknown) => Record<string, unknown>;
}

function branchAttempt(t: AvroType, path: string, unions: UnionValues): Attempt {
  if (typeof t === 'string') return primitive(t);
  if (Array.isArray(t)) return typeConverter(t, path, unions);
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
      const convert = recordConverter(t as AvroRecordSchema, path, unions);
      return (v, m) => (v && typeof v === 'object' && !Array.isArray(v) ? convert(v, m) : NO_MATCH);
    }
    case 'array': {
      const item = typeConverter(t.items as AvroType, `${path}[]`, unions);
      return (v, m) => (Array.isArray(v) ? v.map((x) => item(x, m)) : NO_MATCH);
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

/**
 * Parquet columns from the converted Avro schema, so both typed formats share one type mapping
 * and one rule for values that do not fit (see avro-values.ts):
 * - a record is a group, an array a 3-level LIST, `_airbyte_additional_properties` a MAP of strings;
 * - `["null", X]` is an OPTIONAL X; `long`/`double`/`boolean`/`string` are INT64, DOUBLE, BOOLEAN
 *   and UTF8 strings; the Avro logical types become Parquet logical types: UUID (16 bytes), DATE,
 *   TIME and TIMESTAMP (UTC-adjusted, millis or micros);
 * - a date/time with a string fallback (`["null", timestamp-micros, "string"]`) is a column of the
 *   logical type; Parquet has no unions, so text that is not a valid date/time is written as null
 *   and counted, like any value that does not fit its type;
 * - any other union becomes a group of OPTIONAL members `member0`, `member1`..., one set per row,
 *   as parquet-avro writes Avro unions.
 */
import type { SchemaElement } from 'hyparquet';
import { branchKey, type AvroRecordSchema, type AvroSchemaObject, type AvroType } from '../avro/json-schema-to-avro.js';
import type { MismatchCounter } from '../avro/avro-values.js';

export type ValueMapper = (avroValue: unknown, mismatch: MismatchCounter, path: string) => unknown;

/** One top-level column: its schema elements (depth-first) and how to turn Avro values into it. */
export interface ParquetColumn {
  name: string;
  elements: SchemaElement[];
  map: ValueMapper;
}

interface Node {
  elements: SchemaElement[];
  map: ValueMapper;
}

type Repetition = 'REQUIRED' | 'OPTIONAL';
const LOGICAL_WITH_FALLBACK = new Set(['date', 'time-micros', 'timestamp-micros', 'timestamp-millis']);

export function parquetColumns(schema: AvroRecordSchema): ParquetColumn[] {
  return schema.fields.map((f) => ({ name: f.name, ...node(f.name, f.type, 'REQUIRED', f.name) }));
}

function node(name: string, type: AvroType, repetition: Repetition, path: string): Node {
  if (Array.isArray(type)) return unionNode(name, type, path);
  if (typeof type === 'string') return primitive(name, type, repetition);
  return complex(name, type, repetition, path);
}

function unionNode(name: string, union: AvroType[], path: string): Node {
  const branches = union.filter((t) => t !== 'null');
  const repetition: Repetition = branches.length < union.length ? 'OPTIONAL' : 'REQUIRED';
  if (branches.length === 1) {
    // The converter leaves these values unwrapped (compileRecord's 'plain' unions).
    const inner = node(name, branches[0]!, repetition, path);
    return { elements: inner.elements, map: (v, m, p) => (v === null || v === undefined ? null : inner.map(v, m, p)) };
  }
  const logical = branches.find((b) => typeof b === 'object' && !Array.isArray(b) && LOGICAL_WITH_FALLBACK.has(String(b.logicalType)));
  if (logical && branches.length === 2 && branches.includes('string')) {
    const inner = node(name, logical, repetition, path);
    const key = branchKey(logical);
    return {
      elements: inner.elements,
      map: (v, m, p) => {
        if (v === null || v === undefined) return null;
        const [k] = Object.keys(v as object);
        if (k === key) return inner.map((v as Record<string, unknown>)[k], m, p);
        m(p); // text that is not a valid date/time: Parquet has no string branch to keep it in
        return null;
      },
    };
  }
  const members = branches.map((b, i) => ({ key: branchKey(b), name: `member${i}`, node: node(`member${i}`, b, 'OPTIONAL', path) }));
  return {
    elements: [{ name, repetition_type: repetition, num_children: members.length }, ...members.flatMap((m) => m.node.elements)],
    map: (v, m, p) => {
      if (v === null || v === undefined) return null;
      const [k] = Object.keys(v as object);
      const out: Record<string, unknown> = {};
      for (const member of members) out[member.name] = member.key === k ? member.node.map((v as Record<string, unknown>)[k!], m, p) : null;
      return out;
    },
  };
}

const toBigInt = (v: unknown) => (typeof v === 'bigint' ? v : BigInt(v as number));

function primitive(name: string, type: string, repetition: Repetition): Node {
  switch (type) {
    case 'string':
      return { elements: [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: repetition }], map: (v) => v };
    case 'long':
      return { elements: [{ name, type: 'INT64', repetition_type: repetition }], map: toBigInt };
    case 'int':
      return { elements: [{ name, type: 'INT32', repetition_type: repetition }], map: (v) => v };
    case 'double':
      return { elements: [{ name, type: 'DOUBLE', repetition_type: repetition }], map: (v) => v };
    case 'boolean':
      return { elements: [{ name, type: 'BOOLEAN', repetition_type: repetition }], map: (v) => v };
    default:
      throw new Error(`no Parquet mapping for the Avro type ${type}`);
  }
}

/** Each hex digit's value by character code; -1 for anything else. */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}
/** Where uuids' bytes are written: one allocation per 4,096 values, not one per row. */
let uuidSlab = new Uint8Array(0);
let uuidAt = 0;

/**
 * A uuid's 16 bytes, parsed digit by digit into a shared slab (a row group of uuids would otherwise
 * make a string without dashes, then a buffer, per row: a tenth of Parquet's conversion time).
 * Text that is not a dashed uuid goes the slow way (Buffer.from stops at the first non-hex digit).
 */
function uuidBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array && v.length === 16) return v; // a row id, made as bytes (randomUuids)
  const text = String(v);
  if (text.length !== 36) return Buffer.from(text.replaceAll('-', ''), 'hex');
  if (uuidAt + 16 > uuidSlab.length) {
    uuidSlab = new Uint8Array(16 * 4096);
    uuidAt = 0;
  }
  const start = uuidAt;
  let at = start;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (text.charCodeAt(i) !== 0x2d) return Buffer.from(text.replaceAll('-', ''), 'hex');
      i++; // past the dash
    }
    const hi = HEX[text.charCodeAt(i)] ?? -1;
    const lo = HEX[text.charCodeAt(i + 1)] ?? -1;
    if (hi < 0 || lo < 0) return Buffer.from(text.replaceAll('-', ''), 'hex');
    uuidSlab[at++] = (hi << 4) | lo;
  }
  uuidAt = at;
  return uuidSlab.subarray(start, at);
}

function complex(name: string, type: AvroSchemaObject, repetition: Repetition, path: string): Node {
  switch (type.logicalType) {
    case 'uuid':
      return { elements: [{ name, type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, logical_type: { type: 'UUID' }, repetition_type: repetition }], map: uuidBytes };
    case 'timestamp-millis':
    case 'timestamp-micros':
      return {
        elements: [{
          name, type: 'INT64', repetition_type: repetition,
          logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: type.logicalType === 'timestamp-millis' ? 'MILLIS' : 'MICROS' },
        }],
        map: toBigInt,
      };
    case 'time-micros':
      return { elements: [{ name, type: 'INT64', repetition_type: repetition, logical_type: { type: 'TIME', isAdjustedToUTC: true, unit: 'MICROS' } }], map: toBigInt };
    case 'date':
      return { elements: [{ name, type: 'INT32', repetition_type: repetition, converted_type: 'DATE', logical_type: { type: 'DATE' } }], map: (v) => v };
  }
  switch (type.type) {
    case 'record': {
      const fields = (type as AvroRecordSchema).fields.map((f) => ({ name: f.name, node: node(f.name, f.type, 'REQUIRED', `${path}.${f.name}`) }));
      return {
        elements: [{ name, repetition_type: repetition, num_children: fields.length }, ...fields.flatMap((f) => f.node.elements)],
        map: (v, m, p) => {
          if (v === null || v === undefined) return null;
          const record = v as Record<string, unknown>;
          const out: Record<string, unknown> = {};
          for (const f of fields) out[f.name] = f.node.map(record[f.name] ?? null, m, `${p}.${f.name}`);
          return out;
        },
      };
    }
    case 'array': {
      const item = node('element', type.items as AvroType, 'REQUIRED', `${path}[]`);
      return {
        elements: [
          { name, repetition_type: repetition, converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          ...item.elements,
        ],
        map: (v, m, p) => (Array.isArray(v) ? v.map((x) => item.map(x, m, `${p}[]`)) : null),
      };
    }
    case 'map':
      return {
        elements: [
          { name, repetition_type: repetition, converted_type: 'MAP', logical_type: { type: 'MAP' }, num_children: 1 },
          { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
          { name: 'key', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'REQUIRED' },
          { name: 'value', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' },
        ],
        map: (v) => v,
      };
    default:
      return primitive(name, type.type, repetition);
  }
}

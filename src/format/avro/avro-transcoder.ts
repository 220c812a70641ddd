/**
 * A record's JSON bytes straight to its Avro binary encoding, without building JavaScript values:
 * no JSON.parse, no converted object, no avsc. On the encoding worker this replaces, for the
 * records it can take, the three steps that made Avro's throughput (parse, convert, encode).
 *
 * Safety: the bytes written are exactly those of the general path (parseMessage, compileRecord's
 * conversion, avsc's encoding) for the same record, which a differential test checks on generated
 * schemas and records. Where that would take rules it does not reproduce, it gives up on the
 * record (`transcode` returns false, having written nothing) and the caller takes the general
 * path for that record alone:
 * - an undeclared key (the additional-properties map; a field's Avro name where it differs from
 *   its JSON name counts as one), a key with an escape;
 * - a value a union would take as text (a number in a string field: JSON text), or a string a
 *   long or double branch would try to read as a number;
 * - an integer of 16 digits or more (it may be beyond 2^53: the general path reads it exactly);
 * - a string with an escaped lone surrogate (avsc's own UTF-8 encoder writes those unlike Node's);
 * - maps, non-union types other than the metadata, unknown type names, a field named __proto__.
 * Its input is always valid JSON (the record scanner validated it, or JSON.stringify wrote it);
 * anything unexpected still only sends the record to the general path.
 */
import { ADDITIONAL_PROPERTIES, AB_ID, EMITTED_AT } from '../../transform/output-row.js';
import { epochDay, NO_MATCH, timeMicros, timestampMicros, timestampMicrosAt } from '../../transform/dates.js';
import { ORIGINAL_NAME_DOC } from './avro-names.js';
import type { AvroRecordSchema, AvroType } from './json-schema-to-avro.js';
import type { MismatchCounter } from './avro-values.js';

const enum Kind {
  String,
  Long,
  Double,
  Boolean,
  Record,
  Array,
  TimestampMicros,
  TimestampMillis,
  Date,
  TimeMicros,
  /** Maps and anything else: the general path's business. */
  Other,
}

interface Branch {
  /** Its position in the union: the index written before the value. */
  index: number;
  kind: Kind;
  record?: RecordPlan;
  items?: TypePlan;
}

interface TypePlan {
  /** A union writes the branch's index first. */
  union: boolean;
  nullIndex: number;
  /** The non-null branches, in schema order: a value takes the first that accepts it. */
  branches: Branch[];
  /** The field path mismatches are counted under, as the general path names it. */
  path: string;
}

/** The additional-properties field: always null here (an undeclared key gives up). */
const ADDITIONAL = 'additional';
/** The root's _airbyte_ab_id and _airbyte_emitted_at: from the row, not the data. */
const META = 'meta';

const IGNORED = -1;

interface RecordPlan {
  /** The fields in schema order. */
  fields: (TypePlan | typeof ADDITIONAL | typeof META)[];
  /** The byte written for an absent additional-properties map: its union's null index. */
  additionalNull: number;
  /**
   * Keys as bytes (the fields' JSON names), and the field each fills (or IGNORED). A key that is
   * a field's Avro name instead ("a_b" for "a b"), which the general path also reads, matches
   * none and gives up as undeclared. (Two fields whose names Avro makes the same cannot be in one
   * schema.)
   */
  keys: Uint8Array[];
  targets: number[];
  /** Each field's value, found by the member scan: start, end, whether a string has escapes. */
  starts: Int32Array;
  ends: Int32Array;
  escaped: Uint8Array;
  unsupported: boolean;
}

/** Thrown to leave a record for the general path; one object, never built per record. */
const GIVE_UP_RECORD = { giveUp: true };

// The output of the record being transcoded. Module state rather than object fields: every write
// of every value touches them, and the worker transcodes one record at a time.
let out: Buffer = Buffer.alloc(0);
let pos = 0;
let escapedFlag = 0;
const pendingMismatches: string[] = [];

const COUNT = new Uint8Array(10);
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const TWO_52 = 2 ** 52;

export class AvroTranscoder {
  private readonly root: RecordPlan;
  private readonly hasMeta: boolean;
  /** Output bytes per input byte, at most (see reserve()). */
  private readonly perByte: number;

  constructor(schema: AvroRecordSchema) {
    this.hasMeta = schema.fields[0]?.name === AB_ID && schema.fields[1]?.name === EMITTED_AT;
    let maxFields = 0;
    this.root = compileRecord(schema, '', this.hasMeta ? 2 : 0, (n) => (maxFields = Math.max(maxFields, n)));
    // Each JSON byte yields at most 9 bytes (a one-digit double: index and 8 bytes), and "{}"
    // yields a byte per field of its record.
    this.perByte = 10 + maxFields;
  }

  /**
   * Appends the record json[start, end) to `target` at `at`: returns the new end, or -1 if the
   * record needs the general path (nothing counted). `target` must hold reserve() bytes from `at`.
   */
  transcode(json: Buffer, start: number, end: number, abIds: Buffer, abOffset: number, emittedAt: number, target: Buffer, at: number, mismatch: MismatchCounter): number {
    out = target;
    pos = at;
    pendingMismatches.length = 0;
    try {
      if (this.hasMeta) {
        if (!Number.isSafeInteger(emittedAt)) return -1;
        out[pos++] = 72; // a 36-character uuid: its zig-zag length
        for (let k = 0; k < 36; k++) out[pos++] = abIds[abOffset + k]!;
        writeLong(emittedAt);
      }
      const i = skipSpace(json, start);
      if (json[i] !== 0x7b) return -1;
      for (let k = transcodeRecord(this.root, json, i); k < end; k++) {
        const c = json[k];
        if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return -1;
      }
    } catch (err) {
      if (err === GIVE_UP_RECORD) return -1;
      throw err;
    }
    if (pos > target.length) throw new Error(`Avro transcoder wrote past its reservation (${pos} > ${target.length})`);
    for (const path of pendingMismatches) mismatch(path);
    return pos;
  }

  /** The most bytes a record of `jsonBytes` can take. */
  reserve(jsonBytes: number): number {
    return jsonBytes * this.perByte + 64;
  }
}

function compileRecord(schema: AvroRecordSchema, path: string, metaFields: number, noteFields: (n: number) => void): RecordPlan {
  noteFields(schema.fields.length);
  const plan: RecordPlan = {
    fields: [],
    additionalNull: 0,
    keys: [],
    targets: [],
    starts: new Int32Array(schema.fields.length),
    ends: new Int32Array(schema.fields.length),
    escaped: new Uint8Array(schema.fields.length),
    unsupported: false,
  };
  schema.fields.forEach((f, i) => {
    const jsonName = f.doc?.startsWith(ORIGINAL_NAME_DOC) ? f.doc.slice(ORIGINAL_NAME_DOC.length) : f.name;
    if (jsonName === '__proto__' || f.name === '__proto__') plan.unsupported = true;
    if (f.name === ADDITIONAL_PROPERTIES) {
      plan.fields.push(ADDITIONAL);
      plan.additionalNull = Array.isArray(f.type) ? 2 * f.type.indexOf('null') : -1;
      if (plan.additionalNull < 0) plan.unsupported = true;
      return;
    }
    if (i < metaFields) {
      plan.fields.push(META);
      plan.keys.push(Buffer.from(jsonName));
      plan.targets.push(IGNORED);
      return;
    }
    plan.fields.push(compileType(f.type, path ? `${path}.${jsonName}` : jsonName, noteFields));
    plan.keys.push(Buffer.from(jsonName));
    plan.targets.push(i);
  });
  return plan;
}

function compileType(type: AvroType, path: string, noteFields: (n: number) => void): TypePlan {
  const union = Array.isArray(type);
  const members = union ? type : [type];
  const plan: TypePlan = { union, nullIndex: -1, branches: [], path };
  members.forEach((t, index) => {
    if (t === 'null') {
      plan.nullIndex = index;
      return;
    }
    plan.branches.push(compileBranch(t, index, path, noteFields));
  });
  return plan;
}

function compileBranch(t: AvroType, index: number, path: string, noteFields: (n: number) => void): Branch {
  if (typeof t === 'string') {
    const kind = t === 'string' ? Kind.String : t === 'long' ? Kind.Long : t === 'double' ? Kind.Double : t === 'boolean' ? Kind.Boolean : Kind.Other;
    return { index, kind };
  }
  if (Array.isArray(t)) return { index, kind: Kind.Other };
  switch (t.logicalType) {
    case 'timestamp-micros':
      return { index, kind: Kind.TimestampMicros };
    case 'timestamp-millis':
      return { index, kind: Kind.TimestampMillis };
    case 'date':
      return { index, kind: Kind.Date };
    case 'time-micros':
      return { index, kind: Kind.TimeMicros };
  }
  switch (t.type) {
    case 'record':
      return { index, kind: Kind.Record, record: compileRecord(t as AvroRecordSchema, path, 0, noteFields) };
    case 'array':
      return { index, kind: Kind.Array, items: compileType(t.items as AvroType, `${path}[]`, noteFields) };
    case 'string':
    case 'long':
    case 'double':
    case 'boolean':
      return compileBranch(t.type, index, path, noteFields);
    default:
      return { index, kind: Kind.Other };
  }
}

// ---- reading JSON ----

function skipSpace(b: Buffer, i: number): number {
  let c = b[i];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
  return i;
}

/** From an opening quote to just past the closing one; escapedFlag says if it held a backslash. */
function skipString(b: Buffer, i: number): number {
  escapedFlag = 0;
  for (i++; ; i++) {
    const c = b[i];
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      escapedFlag = 1;
      i++;
    } else if (c === undefined) throw GIVE_UP_RECORD;
  }
}

/** Past any JSON value starting at i. */
function skipValue(b: Buffer, i: number): number {
  const c = b[i];
  if (c === 0x22) return skipString(b, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (; ; i++) {
      const d = b[i];
      if (d === 0x22) i = skipString(b, i) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        if (--depth === 0) return i + 1;
      } else if (d === undefined) throw GIVE_UP_RECORD;
    }
  }
  // A number, true, false or null: up to the next delimiter.
  for (; ; i++) {
    const d = b[i];
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09 || d === undefined) return i;
  }
}

function matchKey(plan: RecordPlan, b: Buffer, start: number, end: number, guess: number): number {
  const keys = plan.keys;
  if (guess < keys.length && sameBytes(keys[guess]!, b, start, end)) return guess;
  for (let k = 0; k < keys.length; k++) if (sameBytes(keys[k]!, b, start, end)) return k;
  return -1;
}

function sameBytes(key: Uint8Array, b: Buffer, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let k = 0; k < key.length; k++) if (key[k] !== b[start + k]) return false;
  return true;
}

/** A JSON number's value as JSON.parse gives it; integers of 16 digits or more give up. */
function readNumber(b: Buffer, start: number, end: number): number {
  let i = start;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let c = b[i]!;
  while (i < end && c >= 0x30 && c <= 0x39) {
    m = m * 10 + (c - 0x30);
    digits++;
    c = b[++i]!;
  }
  if (i === end) {
    if (digits >= 16) throw GIVE_UP_RECORD;
    return negative ? -m : m;
  }
  let scale = 0;
  if (c === 0x2e) {
    c = b[++i]!;
    while (i < end && c >= 0x30 && c <= 0x39) {
      m = m * 10 + (c - 0x30);
      digits++;
      scale++;
      c = b[++i]!;
    }
  }
  let exponent = 0;
  if (i < end && (c === 0x65 || c === 0x45)) {
    c = b[++i]!;
    const negativeExponent = c === 0x2d;
    if (c === 0x2d || c === 0x2b) c = b[++i]!;
    while (i < end && c >= 0x30 && c <= 0x39 && exponent < 10_000) {
      exponent = exponent * 10 + (c - 0x30);
      c = b[++i]!;
    }
    if (negativeExponent) exponent = -exponent;
  }
  if (i === end && digits <= 15) {
    // Clinger's fast path: m and 10^p are exact doubles, so one correctly rounded operation
    // gives the correctly rounded value, as Number() would.
    const p = exponent - scale;
    if (p >= -22 && p <= 22) {
      const v = p < 0 ? m / POW10[-p]! : m * POW10[p]!;
      return negative ? -v : v;
    }
  }
  return Number(b.toString('latin1', start, end));
}

/** A string value's text (start at its opening quote, end past its closing one). */
function stringText(b: Buffer, start: number, end: number, escaped: number): string {
  return escaped ? (JSON.parse(b.toString('utf8', start, end)) as string) : b.toString('utf8', start + 1, end - 1);
}

// ---- writing Avro ----

/** Avro's zig-zag varint long, exact for every safe integer. */
function writeLong(n: number): void {
  if (n >= -0x40000000 && n < 0x40000000) {
    let z = n >= 0 ? n << 1 : (~n << 1) | 1;
    while (z > 0x7f) {
      out[pos++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    out[pos++] = z;
  } else if (n > -TWO_52 && n < TWO_52) {
    let z = n >= 0 ? n * 2 : -n * 2 - 1;
    while (z > 0x7f) {
      out[pos++] = (z % 0x80) | 0x80;
      z = Math.floor(z / 0x80);
    }
    out[pos++] = z;
  } else {
    writeBigLong(BigInt(n));
  }
}

function writeBigLong(n: bigint): void {
  let z = n >= 0n ? n << 1n : (-n << 1n) - 1n;
  while (z > 0x7fn) {
    out[pos++] = Number(z & 0x7fn) | 0x80;
    z >>= 7n;
  }
  out[pos++] = Number(z);
}

function writeMicros(v: bigint): void {
  if (v > -BigInt(TWO_52) && v < BigInt(TWO_52)) writeLong(Number(v));
  else writeBigLong(v);
}

function writeStringBytes(b: Buffer, start: number, end: number, escaped: number): void {
  if (escaped) {
    const text = JSON.parse(b.toString('utf8', start, end)) as string;
    if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) throw GIVE_UP_RECORD;
    const length = Buffer.byteLength(text);
    writeLong(length);
    pos += out.write(text, pos, length, 'utf8');
    return;
  }
  const length = end - start - 2;
  writeLong(length);
  if (length <= 32) {
    for (let k = start + 1; k < end - 1; k++) out[pos++] = b[k]!;
  } else {
    b.copy(out, pos, start + 1, end - 1);
    pos += length;
  }
}

function writeNull(plan: TypePlan): void {
  if (plan.nullIndex < 0) throw GIVE_UP_RECORD;
  out[pos++] = plan.nullIndex * 2;
}

function writeIndex(plan: TypePlan, branch: Branch): void {
  if (plan.union) writeLong(branch.index);
}

/** No branch takes the value: the general path counts it and writes null (a union with no string branch). */
function noMatch(plan: TypePlan): void {
  if (!plan.union) throw GIVE_UP_RECORD;
  pendingMismatches.push(plan.path);
  writeNull(plan);
}

function transcodeRecord(plan: RecordPlan, b: Buffer, i: number): number {
  if (plan.unsupported) throw GIVE_UP_RECORD;
  const { starts, ends, escaped, targets, fields } = plan;
  starts.fill(-1);
  i = skipSpace(b, i + 1);
  let guess = 0;
  if (b[i] === 0x7d) i++;
  else {
    for (;;) {
      if (b[i] !== 0x22) throw GIVE_UP_RECORD;
      const keyEnd = skipString(b, i);
      if (escapedFlag) throw GIVE_UP_RECORD;
      const key = matchKey(plan, b, i + 1, keyEnd - 1, guess);
      if (key < 0) throw GIVE_UP_RECORD; // undeclared: the additional-properties map
      const target = targets[key]!;
      guess = key + 1;
      i = skipSpace(b, keyEnd);
      if (b[i] !== 0x3a) throw GIVE_UP_RECORD;
      const valueStart = skipSpace(b, i + 1);
      i = skipValue(b, valueStart);
      if (target !== IGNORED) {
        starts[target] = valueStart;
        ends[target] = i;
        escaped[target] = escapedFlag;
      }
      i = skipSpace(b, i);
      const c = b[i];
      if (c === 0x2c) i = skipSpace(b, i + 1);
      else if (c === 0x7d) {
        i++;
        break;
      } else throw GIVE_UP_RECORD;
    }
  }
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f]!;
    if (field === ADDITIONAL) out[pos++] = plan.additionalNull;
    else if (field === META) continue; // the root's first two fields, written from the row before the record
    else if (starts[f] === -1) writeNull(field);
    else transcodeValue(field, b, starts[f]!, ends[f]!, escaped[f]!);
  }
  return i;
}

/** Writes the value at b[start, end) (end -1: not yet known) by its type; returns its end. */
function transcodeValue(plan: TypePlan, b: Buffer, start: number, end: number, escaped: number): number {
  const c = b[start]!;
  if (c === 0x22) {
    if (end < 0) {
      end = skipString(b, start);
      escaped = escapedFlag;
    }
    transcodeString(plan, b, start, end, escaped);
    return end;
  }
  if (c === 0x7b) {
    for (const branch of plan.branches) {
      if (branch.kind === Kind.Record) {
        writeIndex(plan, branch);
        return transcodeRecord(branch.record!, b, start);
      }
      if (branch.kind === Kind.String || branch.kind === Kind.Other) throw GIVE_UP_RECORD;
    }
    noMatch(plan);
    return end < 0 ? skipValue(b, start) : end;
  }
  if (c === 0x5b) {
    for (const branch of plan.branches) {
      if (branch.kind === Kind.Array) {
        writeIndex(plan, branch);
        return transcodeArray(branch.items!, b, start);
      }
      if (branch.kind === Kind.String || branch.kind === Kind.Other) throw GIVE_UP_RECORD;
    }
    noMatch(plan);
    return end < 0 ? skipValue(b, start) : end;
  }
  if (end < 0) end = skipValue(b, start);
  if (c === 0x6e) {
    writeNull(plan);
    return end;
  }
  if (c === 0x74 || c === 0x66) {
    for (const branch of plan.branches) {
      if (branch.kind === Kind.Boolean) {
        writeIndex(plan, branch);
        out[pos++] = c === 0x74 ? 1 : 0;
        return end;
      }
      if (branch.kind === Kind.String || branch.kind === Kind.Other) throw GIVE_UP_RECORD;
    }
    noMatch(plan);
    return end;
  }
  const v = readNumber(b, start, end);
  for (const branch of plan.branches) {
    switch (branch.kind) {
      case Kind.Long:
        if (Number.isSafeInteger(v)) {
          writeIndex(plan, branch);
          writeLong(v);
          return end;
        }
        if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) throw GIVE_UP_RECORD;
        break;
      case Kind.TimestampMillis:
        if (Number.isSafeInteger(v)) {
          writeIndex(plan, branch);
          writeLong(v);
          return end;
        }
        break;
      case Kind.Double:
        writeIndex(plan, branch);
        out.writeDoubleLE(v, pos);
        pos += 8;
        return end;
      case Kind.String:
      case Kind.Other:
        throw GIVE_UP_RECORD;
    }
  }
  noMatch(plan);
  return end;
}

function transcodeString(plan: TypePlan, b: Buffer, start: number, end: number, escaped: number): void {
  for (const branch of plan.branches) {
    switch (branch.kind) {
      case Kind.String:
        writeIndex(plan, branch);
        writeStringBytes(b, start, end, escaped);
        return;
      case Kind.TimestampMicros: {
        // The common form from its bytes; anything else through the string parser.
        const fast = escaped ? NaN : timestampMicrosAt(b, start + 1, end - 1);
        if (!Number.isNaN(fast)) {
          writeIndex(plan, branch);
          writeLong(fast);
          return;
        }
        const micros = timestampMicros(stringText(b, start, end, escaped));
        if (micros === NO_MATCH) break;
        writeIndex(plan, branch);
        writeMicros(micros);
        return;
      }
      case Kind.Date: {
        const day = epochDay(stringText(b, start, end, escaped));
        if (day === NO_MATCH) break;
        writeIndex(plan, branch);
        writeLong(day);
        return;
      }
      case Kind.TimeMicros: {
        const micros = timeMicros(stringText(b, start, end, escaped));
        if (micros === NO_MATCH) break;
        writeIndex(plan, branch);
        writeMicros(micros);
        return;
      }
      case Kind.Long:
      case Kind.Double:
      case Kind.Other:
        throw GIVE_UP_RECORD; // numeric strings, maps: the general path's rules
    }
  }
  noMatch(plan);
}

function transcodeArray(items: TypePlan, b: Buffer, i: number): number {
  i = skipSpace(b, i + 1);
  if (b[i] === 0x5d) {
    out[pos++] = 0;
    return i + 1;
  }
  const itemsAt = pos;
  let count = 0;
  for (;;) {
    i = skipSpace(b, transcodeValue(items, b, i, -1, 0));
    count++;
    const c = b[i];
    if (c === 0x2c) i = skipSpace(b, i + 1);
    else if (c === 0x5d) break;
    else throw GIVE_UP_RECORD;
  }
  // The block's count goes before its items, as avsc writes it: the count is written after the
  // items, kept aside, and put in front once the items have moved up to make room.
  const itemsEnd = pos;
  writeLong(count);
  const countBytes = pos - itemsEnd;
  for (let k = 0; k < countBytes; k++) COUNT[k] = out[itemsEnd + k]!;
  out.copyWithin(itemsAt + countBytes, itemsAt, itemsEnd);
  for (let k = 0; k < countBytes; k++) out[itemsAt + k] = COUNT[k]!;
  out[pos++] = 0;
  return i + 1;
}

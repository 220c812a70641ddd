import { randomBytes } from 'node:crypto';
import avro from 'avsc';
import type { OutputRow } from '../../transform/output-row.js';
import { CHUNK_BYTES, type Chunk, type FormatWriter, type FormatWriterFactory } from '../format-writer.js';
import type { AvroCodec } from './avro-codecs.js';
import { jsonSchemaToAvro, type AvroRecordSchema } from './json-schema-to-avro.js';
import { compileRecord, type RecordConverter } from './avro-values.js';

const LONG_SCRATCH = Buffer.alloc(8);

/**
 * Avro longs as JavaScript numbers when safe and BigInt beyond, so int64 values are never
 * rounded (avsc's default long type is limited to 2^53).
 */
const LONG = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => {
    const v = buf.readBigInt64LE();
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  },
  // avsc packs the returned bytes into a varint at once, so one scratch buffer serves every call.
  toBuffer: (n: number | bigint) => {
    if (typeof n === 'number' && n >= 0) {
      LONG_SCRATCH.writeUInt32LE(n % 0x1_0000_0000, 0);
      LONG_SCRATCH.writeUInt32LE(Math.floor(n / 0x1_0000_0000), 4);
    } else {
      LONG_SCRATCH.writeBigInt64LE(BigInt(n));
    }
    return LONG_SCRATCH;
  },
  fromJSON: (n: unknown) => (typeof n === 'bigint' ? n : Number(n)),
  toJSON: (n: number | bigint) => Number(n),
  isValid: (n: unknown) => (typeof n === 'number' && Number.isSafeInteger(n)) || typeof n === 'bigint',
  compare: (a: number | bigint, b: number | bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/**
 * The avsc type of a converted schema: unions wrapped (the converter picks each branch), every
 * long, logical or not, of the int64-safe kind above. (avsc's registry would only reach longs
 * named by the bare string "long", not {"type": "long", "logicalType": ...}.)
 */
export function avroTypeOf(schema: AvroRecordSchema): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, {
    wrapUnions: true,
    typeHook: (s) => (s === 'long' || (typeof s === 'object' && (s as { type?: unknown }).type === 'long') ? LONG : undefined),
  });
}

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" 1
const METADATA = avro.Type.forSchema({ type: 'map', values: 'bytes' });

/** Avro's zig-zag varint long, for block counts and sizes. */
function encodeLong(n: number): Buffer {
  let z = BigInt(n) >= 0n ? BigInt(n) << 1n : (-BigInt(n) << 1n) - 1n;
  const bytes: number[] = [];
  do {
    let b = Number(z & 0x7fn);
    z >>= 7n;
    if (z > 0n) b |= 0x80;
    bytes.push(b);
  } while (z > 0n);
  return Buffer.from(bytes);
}

/**
 * Avro object container files: the header carries the converted schema and the codec; records
 * are encoded by avsc into blocks of about CHUNK_BYTES, each compressed on its own and flushed
 * as it fills, so memory holds one block, never the file.
 */
export class AvroWriterFactory implements FormatWriterFactory {
  readonly extension = '.avro';
  readonly schema: AvroRecordSchema;
  readonly typeMismatches = new Map<string, number>();
  private readonly type: avro.Type;
  private readonly convert: RecordConverter;
  private readonly schemaJson: Buffer;

  constructor(jsonSchema: unknown, streamName: string, namespace: string | null | undefined, private readonly codec: AvroCodec) {
    this.schema = jsonSchemaToAvro(jsonSchema, streamName, namespace);
    this.type = avroTypeOf(this.schema);
    this.convert = compileRecord(this.schema);
    this.schemaJson = Buffer.from(JSON.stringify(this.schema));
  }

  create(): FormatWriter {
    const header = Buffer.concat([MAGIC, METADATA.toBuffer({ 'avro.schema': this.schemaJson, 'avro.codec': Buffer.from(this.codec.name) }), Buffer.alloc(0)]);
    return new AvroWriter(header, randomBytes(16), this.type, this.convert, this.codec, (path) =>
      this.typeMismatches.set(path, (this.typeMismatches.get(path) ?? 0) + 1),
    );
  }
}

class AvroWriter implements FormatWriter {
  /** The block being filled: records are encoded straight into it, with no buffer per record. */
  private block_ = Buffer.allocUnsafe(CHUNK_BYTES * 2);
  private bytes = 0;
  private count = 0;
  private headerPending = true;

  constructor(
    private readonly header: Buffer,
    private readonly sync: Buffer,
    private readonly type: avro.Type,
    private readonly convert: RecordConverter,
    private readonly codec: AvroCodec,
    private readonly mismatch: (path: string) => void,
  ) {}

  write(row: OutputRow): Chunk | undefined {
    const value = this.convert(row.data, this.mismatch, row);
    let end = this.type.encode(value, this.block_, this.bytes);
    while (end < 0) {
      // Too small for this record: avsc returned minus the missing bytes. Grow and encode again.
      const bigger = Buffer.allocUnsafe(Math.max(this.block_.length * 2, this.bytes - end));
      this.block_.copy(bigger, 0, 0, this.bytes);
      this.block_ = bigger;
      end = this.type.encode(value, this.block_, this.bytes);
    }
    this.bytes = end;
    this.count++;
    return this.bytes >= CHUNK_BYTES ? this.block() : undefined;
  }

  finish(): Chunk {
    return this.block();
  }

  /** The header (first time only) and one block of the buffered records. */
  private block(): Chunk {
    const parts: Buffer[] = [];
    if (this.headerPending) {
      parts.push(this.header, this.sync);
      this.headerPending = false;
    }
    if (this.count === 0) return Buffer.concat(parts);
    const count = this.count;
    // A copy: the block buffer is refilled while this block may still be compressing.
    const raw = Buffer.from(this.block_.subarray(0, this.bytes));
    this.count = 0;
    this.bytes = 0;
    const frame = (data: Buffer) => Buffer.concat([...parts, encodeLong(count), encodeLong(data.length), data, this.sync]);
    const compressed = this.codec.compress(raw);
    return compressed instanceof Promise ? compressed.then(frame) : frame(compressed);
  }
}

/**
 * A worker thread that turns batches of records (the data's JSON bytes, with each row's
 * emitted_at) into the data of Avro blocks, each row with a new id: encoded, then compressed by
 * the file's codec. See avro-encode-workers.ts for why, and for the other side of these messages.
 */
import { parentPort } from 'node:worker_threads';
import type avro from 'avsc';
import { forEachRecord } from '../record-batch.js';
import { newRowIds, UUID_LENGTH } from '../../transform/row-ids.js';
import { compileRecord, type RecordConverter } from './avro-values.js';
import { avroTypeOf } from './avro-writer.js';
import type { AvroRecordSchema } from './json-schema-to-avro.js';
import { AvroTranscoder } from './avro-transcoder.js';
import type { EncodeBatch, EncodeMessage, EncodeResult } from './avro-encode-workers.js';
import { avroCodec, type AvroCodec, type AvroCodecConfig } from './avro-codecs.js';

const schemas = new Map<number, { type: avro.Type; convert: RecordConverter; transcoder: AvroTranscoder; codec: Promise<AvroCodec> }>();
/** Codecs by their configuration: made once (zstd's WebAssembly loads asynchronously). */
const codecs = new Map<string, Promise<AvroCodec>>();

function codecOf(config: AvroCodecConfig): Promise<AvroCodec> {
  const key = JSON.stringify(config);
  let codec = codecs.get(key);
  if (!codec) codecs.set(key, (codec = avroCodec(config)));
  return codec;
}
let block = Buffer.allocUnsafe(512 * 1024);

/** Room for `more` bytes after the first `used` of the block. */
function ensure(used: number, more: number): void {
  if (used + more <= block.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(block.length * 2, used + more));
  block.copy(bigger, 0, 0, used);
  block = bigger;
}

/** The batch's records as one block's bytes, uncompressed, in a buffer of their own. */
function encode(batch: EncodeBatch): { block: Buffer; mismatches: [string, number][] } {
  const { type, convert, transcoder } = schemas.get(batch.schemaId)!;
  const mismatches = new Map<string, number>();
  const mismatch = (path: string) => mismatches.set(path, (mismatches.get(path) ?? 0) + 1);
  const abIds = newRowIds(batch.ends.length);
  let bytes = 0;
  // Most records go from their bytes straight to Avro; the rest are parsed, converted and
  // encoded by avsc, with the same result.
  const direct = (json: Buffer, start: number, end: number, r: number) => {
    ensure(bytes, transcoder.reserve(end - start));
    const next = transcoder.transcode(json, start, end, abIds, r * UUID_LENGTH, batch.emittedAts[r]!, block, bytes, mismatch);
    if (next < 0) return false;
    bytes = next;
    return true;
  };
  forEachRecord(
    batch,
    (data, r) => {
      const abId = abIds.toString('latin1', r * UUID_LENGTH, (r + 1) * UUID_LENGTH);
      const value = convert(data, mismatch, { abId, emittedAt: batch.emittedAts[r]! });
      let next = type.encode(value, block, bytes);
      while (next < 0) {
        // Too small for this record: avsc returned minus the bytes it lacked past the block's end.
        ensure(bytes, block.length - next - bytes);
        next = type.encode(value, block, bytes);
      }
      bytes = next;
    },
    direct,
  );
  // A copy of just this block: the next batch reuses the scratch buffer while this one compresses.
  const out = Buffer.allocUnsafeSlow(bytes);
  block.copy(out, 0, 0, bytes);
  return { block: out, mismatches: [...mismatches] };
}

/** Bytes that can move to the main thread: a view of a larger or shared buffer is copied first. */
function movable(data: Buffer): Uint8Array {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return data;
  const own = new Uint8Array(data.byteLength);
  own.set(data);
  return own;
}

/**
 * Encoding is synchronous and done in message order; compression may finish later (deflate and
 * xz run on the thread pool), so the next batch encodes meanwhile. Replies carry their id, and
 * the writer joins blocks in its own order.
 */
async function compressed(message: EncodeBatch): Promise<EncodeResult> {
  const codec = schemas.get(message.schemaId)!.codec;
  const { block, mismatches } = encode(message);
  const data = movable(await (await codec).compress(block));
  return { id: message.id, block: data, count: message.ends.length, mismatches };
}

parentPort!.on('message', (message: EncodeMessage) => {
  if (message.kind === 'schema') {
    const schema = message.avroSchema as AvroRecordSchema;
    schemas.set(message.id, {
      type: avroTypeOf(schema),
      convert: compileRecord(schema),
      transcoder: new AvroTranscoder(schema),
      codec: codecOf(message.codec),
    });
    return;
  }
  compressed(message).then(
    (result) => parentPort!.postMessage(result, [result.block.buffer as ArrayBuffer]),
    (err: unknown) => parentPort!.postMessage({ id: message.id, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
  );
});

/**
 * A worker thread that turns batches of records (the data's JSON bytes, with each row's
 * emitted_at) into the raw bytes of Avro blocks, each row with a new id: parse, convert, encode. See avro-encode-workers.ts
 * for why, and for the other side of these messages.
 */
import { parentPort } from 'node:worker_threads';
import type avro from 'avsc';
import { forEachRecord, newRowIds, UUID_LENGTH } from '../record-batch.js';
import { compileRecord, type RecordConverter } from './avro-values.js';
import { avroTypeOf } from './avro-writer.js';
import type { AvroRecordSchema } from './json-schema-to-avro.js';
import { AvroTranscoder } from './avro-transcoder.js';
import type { EncodeBatch, EncodeMessage, EncodeResult } from './avro-encode-workers.js';

const schemas = new Map<number, { type: avro.Type; convert: RecordConverter; transcoder: AvroTranscoder }>();
let block = Buffer.allocUnsafe(512 * 1024);

/** Room for `more` bytes after the first `used` of the block. */
function ensure(used: number, more: number): void {
  if (used + more <= block.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(block.length * 2, used + more));
  block.copy(bigger, 0, 0, used);
  block = bigger;
}

function encode(batch: EncodeBatch): EncodeResult {
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
    abIds,
    (data, meta) => {
      const value = convert(data, mismatch, meta);
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
  // A copy of just this block, moved (not copied again) to the main thread.
  const out = new Uint8Array(bytes);
  out.set(block.subarray(0, bytes));
  return { id: batch.id, block: out, count: batch.ends.length, mismatches: [...mismatches] };
}

parentPort!.on('message', (message: EncodeMessage) => {
  if (message.kind === 'schema') {
    const schema = message.avroSchema as AvroRecordSchema;
    schemas.set(message.id, { type: avroTypeOf(schema), convert: compileRecord(schema), transcoder: new AvroTranscoder(schema) });
    return;
  }
  try {
    const result = encode(message);
    parentPort!.postMessage(result, [result.block.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: message.id, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
});

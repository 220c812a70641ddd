/**
 * A worker thread that gathers Parquet row groups: it parses and converts each batch of records
 * into its row group's columns and, when the main thread says the row group is complete, encodes
 * it. See parquet-encode-workers.ts for why, and for the other side of these messages.
 */
import { parentPort } from 'node:worker_threads';
import { forEachRecord } from '../record-batch.js';
import { randomUuids } from '../../transform/row-ids.js';
import type { AvroRecordSchema } from '../avro/json-schema-to-avro.js';
import { parquetCodec } from './parquet-codecs.js';
import { ParquetLayout, RowGroupEncoder, type ParquetEncoding } from './row-group-encoder.js';
import type { ParquetRowsMessage, ParquetRowsReply, ParquetWorkerMessage } from './parquet-encode-workers.js';

/** Layouts by id; the codec's set-up is asynchronous (zstd's WebAssembly), hence the promise. */
const layouts = new Map<number, Promise<{ layout: ParquetLayout; encoding: ParquetEncoding }>>();
/**
 * Row groups being gathered, their rows already converted to column values: converting each batch
 * as it comes keeps this worker busy while the main thread scans ahead. (Keeping the JSON and
 * converting only at encoding held 20 MB less at 200 MB but left the worker idle until a row
 * group was complete: 16.1-16.6 s against 13.5 s.)
 */
const groups = new Map<number, RowGroupEncoder>();

async function rows(message: ParquetRowsMessage): Promise<ParquetRowsReply> {
  const group = groups.get(message.group) ?? (await startGroup(message));
  const mismatches = new Map<string, number>();
  const mismatch = (path: string) => mismatches.set(path, (mismatches.get(path) ?? 0) + 1);
  // Row ids as the 16 bytes Parquet's UUID column stores: no text to make and parse back.
  const ids = randomUuids(message.ends.length);
  forEachRecord(message, (data, r) => group.add(data, { abId: ids.subarray(16 * r, 16 * r + 16), emittedAt: message.emittedAts[r]! }, mismatch));
  if (message.then === 'buffer') return { id: message.id, mismatches: [...mismatches] };
  groups.delete(message.group);
  return { id: message.id, mismatches: [...mismatches], group: group.encode() };
}

async function startGroup(message: ParquetRowsMessage): Promise<RowGroupEncoder> {
  const { layout, encoding } = await layouts.get(message.layout)!;
  const group = new RowGroupEncoder(layout, encoding);
  groups.set(message.group, group);
  return group;
}

async function handle(message: ParquetWorkerMessage): Promise<void> {
  switch (message.kind) {
    case 'layout': {
      const { avroSchema, codec, pageBytes, dictionaryBytes, dictionary } = message;
      layouts.set(
        message.id,
        parquetCodec(codec).then(({ compressors }) => ({
          layout: new ParquetLayout(avroSchema as AvroRecordSchema),
          encoding: { codec, compressors, pageBytes, dictionaryBytes, dictionary },
        })),
      );
      return;
    }
    case 'discard':
      groups.delete(message.group);
      return;
    case 'rows':
      try {
        const reply = await rows(message);
        // The row group's bytes move to the main thread (encode() made them a buffer of their own).
        parentPort!.postMessage(reply, reply.group ? [reply.group.bytes.buffer as ArrayBuffer] : []);
      } catch (err) {
        groups.delete(message.group);
        parentPort!.postMessage({ id: message.id, error: err instanceof Error ? err.stack ?? err.message : String(err) });
      }
  }
}

// Messages are handled one after another, in order: a row group's batches build on each other.
let queue = Promise.resolve();
parentPort!.on('message', (message: ParquetWorkerMessage) => {
  queue = queue.then(() => handle(message));
});

import { parseMessage } from '../protocol/parse-message.js';
import { jsonText } from '../transform/json-text.js';
import type { OutputRow } from '../transform/output-row.js';

/**
 * Records on their way to an encoding worker (Avro blocks, Parquet row groups): the data's JSON
 * one after another rather than parsed values, which a worker can take as one transferable buffer
 * and parse itself, so parsing leaves the main thread. Rows get their _airbyte_ab_id on the worker
 * (transform/row-ids.ts), which has time to spare, where the main thread has none.
 */
export interface RecordBatch {
  /** The records' data, their JSON one after another; record r ends at ends[r]. */
  json: Uint8Array;
  ends: Int32Array;
  emittedAts: Float64Array;
}


/** Gathers rows on the main thread into a RecordBatch. */
export class RecordBatcher {
  private json: Buffer[] = [];
  private ends: number[] = [];
  private emittedAts: number[] = [];
  /** The JSON bytes gathered so far. */
  bytes = 0;

  get rows(): number {
    return this.ends.length;
  }

  /** Adds a row; returns the size of its data's JSON. */
  add(row: OutputRow): number {
    // The source's bytes when the reader kept them; else the parsed data, serialised exactly
    // (integers beyond 2^53 included) for the worker to parse again.
    const json = row.dataJson ?? Buffer.from(jsonText(row.data));
    this.json.push(json);
    this.bytes += json.length;
    this.ends.push(this.bytes);
    this.emittedAts.push(row.emittedAt);
    return json.length;
  }

  /** The rows gathered so far, as one batch; the batcher starts empty again. */
  take(): RecordBatch {
    const batch = {
      json: Buffer.concat(this.json, this.bytes),
      ends: Int32Array.from(this.ends),
      emittedAts: Float64Array.from(this.emittedAts),
    };
    this.json = [];
    this.bytes = 0;
    this.ends = [];
    this.emittedAts = [];
    return batch;
  }
}

/**
 * On the worker: each record of a batch, parsed (integers beyond 2^53 exact), with its index in
 * the batch (the caller gives it its id and emitted_at). With `direct`, each record is first
 * offered as its bytes (json[start, end), record r); only those it declines (returns false) are
 * parsed and visited.
 */
export function forEachRecord(
  batch: RecordBatch,
  visit: (data: Record<string, unknown>, r: number) => void,
  direct?: (json: Buffer, start: number, end: number, r: number) => boolean,
): void {
  const json = Buffer.from(batch.json.buffer, batch.json.byteOffset, batch.json.byteLength);
  let start = 0;
  for (let r = 0; r < batch.ends.length; r++) {
    const end = batch.ends[r]!;
    if (!direct?.(json, start, end, r)) {
      const data = parseMessage(json.toString('utf8', start, end)) as Record<string, unknown>;
      visit(data, r);
    }
    start = end;
  }
}

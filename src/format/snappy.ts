/**
 * Snappy's one-shot compressor (raw block format, as Avro and Parquet store it), loaded on demand.
 *
 * Its output is copied into memory V8 owns (`copyOutputData`). By default the addon hands back
 * its own Rust allocation as an external buffer, and Node frees such a buffer's memory only in a
 * callback it queues on the owning thread's event loop once the buffer is collected. An encoding
 * worker runs its queued batches back to back without returning to its event loop, so every
 * compressed page or block of a busy spell stayed allocated: 200 MB of the benchmark's records
 * as Parquet peaked at 288-303 MB of RSS into the local store, and at 213-240 MB with the copy
 * (no slower: 8.9-9.4 s against 9.4-9.8 s). Avro's smaller blocks gained less (236-280 -> 227-237
 * MB). test/format/snappy.test.ts checks that the output is V8's.
 */
export async function snappyCompressor(): Promise<(input: Uint8Array) => Buffer> {
  const snappy = (await import('snappy')).default;
  const options = { copyOutputData: true };
  return (input) => snappy.compressSync(input, options);
}

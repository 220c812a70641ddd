import { setFlagsFromString } from 'node:v8';

/**
 * Process-wide memory settings. Each was measured on the benchmark's records
 * (docs/performance.md).
 *
 * The snappy package's native code allocates with mimalloc, which by default keeps freed pages of
 * each thread-pool thread for a while: about 30 MB of RSS for an Avro snappy sync. Returning them
 * at once costs nothing measurable. mimalloc reads these when the addon loads, so main.ts imports
 * this file before anything else; a value the user set wins.
 */
process.env.MIMALLOC_PURGE_DELAY ??= '0';
process.env.MIMALLOC_ARENA_EAGER_COMMIT ??= '0';

/**
 * V8 lets the old generation grow to several times the live heap before a full collection, and a
 * Parquet writer's row groups are exactly the kind of data it promotes there and then drops: with
 * 24 GiB free, a sync with about 70 MB live reached 700 MB of RSS. A growing factor of 1.5
 * (instead of up to 4) keeps the heap near what is live, and unlike --max-old-space-size it sets
 * no limit that a 64 MiB record could hit. It is applied for Parquet only. It cost JSONL about
 * 10% of its speed, and Avro about 4% (200 MB into Ceph: 5.06-5.24 s without, 5.20-5.44 s with,
 * peaks of 200-222 and 189-203 MB): since Avro encodes on a worker, its main thread holds about
 * 11 MB live, and 1.5 times that brought 22-26 full collections per 200 MB (both threads) against
 * 16-17, and 0.3 s more CPU, for no memory that matters.
 * V8 reads the flag at each full collection, so setting it once the config is known works.
 * DESTINATION_S3_HEAP_GROWING_PERCENT=0 keeps V8's own heuristics.
 */
export function limitHeapGrowth(env: NodeJS.ProcessEnv = process.env): void {
  const percent = Number(env.DESTINATION_S3_HEAP_GROWING_PERCENT ?? '50');
  if (Number.isInteger(percent) && percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

import { setFlagsFromString } from 'node:v8';

/**
 * V8 lets the old generation grow to several times the live heap before a full collection, and a
 * Parquet writer's row groups are exactly the kind of data it promotes there and then drops:
 * with 24 GiB free, a sync with about 70 MB live reached 700 MB of RSS. A growing factor of 1.5
 * (instead of up to 4) keeps the heap near what is live, at no measured cost in speed
 * (docs/performance.md), and unlike --max-old-space-size it sets no hard limit, so a 64 MiB record
 * still fits. DESTINATION_S3_HEAP_GROWING_PERCENT=0 restores V8's own heuristics.
 *
 * Imported first by main.ts: V8 reads the flag at each full collection.
 */
const percent = Number(process.env.DESTINATION_S3_HEAP_GROWING_PERCENT ?? '50');
if (Number.isInteger(percent) && percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);

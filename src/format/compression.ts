import { PassThrough, Transform } from 'node:stream';
import type { TextCompression } from '../config/connector-config.js';
import { deflateWorkers } from './deflate-workers.js';
import { ParallelGzip } from './parallel-gzip.js';

/** zlib's default level, which the gzip tool and Airbyte's S3 destination use. */
const GZIP_LEVEL = 6;

/** Bytes a compressor may hold before the writer waits: about 4 chunks of the format writers. */
const COMPRESSOR_BUFFER_BYTES = 1024 * 1024;

/** The compressor step: a byte-stream transform and the suffix it adds to the file extension. */
export interface Compressor {
  readonly extension: string;
  create(): Transform;
}

/** Resolves the file compressor; async because zstd's WebAssembly loads once, before any write. */
export async function compressorFor(compression: TextCompression): Promise<Compressor> {
  switch (compression.kind) {
    case 'gzip':
      // Level 6 (zlib's default) is what the gzip tool and Airbyte use. Blocks compress in
      // parallel on a deflate worker thread (see ParallelGzip): one zlib stream measured 4.9 s
      // for 200 MB of JSONL with each core waiting on the other, the parallel one 3.x s.
      deflateWorkers.prestart();
      return { extension: '.gz', create: () => new ParallelGzip(GZIP_LEVEL, COMPRESSOR_BUFFER_BYTES) };
    case 'zstd': {
      // Loaded only when chosen, as every codec is.
      const [{ compress }, { zstdReady }] = await Promise.all([import('@bokuweb/zstd-wasm'), import('./zstd.js')]);
      await zstdReady();
      const level = compression.level;
      return { extension: '.zst', create: () => zstdFrames(level, compress) };
    }
    case 'none':
      return { extension: '', create: () => new PassThrough({ writableHighWaterMark: COMPRESSOR_BUFFER_BYTES }) };
  }
}

/**
 * zstd as a stream of independent frames, one per incoming chunk (the format writers hand over
 * about 256 KB at a time). A zstd stream may hold any number of frames; the zstd tool, DuckDB and
 * every libzstd-based reader decode them as one.
 */
function zstdFrames(level: number, compress: (chunk: Buffer, level: number) => Uint8Array): Transform {
  return new Transform({
    writableHighWaterMark: COMPRESSOR_BUFFER_BYTES,
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, chunk.length === 0 ? undefined : Buffer.from(compress(chunk, level)));
    },
  });
}

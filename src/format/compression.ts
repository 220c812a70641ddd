import { PassThrough, Transform } from 'node:stream';
import { constants, createGzip, type ZlibOptions } from 'node:zlib';
import { compress as zstdCompress, init as zstdInit } from '@bokuweb/zstd-wasm';
import type { TextCompression } from '../config/connector-config.js';

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
      // Level 6 (zlib's default) is what the gzip tool and Airbyte use. A 1 MB output chunk: at
      // 64 KB, zlib's per-chunk callback on the main thread took 7% of a JSONL sync's profile.
      // zlib compresses on libuv's thread pool; a 1 MB write buffer (instead of 16 KB, smaller than
      // one 256 KB chunk) lets the main thread encode the next rows while the previous chunk
      // compresses, so both cores work.
      return {
        extension: '.gz',
        create: () => createGzip({ level: constants.Z_DEFAULT_COMPRESSION, chunkSize: 1024 * 1024, writableHighWaterMark: COMPRESSOR_BUFFER_BYTES } as ZlibOptions),
      };
    case 'zstd': {
      await zstdInit();
      const level = compression.level;
      return { extension: '.zst', create: () => zstdFrames(level) };
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
function zstdFrames(level: number): Transform {
  return new Transform({
    writableHighWaterMark: COMPRESSOR_BUFFER_BYTES,
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, chunk.length === 0 ? undefined : Buffer.from(zstdCompress(chunk, level)));
    },
  });
}

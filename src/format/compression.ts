import { PassThrough, Transform } from 'node:stream';
import { constants, createGzip } from 'node:zlib';
import { compress as zstdCompress, init as zstdInit } from '@bokuweb/zstd-wasm';
import type { TextCompression } from '../config/connector-config.js';

/** The compressor step: a byte-stream transform and the suffix it adds to the file extension. */
export interface Compressor {
  readonly extension: string;
  create(): Transform;
}

/** Resolves the file compressor; async because zstd's WebAssembly loads once, before any write. */
export async function compressorFor(compression: TextCompression): Promise<Compressor> {
  switch (compression.kind) {
    case 'gzip':
      // Level 6 (zlib's default) is what the gzip tool and Airbyte use; a 64 KB output chunk
      // keeps the number of writes into the uploader low.
      return { extension: '.gz', create: () => createGzip({ level: constants.Z_DEFAULT_COMPRESSION, chunkSize: 64 * 1024 }) };
    case 'zstd': {
      await zstdInit();
      const level = compression.level;
      return { extension: '.zst', create: () => zstdFrames(level) };
    }
    case 'none':
      return { extension: '', create: () => new PassThrough() };
  }
}

/**
 * zstd as a stream of independent frames, one per incoming chunk (the format writers hand over
 * about 256 KB at a time). A zstd stream may hold any number of frames; the zstd tool, DuckDB and
 * every libzstd-based reader decode them as one.
 */
function zstdFrames(level: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, chunk.length === 0 ? undefined : Buffer.from(zstdCompress(chunk, level)));
    },
  });
}

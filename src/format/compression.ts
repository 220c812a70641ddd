import { PassThrough, type Transform } from 'node:stream';
import { constants, createGzip } from 'node:zlib';
import type { TextCompression } from '../config/connector-config.js';

/** The compressor step: a byte-stream transform and the suffix it adds to the file extension. */
export interface Compressor {
  readonly extension: string;
  create(): Transform;
}

export function compressorFor(kind: TextCompression): Compressor {
  switch (kind) {
    case 'gzip':
      // Level 6 (zlib's default) is what the gzip tool and Airbyte use; a 64 KB output chunk
      // keeps the number of writes into the uploader low.
      return { extension: '.gz', create: () => createGzip({ level: constants.Z_DEFAULT_COMPRESSION, chunkSize: 64 * 1024 }) };
    case 'none':
      return { extension: '', create: () => new PassThrough() };
  }
}

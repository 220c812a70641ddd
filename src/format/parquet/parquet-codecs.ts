import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { ConfigError } from '../../errors.js';

export type ParquetCodecName = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'BROTLI' | 'ZSTD';
type Compressor = (input: Uint8Array) => Uint8Array;

/**
 * The page compressors for the configured codec. LZO and LZ4 are refused, never replaced:
 * no maintained JavaScript library writes LZO, and Parquet's LZ4 is the deprecated Hadoop-framed
 * codec that DuckDB and Arrow cannot read, so writing it would hand users unreadable files.
 * A native or WebAssembly codec is loaded only when chosen.
 */
export async function parquetCodec(name: string): Promise<{ codec: ParquetCodecName; compressors: Record<string, Compressor> }> {
  const codec = parquetCodecName(name);
  switch (codec) {
    case 'UNCOMPRESSED':
      return { codec, compressors: {} };
    case 'SNAPPY': {
      const { snappyCompressor } = await import('../snappy.js');
      return { codec, compressors: { SNAPPY: await snappyCompressor() } };
    }
    case 'GZIP':
      return { codec, compressors: { GZIP: (b) => gzipSync(b) } };
    case 'BROTLI':
      // Quality 4: brotli's maximum (11) is two orders of magnitude slower for a few percent.
      return { codec, compressors: { BROTLI: (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }) } };
    case 'ZSTD': {
      const [{ compress }, { zstdReady }] = await Promise.all([import('@bokuweb/zstd-wasm'), import('../zstd.js')]);
      await zstdReady();
      return { codec, compressors: { ZSTD: (b) => compress(Buffer.from(b.buffer, b.byteOffset, b.byteLength), 3) } };
    }
  }
}

/**
 * The configured codec's name, checked, without loading it: the main thread only names the codec
 * in the footer, and the encoding workers load their own.
 */
export function parquetCodecName(name: string): ParquetCodecName {
  switch (name) {
    case 'UNCOMPRESSED':
    case 'SNAPPY':
    case 'GZIP':
    case 'BROTLI':
    case 'ZSTD':
      return name;
    case 'LZO':
    case 'LZ4':
      throw new ConfigError(
        `The Parquet codec ${name} cannot be written: ${name === 'LZO' ? 'no maintained library writes LZO' : "Parquet's LZ4 is the deprecated Hadoop-framed codec, which DuckDB and Arrow cannot read"}. Choose SNAPPY, ZSTD, GZIP, BROTLI or UNCOMPRESSED in format.compression_codec.`,
      );
    default:
      throw new ConfigError(`Unknown Parquet codec ${JSON.stringify(name)}. Choose SNAPPY, ZSTD, GZIP, BROTLI or UNCOMPRESSED.`);
  }
}

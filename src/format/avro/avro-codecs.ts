/**
 * The block codecs of Avro object container files, by the names the Avro spec gives them.
 * Each compresses one block, on the encoding worker that encoded it (avro-encode-worker.ts).
 * Every implementation here is checked against an independent reader (fastavro) in the
 * integration tests. A native or WebAssembly codec is loaded only when chosen.
 */
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';
import type { FormatConfig } from '../../config/connector-config.js';
import { ConfigError } from '../../errors.js';

/** A configured codec as the main thread needs it: its name for the file header, its configuration for the workers. */
export interface AvroCodecChoice {
  /** The value of the file's avro.codec metadata. */
  readonly name: 'null' | 'deflate' | 'bzip2' | 'xz' | 'zstandard' | 'snappy';
  /** The configuration it came from: the encoding workers make their own codec from it (functions cannot be sent). */
  readonly config: AvroCodecConfig;
}

export interface AvroCodec extends AvroCodecChoice {
  compress(block: Buffer): Buffer | Promise<Buffer>;
}

const deflateRawAsync = promisify(deflateRaw);

export type AvroCodecConfig = Extract<FormatConfig, { kind: 'avro' }>['codec'];

function level(value: unknown, fallback: number, min: number, max: number, codec: string): number {
  const n = value === undefined || value === null ? fallback : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`format.compression_codec.compression_level ${JSON.stringify(value)} is out of range for ${codec}: use an integer from ${min} to ${max}.`);
  }
  return n;
}

/**
 * The codec a configuration names, with its level, checked: a bad name or level is a config
 * error here, before any write. Nothing is loaded, so the main thread, which only writes the
 * header, does not load codecs that only the encoding workers run.
 */
function choose(config: AvroCodecConfig): { name: AvroCodecChoice['name']; level: number } {
  switch (config.codec) {
    case 'no compression':
      return { name: 'null', level: 0 };
    case 'Deflate':
      return { name: 'deflate', level: level(config.compression_level, 0, 0, 9, 'Deflate') };
    case 'snappy':
      return { name: 'snappy', level: 0 };
    case 'zstandard':
      return { name: 'zstandard', level: level(config.compression_level, 3, -5, 22, 'zstandard') };
    case 'xz':
      return { name: 'xz', level: level(config.compression_level, 6, 0, 9, 'xz') };
    case 'bzip2':
      return { name: 'bzip2', level: 9 }; // the block size: 900 KB, bzip2's default and most compact
    default:
      throw new ConfigError(`Unknown Avro codec ${JSON.stringify(config.codec)}. Use one of: no compression, Deflate, bzip2, xz, zstandard, snappy.`);
  }
}

/** The configured codec, checked but not loaded: for the main thread. */
export function avroCodecChoice(config: AvroCodecConfig): AvroCodecChoice {
  return { name: choose(config).name, config };
}

/** The configured codec, loaded; async because the wasm codecs load once, before any write. */
export async function avroCodec(config: AvroCodecConfig): Promise<AvroCodec> {
  const { name, level: lvl } = choose(config);
  return { name, config, compress: await compressorOf(name, lvl, config.include_checksum === true) };
}

async function compressorOf(name: AvroCodecChoice['name'], lvl: number, checksum: boolean): Promise<AvroCodec['compress']> {
  switch (name) {
    case 'null':
      return (b) => b;
    case 'deflate':
      // Avro's deflate is raw RFC 1951 data, without zlib's header and checksum.
      // On libuv's thread pool: at level 6 deflate costs about what encoding does, and the worker
      // encodes the next block meanwhile (in line on the worker: 9.2-9.5 s against 8.5-8.9 s per
      // 200 MB).
      return (b) => deflateRawAsync(b, { level: lvl });
    case 'snappy': {
      const compress = await (await import('../snappy.js')).snappyCompressor();
      // The Avro spec: each block is snappy-compressed, followed by the 4-byte big-endian CRC32
      // of the uncompressed data. In line on the encoding worker: snappy is quick, and a hop to
      // the thread pool per block left the worker and the main thread waiting on each other
      // (5.9-6.1 s against 5.2-5.5 s per 200 MB).
      return (b) => {
        const crc = Buffer.alloc(4);
        crc.writeUInt32BE(crc32(b) >>> 0);
        return Buffer.concat([compress(b), crc]);
      };
    }
    case 'zstandard': {
      const [{ compress }, { zstdReady }, xxhash] = await Promise.all([import('@bokuweb/zstd-wasm'), import('../zstd.js'), import('xxhash-wasm')]);
      await zstdReady();
      const { h64Raw } = await xxhash.default();
      return (b) => zstdFrame(b, Buffer.from(compress(b, lvl)), checksum, h64Raw);
    }
    case 'xz': {
      // A native addon (prebuilt binaries ship in the package).
      const lzma = (await import('lzma-native')).default;
      return (b) => lzma.compress(b, { preset: lvl });
    }
    case 'bzip2': {
      // libbzip2 1.0.8 compiled to WebAssembly (bzip2 licence).
      const BZip2 = (await import('bzip2-wasm' as string)).default as new () => {
        init(): Promise<void>;
        compress(b: Uint8Array, blockSize: number, bound: number): Uint8Array;
      };
      const bz = new BZip2();
      await bz.init();
      // Worst case bzip2 output: 1% larger than the input plus 600 bytes.
      return (b) => Buffer.from(bz.compress(b, lvl, Math.ceil(b.length * 1.01) + 600));
    }
  }
}

/**
 * One zstd frame, `frame`, compressed from `block`. The wasm build offers no checksum switch, so
 * with include_checksum the frame is finished as the zstd format specifies: the
 * Content_Checksum_flag (bit 2 of the frame header descriptor, the byte after the 4-byte magic)
 * is set and the low 4 bytes of the XXH64 (seed 0) of the uncompressed data are appended,
 * little-endian. Setting the flag changes no header field's size.
 */
function zstdFrame(block: Buffer, frame: Buffer, checksum: boolean, h64Raw: (b: Uint8Array) => bigint): Buffer {
  if (!checksum) return frame;
  frame[4] = frame[4]! | 0b100;
  const sum = Buffer.alloc(4);
  sum.writeUInt32LE(Number(h64Raw(block) & 0xffffffffn));
  return Buffer.concat([frame, sum]);
}

import { Transform, type TransformCallback } from 'node:stream';
import { constants, crc32 } from 'node:zlib';
import { deflateWorkers } from './deflate-workers.js';

/** Blocks are compressed once this much input is waiting: the format writers hand over ~256 KB. */
const MIN_BLOCK_BYTES = 128 * 1024;
/** Blocks of one file waiting or compressing: the writer waits beyond, which bounds memory. */
const MAX_IN_FLIGHT = 4;
/** Deflate's window: each block is primed with this much of the input before it. */
const WINDOW_BYTES = 32 * 1024;

/** RFC 1952 member header: deflate, no name or time, OS "unknown" (as zlib's own gzip writes it). */
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03]);

/**
 * gzip compressed in parallel, pigz's way: the input is cut into blocks, each compressed as raw
 * deflate on a worker thread (deflate-workers.ts) with the previous block's last 32 KB as its
 * dictionary, and the blocks, each ending in a sync flush (an empty stored block, so they join at
 * byte boundaries), are concatenated between one gzip header and one trailer (CRC-32 and size of
 * all the input).
 *
 * The result is one ordinary gzip member, read by every gzip reader, and nearly the size of a
 * single-stream gzip (the dictionary keeps matches across blocks). Why: a single zlib stream
 * compresses one chunk at a time, so on two cores it either waits for the main thread or makes
 * the main thread wait for it; several blocks in flight keep both cores compressing while the
 * main thread encodes rows.
 *
 * Safety: blocks are pushed strictly in input order (a FIFO of promises); the transform's
 * callback waits once MAX_IN_FLIGHT blocks are pending, which bounds this file's memory to a few
 * blocks and passes backpressure on to the writer.
 */
export class ParallelGzip extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The last WINDOW_BYTES of input already handed to a block. */
  private dictionary: Buffer | undefined;
  private crc = 0;
  private size = 0;
  /** Blocks in input order; each is pushed once it and every block before it are compressed. */
  private readonly inFlight: Block[] = [];
  /** The writer's callback, held while MAX_IN_FLIGHT blocks are pending. */
  private waiting: TransformCallback | undefined;
  /** _flush's callback, called once the last block is pushed. */
  private ending: TransformCallback | undefined;
  private failed = false;

  constructor(
    private readonly level: number,
    writableHighWaterMark: number,
  ) {
    super({ writableHighWaterMark });
    this.push(Buffer.from(HEADER));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= MIN_BLOCK_BYTES) this.startBlock(false);
    if (this.inFlight.length < MAX_IN_FLIGHT) callback();
    else this.waiting = callback;
  }

  override _flush(callback: TransformCallback): void {
    this.ending = callback;
    this.startBlock(true);
  }

  /** Compresses the pending input as the next block; the last one sets deflate's final bit. */
  private startBlock(last: boolean): void {
    const input = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const dictionary = this.dictionary;
    this.dictionary = nextDictionary(dictionary, input);
    const block: Block = { output: undefined };
    this.inFlight.push(block);
    deflateWorkers
      .deflate({ input, level: this.level, dictionary, finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH })
      .then(
        (output) => this.compressed(block, null, output),
        (err: Error) => this.compressed(block, err, undefined),
      );
  }

  private compressed(block: Block, err: Error | null, output: Buffer | undefined): void {
    if (this.destroyed) return; // the file was aborted meanwhile
    if (err || !output) return this.fail(err ?? new Error('deflate returned nothing'));
    block.output = output;
    this.pushReady();
  }

  private pushReady(): void {
    while (this.inFlight.length > 0 && this.inFlight[0]!.output) this.push(this.inFlight.shift()!.output);
    if (this.waiting && this.inFlight.length < MAX_IN_FLIGHT) {
      const callback = this.waiting;
      this.waiting = undefined;
      callback();
    }
    if (this.ending && this.inFlight.length === 0) {
      const trailer = Buffer.allocUnsafe(8);
      trailer.writeUInt32LE(this.crc >>> 0, 0);
      trailer.writeUInt32LE(this.size % 2 ** 32, 4);
      this.push(trailer);
      const callback = this.ending;
      this.ending = undefined;
      callback();
    }
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    const callback = this.waiting ?? this.ending;
    this.waiting = this.ending = undefined;
    if (callback) callback(err);
    else this.destroy(err);
  }
}

interface Block {
  output: Buffer | undefined;
}

/** The last WINDOW_BYTES of everything so far, copied so the block itself can be freed. */
function nextDictionary(previous: Buffer | undefined, block: Buffer): Buffer | undefined {
  if (block.length >= WINDOW_BYTES) return Buffer.from(block.subarray(block.length - WINDOW_BYTES));
  if (!previous) return block.length > 0 ? Buffer.from(block) : undefined;
  const joined = Buffer.concat([previous, block]);
  return joined.length > WINDOW_BYTES ? joined.subarray(joined.length - WINDOW_BYTES) : joined;
}

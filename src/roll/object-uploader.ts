import { Writable } from 'node:stream';
import type { MultipartUpload, ObjectMetadata, ObjectStore } from '../store/object-store.js';
import type { Semaphore } from '../store/semaphore.js';

export interface UploaderOptions {
  store: ObjectStore;
  key: string;
  metadata: ObjectMetadata;
  /** Bytes per multipart part (at least 5 MiB on S3). */
  partBytes: number;
  /** Part uploads in flight across all files: bounds the memory held by uploads. */
  slots: Semaphore;
  /** Told how the bytes waiting to become a part change, for the sync-wide memory budget. */
  onBuffered?: (delta: number) => void;
}

/**
 * The sink of one file's compressed bytes. Bytes are cut into parts and uploaded as they arrive,
 * so a file is never held whole in memory: at most one part being filled plus the parts in flight.
 *
 * Visibility: ending the stream uploads every part but does not make the object visible; only
 * commit() does (CompleteMultipartUpload, or one PutObject for a file smaller than a part).
 * abort() discards it. So a failed sync leaves no half-written object behind.
 */
export class ObjectUploader extends Writable {
  /** Why the metadata known only at the end could not be set, if it could not. */
  metadataFailure: unknown;
  /** Compressed bytes received so far: the file's size. */
  bytesReceived = 0;
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private upload: Promise<MultipartUpload> | undefined;
  private partNumber = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private state: 'open' | 'staged' | 'committed' | 'aborted' = 'open';

  constructor(private readonly options: UploaderOptions) {
    super({ highWaterMark: 1024 * 1024 });
  }

  get key(): string {
    return this.options.key;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.failure) return callback(this.failure as Error);
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
    this.bytesReceived += chunk.length;
    this.options.onBuffered?.(chunk.length);
    if (this.chunkBytes < this.options.partBytes) return callback();
    // Waiting for a slot before calling back is the backpressure: the compressor and, through it,
    // the reader of stdin pause while uploads are saturated.
    this.sendPart().then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const finish = async () => {
      if (this.upload && this.chunkBytes > 0) await this.sendPart();
      await Promise.all(this.inFlight);
      if (this.failure) throw this.failure;
      this.state = 'staged';
    };
    finish().then(() => callback(), callback);
  }

  private async sendPart(): Promise<void> {
    const body = Buffer.concat(this.chunks, this.chunkBytes);
    this.options.onBuffered?.(-this.chunkBytes);
    this.chunks = [];
    this.chunkBytes = 0;
    const partNumber = ++this.partNumber;
    this.upload ??= this.options.store.startMultipartUpload(this.options.key, this.options.metadata);
    await this.options.slots.acquire();
    const sent = (async () => {
      try {
        await (await this.upload!).uploadPart(partNumber, body);
      } catch (err) {
        this.failure ??= err;
      } finally {
        this.options.slots.release();
      }
    })();
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
    if (this.failure) throw this.failure;
  }

  /** Bytes held in memory, waiting to become a part (or the whole object). */
  get bufferedBytes(): number {
    return this.chunkBytes;
  }

  /**
   * Moves a staged file's bytes out of memory: a file smaller than one part is held whole until
   * commit so it can be sent as one PutObject, which is right when the commit follows at once;
   * a file staged to wait for a later commit uploads them as the single part of a multipart
   * upload instead, so only its part ETag stays in memory. Call after 'finish'.
   */
  async spill(): Promise<void> {
    if (this.state !== 'staged' || this.upload) return;
    await this.sendPart();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }

  /**
   * Makes the object visible. Call after 'finish'. `finalMetadata` is known only now (the record
   * count): a single PutObject carries it; a multipart object gets it by a server-side copy onto
   * itself after completion (its metadata was fixed when the upload started).
   */
  async commit(finalMetadata: ObjectMetadata = {}): Promise<void> {
    if (this.state !== 'staged') throw new Error(`cannot commit ${this.options.key}: upload is ${this.state}`);
    const metadata = { ...this.options.metadata, ...finalMetadata };
    if (this.upload) {
      await (await this.upload).complete();
      // The object is visible and complete by now: metadata is an annotation, so a store that
      // refuses the copy (Ceph 16 with SSE-C answers 501) costs the annotation, not the commit.
      if (Object.keys(finalMetadata).length > 0) {
        await this.options.store.replaceMetadata(this.options.key, metadata).catch((err: unknown) => (this.metadataFailure = err));
      }
    } else {
      await this.options.store.putObject(this.options.key, Buffer.concat(this.chunks, this.chunkBytes), metadata);
      this.options.onBuffered?.(-this.chunkBytes);
      this.chunks = [];
      this.chunkBytes = 0;
    }
    this.state = 'committed';
  }

  /** Discards everything uploaded for this file. Never throws: it runs while handling another error. */
  async abort(): Promise<void> {
    if (this.state === 'committed' || this.state === 'aborted') return;
    this.state = 'aborted';
    this.options.onBuffered?.(-this.chunkBytes);
    this.chunks = [];
    this.chunkBytes = 0;
    this.destroy();
    await Promise.allSettled(this.inFlight);
    if (this.upload) await this.upload.then((u) => u.abort()).catch(() => undefined);
  }
}

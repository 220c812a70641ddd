import { randomUUID } from 'node:crypto';
import type { ConnectorConfig } from '../config/connector-config.js';
import type { CatalogStream } from '../catalog/configured-catalog.js';
import type { Compressor } from '../format/compression.js';
import type { FormatWriterFactory } from '../format/format-writer.js';
import { fileNameMatcher, nextPartNumber, objectKey, renderFileName, renderStreamPath } from '../naming/object-keys.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Semaphore } from '../store/semaphore.js';
import type { OutputRow } from '../transform/output-row.js';
import type { CheckpointTracker } from '../checkpoint/checkpoint-tracker.js';
import { ObjectUploader } from './object-uploader.js';
import { OpenFile } from './open-file.js';

export interface StreamFilesContext {
  config: ConnectorConfig;
  store: ObjectStore;
  stream: CatalogStream;
  format: FormatWriterFactory;
  compressor: Compressor;
  syncStart: Date;
  syncId: string;
  rollBytes: number;
  partBytes: number;
  slots: Semaphore;
  tracker: CheckpointTracker<OpenFile>;
  /** Called with the first failure of a file that was completing in the background. */
  onFailure: (err: unknown) => void;
}

export interface CompletedFile {
  key: string;
  rows: number;
  bytes: number;
}

/**
 * The file roller of one stream: at most one open file, rolled when its compressed size reaches
 * the threshold. A rolled file finishes and commits in the background while rows flow into the
 * next one; the checkpoint tracker learns when each becomes visible.
 */
export class StreamFiles {
  readonly streamPath: string;
  readonly completed: CompletedFile[] = [];
  rows = 0;
  rawBytes = 0;
  private open: OpenFile | undefined;
  private readonly finishing = new Set<OpenFile>();
  private readonly pending = new Set<Promise<void>>();
  private readonly usedNames = new Set<string>();
  private nextPart = 0;

  constructor(private readonly ctx: StreamFilesContext) {
    this.streamPath = renderStreamPath({
      bucketPath: ctx.config.bucketPath,
      pathFormat: ctx.config.pathFormat,
      namespace: ctx.stream.descriptor.namespace,
      streamName: ctx.stream.descriptor.name,
      syncStart: ctx.syncStart,
      uuid: randomUUID(),
    });
  }

  get format(): FormatWriterFactory {
    return this.ctx.format;
  }

  get extension(): string {
    return this.ctx.format.extension + this.ctx.compressor.extension;
  }

  /**
   * Lists what already lies under this stream's path, so part numbers continue after the highest
   * one there and no existing object is ever overwritten.
   */
  async prepare(): Promise<void> {
    const matcher = fileNameMatcher(this.ctx.config.fileNamePattern, this.extension);
    const names: string[] = [];
    for await (const o of this.ctx.store.list(this.streamPath)) names.push(o.key.slice(this.streamPath.length));
    names.forEach((n) => this.usedNames.add(n));
    this.nextPart = nextPartNumber(names, matcher);
  }

  write(row: OutputRow, seq: number): Promise<void> | undefined {
    const file = (this.open ??= this.openFile(seq));
    this.rows++;
    const wait = file.write(row);
    if (file.compressedBytes >= this.ctx.rollBytes) this.roll();
    return wait;
  }

  /** Completes the open file, if any, in the background. */
  roll(): void {
    const file = this.open;
    if (!file) return;
    this.open = undefined;
    this.finishing.add(file);
    const done = (async () => {
      await file.finish();
      await file.commit();
      this.finishing.delete(file);
      this.rawBytes += file.rawBytes;
      this.completed.push({ key: file.key, rows: file.rows, bytes: file.compressedBytes });
      this.ctx.tracker.fileCompleted(file);
    })().catch((err: unknown) => this.ctx.onFailure(err));
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  /** Completes every file of the stream and waits until all are visible. */
  async completeAll(): Promise<void> {
    this.roll();
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  /** Discards every file not yet visible. Never throws. */
  async abortAll(): Promise<void> {
    const files = [...this.finishing, ...(this.open ? [this.open] : [])];
    this.open = undefined;
    await Promise.allSettled(files.map((f) => f.abort()));
  }

  get openBytes(): number {
    return this.open?.compressedBytes ?? 0;
  }

  private openFile(firstSeq: number): OpenFile {
    const fileTime = new Date();
    const numbered = (this.ctx.config.fileNamePattern ?? '{part_number}').includes('{part_number}');
    let name = '';
    for (let attempt = 0; ; attempt++) {
      name = renderFileName({
        pattern: this.ctx.config.fileNamePattern,
        partNumber: this.nextPart,
        extension: this.extension,
        fileTime,
        syncId: this.ctx.syncId,
      });
      if (numbered) this.nextPart++;
      // A pattern without {part_number} renders the same name for every file: add a counter
      // rather than overwrite an existing object.
      else if (attempt > 0) name = withCounter(name, this.extension, attempt);
      if (!this.usedNames.has(name)) break;
    }
    this.usedNames.add(name);
    const key = objectKey(this.streamPath, name);
    const metadata: Record<string, string> = {};
    if (this.ctx.stream.generationId !== undefined) metadata['ab-generation-id'] = String(this.ctx.stream.generationId);
    const uploader = new ObjectUploader({
      store: this.ctx.store,
      key,
      metadata,
      partBytes: this.ctx.partBytes,
      slots: this.ctx.slots,
    });
    const file = new OpenFile(key, this.ctx.format.create(), this.ctx.compressor.create(), uploader, firstSeq);
    this.ctx.tracker.fileOpened(file, firstSeq);
    return file;
  }
}

function withCounter(name: string, extension: string, n: number): string {
  return extension && name.endsWith(extension)
    ? `${name.slice(0, -extension.length)}_${n}${extension}`
    : `${name}_${n}`;
}

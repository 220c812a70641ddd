import { randomUUID } from 'node:crypto';
import type { ConnectorConfig } from '../config/connector-config.js';
import type { CatalogStream } from '../catalog/configured-catalog.js';
import type { Compressor } from '../format/compression.js';
import type { FormatWriterFactory } from '../format/format-writer.js';
import {
  compileStreamPath,
  fileNameMatcher,
  nextPartNumber,
  objectKey,
  renderFileName,
  type StreamPathTemplate,
} from '../naming/object-keys.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Semaphore } from '../store/semaphore.js';
import type { OutputRow } from '../transform/output-row.js';
import type { CheckpointTracker } from '../checkpoint/checkpoint-tracker.js';
import { SystemError } from '../errors.js';
import { describeStream } from '../protocol/messages.js';
import { describeStoreError } from '../store/store-errors.js';
import { ObjectUploader } from './object-uploader.js';
import { OpenFile } from './open-file.js';
import type { OpenFileBudget } from './open-file-budget.js';
import { newEnvelope } from '../store/client-side-encryption.js';

/** Largest staged file kept in memory until its commit rather than uploaded at once. */
const KEEP_STAGED_IN_MEMORY_BYTES = 1024 * 1024;

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
  /** Open files per stream at most (one per partition path); the least recently used rolls. */
  maxOpenFiles: number;
  slots: Semaphore;
  /** Sync-wide limits on open files and their part buffers, across streams. */
  budget: OpenFileBudget;
  tracker: CheckpointTracker<OpenFile>;
  /** Called with the first failure of a file that was being staged in the background. */
  onFailure: (err: unknown) => void;
}

export interface CompletedFile {
  key: string;
  rows: number;
  bytes: number;
}

/** What is known of one folder (path) the stream writes into. */
interface PathState {
  nextPart: number;
  usedNames: Set<string>;
  open?: OpenFile;
}

/**
 * The file roller of one stream: at most one open file per path (a stream has one path, or one
 * per partition with ${FIELD:...}), rolled when its compressed size reaches the threshold.
 *
 * Rolling stages a file: its last part is uploaded but the multipart upload is not completed, so
 * nothing of it is visible. Files become visible only through commit(), which the write session
 * calls at a STATE boundary: that is what keeps every visible record at or before the last
 * echoed state (exactly-once on replay). With partitions, at most maxOpenFiles are open per
 * stream; opening one more first stages the least recently used, so memory stays bounded however
 * many values a field has. The sync-wide budget may stage files too.
 */
export class StreamFiles {
  readonly completed: CompletedFile[] = [];
  rows = 0;
  rawBytes = 0;
  private readonly template: StreamPathTemplate;
  private readonly paths = new Map<string, PathState>();
  /** Paths with an open file, least recently used first (Map keeps insertion order). */
  private readonly openPaths = new Map<string, PathState>();
  /** Files being finished (last part uploading) in the background. */
  private readonly finishing = new Set<OpenFile>();
  private readonly pending = new Set<Promise<void>>();
  /** Finished files waiting for the next commit: invisible, only their part ETags in memory. */
  private staged: OpenFile[] = [];
  /** Whether a file reached the roll size since the last commit: the next STATE commits. */
  rolledForSize = false;
  private readonly numbered: boolean;
  private readonly matcher: RegExp;

  constructor(private readonly ctx: StreamFilesContext) {
    this.template = compileStreamPath({
      bucketPath: ctx.config.bucketPath,
      pathFormat: ctx.config.pathFormat,
      namespace: ctx.stream.descriptor.namespace,
      streamName: ctx.stream.descriptor.name,
      syncStart: ctx.syncStart,
      uuid: randomUUID(),
      syncId: ctx.syncId,
    });
    this.numbered = (ctx.config.fileNamePattern ?? '{part_number}').includes('{part_number}');
    this.matcher = fileNameMatcher(ctx.config.fileNamePattern, this.extension);
  }

  get format(): FormatWriterFactory {
    return this.ctx.format;
  }

  get extension(): string {
    return this.ctx.format.extension + this.ctx.compressor.extension;
  }

  /** The folder holding the first ${FIELD:...} (the path without one): where the stream's manifest goes. */
  get basePath(): string {
    return this.template.basePath;
  }

  /** The stream's path, or its first partition's (for messages). */
  get streamPath(): string {
    return this.template.perRecord ? (this.paths.keys().next().value ?? this.template.render({})) : this.template.render();
  }

  /** Lists the stream's path up front when it does not depend on records. */
  async prepare(): Promise<void> {
    if (!this.template.perRecord) await this.preparePath(this.template.render());
  }

  /**
   * Lists what already lies under a path, so part numbers continue after the highest one there
   * and no existing object is ever overwritten.
   */
  private async preparePath(path: string): Promise<PathState> {
    const names: string[] = [];
    try {
      for await (const o of this.ctx.store.list(path)) names.push(o.key.slice(path.length));
    } catch (err) {
      const label = describeStream(this.ctx.stream.descriptor);
      throw new SystemError(`Cannot list ${path} for stream ${label}: ${describeStoreError(err)}`, { cause: err });
    }
    const state: PathState = { nextPart: nextPartNumber(names, this.matcher), usedNames: new Set(names) };
    this.paths.set(path, state);
    return state;
  }

  write(row: OutputRow, seq: number): Promise<void> | undefined {
    const path = this.template.perRecord ? this.template.render(row.data) : this.template.render();
    const state = this.paths.get(path);
    if (!state) return this.preparePath(path).then((s) => this.writeTo(path, s, row, seq));
    return this.writeTo(path, state, row, seq);
  }

  private writeTo(path: string, state: PathState, row: OutputRow, seq: number): Promise<void> | undefined {
    let file = state.open;
    if (file) {
      // Most recently used goes last; only partitioned streams have more than one path to order.
      if (this.template.perRecord) {
        this.openPaths.delete(path);
        this.openPaths.set(path, state);
      }
    } else {
      if (this.openPaths.size >= this.ctx.maxOpenFiles) this.rollPath(this.openPaths.keys().next().value!, true);
      this.ctx.budget.makeRoom();
      file = state.open = this.openFile(path, state, seq);
      file.stage = () => this.rollPath(path, true);
      this.ctx.budget.opened(file);
      this.openPaths.set(path, state);
    }
    this.rows++;
    file.lastWrite = seq;
    const wait = file.write(row);
    if (file.compressedBytes >= this.ctx.rollBytes) {
      this.rolledForSize = true;
      this.rollPath(path, true);
    }
    this.ctx.budget.enforceBytes();
    return wait;
  }

  /**
   * Ends a path's open file in the background and stages it. `spill`: the file waits for a later
   * commit, so unless it is small it uploads its bytes now instead of holding them
   * (ObjectUploader.spill).
   */
  private rollPath(path: string, spill: boolean): void {
    const state = this.openPaths.get(path);
    const file = state?.open;
    this.openPaths.delete(path);
    if (!state || !file) return;
    state.open = undefined;
    this.ctx.budget.closed(file);
    this.finishing.add(file);
    const done = (async () => {
      await file.finish();
      // A small file may wait in memory for the commit (one PutObject then, instead of a
      // multipart upload now: 1 request instead of 3), while staged bytes stay well in budget.
      const budget = this.ctx.budget;
      if (spill && (file.bufferedBytes > KEEP_STAGED_IN_MEMORY_BYTES || budget.bufferedBytes > budget.maxBufferedBytes / 2)) await file.spill();
      this.finishing.delete(file);
      this.staged.push(file);
    })().catch((err: unknown) => this.ctx.onFailure(err));
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  /**
   * First step of a commit: ends every open file and waits until all of the stream's files are
   * staged. Returns them; the caller completes them (commit) and then reports them committed.
   */
  async stageAll(): Promise<OpenFile[]> {
    for (const path of [...this.openPaths.keys()]) this.rollPath(path, false);
    while (this.pending.size > 0) await Promise.all(this.pending);
    const files = this.staged;
    this.staged = [];
    this.rolledForSize = false;
    return files;
  }

  /** Files staged so far and waiting for a commit. */
  get stagedCount(): number {
    return this.staged.length;
  }

  /** Called once the files a commit completed are visible and their commit marker is gone. */
  committed(files: readonly OpenFile[]): void {
    for (const file of files) {
      this.rawBytes += file.rawBytes;
      this.completed.push({ key: file.key, rows: file.rows, bytes: file.compressedBytes });
    }
  }

  /** Discards every file not yet visible. Never throws. */
  async abortAll(): Promise<void> {
    const open = [...this.openPaths.values()].flatMap((s) => (s.open ? [s.open] : []));
    for (const f of open) this.ctx.budget.closed(f);
    const files = [...this.finishing, ...this.staged, ...open];
    this.openPaths.clear();
    this.staged = [];
    await Promise.allSettled(files.map((f) => f.abort()));
  }

  get openBytes(): number {
    let n = 0;
    for (const s of this.openPaths.values()) n += s.open?.compressedBytes ?? 0;
    return n;
  }

  private openFile(path: string, state: PathState, firstSeq: number): OpenFile {
    const fileTime = new Date();
    let name = '';
    for (let attempt = 0; ; attempt++) {
      name = renderFileName({
        pattern: this.ctx.config.fileNamePattern,
        partNumber: state.nextPart,
        extension: this.extension,
        fileTime,
        syncId: this.ctx.syncId,
      });
      if (this.numbered) state.nextPart++;
      // A pattern without {part_number} renders the same name for every file: add a counter
      // rather than overwrite an existing object.
      else if (attempt > 0) name = withCounter(name, this.extension, attempt);
      if (!state.usedNames.has(name)) break;
    }
    state.usedNames.add(name);
    const key = objectKey(path, name);
    const metadata: Record<string, string> = { 'ab-sync-id': this.ctx.syncId };
    if (this.ctx.stream.generationId !== undefined) metadata['ab-generation-id'] = String(this.ctx.stream.generationId);
    const encryption = this.ctx.config.objects.encryption;
    const envelope = encryption.kind === 'client-side' ? newEnvelope(encryption.masterKey) : undefined;
    if (envelope) Object.assign(metadata, envelope.metadata);
    const uploader = new ObjectUploader({
      store: this.ctx.store,
      key,
      metadata,
      partBytes: this.ctx.partBytes,
      slots: this.ctx.slots,
      onBuffered: this.ctx.budget.onBuffered,
    });
    const file = new OpenFile(key, this.ctx.format.create(), this.ctx.compressor.create(), uploader, firstSeq, envelope?.cipher);
    this.ctx.tracker.fileOpened(file, firstSeq);
    return file;
  }
}

function withCounter(name: string, extension: string, n: number): string {
  return extension && name.endsWith(extension)
    ? `${name.slice(0, -extension.length)}_${n}${extension}`
    : `${name}_${n}`;
}

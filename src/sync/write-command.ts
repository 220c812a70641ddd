import { randomUUID } from 'node:crypto';
import { loadCatalog, streamKey, type CatalogStream } from '../catalog/configured-catalog.js';
import type { ConnectorConfig } from '../config/connector-config.js';
import { loadConfig } from '../config/load-config.js';
import { CheckpointTracker } from '../checkpoint/checkpoint-tracker.js';
import { StateStats } from '../checkpoint/state-stats.js';
import { ConfigError, SystemError, errorMessage } from '../errors.js';
import { outputFormat, type OutputFormat } from '../format/format-for-config.js';
import { LineTooLongError, readLineBatches } from '../protocol/line-reader.js';
import { parseMessage } from '../protocol/parse-message.js';
import { describeStream, type AirbyteRecordMessage, type AirbyteStateMessage } from '../protocol/messages.js';
import type { ProtocolWriter } from '../protocol/protocol-writer.js';
import type { OpenFile } from '../roll/open-file.js';
import { StreamFiles } from '../roll/stream-files.js';
import { createObjectStore } from '../store/create-store.js';
import type { ObjectStore } from '../store/object-store.js';
import { Semaphore, forEachLimit } from '../store/semaphore.js';
import { OpenFileBudget } from '../roll/open-file-budget.js';
import { pendingCommitBody, rollBackInterruptedCommits } from '../checkpoint/pending-commits.js';
import { scannedOutputRow, toOutputRow } from '../transform/output-row.js';
import { scanRecordLine, type ScannedRecord } from '../protocol/record-line-scanner.js';
import { describeStoreError } from '../store/store-errors.js';
import { manifestKey, pendingCommitKey } from '../naming/object-keys.js';
import { Progress } from './progress.js';
import { truncateStream, truncates } from './truncate-stream.js';
import { abortOrphanedUploads } from './abort-orphaned-uploads.js';
import { readTuning, type Tuning } from './tuning.js';
import { limitHeapGrowth } from '../memory-settings.js';

interface StreamSlot {
  stream: CatalogStream;
  label: string;
  /** streamKey() of the stream, made once: the per-record state count looks it up. */
  key: string;
  files: StreamFiles | undefined;
}

export interface WriteOptions {
  configPath: string;
  catalogPath: string;
  input: AsyncIterable<Buffer | string>;
  out: ProtocolWriter;
  env?: NodeJS.ProcessEnv;
  /** Aborted when the sync is cancelled; its reason is the error reported. */
  signal?: AbortSignal;
}

/**
 * `write`: protocol reader -> stream router -> record transform -> format writer -> compressor ->
 * file roller -> object store, with the checkpoint tracker echoing states once their records
 * are in completed objects.
 *
 * Files become visible only in commits, each cut at a STATE: every open file ends there, every
 * staged upload is completed (under a pending-commit marker, see checkpoint/pending-commits.ts),
 * and only then are the held states echoed. So no visible record ever lies beyond the last echoed
 * state, and a source that replays from that state duplicates nothing.
 */
export async function runWrite(options: WriteOptions): Promise<void> {
  const env = options.env ?? process.env;
  const tuning = readTuning(env);
  const config = await loadConfig(options.configPath);
  const catalog = await loadCatalog(options.catalogPath);
  const format = await outputFormat(config, tuning.parquetMemoryBytes);
  if (config.format.kind === 'parquet') limitHeapGrowth(env);
  const store = await createObjectStore(config);
  try {
    await new WriteSession(config, catalog, store, options.out, tuning, env, format, options.signal).run(options.input);
  } finally {
    store.close();
  }
}


class WriteSession {
  private readonly streams = new Map<string, StreamSlot>();
  /** Streams found so far, by the name (and namespace) a record gave. */
  private readonly slotByName = new Map<string, { namespace: string | null | undefined; slot: StreamSlot }>();
  private readonly byName = new Map<string, StreamSlot[]>();
  private readonly tracker: CheckpointTracker<OpenFile>;
  private readonly stats = new StateStats();
  private readonly progress: Progress;
  private readonly slots: Semaphore;
  private readonly syncStart = new Date();
  /** Stands for the sync id ({sync_id}, ${SYNC_ID}) when neither the catalog nor WORKER_JOB_ID gives one. */
  private readonly runId = randomUUID();
  private failure: unknown;
  private recordSeq = 0;
  private readonly budget: OpenFileBudget;
  private commitNumber = 0;
  private warnedMetadata = false;
  /** Files of the commit in progress: aborted with everything else if the sync fails meanwhile. */
  private committing: OpenFile[] = [];
  /** States a commit releases, collected to be written at once. */
  private echoing: AirbyteStateMessage[] | undefined;

  constructor(
    private readonly config: ConnectorConfig,
    catalog: CatalogStream[],
    private readonly store: ObjectStore,
    private readonly out: ProtocolWriter,
    private readonly tuning: Tuning,
    private readonly env: NodeJS.ProcessEnv,
    private readonly format: OutputFormat,
    private readonly signal?: AbortSignal,
  ) {
    for (const stream of catalog) {
      const key = streamKey(stream.descriptor.namespace, stream.descriptor.name);
      const slot: StreamSlot = { stream, label: describeStream(stream.descriptor), key, files: undefined };
      this.streams.set(key, slot);
      const same = this.byName.get(stream.descriptor.name) ?? [];
      same.push(slot);
      this.byName.set(stream.descriptor.name, same);
    }
    this.tracker = new CheckpointTracker<OpenFile>((state) => (this.echoing ? this.echoing.push(state) : this.out.state(state)));
    this.progress = new Progress(this.streams);
    this.slots = new Semaphore(tuning.uploadConcurrency);
    this.budget = new OpenFileBudget(tuning.maxOpenFiles, tuning.maxBufferedBytes);
  }

  async run(input: AsyncIterable<Buffer | string>): Promise<void> {
    this.out.info(
      `write: ${this.streams.size} stream(s) to ${this.store.location}/${this.config.bucketPath} as ${this.config.format.kind}` +
        ` (files roll at ${(this.tuning.rollBytes / 1048576).toFixed(1)} MiB compressed)`,
    );
    const timer = setInterval(() => this.reportProgress('progress'), this.tuning.progressIntervalMs);
    timer.unref();
    try {
      await this.prepare();
      await this.consume(input);
      await this.commit();
      const manifests = await this.writeManifests();
      await this.truncateOverwrittenStreams(manifests);
      this.reportTypeMismatches();
      if (this.tracker.heldCount > 0) throw new Error(`${this.tracker.heldCount} state(s) still held after every file completed`);
      this.reportProgress('summary');
    } catch (err) {
      await this.abortAll();
      throw err;
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * Removes the files of commits an earlier attempt did not finish: their states were never
   * echoed, so the source replays their records. Unlike orphaned uploads, these files are visible,
   * so failing to remove them fails the sync rather than let them be duplicated.
   */
  private async rollBackInterruptedCommits(): Promise<void> {
    let undone: Map<CatalogStream, number>;
    try {
      undone = await rollBackInterruptedCommits(this.store, this.config, [...this.streams.values()].map((s) => s.stream), this.syncStart);
    } catch (err) {
      throw new SystemError(
        `An earlier attempt may have stopped while committing, and checking for or removing its uncommitted files failed: ` +
          `${describeStoreError(err)}. Grant s3:ListBucket, s3:GetObject and s3:DeleteObject on the bucket path, then retry.`,
        { cause: err },
      );
    }
    for (const [stream, files] of undone) {
      this.out.info(
        `${describeStream(stream.descriptor)}: an earlier attempt stopped while committing; removed its ${files} uncommitted file(s), ` +
          'whose records the source replays from the last state that attempt echoed',
      );
    }
  }

  /**
   * What comes before the first record: undo an earlier attempt's interrupted commit, abort its
   * orphaned uploads, and list each stream's folder. They run at once, since each was a store
   * round trip the sync waited on (about 45 ms each against Ceph, more against a remote S3).
   * Safe because they touch different things: the rollback deletes objects a marker names, the
   * abort touches only multipart uploads, and the listing only learns the part numbers in use;
   * seeing a file the rollback is deleting only makes a part number be skipped, never reused.
   * The rollback's failure is reported first, as it was when it ran first.
   */
  private async prepare(): Promise<void> {
    const steps = await Promise.allSettled([this.rollBackInterruptedCommits(), this.abortOrphanedUploads(), this.prepareStreams()]);
    for (const step of steps) if (step.status === 'rejected') throw step.reason;
  }

  /** Cleans up after an earlier run that was killed mid-upload; a failure here only warns. */
  private async abortOrphanedUploads(): Promise<void> {
    try {
      const aborted = await abortOrphanedUploads(this.store, this.config, [...this.streams.values()].map((s) => s.stream), this.syncStart);
      for (const [stream, n] of aborted) {
        this.out.info(`${describeStream(stream.descriptor)}: aborted ${n} multipart upload(s) an earlier run left unfinished`);
      }
    } catch (err) {
      this.out.warn(
        `Could not look for multipart uploads an earlier run left unfinished (${describeStoreError(err, 's3:ListBucket')}). ` +
          'They are invisible but stored; a lifecycle rule that aborts incomplete multipart uploads removes them.',
      );
    }
  }

  /**
   * Lists every stream's folder up front, several at a time: each stream must know the part
   * numbers already used under its path before its first file, and with a thousand streams one
   * listing after another would take minutes.
   */
  private async prepareStreams(): Promise<void> {
    await forEachLimit([...this.streams.values()], 16, async (slot) => {
      if (!slot.files) await this.startStream(slot);
    });
  }

  private reportProgress(kind: 'progress' | 'summary'): void {
    this.out.info(this.progress.line(kind, this.tracker.released, this.tracker.heldCount));
  }

  private async consume(input: AsyncIterable<Buffer | string>): Promise<void> {
    let lineNumber = 0;
    const noteMembers = this.format.readsScannedMembers;
    try {
      for await (const lines of readLineBatches(this.countBytes(input), this.tuning.maxLineBytes)) {
        for (const line of lines) {
          lineNumber++;
          this.throwIfStopped();
          // A RECORD the scanner reads keeps its data as bytes (every format takes them: the text
          // formats copy them, Avro and Parquet send them to their workers); anything else is
          // parsed as before.
          const scanned = scanRecordLine(line, noteMembers);
          if (scanned) {
            const wait = this.onRecord(scanned, lineNumber);
            if (wait) await wait;
            continue;
          }
          const text = line.toString('utf8');
          if (text.trim() === '') continue;
          let message: { type?: unknown; record?: unknown; state?: unknown };
          try {
            message = parseMessage(text) as typeof message;
          } catch (err) {
            throw new SystemError(
              `Input line ${lineNumber} is not valid JSON (${errorMessage(err)}): ${text.slice(0, 120)}. Every input line must be one Airbyte message.`,
            );
          }
          if (message.type === 'RECORD') {
            const wait = this.onRecord(message.record as AirbyteRecordMessage, lineNumber);
            if (wait) await wait;
          } else if (message.type === 'STATE') {
            await this.onState(message.state as AirbyteStateMessage, lineNumber, line.length);
          }
          // Other messages (TRACE stream status, LOG...) carry nothing to store.
        }
      }
    } catch (err) {
      if (this.signal?.aborted) throw this.signal.reason;
      if (err instanceof LineTooLongError) {
        const stream = /"stream"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(err.head)?.[1];
        throw new SystemError(
          `Input line ${err.lineNumber}${stream ? `, a record of stream ${stream},` : ''} is larger than ${(err.limit / 1048576).toFixed(0)} MiB; ` +
            'records up to 64 MiB are written, larger ones are refused. Reduce the record at the source (or split it into several).',
        );
      }
      throw err;
    }
    this.throwIfStopped();
  }

  private throwIfStopped(): void {
    if (this.signal?.aborted) throw this.signal.reason;
    if (this.failure) throw this.wrapStoreFailure(this.failure);
  }

  private async *countBytes(input: AsyncIterable<Buffer | string>): AsyncIterable<Buffer | string> {
    for await (const chunk of input) {
      this.progress.bytesIn += chunk.length;
      yield chunk;
    }
  }

  private slotFor(record: AirbyteRecordMessage | ScannedRecord, lineNumber: number): StreamSlot {
    if (!record || typeof record.stream !== 'string') {
      throw new SystemError(`Input line ${lineNumber} is a RECORD without a "stream" name. Every record must name its stream.`);
    }
    // Records name the same few streams again and again (the scanner hands back the same string
    // objects, whose hash is kept): a lookup by name, rather than a key built and hashed per record.
    const known = this.slotByName.get(record.stream);
    if (known && record.namespace === known.namespace) return known.slot;
    const slot = this.findSlot(record, lineNumber);
    if (this.slotByName.size < 1024) this.slotByName.set(record.stream, { namespace: record.namespace, slot });
    return slot;
  }

  private findSlot(record: AirbyteRecordMessage | ScannedRecord, lineNumber: number): StreamSlot {
    const exact = this.streams.get(streamKey(record.namespace || undefined, record.stream));
    if (exact) return exact;
    // A record without a namespace may still name a namespaced stream, if only one has that name.
    const byName = this.byName.get(record.stream);
    if (!record.namespace && byName?.length === 1) return byName[0]!;
    const label = describeStream({ name: record.stream, namespace: record.namespace ?? null });
    throw new SystemError(
      `Input line ${lineNumber} is a RECORD for stream ${label}, which is not in the configured catalog. Add the stream to the catalog or stop the source from emitting it.`,
    );
  }

  private onRecord(record: AirbyteRecordMessage | ScannedRecord, lineNumber: number): Promise<void> | undefined {
    const slot = this.slotFor(record, lineNumber);
    const scanned = 'dataJson' in record;
    if (!scanned && (typeof record.data !== 'object' || record.data === null || Array.isArray(record.data))) {
      throw new SystemError(`Input line ${lineNumber}: the RECORD of stream ${slot.label} has no "data" object.`);
    }
    if (typeof record.emitted_at !== 'number') {
      throw new SystemError(`Input line ${lineNumber}: the RECORD of stream ${slot.label} has no numeric "emitted_at".`);
    }
    this.stats.recordSeen(slot.key);
    this.progress.records++;
    const seq = this.recordSeq++;
    // Every stream's files were prepared before the first record (prepareStreams).
    return slot.files!.write(scanned ? scannedOutputRow(record) : toOutputRow(record), seq);
  }

  private async startStream(slot: StreamSlot): Promise<void> {
    const files = new StreamFiles({
      config: this.config,
      store: this.store,
      stream: slot.stream,
      format: this.format.writerFor(slot.stream),
      compressor: this.format.compressor,
      syncStart: this.syncStart,
      syncId: this.syncIdOf(slot),
      rollBytes: this.tuning.rollBytes,
      partBytes: this.tuning.partBytes,
      maxOpenFiles: this.tuning.maxOpenFilesPerStream,
      slots: this.slots,
      budget: this.budget,
      tracker: this.tracker,
      onFailure: (err) => (this.failure ??= err),
    });
    await files.prepare();
    slot.files = files;
  }

  /** One warning per stream whose values did not all fit their declared types. */
  private reportTypeMismatches(): void {
    for (const slot of this.streams.values()) {
      const counts = slot.files?.format.typeMismatches;
      if (!counts || counts.size === 0) continue;
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const fields = [...counts].map(([field, n]) => `${field} (${n})`).join(', ');
      this.out.warn(`${slot.label}: ${total} value(s) did not match their declared type and were written as null: ${fields}`);
    }
  }

  private async onState(state: AirbyteStateMessage, lineNumber: number, bytes: number): Promise<void> {
    if (!state || typeof state !== 'object') {
      throw new SystemError(`Input line ${lineNumber} is a STATE message without a "state" object.`);
    }
    const stamped = this.stats.stamp(state, streamKey);
    this.tracker.addState(this.recordSeq, stamped, bytes);
    if (this.tracker.heldCount > 0 && this.commitDue()) await this.commit();
  }

  private syncIdOf(slot: StreamSlot): string {
    return String(slot.stream.syncId ?? this.env.WORKER_JOB_ID ?? this.runId);
  }

  /**
   * Whether the STATE just received should end a commit: a file reached the roll size since the
   * last one; held states waited the flush interval or take too much memory; or too many staged
   * uploads wait (many small files, rolled by the open-file budget).
   */
  private commitDue(): boolean {
    let staged = 0;
    for (const slot of this.streams.values()) {
      if (!slot.files) continue;
      if (slot.files.rolledForSize) return true;
      staged += slot.files.stagedCount;
    }
    const oldest = this.tracker.oldestHeldAt;
    return (
      staged >= this.tuning.maxStagedFiles ||
      (oldest !== undefined && Date.now() - oldest >= this.tuning.flushIntervalMs) ||
      this.tracker.heldBytes > this.tuning.maxHeldStateBytes
    );
  }

  /**
   * Makes every record received so far visible, then echoes the held states:
   * 1. every open file ends and every file of the sync so far is staged (all parts uploaded);
   * 2. a pending-commit marker lists them;
   * 3. every upload is completed;
   * 4. the marker is deleted, and only then are the states released, in one write.
   * If step 3 fails, the files it completed are deleted again (the states stay unechoed); if
   * that fails too, the marker stays and the next attempt deletes them.
   */
  private async commit(): Promise<void> {
    const slots = [...this.streams.values()].filter((s) => s.files);
    const batches = await Promise.all(slots.map(async (slot) => ({ slot, files: await slot.files!.stageAll() })));
    if (this.failure) throw this.wrapStoreFailure(this.failure);
    const work = batches.filter((b) => b.files.length > 0);
    if (work.length === 0) return;
    const commitNumber = ++this.commitNumber;
    const startedAt = Date.now();
    this.committing = work.flatMap((b) => b.files);
    const marker = pendingCommitKey(this.config.bucketPath, this.syncStart, this.runId, commitNumber);
    const body = pendingCommitBody({
      startedAt,
      streams: work.map(({ slot, files }) => ({
        namespace: slot.stream.descriptor.namespace ?? null,
        stream: slot.stream.descriptor.name,
        files: files.map((f) => f.key),
      })),
    });
    try {
      await this.store.putObject(marker, body, {});
    } catch (err) {
      throw new SystemError(`Starting a commit failed: writing its pending-commit marker ${marker}: ${describeStoreError(err)}`, { cause: err });
    }
    const parallel = Math.max(4, this.tuning.uploadConcurrency * 2);
    const visible: OpenFile[] = [];
    try {
      await forEachLimit(this.committing, parallel, async (file) => {
        await file.commit();
        visible.push(file);
        if (file.metadataFailure !== undefined && !this.warnedMetadata) {
          this.warnedMetadata = true;
          this.out.warn(
            `Could not set the record count (ab-record-count) on multipart objects such as ${file.key}: the store refused the ` +
              `metadata copy (${describeStoreError(file.metadataFailure)}). The data is complete; only that annotation is missing.`,
          );
        }
      });
    } catch (err) {
      await this.undoCommit(visible, marker);
      throw this.wrapStoreFailure(err);
    }
    // From here until the states are written, a crash leaves this commit's files visible with
    // its states unechoed: the one at-least-once window, one DeleteObjects round trip long.
    this.out.log('DEBUG', `commit ${commitNumber}: files visible, deleting the marker`);
    try {
      await this.store.deleteObjects([marker]);
    } catch (err) {
      // The files are visible but their states cannot be echoed: the next attempt removes them.
      throw new SystemError(`Finishing a commit failed: deleting its pending-commit marker ${marker}: ${describeStoreError(err)}`, { cause: err });
    }
    this.committing = [];
    this.echoing = [];
    for (const { slot, files } of work) {
      slot.files!.committed(files);
      for (const file of files) this.tracker.fileCompleted(file);
    }
    const states = this.echoing;
    this.echoing = undefined;
    this.out.states(states);
    this.out.log("DEBUG", `commit ${commitNumber}: ${visible.length} file(s) in ${Date.now() - startedAt} ms`);
  }

  /** A commit failed midway: hide again what it made visible, so no unechoed record stays visible. */
  private async undoCommit(visible: readonly OpenFile[], marker: string): Promise<void> {
    try {
      if (visible.length > 0) await this.store.deleteObjects(visible.map((f) => f.key));
      await this.store.deleteObjects([marker]);
    } catch (err) {
      this.out.warn(
        `A failed commit left ${visible.length} file(s) visible and could not remove them (${describeStoreError(err)}); ` +
          'the next attempt removes them before writing.',
      );
    }
  }

  private wrapStoreFailure(err: unknown): unknown {
    if (err instanceof ConfigError || err instanceof SystemError) return err;
    return new SystemError(`Uploading to ${this.store.location} failed: ${describeStoreError(err)}`, { cause: err });
  }

  /**
   * One Redshift COPY manifest per stream that wrote files, once all of them are visible: it
   * lists exactly this sync's objects, so `COPY ... MANIFEST` loads this sync and nothing else.
   */
  private async writeManifests(): Promise<Map<StreamSlot, string>> {
    const written = new Map<StreamSlot, string>();
    if (!this.config.redshiftManifest) return written;
    for (const slot of this.streams.values()) {
      const files = slot.files;
      if (!files || files.completed.length === 0) continue;
      const key = manifestKey(files.basePath, this.syncStart);
      const entries = [...files.completed]
        .sort((a, b) => (a.key < b.key ? -1 : 1))
        .map((c) => ({ url: `s3://${this.config.bucket}/${c.key}`, mandatory: true, meta: { content_length: c.bytes } }));
      const metadata: Record<string, string> = {};
      if (slot.stream.generationId !== undefined) metadata['ab-generation-id'] = String(slot.stream.generationId);
      try {
        await this.store.putObject(key, Buffer.from(JSON.stringify({ entries }, null, 2) + '\n'), metadata);
      } catch (err) {
        throw new SystemError(`Writing the Redshift manifest ${key} of stream ${slot.label} failed: ${describeStoreError(err)}`, { cause: err });
      }
      this.out.info(`${slot.label}: wrote the Redshift COPY manifest s3://${this.config.bucket}/${key} (${entries.length} file(s))`);
      written.set(slot, key);
    }
    return written;
  }

  private async truncateOverwrittenStreams(manifests: ReadonlyMap<StreamSlot, string>): Promise<void> {
    for (const slot of this.streams.values()) {
      if (!truncates(slot.stream)) continue;
      const keep = new Set(slot.files?.completed.map((c) => c.key) ?? []);
      const manifest = manifests.get(slot);
      if (manifest) keep.add(manifest);
      try {
        const deleted = await truncateStream(this.store, this.config, slot.stream, keep);
        if (deleted.length > 0) this.out.info(`${slot.label}: removed ${deleted.length} earlier file(s) (${slot.stream.syncMode})`);
      } catch (err) {
        throw new SystemError(
          `The new files of stream ${slot.label} are written, but removing its earlier files failed: ${describeStoreError(err)}`,
          { cause: err },
        );
      }
    }
  }

  private async abortAll(): Promise<void> {
    const committing = this.committing;
    this.committing = [];
    await Promise.allSettled([...committing.map((f) => f.abort()), ...[...this.streams.values()].map((s) => s.files?.abortAll())]);
  }
}

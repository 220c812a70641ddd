import type { ConnectorConfig } from '../config/connector-config.js';
import type { CatalogStream } from '../catalog/configured-catalog.js';
import { pendingCommitPrefix } from '../naming/object-keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { streamKeys } from '../sync/truncate-stream.js';

/**
 * Commit markers: how a crash in the middle of a commit stays exactly-once.
 *
 * A commit completes several multipart uploads, one request each, and only then echoes the
 * states it covers. A run killed between the first completion and the echo would leave files
 * visible whose records the source replays. So, per stream, a marker object listing the files is
 * written before the first completion and deleted after the last one, and states are echoed only
 * after the deletion. Invariant: while a marker exists, the states of its files were not echoed.
 * The next attempt therefore deletes every file a leftover marker lists (the source replays
 * those records), then the marker.
 *
 * Markers live in one folder under the bucket path (naming/object-keys.ts pendingCommitKey), so
 * one listing finds them all; normally it is empty.
 *
 * Safety conditions: only markers of the catalog's streams, written before this sync started, and
 * only keys that the stream's own template renders are touched (one writer per stream at a time,
 * as Airbyte runs one attempt of a connection at a time).
 */
export interface PendingCommit {
  /** When the commit started (ms since epoch). */
  startedAt: number;
  streams: { namespace: string | null; stream: string; files: string[] }[];
}

export function pendingCommitBody(commit: PendingCommit): Buffer {
  return Buffer.from(JSON.stringify(commit) + '\n');
}

/**
 * Undoes the commits an earlier attempt left half done, with one listing of the markers folder.
 * Returns, per stream label, the number of files removed.
 */
export async function rollBackInterruptedCommits(
  store: ObjectStore,
  config: ConnectorConfig,
  streams: readonly CatalogStream[],
  syncStart: Date,
): Promise<Map<CatalogStream, number>> {
  const undone = new Map<CatalogStream, number>();
  const byKey = new Map(streams.map((s) => [`${s.descriptor.namespace ?? ''}\u0000${s.descriptor.name}`, s]));
  for await (const o of store.list(pendingCommitPrefix(config.bucketPath))) {
    if (!o.key.endsWith('.json')) continue;
    let commit: PendingCommit;
    try {
      commit = JSON.parse((await store.getObject(o.key)).toString('utf8')) as PendingCommit;
    } catch (err) {
      if (err instanceof SyntaxError) continue; // not one of ours
      throw err;
    }
    // A marker of a commit that may still be running.
    if (!Array.isArray(commit.streams) || typeof commit.startedAt !== 'number' || commit.startedAt >= syncStart.getTime()) continue;
    const doomed: { stream: CatalogStream; files: string[] }[] = [];
    let foreign = false;
    for (const entry of commit.streams) {
      const stream = byKey.get(`${entry.namespace ?? ''}\u0000${entry.stream}`);
      if (!stream || !Array.isArray(entry.files)) {
        foreign = true; // another connection's streams: not ours to touch
        continue;
      }
      const ownFiles = streamKeys(config, stream).regex;
      doomed.push({ stream, files: entry.files.filter((k) => typeof k === 'string' && ownFiles.test(k)) });
    }
    if (doomed.length === 0) continue;
    const files = doomed.flatMap((d) => d.files);
    if (files.length > 0) await store.deleteObjects(files);
    if (!foreign) await store.deleteObjects([o.key]);
    for (const d of doomed) undone.set(d.stream, (undone.get(d.stream) ?? 0) + d.files.length);
  }
  return undone;
}

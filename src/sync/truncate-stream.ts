import type { ConnectorConfig } from '../config/connector-config.js';
import type { CatalogStream } from '../catalog/configured-catalog.js';
import { streamKeyMatcher } from '../naming/object-keys.js';
import type { ObjectStore } from '../store/object-store.js';

/** Every key the stream's path template and file name pattern can render, over all syncs. */
export function streamKeys(config: ConnectorConfig, stream: CatalogStream): { prefix: string; regex: RegExp } {
  return streamKeyMatcher({
    bucketPath: config.bucketPath,
    pathFormat: config.pathFormat,
    namespace: stream.descriptor.namespace,
    streamName: stream.descriptor.name,
    ...(config.fileNamePattern !== undefined ? { fileNamePattern: config.fileNamePattern } : {}),
  });
}

/**
 * Whether a stream's earlier files are removed at the end of a successful sync: in overwrite
 * mode, and whenever minimum_generation_id > 0 (Airbyte's truncate refresh sends append with
 * minimum_generation_id = generation_id).
 */
export function truncates(stream: CatalogStream): boolean {
  return stream.syncMode === 'overwrite' || (stream.minimumGenerationId ?? 0) > 0;
}

/**
 * Deletes the stream's earlier files. Safety conditions, which callers must keep:
 * - it runs only after every file of this sync for the stream is visible, so a failed sync never
 *   deletes anything;
 * - it deletes only keys that the stream's own path template can render (never other objects
 *   under a shared prefix) and never a key this sync wrote;
 * - with minimum_generation_id > 0 it keeps files whose ab-generation-id metadata is at least that
 *   generation (a resumed attempt's files); a file without the metadata counts as older.
 */
export async function truncateStream(
  store: ObjectStore,
  config: ConnectorConfig,
  stream: CatalogStream,
  keep: ReadonlySet<string>,
): Promise<string[]> {
  const { prefix, regex } = streamKeys(config, stream);
  const minGeneration = stream.minimumGenerationId ?? 0;
  const doomed: string[] = [];
  for await (const o of store.list(prefix)) {
    if (keep.has(o.key) || !regex.test(o.key)) continue;
    if (minGeneration > 0) {
      const generation = Number((await store.headMetadata(o.key))?.['ab-generation-id']);
      if (Number.isInteger(generation) && generation >= minGeneration) continue;
    }
    doomed.push(o.key);
  }
  if (doomed.length > 0) await store.deleteObjects(doomed);
  return doomed;
}

import type { ConnectorConfig } from '../config/connector-config.js';
import type { CatalogStream } from '../catalog/configured-catalog.js';
import type { ObjectStore } from '../store/object-store.js';
import { streamKeys } from './truncate-stream.js';
import { commonPrefix } from '../naming/object-keys.js';

/**
 * Aborts the multipart uploads an earlier run left staged (a run killed before it could complete
 * or abort them): their parts are invisible but still stored, and billed. Safety conditions:
 * only uploads whose key the stream's own template can render, and only those started before
 * this sync, so another writer's fresh uploads under a shared prefix are never touched.
 * Returns how many were aborted per stream.
 */
export async function abortOrphanedUploads(
  store: ObjectStore,
  config: ConnectorConfig,
  streams: readonly CatalogStream[],
  syncStart: Date,
): Promise<Map<CatalogStream, number>> {
  const aborted = new Map<CatalogStream, number>();
  if (streams.length === 0) return aborted;
  const matchers = streams.map((stream) => ({ stream, ...streamKeys(config, stream) }));
  // One listing from the streams' common prefix: staged uploads are few, unlike objects.
  const prefix = matchers.map((m) => m.prefix).reduce(commonPrefix);
  for await (const upload of store.listStagedUploads(prefix)) {
    if (upload.initiated && upload.initiated.getTime() >= syncStart.getTime()) continue;
    const owner = matchers.find((m) => upload.key.startsWith(m.prefix) && m.regex.test(upload.key));
    if (!owner) continue;
    await store.abortStagedUpload(upload.key, upload.uploadId);
    aborted.set(owner.stream, (aborted.get(owner.stream) ?? 0) + 1);
  }
  return aborted;
}

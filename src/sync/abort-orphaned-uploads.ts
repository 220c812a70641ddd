import type { ConnectorConfig } from '../config/connector-config.js';
import type { CatalogStream } from '../catalog/configured-catalog.js';
import type { ObjectStore } from '../store/object-store.js';
import { streamKeys } from './truncate-stream.js';

/**
 * Aborts the multipart uploads an earlier run left staged (a run killed before it could complete
 * or abort them): their parts are invisible but still stored, and billed. Safety conditions:
 * only uploads whose key the stream's own template can render, and only those started before
 * this sync, so another writer's fresh uploads under a shared prefix are never touched.
 * Returns how many were aborted.
 */
export async function abortOrphanedUploads(store: ObjectStore, config: ConnectorConfig, stream: CatalogStream, syncStart: Date): Promise<number> {
  const { prefix, regex } = streamKeys(config, stream);
  let aborted = 0;
  for await (const upload of store.listStagedUploads(prefix)) {
    if (!regex.test(upload.key)) continue;
    if (upload.initiated && upload.initiated.getTime() >= syncStart.getTime()) continue;
    await store.abortStagedUpload(upload.key, upload.uploadId);
    aborted++;
  }
  return aborted;
}

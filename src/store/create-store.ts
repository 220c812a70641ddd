import type { ConnectorConfig } from '../config/connector-config.js';
import type { ObjectStore } from './object-store.js';

/**
 * The store the config names. The AWS SDK (about 0.2 s to load) is loaded only for S3, not for
 * a local directory.
 */
export async function createObjectStore(config: ConnectorConfig): Promise<ObjectStore> {
  if (config.endpoint?.startsWith('file:')) {
    const { LocalDirectoryStore } = await import('./local-directory-store.js');
    return new LocalDirectoryStore(config.endpoint, config.bucket);
  }
  const { S3ObjectStore } = await import('./s3-store.js');
  return new S3ObjectStore(config);
}

import type { ConnectorConfig } from '../config/connector-config.js';
import { LocalDirectoryStore } from './local-directory-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-store.js';

export function createObjectStore(config: ConnectorConfig): ObjectStore {
  if (config.endpoint?.startsWith('file:')) return new LocalDirectoryStore(config.endpoint, config.bucket);
  return new S3ObjectStore(config);
}

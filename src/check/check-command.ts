import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/load-config.js';
import { ConnectorError, errorMessage } from '../errors.js';
import type { ProtocolWriter } from '../protocol/protocol-writer.js';
import { createObjectStore } from '../store/create-store.js';
import { MIN_PART_BYTES, type MultipartUpload, type ObjectStore } from '../store/object-store.js';
import { describeStoreError, type StoreAction } from '../store/store-errors.js';

class CheckStepFailed extends Error {
  constructor(readonly step: string, readonly detail: string) {
    super(`${step} failed: ${detail}`);
  }
}

async function step<T>(name: string, action: StoreAction, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new CheckStepFailed(name, describeStoreError(err, action));
  }
}

/**
 * `check`: exercises every S3 call a sync makes, under the bucket path, and removes what it wrote:
 * PutObject, GetObject (a sync reads its pending-commit markers back), ListObjectsV2, DeleteObject,
 * then a two-part multipart upload completed and deleted, and one listed among the bucket's
 * uploads (a sync looks for uploads an earlier attempt left) and aborted. The first failing step
 * is named with the permission it needs, so a policy that denies one action is found here and not
 * halfway through a sync.
 */
export async function runCheck(configPath: string, out: ProtocolWriter): Promise<void> {
  let store: ObjectStore | undefined;
  try {
    const config = await loadConfig(configPath);
    store = await createObjectStore(config);
    const prefix = `${config.bucketPath ? config.bucketPath + '/' : ''}_airbyte_connection_test_${randomUUID()}`;
    await probe(store, prefix);
    out.emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } });
  } catch (err) {
    const message =
      err instanceof CheckStepFailed || err instanceof ConnectorError ? err.message : `Unexpected error: ${errorMessage(err)}`;
    out.emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: `Could not connect with the provided configuration. ${message}` } });
  } finally {
    store?.close();
  }
}

/** A listing step that must find `key`: a store that accepts a write but does not list it fails here. */
async function expectListed(name: string, action: StoreAction, listing: AsyncIterable<{ key: string }>, key: string, what: string): Promise<void> {
  const keys = await step(name, action, async () => {
    const found: string[] = [];
    for await (const o of listing) found.push(o.key);
    return found;
  });
  if (!keys.includes(key)) throw new CheckStepFailed(name, `${what} ${key} was written but is not listed.`);
}

async function probe(store: ObjectStore, prefix: string): Promise<void> {
  const small = `${prefix}/check.txt`;
  const multipart = `${prefix}/check-multipart.txt`;
  const aborted = `${prefix}/check-aborted.txt`;
  const written: string[] = [];
  let upload: MultipartUpload | undefined;
  try {
    await step('Writing a test object (PutObject)', 's3:PutObject', () =>
      store.putObject(small, Buffer.from('check from destination-s3\n'), {}),
    );
    written.push(small);
    await step('Reading the test object back (GetObject)', 's3:GetObject', () => store.getObject(small));
    await expectListed('Listing the bucket path (ListObjectsV2)', 's3:ListBucket', store.list(prefix), small, 'the test object');
    await step('Deleting the test object (DeleteObject)', 's3:DeleteObject', () => store.deleteObjects([small]));
    written.pop();

    upload = await step('Starting a multipart upload (CreateMultipartUpload)', 's3:PutObject', () =>
      store.startMultipartUpload(multipart, {}),
    );
    const u = upload;
    await step('Uploading parts (UploadPart)', 's3:PutObject', async () => {
      await u.uploadPart(1, Buffer.alloc(MIN_PART_BYTES, 'a'));
      await u.uploadPart(2, Buffer.from('b\n'));
    });
    await step('Completing a multipart upload (CompleteMultipartUpload)', 's3:PutObject', () => u.complete());
    upload = undefined;
    written.push(multipart);
    await step('Deleting the multipart test object (DeleteObject)', 's3:DeleteObject', () => store.deleteObjects([multipart]));
    written.pop();

    upload = await step('Starting a multipart upload (CreateMultipartUpload)', 's3:PutObject', () =>
      store.startMultipartUpload(aborted, {}),
    );
    const a = upload;
    await step('Uploading a part (UploadPart)', 's3:PutObject', () => a.uploadPart(1, Buffer.from('c\n')));
    await expectListed('Listing multipart uploads (ListMultipartUploads)', 's3:ListBucketMultipartUploads', store.listStagedUploads(prefix), aborted, 'the upload of');
    await step('Aborting a multipart upload (AbortMultipartUpload)', 's3:AbortMultipartUpload', () => a.abort());
    upload = undefined;
  } finally {
    // Leave nothing behind, whichever step failed.
    await upload?.abort().catch(() => undefined);
    if (written.length > 0) await store.deleteObjects(written).catch(() => undefined);
  }
}

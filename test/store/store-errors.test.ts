import { describe, expect, it } from 'vitest';
import { describeStoreError } from '../../src/store/store-errors.js';

/**
 * Error shapes that no server on this machine produces (the integration tests in check.test.ts
 * cover the ones Ceph and MinIO do): AWS's 301 for a bucket in another region, which carries the
 * region only in a header, and certificate failures other than self-signed.
 */
describe('describeStoreError', () => {
  it("names the bucket's region from AWS's x-amz-bucket-region header on a PermanentRedirect", () => {
    const err = Object.assign(new Error('The bucket you are attempting to access must be addressed using the specified endpoint.'), {
      name: 'PermanentRedirect',
      $metadata: { httpStatusCode: 301 },
      $response: { headers: { 'x-amz-bucket-region': 'eu-central-1' } },
    });
    expect(describeStoreError(err, 's3:PutObject')).toBe(
      'the bucket is in region eu-central-1, not the one configured (PermanentRedirect (HTTP 301)). Set s3_bucket_region to eu-central-1.',
    );
  });

  it('asks for the bucket region when the error does not say it', () => {
    const err = Object.assign(new Error(''), { name: 'AuthorizationHeaderMalformed', $metadata: { httpStatusCode: 400 } });
    expect(describeStoreError(err)).toMatch(/the bucket is in another region .*Set s3_bucket_region to the bucket's region\./);
  });

  it('says an expired certificate must be renewed', () => {
    const err = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    expect(describeStoreError(err)).toMatch(/TLS certificate has expired \(CERT_HAS_EXPIRED\)\. Renew/);
  });

  it('says which permission is missing on a bare 403', () => {
    const err = Object.assign(new Error('UnknownError'), { name: 'UnknownError', $metadata: { httpStatusCode: 403 } });
    expect(describeStoreError(err, 's3:ListBucketMultipartUploads')).toMatch(/lack s3:ListBucketMultipartUploads permission/);
  });
});

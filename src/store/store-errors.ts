import { errorMessage } from '../errors.js';

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/** The S3 permission each check step needs, named in the failure message. */
export type StoreAction =
  | 's3:PutObject'
  | 's3:ListBucket'
  | 's3:DeleteObject'
  | 's3:AbortMultipartUpload'
  | 's3:GetObject';

/**
 * One sentence saying what went wrong with the store and what to do. S3-compatible stores often
 * send empty error messages, so the error name and HTTP status are what is matched.
 */
export function describeStoreError(err: unknown, action?: StoreAction): string {
  const e = (err ?? {}) as SdkLikeError;
  const status = e.$metadata?.httpStatusCode;
  const code = e.code ?? (e.cause as SdkLikeError | undefined)?.code;
  const name = e.name ?? '';
  const detail = `${name}${status ? ` (HTTP ${status})` : ''}`;
  switch (name) {
    case 'InvalidAccessKeyId':
      return `the access key ID is not known to the store (${detail}). Check access_key_id.`;
    case 'SignatureDoesNotMatch':
      return `the request signature does not match (${detail}): the secret access key is wrong. Check secret_access_key.`;
    case 'NoSuchBucket':
      return `the bucket does not exist (${detail}). Check s3_bucket_name, or create the bucket.`;
    case 'AccessDenied':
    case 'Forbidden':
      return `access denied (${detail}): the credentials lack ${action ?? 'a needed'} permission on this bucket and path. Grant it in the IAM or bucket policy.`;
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return `the bucket is in another region (${detail}). Set s3_bucket_region to the bucket's region.`;
    case 'ExpiredToken':
    case 'InvalidToken':
      return `the session token is expired or invalid (${detail}). Refresh the credentials.`;
    case 'CredentialsProviderError':
      return `no AWS credentials were found (${errorMessage(err)}). Set access_key_id and secret_access_key, or provide credentials through the environment.`;
  }
  if (status === 403) {
    return `access denied (${detail}): the credentials lack ${action ?? 'a needed'} permission on this bucket and path. Grant it in the IAM or bucket policy.`;
  }
  if (status === 404 && action === 's3:ListBucket') return `the bucket was not found (${detail}). Check s3_bucket_name.`;
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'].includes(code)) {
    return `the endpoint is unreachable (${code}). Check s3_endpoint and the network path to it.`;
  }
  if (/certificate|SSL|TLS/i.test(errorMessage(err))) {
    return `the TLS connection failed (${errorMessage(err)}). Check that s3_endpoint's certificate is trusted.`;
  }
  return `${detail || 'error'}: ${errorMessage(err)}`;
}

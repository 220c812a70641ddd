import { errorMessage } from '../errors.js';

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  /** The bucket's region, in AuthorizationHeaderMalformed and PermanentRedirect bodies. */
  Region?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  cause?: unknown;
}

/** Node's codes for a certificate the client does not trust (tls.TLSSocket authorizationError). */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/**
 * The sentence for a failed TLS handshake, by cause: a certificate signed by a private CA (the
 * usual case for on-prem MinIO or Ceph), an expired one, one issued for another host name, or an
 * endpoint that does not speak TLS at all.
 */
function describeTlsError(code: string | undefined, message: string): string | undefined {
  if (code && UNTRUSTED_CERTIFICATE.has(code)) {
    return `the endpoint's TLS certificate is not trusted (${code}). If s3_endpoint uses a private CA, give its certificate to the connector with NODE_EXTRA_CA_CERTS=/path/to/ca.pem.`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `the endpoint's TLS certificate has expired (${code}). Renew the certificate of s3_endpoint.`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `the endpoint's TLS certificate is for another host name (${code}). Use the host name the certificate names in s3_endpoint.`;
  }
  if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(message)) {
    return `the endpoint does not speak TLS (${code ?? 'EPROTO'}). If it serves plain HTTP, write s3_endpoint with http://.`;
  }
  if (/certificate|SSL|TLS/i.test(message)) return `the TLS connection failed (${message}). Check s3_endpoint's certificate and protocol.`;
  return undefined;
}

/** The S3 permission each check step needs, named in the failure message. */
export type StoreAction =
  | 's3:PutObject'
  | 's3:ListBucket'
  | 's3:DeleteObject'
  | 's3:AbortMultipartUpload'
  | 's3:ListBucketMultipartUploads'
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
    case 'IllegalLocationConstraintException': {
      const region = e.Region ?? e.$response?.headers?.['x-amz-bucket-region'];
      return region
        ? `the bucket is in region ${region}, not the one configured (${detail}). Set s3_bucket_region to ${region}.`
        : `the bucket is in another region (${detail}). Set s3_bucket_region to the bucket's region.`;
    }
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
  const tls = describeTlsError(code, errorMessage(err));
  if (tls) return tls;
  return `${detail || 'error'}: ${errorMessage(err)}`;
}

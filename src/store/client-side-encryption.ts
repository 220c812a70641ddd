import { createCipheriv, randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import type { ObjectMetadata } from './object-store.js';

/** The content cipher's name; also the AAD of the key wrap, as the S3 Encryption Client v2 does. */
const CONTENT_ALGORITHM = 'AES/GCM/NoPadding';

/**
 * Client-side encryption in the envelope format of the AWS S3 Encryption Client (v2) with a
 * symmetric master key, so that client (and tools that implement its format) decrypt our files:
 * - each object gets a fresh 256-bit data key and 96-bit IV; its bytes are AES-256-GCM
 *   encrypted with them and the 128-bit tag is appended after the last byte;
 * - the data key is wrapped with the master key by AES-GCM ("AES/GCM" wrap): a fresh IV, the
 *   encrypted key and its tag, concatenated, with "AES/GCM/NoPadding" as additional data;
 * - the envelope travels as user metadata: x-amz-key-v2, x-amz-iv, x-amz-cek-alg,
 *   x-amz-wrap-alg, x-amz-tag-len and x-amz-matdesc.
 * The whole object is one GCM stream, so multipart parts need no alignment.
 */
export function newEnvelope(masterKey: Buffer): { metadata: ObjectMetadata; cipher: Transform } {
  if (masterKey.length !== 32) throw new Error('the client-side master key must be 256 bits (32 bytes, 44 base64 characters)');
  const dataKey = randomBytes(32);
  const iv = randomBytes(12);
  const wrapIv = randomBytes(12);
  const wrap = createCipheriv('aes-256-gcm', masterKey, wrapIv);
  wrap.setAAD(Buffer.from(CONTENT_ALGORITHM, 'utf8'));
  const wrapped = Buffer.concat([wrapIv, wrap.update(dataKey), wrap.final(), wrap.getAuthTag()]);
  const metadata: ObjectMetadata = {
    'x-amz-key-v2': wrapped.toString('base64'),
    'x-amz-iv': iv.toString('base64'),
    'x-amz-cek-alg': CONTENT_ALGORITHM,
    'x-amz-wrap-alg': 'AES/GCM',
    'x-amz-tag-len': '128',
    'x-amz-matdesc': '{}',
  };
  const gcm = createCipheriv('aes-256-gcm', dataKey, iv);
  const cipher = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, gcm.update(chunk));
    },
    flush(callback) {
      this.push(gcm.final());
      callback(null, gcm.getAuthTag());
    },
  });
  return { metadata, cipher };
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

const airbyteSpec = JSON.parse(readFileSync(new URL('../fixtures/airbyte/destination-s3-v2-spec.json', import.meta.url), 'utf8'));
const base = { s3_bucket_name: 'b', s3_bucket_path: 'p', s3_bucket_region: 'us-east-1' };

/** One config per format and per compression/codec branch of Airbyte's spec, with the values it shows. */
function airbyteFormatExamples(): Record<string, unknown>[] {
  const example = (schema: any): unknown => {
    if (schema.default !== undefined) return schema.default;
    if (schema.enum) return schema.enum[0];
    if (schema.type === 'integer') return 1;
    if (schema.type === 'boolean') return true;
    return 'x';
  };
  const out: Record<string, unknown>[] = [];
  for (const format of airbyteSpec.connectionSpecification.properties.format.oneOf) {
    const props = format.properties as Record<string, any>;
    const scalar: Record<string, unknown> = {};
    const nested: [string, any[]][] = [];
    for (const [name, schema] of Object.entries(props)) {
      if (schema.oneOf) nested.push([name, schema.oneOf]);
      else scalar[name] = example(schema);
    }
    const required: string[] = format.required ?? [];
    if (!nested.some(([name]) => required.includes(name))) out.push({ ...scalar });
    for (const [name, branches] of nested) {
      for (const branch of branches) {
        const value = Object.fromEntries(Object.entries(branch.properties as Record<string, any>).map(([k, s]) => [k, example(s)]));
        out.push({ ...scalar, [name]: value });
      }
    }
    for (const [name, schema] of Object.entries(props)) {
      if (schema.enum && schema.enum.length > 1) for (const v of schema.enum) out.push({ ...scalar, ...Object.fromEntries(nested.map(([n, b]) => [n, Object.fromEntries(Object.entries(b[0].properties as Record<string, any>).map(([k, s]) => [k, example(s)]))])), [name]: v });
    }
  }
  return out;
}

describe('config', () => {
  it.each(airbyteFormatExamples().map((f) => [JSON.stringify(f), f]))('accepts Airbyte’s format block %s', (_label, format) => {
    expect(() => parseConfig({ ...base, format })).not.toThrow();
  });

  it('accepts every region Airbyte lists, including the blank one', () => {
    for (const region of airbyteSpec.connectionSpecification.properties.s3_bucket_region.enum) {
      expect(parseConfig({ ...base, s3_bucket_region: region, format: { format_type: 'JSONL' } }).region).toBe(region);
    }
  });

  it('resolves Airbyte’s defaults: GZIP when compression is absent, no flattening, default path template', () => {
    const c = parseConfig({ ...base, format: { format_type: 'JSONL' } });
    expect(c.format).toEqual({ kind: 'jsonl', flattening: 'none', compression: { kind: 'gzip' } });
    expect(c.pathFormat).toBe('${NAMESPACE}/${STREAM_NAME}/${YEAR}_${MONTH}_${DAY}_${EPOCH}_');
    expect(c.fileNamePattern).toBeUndefined();
    expect(c.credentials).toEqual({ kind: 'default-chain' });
  });

  it('keeps unknown fields working, as Airbyte’s spec allows additional properties', () => {
    expect(() => parseConfig({ ...base, future_field: 1, format: { format_type: 'CSV', flattening: 'No flattening', x: 1 } })).not.toThrow();
  });

  it('normalises the bucket path and reads static credentials', () => {
    const c = parseConfig({ ...base, s3_bucket_path: '/a/b/', access_key_id: 'AK', secret_access_key: 'SK', format: { format_type: 'CSV', flattening: 'Root level flattening', compression: { compression_type: 'No Compression' } } });
    expect(c.bucketPath).toBe('a/b');
    expect(c.credentials).toEqual({ kind: 'static', accessKeyId: 'AK', secretAccessKey: 'SK' });
    expect(c.format).toEqual({ kind: 'csv', flattening: 'root', compression: { kind: 'none' } });
  });

  it.each([
    ['a missing bucket name', { s3_bucket_path: 'p', s3_bucket_region: '', format: { format_type: 'JSONL' } }, /s3_bucket_name is required/],
    ['a missing format', { ...base }, /format is required/],
    ['an unknown format type', { ...base, format: { format_type: 'XML' } }, /format\.format_type must be one of "CSV", "JSONL", "Avro", "Parquet"/],
    ['a wrong flattening', { ...base, format: { format_type: 'JSONL', flattening: 'Deep' } }, /format\.flattening must be one of "No flattening", "Root level flattening"/],
    ['a mistyped field', { ...base, s3_bucket_path: 3, format: { format_type: 'JSONL' } }, /s3_bucket_path must be of type string/],
    ['an unknown region', { ...base, s3_bucket_region: 'mars-1', format: { format_type: 'JSONL' } }, /s3_bucket_region must be one of/],
    ['a CSV block without flattening', { ...base, format: { format_type: 'CSV' } }, /format\.flattening is required/],
    ["an unknown compression", { ...base, format: { format_type: "CSV", flattening: "No flattening", compression: { compression_type: "LZMA" } } }, /format\.compression\.compression_type must be one of "No Compression", "GZIP", "ZSTD"/],
    ['half a key pair', { ...base, access_key_id: 'AK', format: { format_type: 'JSONL' } }, /Only one of access_key_id and secret_access_key/],
    ['a config that is not an object', [1, 2], /must be a JSON object/],
  ])('refuses %s with a message naming the field', (_label, raw, message) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(message);
  });
});

describe('object options and encryption', () => {
  const format = { format_type: 'JSONL' };
  const key = Buffer.alloc(32, 7).toString('base64');

  it('resolves every encryption type, the storage class and the ACL', () => {
    const resolve = (encryption: unknown, extra = {}) => parseConfig({ ...base, format, encryption, ...extra }).objects;
    expect(resolve({ encryption_type: 'none' })).toEqual({ encryption: { kind: 'none' } });
    expect(resolve({ encryption_type: 'SSE-S3' }, { storage_class: 'STANDARD_IA', canned_acl: 'bucket-owner-full-control' })).toEqual({
      encryption: { kind: 'sse-s3' },
      storageClass: 'STANDARD_IA',
      acl: 'bucket-owner-full-control',
    });
    expect(resolve({ encryption_type: 'SSE-KMS', kms_key_id: ' alias/data ' }).encryption).toEqual({ kind: 'sse-kms', keyId: 'alias/data' });
    expect(resolve({ encryption_type: 'SSE-KMS' }).encryption).toEqual({ kind: 'sse-kms' });
    expect(resolve({ encryption_type: 'SSE-C', customer_key: key }).encryption).toEqual({ kind: 'sse-c', key: Buffer.alloc(32, 7) });
    expect(resolve({ encryption_type: 'client-side', master_key: key }).encryption).toEqual({ kind: 'client-side', masterKey: Buffer.alloc(32, 7) });
    // STANDARD is the default and is not sent.
    expect(parseConfig({ ...base, format, storage_class: 'STANDARD' }).objects).toEqual({ encryption: { kind: 'none' } });
  });

  it('refuses a key that is not 256 bits in base64, naming the field', () => {
    expect(() => parseConfig({ ...base, format, encryption: { encryption_type: 'SSE-C', customer_key: 'c2hvcnQ=' } })).toThrow(/customer_key/);
    expect(() => parseConfig({ ...base, format, encryption: { encryption_type: 'client-side' } })).toThrow(/master_key/);
  });
});

import { readFile } from 'node:fs/promises';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ConfigError, errorMessage } from '../errors.js';
import { loadSpec } from './spec.js';
import { registerSecret } from '../protocol/secrets.js';
import {
  DEFAULT_PATH_FORMAT,
  type ConnectorConfig,
  type Credentials,
  type Encryption,
  type ObjectOptions,
  type FormatConfig,
  type RawConfig,
  type TextCompression,
} from './connector-config.js';
import { validateTemplates } from '../naming/object-keys.js';

import compiledValidator from './generated/config-validator.js';

/**
 * spec/spec.json's connectionSpecification, compiled by ajv at build time (npm run gen:types; a
 * test fails when it is stale), with discriminators so that a bad field is reported against the
 * format the user chose.
 */
const validator = compiledValidator as unknown as ValidateFunction;

export async function readJsonFile(path: string, what: 'config' | 'catalog'): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the ${what} file ${path}: ${errorMessage(err)}. Pass an existing, readable file with --${what}.`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`The ${what} file ${path} is not valid JSON (${errorMessage(err)}). Fix the file's syntax.`);
  }
}

export async function loadConfig(path: string): Promise<ConnectorConfig> {
  return parseConfig(await readJsonFile(path, 'config'));
}

/** Validates a config against spec/spec.json and resolves Airbyte's defaults. */
export function parseConfig(raw: unknown): ConnectorConfig {
  registerSecrets(raw);
  if (!validator(raw)) throw new ConfigError(describeSchemaErrors(raw, validator.errors ?? []));
  const config = raw as RawConfig;
  const resolved: ConnectorConfig = {
    bucket: config.s3_bucket_name.trim(),
    bucketPath: config.s3_bucket_path.trim().replace(/^\/+|\/+$/g, ''),
    region: config.s3_bucket_region ?? '',
    credentials: resolveCredentials(config),
    pathFormat: nonBlank(config.s3_path_format) ?? DEFAULT_PATH_FORMAT,
    format: resolveFormat(config.format),
    redshiftManifest: config.write_redshift_manifest === true,
    objects: resolveObjectOptions(config),
  };
  const endpoint = nonBlank(config.s3_endpoint);
  if (endpoint !== undefined) resolved.endpoint = endpoint;
  const pattern = nonBlank(config.file_name_pattern);
  if (pattern !== undefined) resolved.fileNamePattern = pattern;
  if (!resolved.bucket) throw new ConfigError('s3_bucket_name is empty. Set it to the name of an existing bucket.');
  validateTemplates(resolved);
  return resolved;
}

/** Every field the spec marks airbyte_secret, at any depth, is scrubbed from all output from now on. */
function registerSecrets(raw: unknown): void {
  const names = new Set<string>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        if (k === 'properties' && v && typeof v === 'object') {
          for (const [field, schema] of Object.entries(v as Record<string, { airbyte_secret?: boolean }>)) if (schema?.airbyte_secret) names.add(field);
        }
        collect(v);
      }
    }
  };
  collect(loadSpec().connectionSpecification);
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (names.has(k)) registerSecret(v);
      else walk(v);
    }
  };
  walk(raw);
}

function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

function resolveCredentials(config: RawConfig): Credentials {
  const keyId = nonBlank(config.access_key_id);
  const secret = nonBlank(config.secret_access_key);
  if (keyId && secret) return { kind: 'static', accessKeyId: keyId, secretAccessKey: secret };
  if (keyId || secret) {
    throw new ConfigError(
      `Only one of access_key_id and secret_access_key is set. Set both, or neither to use ${config.role_arn ? 'role_arn' : 'the AWS default credential chain'}.`,
    );
  }
  const role = nonBlank(config.role_arn);
  if (role) return { kind: 'role', roleArn: role };
  return { kind: 'default-chain' };
}

function resolveFormat(format: RawConfig['format']): FormatConfig {
  switch (format.format_type) {
    case 'JSONL':
    case 'CSV': {
      const flattening = format.flattening === 'Root level flattening' ? 'root' : 'none';
      // Airbyte writes GZIP when the compression block is absent.
      const c = format.compression;
      const compression: TextCompression =
        c?.compression_type === 'No Compression'
          ? { kind: 'none' }
          : c?.compression_type === 'ZSTD'
            ? { kind: 'zstd', level: c.compression_level ?? 3 }
            : { kind: 'gzip' };
      return { kind: format.format_type === 'JSONL' ? 'jsonl' : 'csv', flattening, compression };
    }
    case 'Avro':
      return { kind: 'avro', codec: { ...format.compression_codec } };
    case 'Parquet':
      return { kind: 'parquet', options: { ...format } };
  }
}

/** Turns ajv's errors into one sentence a user can act on. */
function describeSchemaErrors(raw: unknown, errors: ErrorObject[]): string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return 'The config must be a JSON object with at least s3_bucket_name, s3_bucket_path, s3_bucket_region and format.';
  }
  const problems = new Set<string>();
  for (const e of errors) {
    const where = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : '';
    const field = (name: string) => (where ? `${where}.${name}` : name);
    if (e.keyword === 'required') {
      problems.add(`${field(String(e.params.missingProperty))} is required`);
    } else if (e.keyword === 'discriminator') {
      const tag = String(e.params.tag);
      const allowed = discriminatorValues(e.parentSchema);
      problems.add(
        e.params.error === 'tag'
          ? `${field(tag)} is required`
          : `${field(tag)} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
      );
    } else if (e.keyword === 'enum') {
      problems.add(`${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
    } else if (e.keyword === 'type') {
      problems.add(`${where || 'the config'} must be of type ${String(e.params.type)}`);
    } else if (e.keyword !== 'oneOf') {
      problems.add(`${where || 'the config'} ${e.message ?? 'is invalid'}`);
    }
  }
  return `The config is invalid: ${[...problems].join('; ')}. Fix ${problems.size === 1 ? 'this field' : 'these fields'} (the output of \`spec\` describes each).`;
}

function discriminatorValues(schema: unknown): unknown[] {
  const s = schema as { discriminator?: { propertyName: string }; oneOf?: { properties?: Record<string, { enum?: unknown[] }> }[] };
  const tag = s?.discriminator?.propertyName;
  return tag ? (s.oneOf ?? []).flatMap((b) => b.properties?.[tag]?.enum ?? []) : [];
}

function resolveObjectOptions(config: RawConfig): ObjectOptions {
  const e = config.encryption;
  let encryption: Encryption = { kind: 'none' };
  if (e?.encryption_type === 'SSE-S3') encryption = { kind: 'sse-s3' };
  else if (e?.encryption_type === 'SSE-KMS') encryption = { kind: 'sse-kms', ...(nonBlank(e.kms_key_id) ? { keyId: nonBlank(e.kms_key_id)! } : {}) };
  else if (e?.encryption_type === 'SSE-C') encryption = { kind: 'sse-c', key: Buffer.from(e.customer_key, 'base64') };
  else if (e?.encryption_type === 'client-side') encryption = { kind: 'client-side', masterKey: Buffer.from(e.master_key, 'base64') };
  return {
    encryption,
    ...(config.storage_class && config.storage_class !== 'STANDARD' ? { storageClass: config.storage_class } : {}),
    ...(config.canned_acl ? { acl: config.canned_acl } : {}),
  };
}

/**
 * Object key naming: pure functions of the config, the stream and a time. Nothing here touches S3.
 *
 * A key is `<bucket path>/<rendered s3_path_format><rendered file_name_pattern>` with repeated
 * slashes collapsed. Safety condition: whatever namespace, stream name or template the user gives,
 * a rendered key never leaves the bucket path: names are reduced to S3's safe characters, and
 * templates with `.`/`..` segments, control characters or unknown placeholders are refused when
 * the config is loaded.
 */
import { ConfigError } from '../errors.js';
import { DEFAULT_FILE_NAME_PATTERN } from '../config/connector-config.js';
import { epochDay, NO_MATCH, timestampMicros } from '../transform/dates.js';

export interface StreamPathInput {
  bucketPath: string;
  pathFormat: string;
  namespace?: string | null;
  streamName: string;
  /** The start of the sync: every time placeholder of the path is taken from it, in UTC. */
  syncStart: Date;
  /** The value of ${UUID}; one per stream and sync. */
  uuid: string;
  /** The value of ${SYNC_ID} and ${JOB_ID}: the catalog's sync id, or a run id. */
  syncId: string;
}

export interface FileNameInput {
  /** The user's file_name_pattern, or undefined for the default. */
  pattern?: string;
  partNumber: number;
  /** With its dot(s), e.g. ".jsonl.gz". */
  extension: string;
  /** The time the file is opened, for {date} and {timestamp}. */
  fileTime: Date;
  syncId: string;
}

const S3_MAX_KEY_BYTES = 1024;
const PATH_PLACEHOLDERS = ['NAMESPACE', 'STREAM_NAME', 'YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'EPOCH', 'UUID', 'DATE', 'JOB_ID', 'SYNC_ID'] as const;
/** ${FIELD:name} or ${FIELD:name:PART}: a folder per value of a record field. */
const FIELD_VARIABLE = /^FIELD:([^:}]+)(?::(YEAR|MONTH|DAY|HOUR|DATE))?$/;
export const NULL_PARTITION = '__null__';
export const EMPTY_PARTITION = '__empty__';
export const INVALID_PARTITION = '__invalid__';
const MAX_PARTITION_CHARS = 128;
type PathPlaceholder = (typeof PATH_PLACEHOLDERS)[number];
const PATH_VARIABLE = /\$\{([^}]*)\}/g;
const FILE_VARIABLE = /\{([^}]*)\}/g;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Reduces a namespace or stream name to the characters AWS lists as safe in keys
 * (letters, digits and ! - _ . * ' ( )); anything else, including `/`, becomes `_`.
 */
export function sanitizeName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9!\-_.*'()]/g, '_');
  return safe === '.' || safe === '..' ? safe.replace(/\./g, '_') : safe;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function pathValues(input: StreamPathInput): Record<PathPlaceholder, string> {
  const t = input.syncStart;
  return {
    NAMESPACE: input.namespace ? sanitizeName(input.namespace) : '',
    STREAM_NAME: sanitizeName(input.streamName),
    YEAR: String(t.getUTCFullYear()),
    MONTH: pad(t.getUTCMonth() + 1),
    DAY: pad(t.getUTCDate()),
    HOUR: pad(t.getUTCHours()),
    MINUTE: pad(t.getUTCMinutes()),
    SECOND: pad(t.getUTCSeconds()),
    MILLISECOND: pad(t.getUTCMilliseconds(), 3),
    EPOCH: String(t.getTime()),
    UUID: input.uuid,
    DATE: `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`,
    JOB_ID: sanitizeName(input.syncId),
    SYNC_ID: sanitizeName(input.syncId),
  };
}

/**
 * The bucket path is always a folder; the rendered template follows it as-is (so a template
 * without a trailing slash makes a file-name prefix). Repeated slashes collapse, a leading one goes.
 */
function underBucketPath(bucketPath: string, rendered: string): string {
  return ((bucketPath ? bucketPath + '/' : '') + rendered).replace(/\/{2,}/g, '/').replace(/^\//, '');
}

/** The folder-and-prefix of a stream's keys: fixed for the sync, or per record with ${FIELD:...}. */
export interface StreamPathTemplate {
  /** True when the path depends on record values. */
  readonly perRecord: boolean;
  render(data?: Record<string, unknown>): string;
  /** The folder holding the first ${FIELD:...} (all of the path without one): where stream-level objects go. */
  readonly basePath: string;
}

/** A stream's Redshift COPY manifest for one sync, beside its files. */
export function manifestKey(basePath: string, syncStart: Date): string {
  return objectKey(basePath, `manifest-${syncStart.getTime()}.json`);
}

/**
 * Where commit markers live: one folder under the bucket path for every stream, so that a new
 * attempt finds an earlier one's leftovers with a single listing (see checkpoint/pending-commits.ts).
 * The leading underscore makes Spark, Hive and Arrow dataset readers skip it.
 */
export function pendingCommitPrefix(bucketPath: string): string {
  return underBucketPath(bucketPath, '_airbyte_pending_commits/');
}

/**
 * The marker of a commit in progress: it lists the files the commit is making visible, and exists
 * only while their states are not yet echoed. `runId` keeps two connections that share a bucket
 * path and start in the same millisecond apart.
 */
export function pendingCommitKey(bucketPath: string, syncStart: Date, runId: string, commitNumber: number): string {
  return `${pendingCommitPrefix(bucketPath)}${syncStart.getTime()}-${sanitizeName(runId)}-${commitNumber}.json`;
}

/**
 * Compiles a stream's path once: placeholders of the sync are rendered now, ${FIELD:...} parts
 * per record. The result is e.g. `data_output_path/public/users/2021_01_01_1609459200000_`;
 * file names are appended to it as-is.
 */
export function compileStreamPath(input: StreamPathInput): StreamPathTemplate {
  const values = pathValues(input);
  const parts = input.pathFormat.split(PATH_VARIABLE).map((piece, i): string | ((data: Record<string, unknown>) => string) => {
    if (i % 2 === 0) return piece;
    const field = FIELD_VARIABLE.exec(piece);
    if (field) return fieldPartition(field[1]!, field[2] as DatePart | undefined);
    return values[piece as PathPlaceholder] ?? '';
  });
  if (parts.every((p) => typeof p === 'string')) {
    const fixed = underBucketPath(input.bucketPath, parts.join(''));
    return { perRecord: false, render: () => fixed, basePath: fixed };
  }
  const firstField = parts.findIndex((p) => typeof p !== 'string');
  return {
    perRecord: true,
    render: (data = {}) => underBucketPath(input.bucketPath, parts.map((p) => (typeof p === 'string' ? p : p(data))).join('')),
    basePath: underBucketPath(input.bucketPath, folderOf(parts.slice(0, firstField).join(''))),
  };
}

/** The path of a stream whose template has no ${FIELD:...} part, or of one record's partition. */
export function renderStreamPath(input: StreamPathInput, data?: Record<string, unknown>): string {
  return compileStreamPath(input).render(data);
}

type DatePart = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'DATE';

/** Up to and including the last slash: `orders/country=` -> `orders/`. */
function folderOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

/** A field's value (a dotted name reaches into nested objects), or undefined. */
function lookup(data: Record<string, unknown>, name: string): unknown {
  if (name in data) return data[name];
  let v: unknown = data;
  for (const key of name.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * One partition folder name from a record: the value made S3-safe like stream names, at most 128
 * characters; `__null__` when the field is missing or null, `__empty__` for an empty string, and
 * `__invalid__` for an object or array, or a date part of a value that is not an RFC 3339 date.
 */
function fieldPartition(name: string, part: DatePart | undefined): (data: Record<string, unknown>) => string {
  return (data) => {
    const v = lookup(data, name);
    if (v === null || v === undefined) return NULL_PARTITION;
    if (part) {
      const t = typeof v === 'string' ? parseInstant(v) : undefined;
      if (!t) return INVALID_PARTITION;
      switch (part) {
        case 'YEAR': return String(t.getUTCFullYear());
        case 'MONTH': return pad(t.getUTCMonth() + 1);
        case 'DAY': return pad(t.getUTCDate());
        case 'HOUR': return pad(t.getUTCHours());
        case 'DATE': return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
      }
    }
    if (typeof v === 'object') return INVALID_PARTITION;
    const text = String(v);
    return text === '' ? EMPTY_PARTITION : sanitizeName(text).slice(0, MAX_PARTITION_CHARS);
  };
}

function parseInstant(text: string): Date | undefined {
  const micros = timestampMicros(text);
  if (micros !== NO_MATCH) return new Date(Number(micros / 1000n));
  const day = epochDay(text);
  return day === NO_MATCH ? undefined : new Date(day * 86_400_000);
}

/** Formats a time with the Java SimpleDateFormat letters Airbyte's {date:...} accepts. */
export function formatJavaDate(t: Date, format: string): string {
  return format.replace(/yyyy|yy|MM|M|dd|d|HH|H|mm|m|ss|s|SSS|'[^']*'/g, (token) => {
    switch (token) {
      case 'yyyy': return String(t.getUTCFullYear());
      case 'yy': return pad(t.getUTCFullYear() % 100);
      case 'MM': return pad(t.getUTCMonth() + 1);
      case 'M': return String(t.getUTCMonth() + 1);
      case 'dd': return pad(t.getUTCDate());
      case 'd': return String(t.getUTCDate());
      case 'HH': return pad(t.getUTCHours());
      case 'H': return String(t.getUTCHours());
      case 'mm': return pad(t.getUTCMinutes());
      case 'm': return String(t.getUTCMinutes());
      case 'ss': return pad(t.getUTCSeconds());
      case 's': return String(t.getUTCSeconds());
      case 'SSS': return pad(t.getUTCMilliseconds(), 3);
      default: return token.slice(1, -1); // quoted literal
    }
  });
}

function fileValue(name: string, input: FileNameInput): string | undefined {
  const [head, arg] = splitOnce(name, ':');
  switch (head) {
    case 'date':
      return formatJavaDate(input.fileTime, arg ?? 'yyyy_MM_dd');
    case 'timestamp':
      if (arg === undefined || arg === 'millis') return String(input.fileTime.getTime());
      if (arg === 'micros' || arg === 'micro') return String(input.fileTime.getTime() * 1000);
      return undefined;
    case 'part_number':
      return arg === undefined ? String(input.partNumber) : undefined;
    case 'sync_id':
      return arg === undefined ? input.syncId : undefined;
    case 'format_extension':
      return arg === undefined ? input.extension : undefined;
    default:
      return undefined;
  }
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i === -1 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Airbyte trims the pattern and turns spaces into underscores before substituting. */
function normalizePattern(pattern: string | undefined): string {
  return (pattern ?? DEFAULT_FILE_NAME_PATTERN).trim().replace(/ /g, '_');
}

export function renderFileName(input: FileNameInput): string {
  return normalizePattern(input.pattern).replace(FILE_VARIABLE, (m, name: string) => fileValue(name, input) ?? m);
}

/** The full key of one file. Throws if, against the config checks, it would leave the bucket path. */
export function objectKey(streamPath: string, fileName: string): string {
  const key = (streamPath + fileName).replace(/\/{2,}/g, '/').replace(/^\//, '');
  const segments = key.split('/');
  if (segments.some((s) => s === '.' || s === '..') || CONTROL_CHARS.test(key) || key === '' || key.endsWith('/')) {
    throw new ConfigError(`The path template renders the unsafe object key "${key}". Check s3_path_format and file_name_pattern.`);
  }
  if (Buffer.byteLength(key) > S3_MAX_KEY_BYTES) {
    throw new ConfigError(`The object key "${key.slice(0, 80)}..." is longer than S3's limit of ${S3_MAX_KEY_BYTES} bytes. Shorten s3_bucket_path, s3_path_format or file_name_pattern.`);
  }
  return key;
}

/** Refuses templates that could render unsafe or surprising keys; called when the config loads. */
export function validateTemplates(config: { bucketPath: string; pathFormat: string; fileNamePattern?: string }): void {
  const check = (field: string, value: string) => {
    if (CONTROL_CHARS.test(value)) throw new ConfigError(`${field} contains a control character. Remove it.`);
    const literal = field === 's3_path_format' ? value.replace(PATH_VARIABLE, 'x') : value.replace(FILE_VARIABLE, 'x');
    if (literal.split('/').some((s) => s === '.' || s === '..')) {
      throw new ConfigError(`${field} contains a "." or ".." path segment, which could write outside the bucket path. Remove it.`);
    }
  };
  check('s3_bucket_path', config.bucketPath);
  check('s3_path_format', config.pathFormat);
  for (const m of config.pathFormat.matchAll(PATH_VARIABLE)) {
    if (!(PATH_PLACEHOLDERS as readonly string[]).includes(m[1]!) && !FIELD_VARIABLE.test(m[1]!)) {
      throw new ConfigError(
        `s3_path_format uses the unknown placeholder ${m[0]}. Use ${PATH_PLACEHOLDERS.map((p) => '${' + p + '}').join(' ')}, or \${FIELD:name} / \${FIELD:name:YEAR|MONTH|DAY|HOUR|DATE} for a record field.`,
      );
    }
  }
  const pattern = normalizePattern(config.fileNamePattern);
  check('file_name_pattern', pattern);
  const probe: FileNameInput = { partNumber: 0, extension: '.x', fileTime: new Date(0), syncId: '0' };
  for (const m of pattern.matchAll(FILE_VARIABLE)) {
    if (fileValue(m[1]!, probe) === undefined) {
      throw new ConfigError(
        `file_name_pattern uses the unknown placeholder ${m[0]}. Use {date}, {date:yyyy_MM}, {timestamp}, {timestamp:millis}, {timestamp:micros}, {part_number}, {sync_id} or {format_extension}.`,
      );
    }
  }
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Recognises the file names one pattern renders, capturing {part_number}: used to continue part
 * numbers after the highest existing file instead of overwriting it.
 */
export function fileNameMatcher(pattern: string | undefined, extension: string): RegExp {
  let partSeen = false;
  const source = normalizePattern(pattern)
    .split(FILE_VARIABLE)
    .map((piece, i) => {
      if (i % 2 === 0) return escapeRegex(piece);
      if (piece === 'part_number' && !partSeen) {
        partSeen = true;
        return '(?<part>\\d+)';
      }
      if (piece === 'format_extension') return escapeRegex(extension);
      return piece === 'part_number' ? '\\d+' : '.+?';
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/** The first part number after every one a listing of the stream path shows (0 if none). */
export function nextPartNumber(existingFileNames: Iterable<string>, matcher: RegExp): number {
  let next = 0;
  for (const name of existingFileNames) {
    const part = matcher.exec(name)?.groups?.part;
    if (part !== undefined) next = Math.max(next, Number(part) + 1);
  }
  return next;
}

type StreamKeyInput = Omit<StreamPathInput, 'syncStart' | 'uuid' | 'syncId'> & { fileNamePattern?: string };

/**
 * Everything a stream's path template can render, over all syncs: a literal list prefix (the part
 * before the first time-dependent placeholder) and a regex for whole keys: its files and its
 * Redshift manifests. Overwrite deletes only keys this matches, never foreign objects that merely
 * share the prefix.
 */
export function streamKeyMatcher(input: StreamKeyInput): { prefix: string; regex: RegExp } {
  const files = keyMatcher(input);
  const manifests = keyMatcher(streamLevelInput(input, MANIFEST_PATTERN));
  const regex = new RegExp(`^(?:${files.source})$|^(?:${manifests.source})$`);
  return { prefix: commonPrefix(files.prefix, manifests.prefix), regex };
}

const MANIFEST_PATTERN = 'manifest-{timestamp}.json';

/** Stream-level objects (manifests) sit at the stream's path up to the first ${FIELD:...}. */
function streamLevelInput(input: StreamKeyInput, fileNamePattern: string): StreamKeyInput {
  const fieldAt = input.pathFormat.search(/\$\{FIELD:/);
  const pathFormat = fieldAt === -1 ? input.pathFormat : folderOf(input.pathFormat.slice(0, fieldAt));
  return { ...input, pathFormat, fileNamePattern };
}

function keyMatcher(input: StreamKeyInput): { prefix: string; source: string } {
  const timePatterns: Record<string, string> = {
    YEAR: '\\d{4}', MONTH: '\\d{2}', DAY: '\\d{2}', HOUR: '\\d{2}', MINUTE: '\\d{2}', SECOND: '\\d{2}',
    MILLISECOND: '\\d{3}', EPOCH: '\\d+', UUID: '[0-9a-fA-F-]{36}', DATE: '\\d{4}-\\d{2}-\\d{2}',
  };
  // Render with markers for the variable parts, so slashes collapse exactly as in renderStreamPath.
  const marker = (name: string) => `\u0001${name}\u0002`;
  const stable = {
    NAMESPACE: input.namespace ? sanitizeName(input.namespace) : '',
    STREAM_NAME: sanitizeName(input.streamName),
  } as Record<string, string>;
  const renderedPath = input.pathFormat.replace(PATH_VARIABLE, (_m, name: string) => stable[name] ?? marker(name));
  const path = underBucketPath(input.bucketPath, renderedPath);
  const fileTemplate = normalizePattern(input.fileNamePattern).replace(FILE_VARIABLE, (_m, name: string) =>
    name === 'part_number' ? marker('PART') : name === 'format_extension' ? marker('EXT') : marker('ANY'),
  );
  const full = (path + fileTemplate).replace(/\/{2,}/g, '/').replace(/^\//, '');
  const firstMarker = full.indexOf('\u0001');
  const prefix = firstMarker === -1 ? full : full.slice(0, firstMarker);
  const source = full
    .split(/\u0001([^\u0002]+)\u0002/)
    .map((piece, i) => {
      if (i % 2 === 0) return escapeRegex(piece);
      if (piece === 'PART') return '\\d+';
      if (piece === 'EXT') return '\\.(?:jsonl|csv|avro|parquet)(?:\\.gz|\\.zst)?';
      if (piece === 'ANY') return '[^/]+?';
      return timePatterns[piece] ?? '[^/]+?';
    })
    .join('');
  return { prefix, source };
}

/** The longest string both start with. */
export function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

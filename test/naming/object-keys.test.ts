import { describe, expect, it } from 'vitest';
import {
  compileStreamPath,
  fileNameMatcher,
  manifestKey,
  formatJavaDate,
  nextPartNumber,
  objectKey,
  renderFileName,
  renderStreamPath,
  sanitizeName,
  streamKeyMatcher,
  validateTemplates,
} from '../../src/naming/object-keys.js';
import { DEFAULT_PATH_FORMAT } from '../../src/config/connector-config.js';
import { ConfigError } from '../../src/errors.js';

const T = new Date(Date.UTC(2021, 0, 1, 4, 5, 6, 7)); // 2021-01-01T04:05:06.007Z
const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

function key(opts: {
  bucketPath?: string;
  pathFormat?: string;
  namespace?: string | null;
  stream?: string;
  pattern?: string;
  part?: number;
  ext?: string;
  time?: Date;
}): string {
  const path = renderStreamPath({
    bucketPath: opts.bucketPath ?? 'data_output_path',
    pathFormat: opts.pathFormat ?? DEFAULT_PATH_FORMAT,
    namespace: opts.namespace === undefined ? 'public' : opts.namespace,
    streamName: opts.stream ?? 'users',
    syncStart: opts.time ?? T,
    uuid: UUID,
    syncId: '42',
  });
  const name = renderFileName({
    pattern: opts.pattern,
    partNumber: opts.part ?? 0,
    extension: opts.ext ?? '.csv.gz',
    fileTime: opts.time ?? T,
    syncId: '42',
  });
  return objectKey(path, name);
}

describe('object keys', () => {
  it.each([
    // Airbyte's documented example: testing_bucket/data_output_path/public/users/2021_01_01_<epoch>_0.csv.gz
    ['the default layout of Airbyte’s docs', {}, `data_output_path/public/users/2021_01_01_${T.getTime()}_0.csv.gz`],
    ['the part number in the default file name', { part: 12, ext: '.jsonl' }, `data_output_path/public/users/2021_01_01_${T.getTime()}_12.jsonl`],
    ['every time placeholder of the path', { pathFormat: '${YEAR}/${MONTH}/${DAY}/${HOUR}/${MINUTE}/${SECOND}/${MILLISECOND}/${EPOCH}/' },
      `data_output_path/2021/01/01/04/05/06/007/${T.getTime()}/0.csv.gz`],
    ['${UUID} in the path', { pathFormat: '${STREAM_NAME}/${UUID}/' }, `data_output_path/users/${UUID}/0.csv.gz`],
    ['an empty namespace collapses its slash', { namespace: null }, `data_output_path/users/2021_01_01_${T.getTime()}_0.csv.gz`],
    ['repeated slashes in the template collapse', { pathFormat: '//${NAMESPACE}///${STREAM_NAME}//' }, 'data_output_path/public/users/0.csv.gz'],
    ['an empty bucket path', { bucketPath: '', pathFormat: '${STREAM_NAME}/' }, 'users/0.csv.gz'],
    ['a nested bucket path', { bucketPath: 'a/b/c', pathFormat: '${STREAM_NAME}/' }, 'a/b/c/users/0.csv.gz'],
    ['{date} as yyyy_MM_dd', { pathFormat: '${STREAM_NAME}/', pattern: '{date}{format_extension}' }, 'data_output_path/users/2021_01_01.csv.gz'],
    ['{date:yyyy_MM}', { pathFormat: '${STREAM_NAME}/', pattern: '{date:yyyy_MM}_{part_number}' }, 'data_output_path/users/2021_01_0'],
    ['{timestamp} and {timestamp:millis}', { pathFormat: '', pattern: '{timestamp}-{timestamp:millis}' }, `data_output_path/${T.getTime()}-${T.getTime()}`],
    ['{timestamp:micros}', { pathFormat: '', pattern: '{timestamp:micros}' }, `data_output_path/${T.getTime() * 1000}`],
    ['Airbyte’s {timestamp:micro} spelling', { pathFormat: '', pattern: '{timestamp:micro}' }, `data_output_path/${T.getTime() * 1000}`],
    ['{sync_id} and {part_number}', { pathFormat: '', pattern: 'sync-{sync_id}-{part_number}{format_extension}', part: 3 }, 'data_output_path/sync-42-3.csv.gz'],
    ['spaces in the pattern become underscores, surrounding blanks are trimmed', { pathFormat: '', pattern: '  my file {part_number} ' }, 'data_output_path/my_file_0'],
  ])('renders %s', (_label, opts, expected) => {
    expect(key(opts)).toBe(expected);
  });

  it.each([
    ['public', 'public'],
    ['my schema', 'my_schema'],
    ['../etc', '.._etc'],
    ['..', '__'],
    ['.', '_'],
    ['a/b', 'a_b'],
    ['naïve-ünïcode', 'na_ve-_n_code'],
    ["ok!-_.*'()", "ok!-_.*'()"],
    ['tab\there', 'tab_here'],
  ])('makes the name %j S3-safe as %j', (input, expected) => {
    expect(sanitizeName(input)).toBe(expected);
  });

  it('never lets a namespace or stream name escape the bucket path', () => {
    const k = key({ namespace: '..', stream: '../../secrets', pathFormat: '${NAMESPACE}/${STREAM_NAME}/' });
    expect(k).toBe('data_output_path/__/.._.._secrets/0.csv.gz');
    expect(k.split('/')).not.toContain('..');
  });

  it.each([
    ['a parent segment in the path format', { pathFormat: '../${STREAM_NAME}/' }, /s3_path_format contains a "\." or "\.\."/],
    ['a parent segment in the bucket path', { bucketPath: 'a/../b' }, /s3_bucket_path/],
    ['a control character', { pathFormat: '${STREAM_NAME}\n/' }, /control character/],
    ['an unknown path placeholder', { pathFormat: '${STREAM}/' }, /unknown placeholder \$\{STREAM\}/],
    ['an unknown file placeholder', { fileNamePattern: '{part}' }, /unknown placeholder \{part\}/],
    ['a parent segment in the file name pattern', { fileNamePattern: '../{part_number}' }, /file_name_pattern/],
  ])('refuses %s when the config loads', (_label, overrides, message) => {
    const config = { bucketPath: 'data', pathFormat: DEFAULT_PATH_FORMAT, ...overrides };
    expect(() => validateTemplates(config)).toThrow(ConfigError);
    expect(() => validateTemplates(config)).toThrow(message);
  });

  it('refuses a key longer than S3 allows', () => {
    expect(() => objectKey('p/', 'x'.repeat(1100))).toThrow(/longer than S3's limit/);
  });

  it('formats Java date patterns in UTC', () => {
    expect(formatJavaDate(T, "yyyy-MM-dd'T'HH:mm:ss.SSS")).toBe('2021-01-01T04:05:06.007');
    expect(formatJavaDate(T, 'yy/M/d H:m:s')).toBe('21/1/1 4:5:6');
  });

  it('continues part numbers after the highest existing file', () => {
    const matcher = fileNameMatcher(undefined, '.jsonl.gz');
    expect(nextPartNumber(['0.jsonl.gz', '7.jsonl.gz', '3.jsonl.gz', '12.csv.gz', 'x.jsonl.gz'], matcher)).toBe(8);
    expect(nextPartNumber([], matcher)).toBe(0);
    const custom = fileNameMatcher('part-{part_number}-{date}{format_extension}', '.csv');
    expect(nextPartNumber(['part-4-2021_01_01.csv', 'part-9-2020_12_31.csv', 'part-99-2020.jsonl'], custom)).toBe(10);
  });

  it('matches every key a stream template renders, and not a sibling stream’s', () => {
    const { prefix, regex } = streamKeyMatcher({
      bucketPath: 'data_output_path',
      pathFormat: DEFAULT_PATH_FORMAT,
      namespace: 'public',
      streamName: 'users',
    });
    expect(prefix).toBe('data_output_path/public/users/');
    expect(regex.test(key({}))).toBe(true);
    expect(regex.test(key({ time: new Date(0), part: 5, ext: '.jsonl' }))).toBe(true);
    expect(regex.test(key({ stream: 'users_archive' }))).toBe(false);
    expect(regex.test('data_output_path/public/users/notes.txt')).toBe(false);
    expect(regex.test('data_output_path/public/users/2021_01_01_123_0.csv.gz.bak')).toBe(false);
  });

  it('matches the keys of a template whose stream folder holds several syncs', () => {
    const { prefix, regex } = streamKeyMatcher({
      bucketPath: 'b',
      pathFormat: '${NAMESPACE}/${STREAM_NAME}/',
      namespace: null,
      streamName: 'orders',
      fileNamePattern: '{date}_{part_number}{format_extension}',
    });
    expect(prefix).toBe('b/orders/');
    expect(regex.test('b/orders/2024_05_06_3.parquet')).toBe(true);
    expect(regex.test('b/orders/sub/2024_05_06_3.parquet')).toBe(false);
  });
});

describe('record-field partitions and more path variables', () => {
  const template = (pathFormat: string) =>
    compileStreamPath({ bucketPath: 'lake', pathFormat, namespace: 'shop', streamName: 'orders', syncStart: T, uuid: UUID, syncId: 'job 7' });

  it('renders ${DATE}, ${SYNC_ID} and ${JOB_ID} from the sync', () => {
    expect(template('${STREAM_NAME}/${DATE}/${SYNC_ID}/${JOB_ID}/').render()).toBe('lake/orders/2021-01-01/job_7/job_7/');
  });

  it('writes Hive-style folders with the existing template', () => {
    expect(template('${STREAM_NAME}/year=${YEAR}/month=${MONTH}/day=${DAY}/').render()).toBe('lake/orders/year=2021/month=01/day=01/');
  });

  it.each([
    [{ country: 'PL' }, 'lake/orders/country=PL/'],
    [{ country: 'Côte d’Ivoire/x' }, 'lake/orders/country=C_te_d_Ivoire_x/'],
    [{ country: null }, 'lake/orders/country=__null__/'],
    [{}, 'lake/orders/country=__null__/'],
    [{ country: '' }, 'lake/orders/country=__empty__/'],
    [{ country: { code: 'PL' } }, 'lake/orders/country=__invalid__/'],
    [{ country: 48 }, 'lake/orders/country=48/'],
    [{ country: '..' }, 'lake/orders/country=__/'],
    [{ country: 'x'.repeat(300) }, `lake/orders/country=${'x'.repeat(128)}/`],
  ])('puts a record with %j in its own folder: %s', (data, expected) => {
    const t = template('${STREAM_NAME}/country=${FIELD:country}/');
    expect(t.perRecord).toBe(true);
    expect(t.render(data)).toBe(expected);
  });

  it('reads nested fields by dotted name', () => {
    expect(template('${FIELD:address.city}/').render({ address: { city: 'Lyon' } })).toBe('lake/Lyon/');
  });

  it.each([
    ['YEAR', '2024'],
    ['MONTH', '05'],
    ['DAY', '06'],
    ['HOUR', '22'],
    ['DATE', '2024-05-06'],
  ])('takes the %s of a date-time field, in UTC', (part, expected) => {
    expect(template(`\${FIELD:created_at:${part}}/`).render({ created_at: '2024-05-07T00:30:00+02:00' })).toBe(`lake/${expected}/`);
  });

  it('takes date parts of plain dates and marks unparseable ones', () => {
    const t = template('${FIELD:day:DATE}/');
    expect(t.render({ day: '2024-02-29' })).toBe('lake/2024-02-29/');
    expect(t.render({ day: 'yesterday' })).toBe('lake/__invalid__/');
    expect(t.render({ day: 1714000000000 })).toBe('lake/__invalid__/');
  });

  it('keeps the path up to the first record field as the stream’s base path', () => {
    expect(template('${NAMESPACE}/${STREAM_NAME}/country=${FIELD:country}/${YEAR}/').basePath).toBe('lake/shop/orders/');
    expect(template('${NAMESPACE}/${STREAM_NAME}/').basePath).toBe('lake/shop/orders/');
    expect(manifestKey('lake/shop/orders/', T)).toBe(`lake/shop/orders/manifest-${T.getTime()}.json`);
  });

  it('matches every partition’s files and the stream’s manifests for overwrite, nothing else', () => {
    const { prefix, regex } = streamKeyMatcher({ bucketPath: 'lake', pathFormat: '${STREAM_NAME}/country=${FIELD:country}/', namespace: null, streamName: 'orders' });
    expect(prefix).toBe('lake/orders/');
    expect(regex.test('lake/orders/country=PL/0.jsonl.gz')).toBe(true);
    expect(regex.test('lake/orders/country=__null__/12.parquet')).toBe(true);
    expect(regex.test('lake/orders/manifest-1700000000000.json')).toBe(true);
    expect(regex.test('lake/orders/country=PL/notes.txt')).toBe(false);
    expect(regex.test('lake/orders_old/country=PL/0.jsonl.gz')).toBe(false);
  });

  it('refuses an unknown date part', () => {
    expect(() => validateTemplates({ bucketPath: 'b', pathFormat: '${FIELD:created_at:WEEK}/' })).toThrow(/unknown placeholder \$\{FIELD:created_at:WEEK\}/);
    expect(() => validateTemplates({ bucketPath: 'b', pathFormat: '${FIELD:created_at:YEAR}/${FIELD:country}/' })).not.toThrow();
  });
});

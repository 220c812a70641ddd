#!/usr/bin/env node
// npm run bench:hot-paths -- [--size-mb 60] [--rounds 5]
// The connector's per-record hot paths, one at a time, in this one process, on the benchmark's
// generated records: the record scanner (the main thread's validating scan of every line), Avro
// encoding by the direct transcoder against parse + conversion + avsc, and the scan with the CSV
// or JSONL writer (lines to uncompressed rows). Prints MB/s of input
// per round (the first rounds include the JIT's warm-up). End-to-end figures come from
// `npm run bench`; this isolates one path from the machine's other work (and its S3 server), so
// a change to one is measured on its own.
import { SCHEMAS, messages } from './generate-records.mjs';
import { arg } from './bench-support.mjs';
import { scanRecordLine } from '../dist/protocol/record-line-scanner.js';
import { jsonSchemaToAvro } from '../dist/format/avro/json-schema-to-avro.js';
import { AvroTranscoder } from '../dist/format/avro/avro-transcoder.js';
import { compileRecord } from '../dist/format/avro/avro-values.js';
import { avroTypeOf } from '../dist/format/avro/avro-writer.js';
import { parseMessage } from '../dist/protocol/parse-message.js';
import { CsvWriterFactory } from '../dist/format/csv-writer.js';
import { JsonlWriterFactory } from '../dist/format/jsonl-writer.js';
import { scannedOutputRow } from '../dist/transform/output-row.js';

const SIZE = Number(arg('size-mb', '60')) * 1e6;
const ROUNDS = Number(arg('rounds', '5'));

const lines = [];
let lineBytes = 0;
for (const line of messages()) {
  const b = Buffer.from(line);
  lines.push(b);
  lineBytes += b.length + 1;
  if (lineBytes >= SIZE) break;
}
const records = lines.map(scanRecordLine).filter(Boolean);
const dataBytes = records.reduce((n, r) => n + r.dataJson.length, 0);
console.log(`${lines.length} lines, ${(lineBytes / 1e6).toFixed(1)} MB; ${records.length} records, ${(dataBytes / 1e6).toFixed(1)} MB of data`);

function measure(name, bytes, run) {
  const figures = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    run();
    figures.push(bytes / 1e3 / (performance.now() - start));
  }
  console.log(`${name.padEnd(34)} ${figures.map((f) => f.toFixed(1).padStart(6)).join(' ')}  MB/s`);
}

measure('scan (lines)', lineBytes, () => {
  for (const line of lines) scanRecordLine(line);
});

const avro = new Map();
for (const [name, properties] of Object.entries(SCHEMAS)) {
  const schema = jsonSchemaToAvro({ type: 'object', properties }, name, 'bench');
  avro.set(name, { transcoder: new AvroTranscoder(schema), type: avroTypeOf(schema), convert: compileRecord(schema) });
}
const abIds = Buffer.from('0f8fad5b-d9cb-469f-a165-70867728950e');
const out = Buffer.alloc(16 * 1024 * 1024);
const ignore = () => undefined;
let direct = 0;
measure('avro: transcoder (data)', dataBytes, () => {
  direct = 0;
  for (const r of records) {
    const { transcoder } = avro.get(r.stream);
    if (transcoder.transcode(r.dataJson, 0, r.dataJson.length, abIds, 0, r.emitted_at, out, 0, ignore) >= 0) direct++;
  }
});
console.log(`  ${direct} of ${records.length} records direct`);
const meta = { abId: abIds.toString(), emittedAt: 0 };
measure('avro: parse + convert + avsc (data)', dataBytes, () => {
  for (const r of records) {
    const { type, convert } = avro.get(r.stream);
    type.encode(convert(parseMessage(r.dataJson.toString()), ignore, meta), out, 0);
  }
});

// CSV with root-level flattening (cells copied from the record's bytes) and JSONL: the main
// thread's per-record work for the text formats, before compression, each line scanned and its
// row written at once, as the reader does (so CSV uses the members the scan noted).
for (const [label, notesMembers, factoryOf] of [
  ['scan + csv: root-level rows', true, (properties) => new CsvWriterFactory('root', { type: 'object', properties })],
  ['scan + jsonl: rows', false, () => new JsonlWriterFactory('none')],
]) {
  const factories = new Map(Object.entries(SCHEMAS).map(([name, properties]) => [name, factoryOf(properties)]));
  measure(label, lineBytes, () => {
    const writers = new Map([...factories].map(([name, f]) => [name, f.create()]));
    for (const line of lines) {
      const record = scanRecordLine(line, notesMembers);
      if (record) writers.get(record.stream).write(scannedOutputRow(record));
    }
    for (const w of writers.values()) w.finish();
  });
}

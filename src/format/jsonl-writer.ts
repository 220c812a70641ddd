import type { Flattening } from '../config/connector-config.js';
import { AB_ID, DATA, EMITTED_AT, type OutputRow } from '../transform/output-row.js';
import { jsonText } from '../transform/json-text.js';
import { ByteChunker, type FormatWriterFactory, type SyncFormatWriter } from './format-writer.js';

/**
 * JSON Lines, one object per row:
 * - no flattening: {"_airbyte_ab_id":…,"_airbyte_emitted_at":…,"_airbyte_data":{…record…}}
 * - root level:    {"_airbyte_ab_id":…,"_airbyte_emitted_at":…, …record fields…}
 * JSON carries any field, so nothing a schema leaves undeclared is lost. When the reader kept the
 * record's data as the source's bytes (OutputRow.dataJson), they are copied as they came.
 */
export class JsonlWriterFactory implements FormatWriterFactory {
  readonly extension = '.jsonl';
  constructor(private readonly flattening: Flattening) {}
  create(): SyncFormatWriter {
    return new JsonlWriter(this.flattening);
  }
}

class JsonlWriter implements SyncFormatWriter {
  private readonly chunker = new ByteChunker();
  constructor(private readonly flattening: Flattening) {}

  write(row: OutputRow): Buffer | undefined {
    const out = this.chunker;
    const bytes = row.dataJson;
    if (bytes && (this.flattening === 'none' || canSpliceFields(bytes))) {
      out.addBytes(HEAD_TO_ID).addAscii(row.abId).addBytes(ID_TO_EMITTED_AT).addInteger(row.emittedAt);
      if (this.flattening === 'none') out.addBytes(TO_DATA).addBytes(bytes).addByte(0x7d).addByte(0x0a);
      else if (isEmptyObject(bytes)) out.addByte(0x7d).addByte(0x0a);
      else out.addByte(0x2c).addRange(bytes, bytes.indexOf(0x7b) + 1, bytes.length).addByte(0x0a);
    } else {
      out.addText(encodeJsonlRow(row, this.flattening));
    }
    return out.full ? out.take() : undefined;
  }

  finish(): Buffer {
    return this.chunker.take();
  }
}

// A row's fixed text, as bytes once rather than a string to encode per row.
const HEAD_TO_ID = Buffer.from(`{"${AB_ID}":"`);
const ID_TO_EMITTED_AT = Buffer.from(`","${EMITTED_AT}":`);
const TO_DATA = Buffer.from(`,"${DATA}":`);
const AIRBYTE_PREFIX = Buffer.from('_airbyte_');
const UNICODE_ESCAPE = Buffer.from('\\u');

/**
 * Whether a flattened row may be the data object's own bytes behind the metadata fields: only if
 * no key could be one of the metadata columns (which win over record fields, never duplicated),
 * checked conservatively: no "_airbyte_" anywhere and no \u escape that could spell it.
 */
function canSpliceFields(bytes: Buffer): boolean {
  return bytes.indexOf(AIRBYTE_PREFIX) === -1 && bytes.indexOf(UNICODE_ESCAPE) === -1;
}

/** `{}`, possibly with whitespace inside: the scanner has validated the object. */
function isEmptyObject(bytes: Buffer): boolean {
  for (let i = bytes.indexOf(0x7b) + 1; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x7d) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return false;
}

export function encodeJsonlRow(row: OutputRow, flattening: Flattening): string {
  const head = `{"${AB_ID}":"${row.abId}","${EMITTED_AT}":${row.emittedAt}`;
  if (flattening === 'none') return `${head},"${DATA}":${jsonText(row.data)}}\n`;
  if (AB_ID in row.data || EMITTED_AT in row.data) {
    // The metadata columns win over record fields of the same name; never emit a duplicate key.
    return jsonText({ ...row.data, [AB_ID]: row.abId, [EMITTED_AT]: row.emittedAt }) + '\n';
  }
  const body = jsonText(row.data);
  return body === '{}' ? `${head}}\n` : `${head},${body.slice(1)}\n`;
}

import type { Flattening } from '../config/connector-config.js';
import { AB_ID, DATA, EMITTED_AT, type OutputRow } from '../transform/output-row.js';
import { jsonText } from '../transform/json-text.js';
import { TextChunker, type FormatWriterFactory, type SyncFormatWriter } from './format-writer.js';

/**
 * JSON Lines, one object per row:
 * - no flattening: {"_airbyte_ab_id":…,"_airbyte_emitted_at":…,"_airbyte_data":{…record…}}
 * - root level:    {"_airbyte_ab_id":…,"_airbyte_emitted_at":…, …record fields…}
 * JSON carries any field, so nothing a schema leaves undeclared is lost.
 */
export class JsonlWriterFactory implements FormatWriterFactory {
  readonly extension = '.jsonl';
  constructor(private readonly flattening: Flattening) {}
  create(): SyncFormatWriter {
    return new JsonlWriter(this.flattening);
  }
}

class JsonlWriter implements SyncFormatWriter {
  private readonly chunker = new TextChunker();
  constructor(private readonly flattening: Flattening) {}

  write(row: OutputRow): Buffer | undefined {
    return this.chunker.add(encodeJsonlRow(row, this.flattening));
  }

  finish(): Buffer {
    return this.chunker.take();
  }
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

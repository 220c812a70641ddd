import type { Flattening } from '../config/connector-config.js';
import { ADDITIONAL_PROPERTIES, AB_ID, DATA, EMITTED_AT, type OutputRow } from '../transform/output-row.js';
import { rootLevelColumns, splitDeclared } from '../transform/root-level-columns.js';
import { jsonText } from '../transform/json-text.js';
import { ByteChunker, type FormatWriterFactory, type SyncFormatWriter } from './format-writer.js';

/**
 * RFC 4180 CSV, with a header row in every file so each file loads on its own.
 * Cells: null and absent values are empty; an empty string is `""`, so loaders can tell the two
 * apart; booleans are true/false; objects and arrays are JSON text.
 * - no flattening: _airbyte_ab_id,_airbyte_emitted_at,_airbyte_data
 * - root level: _airbyte_ab_id,_airbyte_emitted_at,<declared fields, sorted>,_airbyte_additional_properties
 */
export class CsvWriterFactory implements FormatWriterFactory {
  readonly extension = '.csv';
  readonly columns: string[];
  private readonly declared: string[];

  constructor(private readonly flattening: Flattening, jsonSchema: unknown) {
    this.declared = flattening === 'root' ? rootLevelColumns(jsonSchema) : [];
    this.columns =
      flattening === 'root' ? [AB_ID, EMITTED_AT, ...this.declared, ADDITIONAL_PROPERTIES] : [AB_ID, EMITTED_AT, DATA];
  }

  create(): SyncFormatWriter {
    return new CsvWriter(this.flattening, this.columns, this.declared);
  }
}

/** A cell is quoted when it holds a quote, the delimiter or a line break (RFC 4180), or is empty. */
const NEEDS_QUOTES = /[",\r\n]/;

function csvField(cell: string | null): string {
  if (cell === null) return '';
  if (cell === '') return '""';
  return NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * One CSV line. Written here rather than with csv-stringify: its per-cell option handling made it
 * the main thread's largest cost for CSV (94 MB/s against 270 MB/s for this loop on the benchmark's
 * rows, byte for byte the same output), and the rules above are all this format needs.
 */
export function csvLine(cells: readonly (string | null)[]): string {
  let line = csvField(cells[0] ?? null);
  for (let i = 1; i < cells.length; i++) line += ',' + csvField(cells[i]!);
  return line + '\n';
}

class CsvWriter implements SyncFormatWriter {
  private readonly chunker = new ByteChunker();
  private readonly declaredSet: ReadonlySet<string>;

  constructor(
    private readonly flattening: Flattening,
    columns: string[],
    private readonly declared: string[],
  ) {
    this.declaredSet = new Set(declared);
    this.chunker.addText(csvLine(columns));
  }

  write(row: OutputRow): Buffer | undefined {
    const out = this.chunker;
    if (this.flattening === 'none') {
      // The data's JSON text as the source sent it when the reader kept it, else serialised.
      out.addAscii(`${row.abId},${row.emittedAt},`);
      if (row.dataJson) out.addCsvCell(row.dataJson).addAscii('\n');
      else out.addText(csvField(jsonText(row.data)) + '\n');
    } else {
      const { values, additional } = splitDeclared(row.data, this.declared, this.declaredSet);
      out.addText(csvLine([row.abId, String(row.emittedAt), ...values.map(csvCell), additional ? jsonText(additional) : null]));
    }
    return out.full ? out.take() : undefined;
  }

  finish(): Buffer {
    return this.chunker.take();
  }
}

export function csvCell(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return null;
    default:
      return value === null ? null : jsonText(value);
  }
}

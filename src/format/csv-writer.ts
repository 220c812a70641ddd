import type { Flattening } from '../config/connector-config.js';
import { ADDITIONAL_PROPERTIES, AB_ID, DATA, EMITTED_AT, type OutputRow } from '../transform/output-row.js';
import { rootLevelColumns, splitDeclared } from '../transform/root-level-columns.js';
import { jsonText } from '../transform/json-text.js';
import { MemberSpans, hasEscape, keyName } from '../transform/json-members.js';
import { scannedMembers } from '../protocol/record-line-scanner.js';
import { exactNumber } from '../protocol/parse-message.js';
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
  private readonly columns: DeclaredColumns;
  private readonly members = new MemberSpans();
  /** Per member of the row being written, its declared column, or -1 for an undeclared one. */
  private memberColumn = new Int32Array(64);

  constructor(
    private readonly flattening: Flattening,
    columns: string[],
    private readonly declared: string[],
  ) {
    this.declaredSet = new Set(declared);
    this.columns = new DeclaredColumns(declared);
    this.chunker.addText(csvLine(columns));
  }

  write(row: OutputRow): Buffer | undefined {
    const out = this.chunker;
    if (this.flattening === 'none') {
      // The data's JSON text as the source sent it when the reader kept it, else serialised.
      out.addAscii(row.abId).addByte(0x2c).addInteger(row.emittedAt).addByte(0x2c);
      if (row.dataJson) out.addCsvCell(row.dataJson).addAscii('\n');
      else out.addText(csvField(jsonText(row.data)) + '\n');
    } else if (row.dataJson) {
      this.writeFlattenedBytes(row, row.dataJson);
    } else {
      this.writeFlattened(row);
    }
    return out.full ? out.take() : undefined;
  }

  private writeFlattened(row: OutputRow): void {
    const { values, additional } = splitDeclared(row.data, this.declared, this.declaredSet);
    this.chunker.addText(
      csvLine([row.abId, String(row.emittedAt), ...values.map(csvCell), additional ? jsonText(additional) : null]),
    );
  }

  finish(): Buffer {
    return this.chunker.take();
  }

  /**
   * A flattened row from the record's own bytes, cell for cell what csvCell gives for the parsed
   * value, except that objects and arrays keep the source's JSON text (as JSONL does): strings
   * without escapes are their bytes, short integers their digits, other numbers go through the
   * same exact-number parse as before.
   */
  private writeFlattenedBytes(row: OutputRow, json: Buffer): void {
    const out = this.chunker;
    const columns = this.columns;
    const cells = columns.cells.fill(-1);
    // The data's members as the scanner noted them while this row's line was the last scanned;
    // else walked here.
    const noted = row.scan === undefined ? undefined : scannedMembers(row.scan);
    const count = noted ? noted.count : this.members.read(json);
    const spans = noted ? noted.spans : this.members.spans;
    if (this.memberColumn.length < count) this.memberColumn = new Int32Array(2 * count);
    const memberColumn = this.memberColumn;
    let extra = 0;
    for (let m = 0; m < count; m++) {
      const column = columns.indexOf(json, spans[4 * m]!, spans[4 * m + 1]!);
      memberColumn[m] = column;
      // A repeated key: the last value wins, as in JSON.parse.
      if (column !== -1) cells[column] = m;
      else extra++;
    }
    if (extra > 1 && repeatsAKey(json, spans, count, memberColumn)) {
      // JSON.parse keeps a repeated key's last value; rather than rebuild that here, take the parsed path.
      this.writeFlattened(row);
      return;
    }
    out.addAscii(row.abId).addByte(0x2c).addInteger(row.emittedAt);
    for (let c = 0; c < cells.length; c++) {
      out.addByte(0x2c);
      const m = cells[c]!;
      if (m !== -1) addValueCell(out, json, spans[4 * m + 2]!, spans[4 * m + 3]!);
    }
    out.addByte(0x2c);
    if (extra > 0) {
      // The undeclared members as one JSON object, in the record's order; it holds quotes (its
      // keys), so the cell is always quoted.
      out.addByte(0x22).addByte(0x7b);
      let first = true;
      for (let m = 0; m < count; m++) {
        if (memberColumn[m] !== -1) continue;
        if (!first) out.addByte(0x2c);
        first = false;
        out.addCsvQuoted(json, spans[4 * m]!, spans[4 * m + 1]!).addByte(0x3a);
        out.addCsvQuoted(json, spans[4 * m + 2]!, spans[4 * m + 3]!);
      }
      out.addByte(0x7d).addByte(0x22);
    }
    out.addByte(0x0a);
  }
}

/** Whether two of the undeclared members (column -1) have the same key. */
function repeatsAKey(json: Buffer, spans: Int32Array, count: number, memberColumn: Int32Array): boolean {
  const seen = new Set<string>();
  for (let m = 0; m < count; m++) {
    if (memberColumn[m] !== -1) continue;
    const name = keyName(json, spans[4 * m]!, spans[4 * m + 1]!);
    if (seen.has(name)) return true;
    seen.add(name);
  }
  return false;
}

/** Finds a declared column by a key's raw bytes, without decoding keys that need no decoding. */
class DeclaredColumns {
  /** Per column, the member of the row being written that fills it; -1 when absent. */
  readonly cells: Int32Array;
  private readonly byLength = new Map<number, { key: Buffer; index: number }[]>();
  private readonly byName = new Map<string, number>();

  constructor(names: readonly string[]) {
    this.cells = new Int32Array(names.length);
    names.forEach((name, index) => {
      this.byName.set(name, index);
      const key = Buffer.from(JSON.stringify(name));
      const same = this.byLength.get(key.length) ?? [];
      same.push({ key, index });
      this.byLength.set(key.length, same);
    });
  }

  indexOf(json: Buffer, start: number, end: number): number {
    if (hasEscape(json, start, end)) return this.byName.get(keyName(json, start, end)) ?? -1;
    const candidates = this.byLength.get(end - start);
    if (!candidates) return -1;
    for (const { key, index } of candidates) {
      let k = 1; // the opening quotes match
      while (k < key.length && json[start + k] === key[k]) k++;
      if (k === key.length) return index;
    }
    return -1;
  }
}

function addValueCell(out: ByteChunker, json: Buffer, start: number, end: number): void {
  switch (json[start]) {
    case 0x22: // a string: its bytes, unless an escape must be decoded
      if (hasEscape(json, start, end)) out.addText(csvField(JSON.parse(json.toString('utf8', start, end)) as string));
      else out.addCsvRange(json, start + 1, end - 1);
      return;
    case 0x6e: // null: an empty cell
      return;
    case 0x74: // true
    case 0x66: // false
      out.addRange(json, start, end);
      return;
    case 0x7b: // an object or array: its JSON text
    case 0x5b:
      out.addCsvRange(json, start, end);
      return;
    default:
      if (isShortInteger(json, start, end)) out.addRange(json, start, end);
      else out.addAscii(String(exactNumber(json.toString('latin1', start, end))));
  }
}

/** An integer JavaScript prints exactly as written: up to 15 digits, no leading zero, not -0. */
function isShortInteger(json: Buffer, start: number, end: number): boolean {
  let i = json[start] === 0x2d ? start + 1 : start;
  if (end - i > 15 || end === i || (json[i] === 0x30 && end - i > 1) || (json[i] === 0x30 && i > start)) return false;
  for (; i < end; i++) if (json[i]! < 0x30 || json[i]! > 0x39) return false;
  return true;
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

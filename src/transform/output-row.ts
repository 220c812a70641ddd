import { nextRowId } from './row-ids.js';
import type { AirbyteRecordMessage } from '../protocol/messages.js';
import type { ScannedRecord } from '../protocol/record-line-scanner.js';
import { parseMessage } from '../protocol/parse-message.js';

/** One record as every format writes it: Airbyte's two metadata columns plus the record's data. */
export interface OutputRow {
  /**
   * `_airbyte_ab_id`: a random UUID v4, unique per written row. Formats encoded on a worker (Avro,
   * Parquet) never read it: the worker makes the row's id itself (newRowIds).
   */
  readonly abId: string;
  /** `_airbyte_emitted_at`: the record's emitted_at, epoch milliseconds. */
  readonly emittedAt: number;
  readonly data: Record<string, unknown>;
  /**
   * The data as the source's own JSON bytes (a validated object), when the reader kept them: JSON
   * formats copy them instead of serialising `data` again.
   */
  readonly dataJson?: Buffer;
  /** For a row the record scanner read: which scan (see scannedMembers), so a writer can reuse what it noted. */
  readonly scan?: number;
}

export const AB_ID = '_airbyte_ab_id';
export const EMITTED_AT = '_airbyte_emitted_at';
export const DATA = '_airbyte_data';
/** Where root-level flattening puts the fields a stream's schema does not declare. */
export const ADDITIONAL_PROPERTIES = '_airbyte_additional_properties';

export function toOutputRow(record: AirbyteRecordMessage): OutputRow {
  return { abId: nextRowId(), emittedAt: Math.trunc(record.emitted_at), data: record.data };
}

/**
 * A row read by the record scanner: its data is parsed only if something asks for it (a
 * partitioned path, a flattened row whose bytes cannot be copied), with the same exact-integer
 * parser as every other line.
 */
class ScannedRow implements OutputRow {
  readonly emittedAt: number;
  readonly dataJson: Buffer;
  readonly scan: number;
  private parsed: Record<string, unknown> | undefined;
  /** Made when first read: a row encoded on a worker never needs one here. */
  private id: string | undefined;

  constructor(record: ScannedRecord) {
    this.emittedAt = Math.trunc(record.emitted_at);
    this.dataJson = record.dataJson;
    this.scan = record.scan;
  }

  get abId(): string {
    return (this.id ??= nextRowId());
  }

  get data(): Record<string, unknown> {
    return (this.parsed ??= parseMessage(this.dataJson.toString('utf8')) as Record<string, unknown>);
  }
}

export function scannedOutputRow(record: ScannedRecord): OutputRow {
  return new ScannedRow(record);
}

import { randomUUID } from 'node:crypto';
import type { AirbyteRecordMessage } from '../protocol/messages.js';

/** One record as every format writes it: Airbyte's two metadata columns plus the record's data. */
export interface OutputRow {
  /** `_airbyte_ab_id`: a random UUID v4, unique per written row. */
  abId: string;
  /** `_airbyte_emitted_at`: the record's emitted_at, epoch milliseconds. */
  emittedAt: number;
  data: Record<string, unknown>;
}

export const AB_ID = '_airbyte_ab_id';
export const EMITTED_AT = '_airbyte_emitted_at';
export const DATA = '_airbyte_data';
/** Where root-level flattening puts the fields a stream's schema does not declare. */
export const ADDITIONAL_PROPERTIES = '_airbyte_additional_properties';

export function toOutputRow(record: AirbyteRecordMessage): OutputRow {
  return { abId: randomUUID(), emittedAt: Math.trunc(record.emitted_at), data: record.data };
}

/**
 * RFC 3339 dates, times and date-times, parsed exactly (microseconds, zones to UTC). Shared by the
 * typed formats and by the record-field partitions of object keys.
 */
export const NO_MATCH = Symbol('no match');

const MICROS_PER_DAY = 86_400_000_000n;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{1,2}:?\d{2})?$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{1,2}:?\d{2})?$/;

function fractionMicros(fraction: string | undefined): bigint {
  return fraction ? BigInt((fraction.slice(1) + '000000').slice(0, 6)) : 0n;
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const m = /^([+-])(\d{1,2}):?(\d{2})$/.exec(zone)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** RFC 3339 date-time to microseconds since the epoch, UTC; a time without zone counts as UTC. */
export function timestampMicros(text: string): bigint | typeof NO_MATCH {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return NO_MATCH;
  const day = epochDay(m[1]!);
  if (day === NO_MATCH) return NO_MATCH;
  const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (h > 23 || min > 59 || s > 60) return NO_MATCH;
  const seconds = BigInt(day) * 86_400n + BigInt(h * 3600 + min * 60 + s - offsetMinutes(m[6]) * 60);
  return seconds * 1_000_000n + fractionMicros(m[5]);
}

/** yyyy-MM-dd to days since 1970-01-01. */
export function epochDay(text: string): number | typeof NO_MATCH {
  const m = DATE.exec(text.trim());
  if (!m) return NO_MATCH;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return NO_MATCH;
  return Math.round(ms / 86_400_000);
}

/** HH:mm:ss[.ffffff][zone] to microseconds after midnight (UTC when a zone is given). */
export function timeMicros(text: string): bigint | typeof NO_MATCH {
  const m = TIME.exec(text.trim());
  if (!m) return NO_MATCH;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || min > 59 || s > 59) return NO_MATCH;
  const micros = BigInt(h * 3600 + min * 60 + s - offsetMinutes(m[5]) * 60) * 1_000_000n + fractionMicros(m[4]);
  return ((micros % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY;
}

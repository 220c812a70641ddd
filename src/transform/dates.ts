/**
 * RFC 3339 dates, times and date-times, parsed exactly (microseconds, zones to UTC). Shared by the
 * typed formats and by the record-field partitions of object keys.
 *
 * The arithmetic is in doubles, exact for integers up to 2^53 (microseconds: about 285 years
 * either side of 1970), with BigInt only for the result: every date-time of a typed stream passes
 * through here, and BigInt arithmetic was a tenth of the Avro and Parquet encoders' time.
 */
export const NO_MATCH = Symbol('no match');

const MICROS_PER_DAY = 86_400_000_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{1,2}:?\d{2})?$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{1,2}:?\d{2})?$/;

/** The first six digits of a fraction of a second (".5" -> 500000), truncated beyond. */
function fractionMicros(fraction: string | undefined): number {
  if (!fraction) return 0;
  const digits = fraction.slice(1, 7);
  return Number(digits) * 10 ** (6 - digits.length);
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const m = /^([+-])(\d{1,2}):?(\d{2})$/.exec(zone)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil), or NO_MATCH
 * for a day its month does not have. Years below 100 are years, not 19xx as for Date.UTC.
 */
function civilDay(year: number, month: number, day: number): number | typeof NO_MATCH {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NO_MATCH;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Microseconds as a BigInt: from the double when it is exact, else computed in BigInt. */
function exactMicros(seconds: number, micros: number): bigint {
  const total = seconds * 1_000_000 + micros;
  return Number.isSafeInteger(total) ? BigInt(total) : BigInt(seconds) * 1_000_000n + BigInt(micros);
}

/** Room for the UTF-8 of a date-time short enough for timestampMicrosAt: 3 bytes per UTF-16 unit at most. */
const SHORT_DATE_TIME = 40;
const scratch = Buffer.alloc(3 * SHORT_DATE_TIME);

/** RFC 3339 date-time to microseconds since the epoch, UTC; a time without zone counts as UTC. */
export function timestampMicros(text: string): bigint | typeof NO_MATCH {
  if (text.length <= SHORT_DATE_TIME) {
    // The common form through the byte reader (no regex, no substrings); UTF-8, so a character
    // beyond ASCII can never pass for a digit or a separator.
    const fast = timestampMicrosAt(scratch, 0, scratch.write(text, 0, 'utf8'));
    if (!Number.isNaN(fast)) return BigInt(fast);
  }
  return timestampMicrosByPattern(text);
}

/** timestampMicros for any form RFC 3339 allows, by the pattern: what the fast readers must agree with. */
export function timestampMicrosByPattern(text: string): bigint | typeof NO_MATCH {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return NO_MATCH;
  const day = civilDay(Number(m[1]), Number(m[2]), Number(m[3]));
  if (day === NO_MATCH) return NO_MATCH;
  const h = Number(m[4]);
  const min = Number(m[5]);
  const s = Number(m[6]);
  if (h > 23 || min > 59 || s > 60) return NO_MATCH;
  return exactMicros(day * 86_400 + h * 3600 + min * 60 + s - offsetMinutes(m[8]) * 60, fractionMicros(m[7]));
}

/** The value of the ASCII digits b[i], b[i+1]; NaN unless both are digits. */
function twoDigits(b: Uint8Array, i: number): number {
  const hi = b[i]! - 0x30;
  const lo = b[i + 1]! - 0x30;
  return hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? hi * 10 + lo : NaN;
}

/**
 * timestampMicros for the common form only, read from UTF-8 bytes without making a string:
 * `yyyy-MM-ddTHH:mm:ss`, a space or T between, an optional fraction, and Z, z or ±HH:mm. Gives
 * exactly what timestampMicros gives for that text, or NaN for anything else (other zone forms,
 * surrounding spaces, an invalid day or time, a value beyond 2^53 microseconds): the caller then
 * asks timestampMicros, which decides. The Avro transcoder reads every date-time through here.
 */
export function timestampMicrosAt(b: Uint8Array, start: number, end: number): number {
  if (end - start < 19 || b[start + 4] !== 0x2d || b[start + 7] !== 0x2d || b[start + 13] !== 0x3a || b[start + 16] !== 0x3a) return NaN;
  const t = b[start + 10];
  if (t !== 0x54 && t !== 0x20) return NaN;
  const year = twoDigits(b, start) * 100 + twoDigits(b, start + 2);
  const day = civilDay(year, twoDigits(b, start + 5), twoDigits(b, start + 8));
  // NaN fails every comparison in civilDay's range checks, so a non-digit gives NO_MATCH there.
  if (day === NO_MATCH || Number.isNaN(day)) return NaN;
  const h = twoDigits(b, start + 11);
  const min = twoDigits(b, start + 14);
  const sec = twoDigits(b, start + 17);
  if (!(h <= 23 && min <= 59 && sec <= 60)) return NaN;
  let i = start + 19;
  let micros = 0;
  if (b[i] === 0x2e) {
    i++;
    const first = i;
    let scale = 100_000;
    for (let c = b[i]!; i < end && c >= 0x30 && c <= 0x39; c = b[++i]!) {
      micros += (c - 0x30) * scale; // digits past the sixth add 0: truncated, as fractionMicros does
      scale /= 10;
      if (scale < 1) scale = 0;
    }
    if (i === first) return NaN;
  }
  let offset = 0;
  if (i < end) {
    const z = b[i];
    if (z === 0x5a || z === 0x7a) i++;
    else if ((z === 0x2b || z === 0x2d) && end - i === 6 && b[i + 3] === 0x3a) {
      const oh = twoDigits(b, i + 1);
      const om = twoDigits(b, i + 4);
      if (Number.isNaN(oh) || Number.isNaN(om)) return NaN;
      offset = (z === 0x2d ? -1 : 1) * (oh * 60 + om);
      i += 6;
    } else return NaN;
  }
  if (i !== end) return NaN;
  const total = (day * 86_400 + h * 3600 + min * 60 + sec - offset * 60) * 1_000_000 + micros;
  return Number.isSafeInteger(total) ? total : NaN;
}

/** yyyy-MM-dd to days since 1970-01-01. */
export function epochDay(text: string): number | typeof NO_MATCH {
  const m = DATE.exec(text.trim());
  if (!m) return NO_MATCH;
  return civilDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** HH:mm:ss[.ffffff][zone] to microseconds after midnight (UTC when a zone is given). */
export function timeMicros(text: string): bigint | typeof NO_MATCH {
  const m = TIME.exec(text.trim());
  if (!m) return NO_MATCH;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || min > 59 || s > 59) return NO_MATCH;
  const micros = (h * 3600 + min * 60 + s - offsetMinutes(m[5]) * 60) * 1_000_000 + fractionMicros(m[4]);
  return BigInt(((micros % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY);
}

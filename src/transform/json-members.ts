/**
 * Walks the top-level members of a JSON object given as bytes that have already been validated
 * (OutputRow.dataJson, checked by the record scanner), without parsing the values: each member is
 * reported as the byte spans of its key (quotes included) and of its value, in one reused array
 * (a row's walk allocates nothing). Lets flattened CSV
 * copy values as bytes instead of parsing the record and serialising it again.
 *
 * Only for validated input: on malformed bytes the spans are meaningless (it never reads out of
 * bounds, but it does not report errors).
 */
export class MemberSpans {
  /** Four offsets per member: key start and end (quotes included), value start and end. */
  spans = new Int32Array(64);

  /** Members noted so far (by read(), or by push() for a caller that walks the bytes itself). */
  count = 0;

  /** Reads the top-level members of `json`; returns how many. */
  read(json: Buffer): number {
    this.count = 0;
    let i = skipWhitespace(json, json.indexOf(0x7b) + 1);
    while (i < json.length && json[i] === 0x22) {
      const keyEnd = skipString(json, i);
      const valueStart = skipWhitespace(json, skipWhitespace(json, keyEnd) + 1); // past the colon
      const valueEnd = skipValue(json, valueStart);
      this.push(i, keyEnd, valueStart, valueEnd);
      i = skipWhitespace(json, valueEnd);
      if (json[i] !== 0x2c) break; // the closing brace
      i = skipWhitespace(json, i + 1);
    }
    return this.count;
  }

  /** Notes one member's spans, growing the array when full. */
  push(keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
    if (4 * this.count + 4 > this.spans.length) {
      const grown = new Int32Array(this.spans.length * 2);
      grown.set(this.spans);
      this.spans = grown;
    }
    const at = 4 * this.count++;
    this.spans[at] = keyStart;
    this.spans[at + 1] = keyEnd;
    this.spans[at + 2] = valueStart;
    this.spans[at + 3] = valueEnd;
  }
}

/** A key's name from its span (quotes included): its bytes, decoded only when it has an escape. */
export function keyName(json: Buffer, start: number, end: number): string {
  const text = json.toString('utf8', start, end);
  return hasEscape(json, start, end) ? (JSON.parse(text) as string) : text.slice(1, -1);
}

/** Whether a string's span (quotes included) holds an escape, so its bytes are not its text. */
export function hasEscape(json: Buffer, start: number, end: number): boolean {
  // A loop, not json.indexOf(0x5c, start): that searches on to the end of the record, once per
  // member, when the span holds no backslash (the usual case).
  for (let i = start; i < end; i++) if (json[i] === 0x5c) return true;
  return false;
}

function skipWhitespace(b: Buffer, i: number): number {
  let c = b[i];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
  return i;
}

/** From an opening quote to just past its closing quote. */
function skipString(b: Buffer, i: number): number {
  for (i++; i < b.length; i++) {
    // Most bytes are neither a quote nor a backslash: one table load each.
    while (QUOTE_OR_BACKSLASH[b[i]!] === 0) i++;
    const c = b[i];
    if (c === 0x22) return i + 1;
    if (c === 0x5c) i++;
  }
  return b.length;
}

/** 1 for the quote and the backslash; reading past the end gives undefined, which stops the skip too. */
const QUOTE_OR_BACKSLASH = new Uint8Array(256);
QUOTE_OR_BACKSLASH[0x22] = QUOTE_OR_BACKSLASH[0x5c] = 1;

function skipValue(b: Buffer, i: number): number {
  const c = b[i];
  if (c === 0x22) return skipString(b, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    while (i < b.length) {
      const d = b[i];
      if (d === 0x22) {
        i = skipString(b, i);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return i + 1;
      i++;
    }
    return b.length;
  }
  // A number or a literal: up to the next delimiter.
  while (i < b.length) {
    const d = b[i];
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
    i++;
  }
  return i;
}

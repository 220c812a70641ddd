/**
 * Walks the top-level members of a JSON object given as bytes that have already been validated
 * (OutputRow.dataJson, checked by the record scanner), without parsing the values: each member is
 * reported as the byte spans of its key (quotes included) and of its value. Lets flattened CSV
 * copy values as bytes instead of parsing the record and serialising it again.
 *
 * Only for validated input: on malformed bytes the spans are meaningless (it never reads out of
 * bounds, but it does not report errors).
 */
export function forEachMember(
  json: Buffer,
  visit: (keyStart: number, keyEnd: number, valueStart: number, valueEnd: number) => void,
): void {
  let i = skipWhitespace(json, json.indexOf(0x7b) + 1);
  while (i < json.length && json[i] === 0x22) {
    const keyStart = i;
    const keyEnd = skipString(json, i);
    const valueStart = skipWhitespace(json, skipWhitespace(json, keyEnd) + 1); // past the colon
    const valueEnd = skipValue(json, valueStart);
    visit(keyStart, keyEnd, valueStart, valueEnd);
    i = skipWhitespace(json, valueEnd);
    if (json[i] !== 0x2c) return; // the closing brace
    i = skipWhitespace(json, i + 1);
  }
}

/** Whether a string's span (quotes included) holds an escape, so its bytes are not its text. */
export function hasEscape(json: Buffer, start: number, end: number): boolean {
  const at = json.indexOf(0x5c, start);
  return at !== -1 && at < end;
}

function skipWhitespace(b: Buffer, i: number): number {
  let c = b[i];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
  return i;
}

/** From an opening quote to just past its closing quote. */
function skipString(b: Buffer, i: number): number {
  for (i++; i < b.length; i++) {
    const c = b[i];
    if (c === 0x22) return i + 1;
    if (c === 0x5c) i++;
  }
  return b.length;
}

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

/**
 * Splits a byte stream into lines, as bytes (the record scanner reads them undecoded), without a
 * per-line copy of the whole buffer and without a line length limit of its own: `maxLineBytes` is
 * the only cap, so an oversized record is refused with a clear error instead of exhausting memory.
 */
export class LineTooLongError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly limit: number,
    /** The line's first bytes, to tell which stream the message was for. */
    readonly head: string,
  ) {
    super(`line ${lineNumber} is longer than ${limit} bytes`);
  }
}

const HEAD_BYTES = 2048;
const headOf = (parts: Buffer[]) => Buffer.concat(parts).subarray(0, HEAD_BYTES).toString('utf8');

export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;
  for await (const raw of input) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let start = 0;
    let nl = chunk.indexOf(10, start);
    while (nl !== -1) {
      lineNumber++;
      let line: Buffer = chunk.subarray(start, nl);
      if (pendingBytes > 0) {
        if (pendingBytes + line.length > maxLineBytes) throw new LineTooLongError(lineNumber, maxLineBytes, headOf(pending));
        pending.push(line);
        line = Buffer.concat(pending, pendingBytes + line.length);
        pending = [];
        pendingBytes = 0;
      } else if (line.length > maxLineBytes) {
        throw new LineTooLongError(lineNumber, maxLineBytes, headOf([line]));
      }
      yield trimCarriageReturn(line);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      pendingBytes += rest.length;
      if (pendingBytes > maxLineBytes) throw new LineTooLongError(lineNumber + 1, maxLineBytes, headOf(pending));
      pending.push(rest);
    }
  }
  if (pendingBytes > 0) yield trimCarriageReturn(Buffer.concat(pending, pendingBytes));
}

function trimCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 13 ? line.subarray(0, -1) : line;
}

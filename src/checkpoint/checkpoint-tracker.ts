import type { AirbyteStateMessage } from '../protocol/messages.js';

/**
 * Holds STATE messages until every record that arrived before them is in a completed object,
 * then hands them on in arrival order.
 *
 * Records are numbered in arrival order (seq). A state that arrived after n records has position
 * n and may be released once no unfinished file holds a record with seq < n, that is, once every
 * unfinished file's first seq is >= n. States are never reordered: one that is held holds back
 * all that came after it.
 */
export class CheckpointTracker<F = object> {
  private readonly unfinished = new Map<F, number>();
  private readonly held: { position: number; state: AirbyteStateMessage; arrivedAt: number; bytes: number }[] = [];
  released = 0;
  /** Approximate size of the held states (their input lines): bounds the memory they take. */
  heldBytes = 0;

  constructor(private readonly emit: (state: AirbyteStateMessage) => void) {}

  fileOpened(file: F, firstSeq: number): void {
    this.unfinished.set(file, firstSeq);
  }

  fileCompleted(file: F): void {
    this.unfinished.delete(file);
    this.release();
  }

  /** A STATE arrived after `position` records; `bytes` is its size, for the memory bound. */
  addState(position: number, state: AirbyteStateMessage, bytes = 0, now = Date.now()): void {
    this.held.push({ position, state, arrivedAt: now, bytes });
    this.heldBytes += bytes;
    this.release();
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** When the oldest held state arrived, or undefined if none is held. */
  get oldestHeldAt(): number | undefined {
    return this.held[0]?.arrivedAt;
  }

  private release(): void {
    if (this.held.length === 0) return;
    let firstUnfinished = Infinity;
    for (const seq of this.unfinished.values()) if (seq < firstUnfinished) firstUnfinished = seq;
    let n = 0;
    while (n < this.held.length && this.held[n]!.position <= firstUnfinished) {
      this.emit(this.held[n]!.state);
      this.heldBytes -= this.held[n]!.bytes;
      n++;
    }
    if (n > 0) {
      this.held.splice(0, n);
      this.released += n;
    }
  }
}

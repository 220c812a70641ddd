/**
 * The sync-wide limits on open files, across every stream. Each open file holds a format
 * writer's buffer (about 256 KB), a compressor (zlib keeps about 256 KB of state) and the bytes of
 * its next multipart part (up to the part size), so with many streams it is their number and
 * those part buffers, not the data volume, that decide memory. Two limits:
 * - at most `maxFiles` open files: opening one more first stages the least recently written;
 * - at most `maxBufferedBytes` waiting to become parts: beyond it, the file holding the most is
 *   staged (its bytes become its last part), which keeps memory bounded when hundreds of
 *   streams each fill their first part slowly.
 * A staged file is not lost or visible early: it is completed at the next commit like any other.
 */
export class OpenFileBudget {
  private readonly open = new Set<BudgetedFile>();
  bufferedBytes = 0;

  constructor(
    readonly maxFiles: number,
    readonly maxBufferedBytes: number,
  ) {}

  get openCount(): number {
    return this.open.size;
  }

  /** Call before opening a file: stages the least recently written ones while at the cap. */
  makeRoom(): void {
    while (this.open.size >= this.maxFiles) {
      const victim = this.pick((f) => -f.lastWrite);
      if (!victim) return;
      victim.stage();
    }
  }

  opened(file: BudgetedFile): void {
    this.open.add(file);
  }

  closed(file: BudgetedFile): void {
    this.open.delete(file);
  }

  readonly onBuffered = (delta: number): void => {
    this.bufferedBytes += delta;
  };

  /** Call after a write: stages the fullest open file while part buffers exceed the budget. */
  enforceBytes(): void {
    if (this.bufferedBytes <= this.maxBufferedBytes) return;
    let openBytes = 0;
    for (const f of this.open) openBytes += f.bufferedBytes;
    // Files already staged are sending their bytes: only open ones can be asked to stage.
    while (openBytes > this.maxBufferedBytes) {
      const victim = this.pick((f) => f.bufferedBytes);
      if (!victim || victim.bufferedBytes === 0) return;
      openBytes -= victim.bufferedBytes;
      victim.stage();
    }
  }

  private pick(score: (f: BudgetedFile) => number): BudgetedFile | undefined {
    let best: BudgetedFile | undefined;
    let bestScore = -Infinity;
    for (const f of this.open) {
      const s = score(f);
      if (s > bestScore) {
        best = f;
        bestScore = s;
      }
    }
    return best;
  }
}

/** What the budget needs of an open file. stage() must call closed() synchronously. */
export interface BudgetedFile {
  /** Sequence number of the last record written: the least recent is staged first. */
  readonly lastWrite: number;
  readonly bufferedBytes: number;
  stage(): void;
}

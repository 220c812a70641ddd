/**
 * The memory of the rows that all open Parquet files buffer for their next row group. A row
 * group is held in memory until it is written, so with block_size_mb = 128 and ten open streams a
 * writer would hold over a gigabyte. Like parquet-mr's MemoryManager, the pool keeps
 * block_size_mb as the upper bound of a row group and makes a writer flush early when all writers
 * together exceed the budget: a writer flushes once it holds its fair share (budget divided by
 * the writers holding rows), so memory stays near the budget however many streams are open.
 */
export class RowGroupPool {
  private readonly held = new Map<object, number>();
  private total = 0;
  /** How many row groups were written smaller than block_size_mb to respect the budget. */
  earlyFlushes = 0;

  constructor(readonly budgetBytes: number) {}

  /** Records `bytes` more buffered by `writer`; true when the writer should flush now. */
  add(writer: object, bytes: number): boolean {
    const mine = (this.held.get(writer) ?? 0) + bytes;
    this.held.set(writer, mine);
    this.total += bytes;
    if (this.total <= this.budgetBytes) return false;
    if (mine < this.budgetBytes / this.held.size) return false;
    this.earlyFlushes++;
    return true;
  }

  /** The writer wrote (or dropped) everything it buffered. */
  release(writer: object): void {
    this.total -= this.held.get(writer) ?? 0;
    this.held.delete(writer);
  }
}

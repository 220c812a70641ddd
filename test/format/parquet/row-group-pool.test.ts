import { describe, expect, it } from 'vitest';
import { RowGroupPool } from '../../../src/format/parquet/row-group-pool.js';

describe('row group pool', () => {
  it('lets a writer fill its row group while all writers together stay within the budget', () => {
    const pool = new RowGroupPool(100);
    const a = {};
    for (let i = 0; i < 10; i++) expect(pool.add(a, 10)).toBe(false);
    expect(pool.add(a, 1)).toBe(true); // over budget, and a holds everything
    pool.release(a);
    expect(pool.add(a, 50)).toBe(false);
  });

  it('makes the writer holding at least its fair share flush when writers together exceed the budget', () => {
    const pool = new RowGroupPool(90);
    const [a, b, c] = [{}, {}, {}];
    pool.add(a, 40);
    pool.add(b, 40);
    expect(pool.add(c, 5)).toBe(false); // within budget
    expect(pool.add(c, 10)).toBe(false); // over budget, but c holds 15 < 90 / 3
    expect(pool.add(a, 1)).toBe(true); // a holds 41 >= 30: a flushes
    pool.release(a);
    expect(pool.add(b, 1)).toBe(false); // back within budget
    expect(pool.earlyFlushes).toBe(1);
  });
});

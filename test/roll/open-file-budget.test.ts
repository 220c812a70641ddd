import { describe, expect, it } from 'vitest';
import { OpenFileBudget, type BudgetedFile } from '../../src/roll/open-file-budget.js';

function file(budget: OpenFileBudget, name: string, lastWrite: number, bufferedBytes: number, staged: string[]) {
  const f: BudgetedFile = {
    lastWrite,
    bufferedBytes,
    stage: () => {
      staged.push(name);
      budget.closed(f);
    },
  };
  budget.opened(f);
  return f;
}

describe('OpenFileBudget', () => {
  it('stages the least recently written file when opening one more would pass the cap', () => {
    const budget = new OpenFileBudget(3, Infinity);
    const staged: string[] = [];
    file(budget, 'a', 5, 0, staged);
    file(budget, 'b', 2, 0, staged);
    file(budget, 'c', 9, 0, staged);
    budget.makeRoom();
    expect(staged).toEqual(['b']);
    expect(budget.openCount).toBe(2);
  });

  it('stages the fullest open files until the part buffers fit the budget again', () => {
    const budget = new OpenFileBudget(100, 10);
    const staged: string[] = [];
    file(budget, 'a', 1, 4, staged);
    file(budget, 'b', 2, 7, staged);
    file(budget, 'c', 3, 3, staged);
    budget.onBuffered(14);
    budget.enforceBytes();
    expect(staged).toEqual(['b']);
  });

  it('does nothing while within both limits', () => {
    const budget = new OpenFileBudget(2, 10);
    const staged: string[] = [];
    file(budget, 'a', 1, 4, staged);
    budget.onBuffered(4);
    budget.makeRoom();
    budget.enforceBytes();
    expect(staged).toEqual([]);
  });
});

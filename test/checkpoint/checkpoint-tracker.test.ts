import { describe, expect, it } from 'vitest';
import { CheckpointTracker } from '../../src/checkpoint/checkpoint-tracker.js';
import { StateStats } from '../../src/checkpoint/state-stats.js';
import type { AirbyteStateMessage } from '../../src/protocol/messages.js';

const state = (n: number): AirbyteStateMessage => ({ type: 'LEGACY', data: { n } });

describe('checkpoint tracker', () => {
  it('holds a state until the file holding earlier records completes', () => {
    const out: unknown[] = [];
    const t = new CheckpointTracker<string>((s) => out.push(s.data));
    t.fileOpened('f1', 0);
    t.addState(5, state(1));
    expect(out).toEqual([]);
    t.fileCompleted('f1');
    expect(out).toEqual([{ n: 1 }]);
  });

  it('releases a state at once when no open file holds an earlier record', () => {
    const out: unknown[] = [];
    const t = new CheckpointTracker<string>((s) => out.push(s.data));
    t.addState(0, state(1));
    t.fileOpened('f2', 3); // opened by the record after the state
    t.addState(3, state(2));
    expect(out).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('never reorders: a held state holds back the states after it', () => {
    const out: unknown[] = [];
    const t = new CheckpointTracker<string>((s) => out.push(s.data));
    t.fileOpened('a', 0);
    t.addState(2, state(1));
    t.fileOpened('b', 2);
    t.addState(4, state(2));
    t.fileCompleted('b'); // b holds records 2-3 only, but state 1 still waits for a
    expect(out).toEqual([]);
    t.fileCompleted('a');
    expect(out).toEqual([{ n: 1 }, { n: 2 }]);
    expect(t.released).toBe(2);
  });

  it('releases only the states whose records are all in completed files', () => {
    const out: unknown[] = [];
    const t = new CheckpointTracker<string>((s) => out.push(s.data));
    t.fileOpened('users-0', 0);
    t.addState(10, state(1));
    t.fileCompleted('users-0');
    t.fileOpened('users-1', 10);
    t.addState(20, state(2));
    expect(out).toEqual([{ n: 1 }]);
    expect(t.heldCount).toBe(1);
  });
});

describe('state stats', () => {
  const key = (ns: string | null | undefined, name: string) => `${ns ?? ''}.${name}`;

  it('counts a stream’s records since its previous STREAM state', () => {
    const s = new StateStats();
    s.recordSeen('.users');
    s.recordSeen('.users');
    s.recordSeen('.orders');
    const users: AirbyteStateMessage = { type: 'STREAM', stream: { stream_descriptor: { name: 'users' } } };
    expect(s.stamp(users, key).destinationStats).toEqual({ recordCount: 2 });
    expect(s.stamp(users, key).destinationStats).toEqual({ recordCount: 0 });
    const orders: AirbyteStateMessage = { type: 'STREAM', stream: { stream_descriptor: { name: 'orders' } } };
    expect(s.stamp(orders, key).destinationStats).toEqual({ recordCount: 1 });
  });

  it('counts every record since the previous GLOBAL or LEGACY state', () => {
    const s = new StateStats();
    for (let i = 0; i < 3; i++) s.recordSeen('.a');
    s.recordSeen('.b');
    expect(s.stamp({ type: 'GLOBAL', global: {} }, key).destinationStats).toEqual({ recordCount: 4 });
    s.recordSeen('.a');
    expect(s.stamp({ data: { legacy: true } }, key).destinationStats).toEqual({ recordCount: 1 });
  });
});

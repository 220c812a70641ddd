import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WorkerPool, type WorkerReply } from '../../src/format/worker-pool.js';

/** A worker that doubles `n`, replies an error for a negative one and exits on `exit`. */
const script = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.exit) process.exit(3);
  if (m.n < 0) parentPort.postMessage({ id: m.id, error: 'negative' });
  else setTimeout(() => parentPort.postMessage({ id: m.id, doubled: 2 * m.n }), (m.n % 3) * 5);
});`;

const pool = (size: number) =>
  new WorkerPool('doubling', () => ({ worker: new Worker(script, { eval: true }), state: { told: 0 } }), size);

describe('WorkerPool', () => {
  it('answers every request with its own reply, spread over the workers', async () => {
    const p = pool(2);
    const used = new Set<unknown>();
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        p.request<WorkerReply & { doubled: number }>((to, id) => {
          used.add(to.worker);
          to.worker.postMessage({ id, n });
        }),
      ),
    );
    expect(replies.map((r) => r.doubled)).toEqual(Array.from({ length: 50 }, (_, n) => 2 * n));
    expect(used.size).toBe(2);
  });

  it('rejects a request the worker answers with an error, naming the task', async () => {
    await expect(pool(1).request((to, id) => to.worker.postMessage({ id, n: -1 }))).rejects.toThrow('doubling failed on a worker thread: negative');
  });

  it('rejects the pending requests of a worker that dies, and starts a new one for the next', async () => {
    const p = pool(1);
    await expect(p.request((to, id) => to.worker.postMessage({ id, exit: true }))).rejects.toThrow('the doubling worker exited (code 3)');
    const reply = await p.request<WorkerReply & { doubled: number }>((to, id) => to.worker.postMessage({ id, n: 4 }));
    expect(reply.doubled).toBe(8);
  });

  it('sends every request of an assigned series to the same worker, and fails them once it has died', async () => {
    const p = pool(2);
    const to = p.assign();
    const workers = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        p
          .request<WorkerReply & { doubled: number }>((w, id) => w.worker.postMessage({ id, n }), to)
          .then(() => to.worker),
      ),
    );
    expect(new Set(workers).size).toBe(1);
    await expect(p.request((w, id) => w.worker.postMessage({ id, exit: true }), to)).rejects.toThrow('exited (code 3)');
    // Its state (a row group being gathered) died with it: a later request must fail, not wait forever.
    await expect(p.request((w, id) => w.worker.postMessage({ id, n: 1 }), to)).rejects.toThrow('the worker stopped before this request');
  });

  it('lets the process exit with a prestarted worker that never got a request, as after a sync that fails at once', () => {
    const poolModule = fileURLToPath(new URL('../../dist/format/worker-pool.js', import.meta.url));
    const code = `
      import { Worker } from 'node:worker_threads';
      const { WorkerPool } = await import(${JSON.stringify(poolModule)});
      const pool = new WorkerPool('idle', () => ({ worker: new Worker('require("node:worker_threads").parentPort.on("message", () => {})', { eval: true }), state: undefined }));
      pool.prestart();
      console.log('started');`;
    // A file, not `node -e`: an evaluated script exits even with a referenced worker.
    const dir = mkdtempSync(join(tmpdir(), 'worker-pool-'));
    const script = join(dir, 'prestart.mjs');
    writeFileSync(script, code);
    // A worker left referenced keeps the process alive: the kill after 20 s then shows as a signal.
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('started\n');
  });
});

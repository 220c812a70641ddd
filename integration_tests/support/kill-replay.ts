import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MAIN } from '../../test/support/run-connector.js';
import { catalogOf } from '../../test/support/messages.js';
import { duckdb, download, listKeys, workDir, writeConfig, writeJson } from './s3.js';

/**
 * A source that can replay from any state, and a sync that is killed with SIGKILL again and
 * again: each attempt resumes from the last STATE the previous one echoed, as Airbyte does.
 *
 * Message i of the input is a STATE every `stateEvery` messages (its cursor is i + 1, the next
 * message to send) and otherwise a record with id = i for one of three streams. Replaying from
 * cursor p sends messages p, p + 1, ... So if the destination is exactly-once, the bucket ends
 * with every record id exactly once.
 */
export interface KillReplayOptions {
  bucket: string;
  format: Record<string, unknown>;
  /** Messages in the whole input. */
  messages: number;
  recordBytes: number;
  stateEvery: number;
  kills: number;
  /**
   * Where a kill lands: after the attempt's first output line (startup) or after its k-th batch
   * of echoed states, k drawn from [0, maxKillAfterEchoes], then after a further delay drawn from
   * [0, maxKillDelayMs]. So kills hit startup (and the rollback of an earlier attempt), writing,
   * and commits, and most attempts make progress first.
   */
  maxKillAfterEchoes: number;
  maxKillDelayMs: number;
  seed: number;
  env?: Record<string, string>;
}

export interface KillReplayReport {
  attempts: number;
  kills: number;
  /** Kills after which pending-commit markers were found: the kill landed inside a commit. */
  killsDuringCommit: number;
  /** Kills after which the attempt had echoed at least one new state. */
  killsWithProgress: number;
  /**
   * Kills that landed in the one at-least-once window: after the markers' deletion reached S3,
   * before the states were written. The files of that commit are duplicated by the replay.
   */
  killsInEchoWindow: number;
  /** The files those commits made visible: the only places a duplicate may be. */
  echoWindowFiles: { keys: string[]; fromCursor: number }[];
  records: number;
  inputBytes: number;
}

export const STREAMS = ['users', 'products', 'purchases'];

const PROPERTIES = {
  id: { type: 'integer' },
  name: { type: 'string' },
  text: { type: 'string' },
  nested: { type: 'object', properties: { n: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } },
};

function isState(i: number, stateEvery: number): boolean {
  return (i + 1) % stateEvery === 0;
}

function messageLine(i: number, o: KillReplayOptions): string {
  if (isState(i, o.stateEvery)) {
    return JSON.stringify({ type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: { cursor: i + 1 }, stream_states: [] } } });
  }
  const stream = STREAMS[i % STREAMS.length]!;
  const filler = noise(i, o.recordBytes);
  return JSON.stringify({
    type: 'RECORD',
    record: { stream, emitted_at: 1_700_000_000_000 + i, data: { id: i, name: `row ${i}`, text: filler, nested: { n: i % 97, tags: ['a', String(i % 5)] } } },
  });
}

/** Text that compresses about as badly as real prose (a fixed filler would shrink 100x under gzip). */
function noise(i: number, length: number): string {
  const next = prng(i + 1);
  let text = '';
  while (text.length < length) text += WORDS[Math.floor(next() * WORDS.length)]! + ' ';
  return text.slice(0, length);
}

const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua 42 1999 São Paulo Zürich 東京 naïve café ünïcödé'.split(' ');

/** Mulberry32: a small seeded PRNG, so a failing run can be repeated with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Attempt {
  /** Cursor of the last state echoed, if any. */
  lastCursor: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  bytes: number;
  lastLine: string;
}

function runAttempt(args: string[], from: number, o: KillReplayOptions, kill: { afterEchoes: number; delayMs: number } | undefined): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const result: Attempt = { lastCursor: undefined, code: null, signal: null, stderr: '', stdout: '', bytes: 0, lastLine: '' };
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (result.stdout.length < 200_000) result.stdout += line + '\n';
        const m = JSON.parse(line) as { type: string; state?: { global?: { shared_state?: { cursor?: number } } } };
        if (m.type === 'STATE') result.lastCursor = m.state?.global?.shared_state?.cursor;
        if (m.type === 'STATE' && !result.lastLine.includes('"STATE"')) echoes++; // a batch starts
        result.lastLine = line;
        if (kill && echoes >= kill.afterEchoes) arm();
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (t: string) => (result.stderr = (result.stderr + t).slice(-20_000)));
    let timer: NodeJS.Timeout | undefined;
    let echoes = 0;
    const arm = () => {
      if (kill && timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
    };
    let stopped = false;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      stopped = true;
      if (timer) clearTimeout(timer);
      result.code = code;
      result.signal = signal;
      resolve(result);
    });
    child.stdin.on('error', () => undefined); // EPIPE once killed
    (async () => {
      for (let i = from; i < o.messages && !stopped; i++) {
        const line = messageLine(i, o) + '\n';
        result.bytes += line.length;
        if (!child.stdin.write(line)) await new Promise((r) => child.stdin.once('drain', r).once('close', r));
      }
      child.stdin.end();
    })().catch(reject);
  });
}

/** Runs the sync with `kills` SIGKILLs, then once more to the end, resuming from echoed states. */
export async function killAndReplay(o: KillReplayOptions): Promise<KillReplayReport> {
  const dir = workDir();
  const config = writeConfig(dir, o.bucket, { format: o.format });
  const catalog = writeJson(dir, 'catalog.json', catalogOf(STREAMS.map((name) => ({ name, properties: PROPERTIES }))));
  const args = ['write', '--config', config, '--catalog', catalog];
  const random = prng(o.seed);
  const report: KillReplayReport = {
    attempts: 0,
    kills: 0,
    killsDuringCommit: 0,
    killsWithProgress: 0,
    killsInEchoWindow: 0,
    echoWindowFiles: [],
    records: 0,
    inputBytes: 0,
  };
  let cursor = 0;
  for (;;) {
    const before = new Set(await listKeys(o.bucket));
    const kill =
      report.kills < o.kills
        ? { afterEchoes: Math.floor(random() * (o.maxKillAfterEchoes + 1)), delayMs: random() * o.maxKillDelayMs }
        : undefined;
    const attempt = await runAttempt(args, cursor, o, kill);
    report.attempts++;
    report.inputBytes += attempt.bytes;
    if (process.env.KILL_REPLAY_DEBUG) console.log(`attempt ${report.attempts} from ${cursor}: ${attempt.signal ?? attempt.code}, last state ${attempt.lastCursor}, states ${attempt.stdout.split('"STATE"').length - 1}\n${attempt.stdout.slice(-600)}`);
    if (attempt.signal === 'SIGKILL') {
      report.kills++;
      if (attempt.lastCursor !== undefined) report.killsWithProgress++;
      const keys = await listKeys(o.bucket);
      const markers = keys.some((k) => k.includes("_airbyte_pending_commits/"));
      if (markers) report.killsDuringCommit++;
      if (!markers && attempt.lastLine.includes('files visible, deleting the marker')) {
        report.killsInEchoWindow++;
        report.echoWindowFiles.push({ keys: keys.filter((k) => !before.has(k)), fromCursor: attempt.lastCursor ?? cursor });
      }
      cursor = attempt.lastCursor ?? cursor;
      continue;
    }
    if (attempt.code !== 0) {
      throw new Error(`attempt ${report.attempts} failed with exit ${attempt.code}:\n${attempt.stdout.slice(-3000)}\n${attempt.stderr.slice(-3000)}`);
    }
    if (attempt.lastCursor !== undefined && kill === undefined && attempt.lastCursor !== o.messages - (o.messages % o.stateEvery)) {
      throw new Error(`the last attempt echoed state ${attempt.lastCursor}, not the input's last state`);
    }
    break;
  }
  for (let i = 0; i < o.messages; i++) if (!isState(i, o.stateEvery)) report.records++;
  return report;
}

/**
 * Reads every object back with DuckDB (not our code) and counts record ids: per stream, how many
 * rows, how many distinct ids, and the id range.
 */
export async function countIds(
  bucket: string,
  kind: 'jsonl' | 'parquet',
  report: KillReplayReport,
): Promise<{ rows: number; distinct: number; min: number; max: number; stray: string[]; duplicates: number; explained: number }> {
  const dir = workDir();
  const keys = await download(bucket, '', dir);
  const stray = keys.filter((k) => !(kind === 'jsonl' ? /\.jsonl(\.gz)?$/ : /\.parquet$/).test(k));
  const glob = join(dir, 'out', '**', kind === 'jsonl' ? '*.jsonl*' : '*.parquet');
  const source =
    kind === 'jsonl'
      ? `(SELECT _airbyte_data.id AS id, filename FROM read_json('${glob}', format = 'newline_delimited', filename = true))`
      : `(SELECT id, filename FROM read_parquet('${glob}', filename = true))`;
  const [row] = duckdb(`SELECT count(*) AS n, count(DISTINCT id) AS d, min(id) AS lo, max(id) AS hi FROM ${source}`);
  // Rows of the files made visible by commits whose kill hit the echo window, beyond the state
  // their attempt last echoed: these, and only these, are replayed twice.
  const files = duckdb(`SELECT filename, count(*) AS n, min(id) AS lo FROM ${source} GROUP BY filename`);
  let explained = 0;
  for (const f of files) {
    const key = String(f.filename).slice(dir.length + 1);
    if (report.echoWindowFiles.some((w) => w.keys.includes(key) && Number(f.lo) >= w.fromCursor)) explained += Number(f.n);
  }
  const rows = Number(row!.n);
  const distinct = Number(row!.d);
  return { rows, distinct, min: Number(row!.lo), max: Number(row!.hi), stray, duplicates: rows - distinct, explained };
}

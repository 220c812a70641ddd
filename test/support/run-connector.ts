import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface ConnectorRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Every stdout line, parsed: the test fails if one is not JSON. */
  messages: Record<string, any>[];
  stdout: string;
  stderr: string;
}

/** Runs the built connector (dist/main.js) as a child process, as an orchestrator would. */
export function runConnector(
  args: string[],
  options: { stdin?: string | Buffer | AsyncIterable<Buffer | string>; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<ConnectorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.stdin.on('error', () => undefined); // the connector may exit before reading everything
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const lines = stdout.split('\n').filter((l) => l !== '');
      const messages = lines.map((l) => {
        try {
          return JSON.parse(l) as Record<string, any>;
        } catch {
          throw new Error(`stdout line is not JSON: ${l}`);
        }
      });
      resolve({ code, signal, messages, stdout, stderr: Buffer.concat(err).toString('utf8') });
    });
    const input = options.stdin;
    if (input === undefined || typeof input === 'string' || Buffer.isBuffer(input)) {
      child.stdin.end(input);
    } else {
      void (async () => {
        for await (const chunk of input) {
          if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
        }
        child.stdin.end();
      })().catch(() => child.stdin.destroy());
    }
  });
}

export const ofType = (run: ConnectorRun, type: string) => run.messages.filter((m) => m.type === type);

export function traceError(run: ConnectorRun): { message: string; failure_type: string } | undefined {
  return run.messages.find((m) => m.type === 'TRACE' && m.trace?.type === 'ERROR')?.trace.error;
}

/** A connector process driven line by line, for tests that react to what it prints mid-sync. */
export class InteractiveConnector {
  readonly messages: Record<string, any>[] = [];
  private readonly child;
  private buffered = '';
  private waiters: (() => void)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.on('data', (c: Buffer) => {
      this.buffered += c.toString('utf8');
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) !== -1) {
        this.messages.push(JSON.parse(this.buffered.slice(0, nl)));
        this.buffered = this.buffered.slice(nl + 1);
      }
      this.waiters.splice(0).forEach((w) => w());
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  async send(lines: string[]): Promise<void> {
    if (!this.child.stdin.write(lines.join('\n') + '\n')) await new Promise((r) => this.child.stdin.once('drain', r));
  }

  end(): void {
    this.child.stdin.end();
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves once a printed message satisfies the predicate; fails after `timeoutMs`. */
  async waitFor(predicate: (m: Record<string, any>) => boolean, timeoutMs = 30_000): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such message within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

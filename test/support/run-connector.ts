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

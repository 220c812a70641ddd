import { runCheck } from './check/check-command.js';
import { loadSpec } from './config/spec.js';
import { ConfigError, SystemError } from './errors.js';
import { ProtocolWriter } from './protocol/protocol-writer.js';
import { runWrite } from './sync/write-command.js';

const USAGE = 'Usage: destination-s3 spec | check --config FILE | write --config FILE --catalog FILE < messages.jsonl';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i !== -1) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

function required(args: string[], name: string, command: string): string {
  const value = option(args, name);
  if (!value) throw new ConfigError(`${command} needs --${name} FILE. ${USAGE}`);
  return value;
}

/**
 * Orchestrators stop a sync with SIGTERM (Ctrl-C sends SIGINT). Stopping the input ends the write
 * loop, which then aborts every upload in progress, so nothing partial becomes visible, and
 * reports the cancellation as a TRACE.
 */
async function withCancellation<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    controller.abort(new SystemError(`The sync was cancelled by ${name}. Uploads in progress were aborted; no partial file is visible.`));
    process.stdin.destroy();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

/** Runs one command; returns the exit code. stdout carries protocol messages only. */
export async function main(args: string[], out = new ProtocolWriter()): Promise<number> {
  const command = args[0];
  try {
    switch (command) {
      case 'spec':
        out.emit({ type: 'SPEC', spec: loadSpec() as unknown as Record<string, unknown> });
        return 0;
      case 'check':
        await runCheck(required(args, 'config', 'check'), out);
        return 0;
      case 'write':
        await withCancellation((signal) =>
          runWrite({
            configPath: required(args, 'config', 'write'),
            catalogPath: required(args, 'catalog', 'write'),
            input: process.stdin,
            out,
            signal,
          }),
        );
        return 0;
      default:
        throw new ConfigError(`Unknown command ${JSON.stringify(command ?? '')}. ${USAGE}`);
    }
  } catch (err) {
    out.traceError(err);
    return 1;
  }
}

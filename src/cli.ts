import { runCheck } from './check/check-command.js';
import { loadSpec } from './config/spec.js';
import { ConfigError } from './errors.js';
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
        await runWrite({
          configPath: required(args, 'config', 'write'),
          catalogPath: required(args, 'catalog', 'write'),
          input: process.stdin,
          out,
        });
        return 0;
      default:
        throw new ConfigError(`Unknown command ${JSON.stringify(command ?? '')}. ${USAGE}`);
    }
  } catch (err) {
    out.traceError(err);
    return 1;
  }
}

import type { AirbyteMessage, AirbyteStateMessage, LogLevel } from './messages.js';
import { ConnectorError, errorMessage } from '../errors.js';
import { jsonText } from '../transform/json-text.js';
import { scrubSecrets } from './secrets.js';

/**
 * The only code that writes to stdout. Every line is one Airbyte protocol message, so an
 * orchestrator can parse the stream without guessing; human-readable text goes out as LOG.
 */
export class ProtocolWriter {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  emit(message: AirbyteMessage): void {
    // jsonText: a state may carry integers beyond 2^53 (as BigInt), echoed exactly.
    const text = jsonText(message);
    // A STATE is the source's, echoed byte for byte; everything the connector says is scrubbed.
    this.out.write((message.type === 'STATE' ? text : scrubSecrets(text)) + '\n');
  }

  log(level: LogLevel, message: string): void {
    this.emit({ type: 'LOG', log: { level, message } });
  }

  info(message: string): void {
    this.log('INFO', message);
  }

  warn(message: string): void {
    this.log('WARN', message);
  }

  state(state: AirbyteStateMessage): void {
    this.emit({ type: 'STATE', state });
  }

  /**
   * Several states in one write: a commit's states reach the orchestrator together or, if the
   * process dies at that instant, none of them (stdout is written synchronously).
   */
  states(states: readonly AirbyteStateMessage[]): void {
    if (states.length === 0) return;
    this.out.write(states.map((state) => jsonText({ type: 'STATE', state }) + '\n').join(''));
  }

  /** Reports a failure as an ERROR TRACE, the message Airbyte surfaces to the user. */
  traceError(err: unknown): void {
    const known = err instanceof ConnectorError;
    const message = known ? err.message : `Unexpected error: ${errorMessage(err)}`;
    const cause = known && err.cause !== undefined ? errorMessage(err.cause) : undefined;
    this.emit({
      type: 'TRACE',
      trace: {
        type: 'ERROR',
        emitted_at: Date.now(),
        error: {
          message,
          internal_message: cause ?? (err instanceof Error ? `${err.name}: ${err.message}` : String(err)),
          stack_trace: err instanceof Error ? (err.stack ?? '') : '',
          failure_type: known ? err.failureType : 'system_error',
        },
      },
    });
  }

  /** Resolves once everything written so far has been handed to the OS. */
  flush(): Promise<void> {
    return new Promise((resolve) => this.out.write('', () => resolve()));
  }
}

import type { FailureType } from './protocol/messages.js';

/**
 * An error whose message is written for the user: it names the problem and the fix. Anything
 * thrown that is not a ConnectorError is reported as an unexpected system_error.
 */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly failureType: FailureType,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The configuration or the catalog is wrong; retrying without changing them cannot succeed. */
export class ConfigError extends ConnectorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'config_error', options);
  }
}

/** The input or the store misbehaved. */
export class SystemError extends ConnectorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'system_error', options);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

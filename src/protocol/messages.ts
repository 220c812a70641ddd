/**
 * The subset of the Airbyte protocol (airbyte_protocol.yaml) this destination reads and writes.
 * Only the fields the connector acts on are typed; everything else on a message is carried as-is.
 */

export interface StreamDescriptor {
  name: string;
  namespace?: string | null;
}

export interface AirbyteRecordMessage {
  stream: string;
  namespace?: string | null;
  data: Record<string, unknown>;
  emitted_at: number;
}

export type StateType = 'STREAM' | 'GLOBAL' | 'LEGACY';

export interface AirbyteStateMessage {
  type?: StateType;
  stream?: { stream_descriptor: StreamDescriptor; stream_state?: unknown };
  global?: unknown;
  data?: unknown;
  sourceStats?: { recordCount?: number };
  destinationStats?: { recordCount?: number };
  [key: string]: unknown;
}

export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';

export type FailureType = 'system_error' | 'config_error' | 'transient_error';

export interface AirbyteTraceMessage {
  type: 'ERROR' | 'ESTIMATE' | 'STREAM_STATUS' | 'ANALYTICS';
  emitted_at: number;
  error?: {
    message: string;
    internal_message?: string;
    stack_trace?: string;
    failure_type?: FailureType;
  };
  stream_status?: { stream_descriptor: StreamDescriptor; status: string };
  [key: string]: unknown;
}

export type AirbyteMessage =
  | { type: 'RECORD'; record: AirbyteRecordMessage }
  | { type: 'STATE'; state: AirbyteStateMessage }
  | { type: 'LOG'; log: { level: LogLevel; message: string; stack_trace?: string } }
  | { type: 'TRACE'; trace: AirbyteTraceMessage }
  | { type: 'SPEC'; spec: Record<string, unknown> }
  | { type: 'CONNECTION_STATUS'; connectionStatus: { status: 'SUCCEEDED' | 'FAILED'; message?: string } };

export function describeStream(d: StreamDescriptor): string {
  return d.namespace ? `${d.namespace}.${d.name}` : d.name;
}

import type { AirbyteStateMessage } from '../protocol/messages.js';

/**
 * Counts records per state scope so each echoed state carries destinationStats.recordCount: for a
 * STREAM state, the records of that stream since its previous state; for GLOBAL and LEGACY
 * states, all records since the previous such state.
 */
export class StateStats {
  private readonly perStream = new Map<string, number>();
  private sinceGlobal = 0;

  recordSeen(streamKey: string): void {
    this.perStream.set(streamKey, (this.perStream.get(streamKey) ?? 0) + 1);
    this.sinceGlobal++;
  }

  /** Returns the state with destinationStats set, and restarts the count of its scope. */
  stamp(state: AirbyteStateMessage, streamKeyOf: (namespace: string | null | undefined, name: string) => string): AirbyteStateMessage {
    let count: number;
    if (state.type === 'STREAM' && state.stream?.stream_descriptor) {
      const d = state.stream.stream_descriptor;
      const key = streamKeyOf(d.namespace, d.name);
      count = this.perStream.get(key) ?? 0;
      this.perStream.set(key, 0);
    } else {
      count = this.sinceGlobal;
      this.sinceGlobal = 0;
      this.perStream.clear();
    }
    return { ...state, destinationStats: { recordCount: count } };
  }
}

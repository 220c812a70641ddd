import type { StreamFiles } from '../roll/stream-files.js';

/** 512 B, 12.3 kB, 45.6 MB, 7.89 GB: readable at every scale of a sync. */
export function humanBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** Formats the periodic progress LOG and the final summary of a write. */
export class Progress {
  private readonly started = Date.now();
  bytesIn = 0;
  records = 0;

  constructor(private readonly streams: ReadonlyMap<string, { label: string; files: StreamFiles | undefined }>) {}

  line(kind: 'progress' | 'summary', statesEchoed: number, statesHeld: number): string {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    let files = 0;
    let written = 0;
    const perStream: string[] = [];
    for (const { label, files: f } of this.streams.values()) {
      if (!f || f.rows === 0) continue;
      const done = f.completed.reduce((sum, c) => sum + c.bytes, 0);
      files += f.completed.length;
      written += done + f.openBytes;
      perStream.push(`${label}: ${f.rows} records, ${f.completed.length} files, ${humanBytes(done + f.openBytes)}`);
    }
    return (
      `${kind}: ${this.records} records, ${humanBytes(this.bytesIn)} in (${humanBytes(Math.round(this.bytesIn / seconds))}/s) over ${seconds.toFixed(1)} s; ` +
      `${files} files completed, ${humanBytes(written)} written; states echoed ${statesEchoed}, held ${statesHeld}` +
      (perStream.length > 0 ? ` | ${perStream.join('; ')}` : '')
    );
  }
}

import type { StreamFiles } from '../roll/stream-files.js';

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

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
      perStream.push(`${label}: ${f.rows} records, ${f.completed.length} files, ${mb(done + f.openBytes)} MB`);
    }
    return (
      `${kind}: ${this.records} records, ${mb(this.bytesIn)} MB in (${mb(this.bytesIn / seconds)} MB/s) over ${seconds.toFixed(1)} s; ` +
      `${files} files completed, ${mb(written)} MB written; states echoed ${statesEchoed}, held ${statesHeld}` +
      (perStream.length > 0 ? ` | ${perStream.join('; ')}` : '')
    );
  }
}

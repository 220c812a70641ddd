import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('config types', () => {
  it('are generated from the current spec/spec.json', () => {
    const script = fileURLToPath(new URL('../../scripts/generate-config-types.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});

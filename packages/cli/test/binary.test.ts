import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
const binary = join(packageRoot, manifest.bin.molap);

/** Runs the built `molap` binary (built by `npm test` before vitest starts). */
async function molap(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [binary, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the molap binary', () => {
  it('prints the package version', async () => {
    const result = await molap('--version');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`molap/${manifest.version}`);
  });

  it('exits 2 with a hint on an unknown command', async () => {
    const result = await molap('frobnicate');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toContain('molap --help');
  });
});

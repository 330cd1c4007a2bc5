import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types.
import { compileNormalKernel, generatedModule } from '../scripts/generate-normal-kernel.mjs';
import { normalKernel } from '../src/normal-kernel.js';

describe('the embedded normal kernel', () => {
  it('is the compiled assembly/ source (run `npm run generate -w @molap/tasks` after editing it)', async () => {
    const committed = readFileSync(new URL('../src/normal-kernel.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(generatedModule(await compileNormalKernel()));
  });

  it('is in use on this runtime, with its memory layout inside one page', () => {
    const kernel = normalKernel();
    expect(kernel).not.toBeNull();
    expect(kernel!.buffer.buffer.byteLength).toBe(65536);
  });
});

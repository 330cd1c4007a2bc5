import { defineConfig, type Options } from 'tsup';

/**
 * The build every package shares: ESM + CJS with type declarations for Node 20.
 * @param overrides per-package changes (extra entries, ESM-only formats, …).
 */
export function molapBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // The package tsconfigs are composite (for `tsc -b`); the declaration bundler needs a plain program.
    dts: { compilerOptions: { composite: false } },
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...overrides,
  });
}

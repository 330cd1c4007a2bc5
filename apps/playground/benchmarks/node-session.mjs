// The page's session code (`src/train/session.ts`) built for Node against the packages' Node entries, so the
// benchmarks run exactly what the page's Web Worker runs. Not a suite (no `.bench.mjs`): the suites import it.
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds the session module into `dist-bench/`, imports it and passes it to `use`; the build is removed
 * afterwards, whatever `use` does.
 * @returns what `use` returns.
 */
export async function withNodeSession(use) {
  const outDir = join(appRoot, 'dist-bench');
  try {
    await build({
      root: appRoot,
      logLevel: 'error',
      publicDir: false,
      ssr: { external: ['@molap/backend', '@molap/composer', '@molap/core', '@molap/primitives', '@molap/tasks'] },
      build: { ssr: 'src/train/session.ts', outDir, emptyOutDir: true },
    });
    return await use(await import(pathToFileURL(join(outDir, 'session.js')).href));
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

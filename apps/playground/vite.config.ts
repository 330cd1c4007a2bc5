import { defineConfig, type Plugin } from 'vite';
import { CROSS_ORIGIN_ISOLATION } from './scripts/headers.mjs';

/**
 * Fails the build when a module of the page or of its worker imports a Node built-in (`node:fs`, …): the packages' browser
 * entries (export condition `browser`) must not reach one. Vite would otherwise replace it by an empty
 * module with a warning, and the page would fail only when a user reaches that code.
 */
function noNodeBuiltins(): Plugin {
  return {
    name: 'molap:no-node-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (this.environment?.config.consumer === 'server') return null; // a Node build (the benchmark's)
      if (source.startsWith('node:')) {
        this.error(
          `${importer ?? 'the page'} imports ${source}, a Node module: the package it belongs to must keep it out of its browser entry (src/browser.ts)`,
        );
      }
      return null;
    },
  };
}

export default defineConfig({
  // Relative asset URLs: the built folder can be hosted under any path (docs/playground.md).
  base: './',
  plugins: [noNodeBuiltins()],
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2048 },
  // The training worker is an ES module (it shares chunks with the page).
  worker: { format: 'es', plugins: () => [noNodeBuiltins()] },
  server: { headers: CROSS_ORIGIN_ISOLATION },
  preview: { headers: CROSS_ORIGIN_ISOLATION },
});

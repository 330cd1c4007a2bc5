import { molapBuild } from '../../tsup.shared.js';

/**
 * Two public entries: the Node one and the browser one (export condition `browser`); ESM shares their chunks.
 * esbuild puts the modules reached from the same set of entries into one chunk, and a bundler (Vite, webpack) can
 * leave out or defer a chunk, not part of one. The two `split/` entries (no export points at them) give the tfjs
 * engine and the browser's native engine chunks of their own, apart from the helpers both use: a page that trains
 * on the native engine and imports the tfjs engine only on demand (the playground's `webgl` engine) then bundles
 * no tfjs code on its native path.
 */
export default molapBuild({
  entry: {
    index: 'src/index.ts',
    browser: 'src/browser.ts',
    'split/tfjs-engine': 'src/tfjs/engine.ts',
    'split/native-browser-engine': 'src/native/browser-engine.ts',
  },
  dts: { entry: ['src/index.ts', 'src/browser.ts'], compilerOptions: { composite: false } },
  // CommonJS has no shared chunks: the split entries would only be unused copies.
  esbuildOptions(options, { format }) {
    if (format !== 'cjs' || !options.entryPoints || Array.isArray(options.entryPoints)) return;
    options.entryPoints = Object.fromEntries(
      Object.entries(options.entryPoints).filter(([name]) => !name.startsWith('split/')),
    );
  },
});

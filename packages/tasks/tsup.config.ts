import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { molapBuild } from '../../tsup.shared.js';

// fflate (zip for .npz) is bundled so that @molap/tasks keeps zero runtime dependencies; its MIT
// license travels with the bundle.
const fflateRoot = dirname(createRequire(import.meta.url).resolve('fflate/package.json'));
const fflateLicense = readFileSync(join(fflateRoot, 'LICENSE'), 'utf8').trim().replaceAll('*/', '* /');

// Two entries: the Node one and the browser one (export condition `browser`); ESM shares their chunks.
export default molapBuild({
  entry: ['src/index.ts', 'src/browser.ts'],
  noExternal: ['fflate'],
  banner: { js: `/*! Bundled: fflate (zip/deflate)\n${fflateLicense}\n*/` },
});

import { molapBuild } from '../../tsup.shared.js';

// Two entries: the Node one and the browser one (export condition `browser`); ESM shares their chunks.
export default molapBuild({ entry: ['src/index.ts', 'src/browser.ts'] });

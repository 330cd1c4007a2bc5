import { molapBuild } from '../../tsup.shared.js';

// Two entries: the Node one and the browser one (export condition `browser`), each bundled on its own
// (no shared chunk): tests and worker threads import `dist/index.js` alone, as before the browser entry.
export default molapBuild({ entry: ['src/index.ts', 'src/browser.ts'], splitting: false });

import { molapProject } from '../../vitest.shared.js';

// Builds the page and runs a tiny study once, then drives Chromium: generous timeouts for a loaded machine.
export default molapProject('playground', { testTimeout: 120_000 });

import { molapProject } from '../../vitest.shared.js';

export default molapProject('molap-example-run-a-study', { testTimeout: 120_000 });

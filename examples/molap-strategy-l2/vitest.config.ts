import { molapProject } from '../../vitest.shared.js';

export default molapProject('molap-strategy-l2', { testTimeout: 120_000 });

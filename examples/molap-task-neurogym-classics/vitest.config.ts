import { molapProject } from '../../vitest.shared.js';

export default molapProject('molap-task-neurogym-classics', { testTimeout: 60_000 });

import { molapProject } from '../../vitest.shared.js';

// After the other projects: the end-to-end tests start Redis, coordinators and worker processes.
export default molapProject('distributed', { groupOrder: 1 });

import { molapProject } from '../../vitest.shared.js';

export default molapProject('distributed');

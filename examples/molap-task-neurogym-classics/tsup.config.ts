import { molapBuild } from '../../tsup.shared.js';

// One entry, dist/tasks.js: the module named by the package.json "molap" field.
export default molapBuild({ entry: { tasks: 'src/tasks.ts' } });

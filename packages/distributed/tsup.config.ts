import { molapBuild } from '../../tsup.shared.js';

export default molapBuild();

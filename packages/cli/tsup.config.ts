import { molapBuild } from '../../tsup.shared.js';

export default molapBuild({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts', compilerOptions: { composite: false } },
});

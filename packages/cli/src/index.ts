/**
 * @molap/cli: the `molap` command. Programs call `main(argv)`; the work itself lives in the libraries
 * (`runStudy` of @molap/study, `compare` of @molap/baselines, …), and the config types are those of
 * @molap/study.
 */
export type {
  BudgetConfig,
  MolapConfig,
  MolapConfigFile,
  RunConfig,
  RunPresetName,
  StrategySpecConfig,
} from '@molap/study';
export { main } from './main.js';

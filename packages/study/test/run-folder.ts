/** A new run folder for tests: `createRunFolder` with the record `startRunFolder` would write for `plan`. */
import type { MolapConfig } from '../src/config.js';
import { createRunFolder, RUN_FORMAT, RUN_FORMAT_VERSION } from '../src/folder.js';
import type { StudyPlan } from '../src/plan.js';
import { PACKAGE_VERSION } from '../src/version.js';

/** Makes a run folder in `parent` recording `plan` and the `config` it came from; returns its path. */
export function recordedRunFolder(parent: string, plan: StudyPlan, config: MolapConfig): Promise<string> {
  return createRunFolder(
    parent,
    {
      format: RUN_FORMAT,
      formatVersion: RUN_FORMAT_VERSION,
      molapVersion: PACKAGE_VERSION,
      createdAt: new Date().toISOString(),
      preset: plan.preset,
      seeds: plan.seeds,
      config,
      plan,
    },
    new Date(),
  );
}

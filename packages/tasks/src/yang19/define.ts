/** Turns a Yang family variant into a `Task` value (metadata, periods, layout, generate). */
import { type Rng, TASK_API_VERSION, type Task, type TaskOptions } from '../task.js';
import { yang19Layout } from './layout.js';
import { renderPlan, type TrialPlan } from './plan.js';
import type { Yang19Rule } from './rules.js';

/** Citation used in the metadata of the 20 tasks. */
export const YANG19_PAPER =
  'Yang, Joglekar, Song, Newsome & Wang (2019). Task representations in neural networks trained to perform many cognitive tasks. Nature Neuroscience 22, 297–306 (Yang et al. 2019, Nature Neuroscience)';
/** DOI link of the paper. */
export const YANG19_LINK = 'https://doi.org/10.1038/s41593-018-0310-2';

/** What a family module gives for one task. */
export interface Yang19TaskSpec {
  readonly id: Yang19Rule;
  /** Paper display name, e.g. 'Dly Anti'. */
  readonly displayName: string;
  readonly description: string;
  /** Tags besides 'yang19' (added here). */
  readonly tags: readonly string[];
  readonly periods: readonly string[];
  /** Decides every trial of the batch (timings, stimuli, response). */
  plan(rng: Rng, options: TaskOptions): TrialPlan;
}

/** Builds the frozen `Task` value of a Yang task. */
export function defineYang19Task(spec: Yang19TaskSpec): Task {
  return Object.freeze({
    id: spec.id,
    apiVersion: TASK_API_VERSION,
    meta: Object.freeze({
      displayName: spec.displayName,
      description: spec.description,
      paper: YANG19_PAPER,
      link: YANG19_LINK,
      tags: Object.freeze([...spec.tags, 'yang19']),
    }),
    periods: Object.freeze([...spec.periods]),
    layout: yang19Layout,
    generate(rng: Rng, options: TaskOptions) {
      return renderPlan(spec.plan(rng, options), spec.id, options, rng);
    },
  });
}

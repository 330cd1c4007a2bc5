import { type TaskOptions, YANG19_RULES } from '@molap/tasks';

export const PERCEPTUAL_DECISION_MAKING_ID = 'neurogym/perceptual-decision-making';
export const GO_NO_GO_ID = 'neurogym/go-no-go';
export const READY_SET_GO_ID = 'neurogym/ready-set-go';
export const DELAY_COMPARISON_ID = 'neurogym/delay-comparison';

/** Ids of the tasks of this plugin, in the order of its `tasks` export. */
export const NEUROGYM_CLASSICS_IDS = [
  PERCEPTUAL_DECISION_MAKING_ID,
  GO_NO_GO_ID,
  READY_SET_GO_ID,
  DELAY_COMPARISON_ID,
] as const;

/**
 * The rule block these tasks use by default: the 20 Yang rules, then this plugin's tasks (89 inputs at
 * ringSize 32). Train a mixed corpus with one `rules` list shared by every task.
 */
export const NEUROGYM_CLASSICS_RULES: readonly string[] = [...YANG19_RULES, ...NEUROGYM_CLASSICS_IDS];

/** Task defaults: the rule block above (plus `id` when a variant has its own id). */
export function classicDefaults(id: string): Partial<TaskOptions> {
  return { rules: NEUROGYM_CLASSICS_RULES.includes(id) ? NEUROGYM_CLASSICS_RULES : [...NEUROGYM_CLASSICS_RULES, id] };
}

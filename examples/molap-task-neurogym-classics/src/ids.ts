export const PERCEPTUAL_DECISION_MAKING_ID = 'neurogym/perceptual-decision-making';
export const GO_NO_GO_ID = 'neurogym/go-no-go';
export const READY_SET_GO_ID = 'neurogym/ready-set-go';
export const DELAY_COMPARISON_ID = 'neurogym/delay-comparison';

/**
 * Ids of the tasks of this plugin, in the order of its `tasks` export. Each task's rule identity is its id;
 * molap composes the rule block of any set of tasks that share a network (`composeRules` of @molap/tasks),
 * so these tasks mix with the Yang tasks and with other plugins without a rule list typed by hand.
 */
export const NEUROGYM_CLASSICS_IDS = [
  PERCEPTUAL_DECISION_MAKING_ID,
  GO_NO_GO_ID,
  READY_SET_GO_ID,
  DELAY_COMPARISON_ID,
] as const;

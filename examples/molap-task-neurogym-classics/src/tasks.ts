/**
 * molap-task-neurogym-classics: classic neurogym tasks as molap task plugins. The package.json `molap`
 * field points here; `tasks` is what discovery registers.
 */
import type { Task } from '@molap/tasks';
import { createDelayComparison } from './delay-comparison.js';
import { createGoNoGo } from './go-no-go.js';
import { createPerceptualDecisionMaking } from './perceptual-decision-making.js';
import { createReadySetGo } from './ready-set-go.js';

export * from './delay-comparison.js';
export * from './go-no-go.js';
export * from './ids.js';
export * from './perceptual-decision-making.js';
export * from './ready-set-go.js';

/** The plugin's tasks with their default options, in a stable order. */
export const tasks: readonly Task[] = [
  createPerceptualDecisionMaking(),
  createGoNoGo(),
  createReadySetGo(),
  createDelayComparison(),
];

/** The Yang et al. 2019 corpus: the 20 tasks as `Task` values, in reference rule order. */
import type { Task } from '../task.js';
import { DECISION_FAMILY_TASKS } from './decision.js';
import { GO_FAMILY_TASKS } from './go.js';
import { MATCHING_FAMILY_TASKS } from './matching.js';
import { YANG19_RULES, type Yang19Rule } from './rules.js';

const byId = new Map<string, Task>(
  [...GO_FAMILY_TASKS, ...DECISION_FAMILY_TASKS, ...MATCHING_FAMILY_TASKS].map((task) => [task.id, task]),
);

/** The 20 Yang tasks in reference rule order (`yang19[i].id === YANG19_RULES[i]`). */
export const yang19: readonly Task[] = Object.freeze(
  YANG19_RULES.map((id) => {
    const task = byId.get(id);
    if (!task) throw new Error(`internal: no implementation for Yang task '${id}'`);
    return task;
  }),
);

/** The Yang tasks by id. */
export const YANG19_TASKS: Readonly<Record<Yang19Rule, Task>> = Object.freeze(
  Object.fromEntries(yang19.map((task) => [task.id, task])) as Record<Yang19Rule, Task>,
);

/**
 * Rule inputs composed per corpus. Every task has a rule identity (`taskRule`); the rule one-hot block of a
 * network that learns several tasks spans the rules of all of them, in one stable order (`composeRules`),
 * so tasks of different packages share a network without a hand-written rule list.
 */
import type { Task, TaskOptions } from './task.js';
import { YANG19_RULES } from './yang19/rules.js';

/** The rule identity of a task: `task.rule`, or its id. */
export function taskRule(task: Pick<Task, 'id' | 'rule'>): string {
  return task.rule ?? task.id;
}

const YANG_RULE_SET: ReadonlySet<string> = new Set(YANG19_RULES);

/**
 * The rule block of a set of tasks that share a network: when any task has a Yang rule, the 20 Yang rules in
 * the reference order come first (so a Yang-only corpus keeps the reference's 85 inputs, whatever subset of
 * the Yang tasks it holds); then every other rule, each once, in code-point order (independent of the order
 * the tasks are listed in).
 * @param tasks the tasks sharing the network (order does not matter).
 * @returns rule ids, the value for `TaskOptions.rules`.
 */
export function composeRules(tasks: readonly Pick<Task, 'id' | 'rule'>[]): string[] {
  const rules = [...new Set(tasks.map(taskRule))];
  const others = rules.filter((rule) => !YANG_RULE_SET.has(rule)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return rules.some((rule) => YANG_RULE_SET.has(rule)) ? [...YANG19_RULES, ...others] : others;
}

/**
 * Task options for tasks that share a network: `options` with `rules` composed from `tasks` when the caller
 * gave none. When every task has a Yang rule the options come back unchanged (each task's default is then
 * already the Yang block), so Yang-only runs stay exactly as they were.
 */
export function corpusTaskOptions(
  tasks: readonly Pick<Task, 'id' | 'rule'>[],
  options: Partial<TaskOptions> = {},
): Partial<TaskOptions> {
  if (options.rules !== undefined || tasks.every((task) => YANG_RULE_SET.has(taskRule(task)))) return options;
  return { ...options, rules: composeRules(tasks) };
}

/**
 * Task options: the library defaults and `resolveTaskOptions`, the one place where options are validated.
 * Precedence: library defaults < the task's own `defaults` < the caller's options.
 */
import { InvalidOptionError } from './errors.js';
import { composeRules, taskRule } from './rules.js';
import type { GenerationMode, Task, TaskOptions } from './task.js';
import { YANG19_RULES } from './yang19/rules.js';

/** Default time step: 20 ms (Yang et al. 2019). */
export const DEFAULT_DT = 20;
/** Default units per ring: 32 (Yang et al. 2019). */
export const DEFAULT_RING_SIZE = 32;
/** Default trials per `random` batch: 64 (Yang et al. 2019 training batches). */
export const DEFAULT_BATCH_SIZE = 64;
/** Default σ_x of the input noise: 0.01, i.e. std 0.01·√(2/α) = 0.0316 per channel and step at the defaults. */
export const DEFAULT_INPUT_NOISE_SIGMA = 0.01;
/** Default membrane time constant τ: 100 ms. */
export const DEFAULT_TAU = 100;

/** The library defaults (Yang et al. 2019 reference code). */
export const DEFAULT_TASK_OPTIONS: TaskOptions = Object.freeze({
  dt: DEFAULT_DT,
  ringSize: DEFAULT_RING_SIZE,
  batchSize: DEFAULT_BATCH_SIZE,
  noise: true,
  inputNoiseSigma: DEFAULT_INPUT_NOISE_SIGMA,
  tau: DEFAULT_TAU,
  mode: 'random',
  rules: YANG19_RULES,
});

const MODES: readonly GenerationMode[] = ['random', 'test', 'psychometric'];
const OPTION_NAMES: readonly (keyof TaskOptions)[] = [
  'dt',
  'ringSize',
  'batchSize',
  'noise',
  'inputNoiseSigma',
  'tau',
  'mode',
  'rules',
  'conditions',
];

/**
 * Merges defaults and `options` for `task` and validates the result. Throws `InvalidOptionError` naming the
 * option, the bad value and the fix. The returned object is frozen.
 * @param task the task the options are for (its `defaults` apply, and its layout is checked).
 * @param options options given by the caller; every field is optional.
 */
export function resolveTaskOptions(task: Task, options: Partial<TaskOptions> = {}): TaskOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'Pass an object such as { dt: 20, batchSize: 64 }.');
  }
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      throw new InvalidOptionError(
        key,
        (options as Record<string, unknown>)[key],
        `Unknown option; the task options are ${OPTION_NAMES.join(', ')}.`,
      );
    }
  }
  const merged: TaskOptions = {
    ...DEFAULT_TASK_OPTIONS,
    rules: composeRules([task]),
    ...task.defaults,
    ...dropUndefined(options),
  };
  checkPositiveNumber('dt', merged.dt, 'dt is the time step in ms: pass a finite number > 0, e.g. 20.');
  checkInteger(
    'ringSize',
    merged.ringSize,
    2,
    'ringSize is the number of units per ring: pass an integer >= 2, e.g. 32.',
  );
  checkInteger(
    'batchSize',
    merged.batchSize,
    1,
    'batchSize is the number of trials per batch: pass an integer >= 1, e.g. 64.',
  );
  if (typeof merged.noise !== 'boolean') {
    throw new InvalidOptionError('noise', merged.noise, 'Pass true (input noise on, the default) or false.');
  }
  if (
    typeof merged.inputNoiseSigma !== 'number' ||
    !Number.isFinite(merged.inputNoiseSigma) ||
    merged.inputNoiseSigma < 0
  ) {
    throw new InvalidOptionError(
      'inputNoiseSigma',
      merged.inputNoiseSigma,
      'inputNoiseSigma is σ_x (noise std σ_x·√(2τ/dt)): pass a finite number >= 0, e.g. 0.01; use noise: false to switch noise off.',
    );
  }
  checkPositiveNumber('tau', merged.tau, 'tau is the time constant in ms: pass a finite number > 0, e.g. 100.');
  if (!MODES.includes(merged.mode)) {
    throw new InvalidOptionError('mode', merged.mode, `Pass one of ${MODES.map((mode) => `'${mode}'`).join(', ')}.`);
  }
  checkRules(merged.rules);
  if (merged.mode === 'psychometric') {
    if (!Array.isArray(merged.conditions) || merged.conditions.length === 0) {
      throw new InvalidOptionError(
        'conditions',
        merged.conditions,
        `psychometric mode needs one condition object per trial: pass conditions: [{ ... }, ...] (see the ${task.id} condition type), or use mode 'random' or 'test'.`,
      );
    }
    merged.conditions.forEach((condition, index) => {
      if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) {
        throw new InvalidOptionError(`conditions[${index}]`, condition, 'Each condition must be a plain object.');
      }
    });
  } else if (merged.conditions !== undefined) {
    throw new InvalidOptionError(
      'conditions',
      merged.conditions,
      `conditions are only read in mode 'psychometric' (mode is '${merged.mode}'): set mode: 'psychometric' or drop conditions.`,
    );
  }
  const resolved = Object.freeze({ ...merged, rules: Object.freeze([...merged.rules]) });
  const usesRuleInput = task.layout(resolved).inputs.some((group) => group.role === 'rule');
  const rule = taskRule(task);
  if (usesRuleInput && !resolved.rules.includes(rule)) {
    throw new InvalidOptionError(
      'rules',
      resolved.rules,
      `The rule input has no unit for ${rule === task.id ? `task '${task.id}'` : `rule '${rule}' of task '${task.id}'`}: a network's rule block is composed from the tasks it is built for. Build the model or bank on a set of tasks that includes '${task.id}', or leave the rules option unset so that molap composes it (composeRules(tasks) of @molap/tasks).`,
    );
  }
  return resolved;
}

function dropUndefined(options: Partial<TaskOptions>): Partial<TaskOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function checkPositiveNumber(name: string, value: unknown, fix: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(name, value, fix);
  }
}

function checkInteger(name: string, value: unknown, min: number, fix: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidOptionError(name, value, fix);
  }
}

function checkRules(rules: unknown): void {
  const fix =
    'rules lists the task ids of the rule one-hot input, in order: pass an array of distinct non-empty strings, e.g. YANG19_RULES.';
  if (!Array.isArray(rules)) throw new InvalidOptionError('rules', rules, fix);
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (typeof rule !== 'string' || rule.length === 0) throw new InvalidOptionError(`rules[${index}]`, rule, fix);
    if (seen.has(rule)) throw new InvalidOptionError(`rules[${index}]`, rule, `Duplicate rule id. ${fix}`);
    seen.add(rule);
  });
}

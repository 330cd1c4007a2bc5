/**
 * Task options: the library defaults and `resolveTaskOptions`, the one place where options are validated.
 * Precedence: library defaults < the task's own `defaults` < the caller's options.
 */
import { InvalidOptionError } from './errors.js';
import { type NumberRule, numberRuleText, satisfiesNumberRule } from './option-checks.js';
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

/**
 * The declaration of one scalar task option: its default, what values it takes and what it means. The one
 * place each is written: `DEFAULT_TASK_OPTIONS`, the checks of `resolveTaskOptions` (and their messages) and
 * the `tasks.options` section of the study's config schema (`@molap/study`) are made from it.
 */
export interface TaskOptionSpec<T extends number | boolean = number | boolean> {
  /** The values it takes: a number rule (as `numberOption` checks it), or 'boolean'. */
  readonly rule: NumberRule | 'boolean';
  readonly default: T;
  /** What the option is, with units, completing "<key> is …" (e.g. 'the time step in ms'). */
  readonly description: string;
  /** Added to the error message after the rule and the example (e.g. how to switch the option off). */
  readonly hint?: string;
}

/** The scalar task options, declared once (every `TaskOptions` field but `mode`, `rules` and `conditions`). */
export const TASK_OPTION_SPECS = Object.freeze({
  dt: { rule: { above: 0 }, default: DEFAULT_DT, description: 'the time step in ms' },
  ringSize: {
    rule: { integer: true, min: 2 },
    default: DEFAULT_RING_SIZE,
    description: 'the number of units per stimulus ring and in the output ring',
  },
  batchSize: {
    rule: { integer: true, min: 1 },
    default: DEFAULT_BATCH_SIZE,
    description: 'the number of trials per random-mode batch',
  },
  noise: { rule: 'boolean', default: true, description: 'whether the input noise is on' },
  inputNoiseSigma: {
    rule: { min: 0 },
    default: DEFAULT_INPUT_NOISE_SIGMA,
    description: 'σ_x of the input noise (std σ_x·√(2τ/dt))',
    hint: 'use noise: false to switch noise off',
  },
  tau: {
    rule: { above: 0 },
    default: DEFAULT_TAU,
    description: 'the membrane time constant in ms (it scales the input noise)',
  },
} as const satisfies { readonly [K in ScalarTaskOption]: TaskOptionSpec<TaskOptions[K]> });

/** Keys of the scalar task options (`TASK_OPTION_SPECS`). */
export type ScalarTaskOption = 'dt' | 'ringSize' | 'batchSize' | 'noise' | 'inputNoiseSigma' | 'tau';

/** What a value of `spec` must be, completing "pass …" (e.g. 'a finite number > 0'). */
export function taskOptionRule(spec: TaskOptionSpec): string {
  return spec.rule === 'boolean' ? 'true or false' : numberRuleText(spec.rule);
}

/** Whether `value` is a valid value of `spec`. */
function isValidTaskOption(spec: TaskOptionSpec, value: unknown): boolean {
  return spec.rule === 'boolean' ? typeof value === 'boolean' : satisfiesNumberRule(value, spec.rule);
}

/** The library defaults (Yang et al. 2019 reference code). */
export const DEFAULT_TASK_OPTIONS: TaskOptions = Object.freeze({
  ...(Object.fromEntries(Object.entries(TASK_OPTION_SPECS).map(([key, spec]) => [key, spec.default])) as Pick<
    TaskOptions,
    ScalarTaskOption
  >),
  mode: 'random',
  rules: YANG19_RULES,
});

const MODES: readonly GenerationMode[] = ['random', 'test', 'psychometric'];
const OPTION_NAMES: readonly (keyof TaskOptions)[] = [
  ...(Object.keys(TASK_OPTION_SPECS) as ScalarTaskOption[]),
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
  for (const [key, spec] of Object.entries(TASK_OPTION_SPECS) as [ScalarTaskOption, TaskOptionSpec][]) {
    if (!isValidTaskOption(spec, merged[key])) {
      const hint = spec.hint === undefined ? '' : `; ${spec.hint}`;
      throw new InvalidOptionError(
        key,
        merged[key],
        `${key} is ${spec.description}: pass ${taskOptionRule(spec)}, e.g. ${spec.default}${hint}.`,
      );
    }
  }
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

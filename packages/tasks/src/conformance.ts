import { performance } from './metrics.js';
import { resolveTaskOptions } from './options.js';
import { circularDistance, populationVector, TWO_PI } from './ring.js';
import { createRng } from './rng.js';
import type { Batch, ChannelGroup, Task, TaskOptions } from './task.js';
import { validateTask } from './task-validation.js';

/** Options of `checkTaskConformance`. */
export interface ConformanceOptions {
  /**
   * Task options for the generated batches (resolved with the task's defaults; `mode` is set by each
   * check, and the test grid is generated with `noise: false`). Default `{ batchSize: 16 }`: enough
   * trials to meet most conditions, fast.
   */
  readonly options?: Partial<TaskOptions>;
  /** Seed of the `random`-mode batches. Default 1. */
  readonly seed?: number;
}

/** Largest population-vector error (radians) allowed between the ring target and `targetAngle`. */
const DECODE_TOLERANCE = 0.05;
/** Fixation output target above this means "fixate" (the performance criterion's threshold). */
const FIXATING = 0.5;

/** A number as people read it: float32 noise removed (0.800000011920929 → 0.8). */
const show = (value: number) => String(Number(value.toPrecision(6)));

/** Collects problems, keeping the first message and a count per kind, so one bug gives one line. */
class Problems {
  private readonly first = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  constructor(private readonly prefix: string) {}
  add(kind: string, message: string): void {
    if (!this.first.has(kind)) this.first.set(kind, message);
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }
  list(): string[] {
    return [...this.first].map(([kind, message]) => {
      const count = this.counts.get(kind)!;
      return `${this.prefix}${message}${count > 1 ? ` (and ${count - 1} more)` : ''}`;
    });
  }
}

function checkGroups(side: string, groups: readonly ChannelGroup[], size: number, problems: Problems): void {
  let next = 0;
  for (const group of groups) {
    if (group.start !== next || !(group.size > 0)) {
      problems.add(
        `${side}-groups`,
        `layout.${side} group '${group.name}' starts at ${group.start} with size ${group.size}, expected start ${next} and size > 0 (groups must tile the channels in order)`,
      );
    }
    next = group.start + group.size;
  }
  if (next !== size)
    problems.add(`${side}-size`, `layout.${side} groups cover ${next} channels, but the size is ${size}`);
}

const sameArray = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
};

/** Every typed array of a batch, by field name, for equality checks. */
function batchArrays(batch: Batch): [string, ArrayLike<number>][] {
  const arrays: [string, ArrayLike<number>][] = [
    ['inputs', batch.inputs],
    ['targets', batch.targets],
    ['mask', batch.mask],
    ['targetAngle', batch.targetAngle],
    ['trialSteps', batch.trialSteps],
    ['goCue', batch.goCue],
  ];
  for (const [name, epoch] of Object.entries(batch.epochs ?? {})) {
    arrays.push([`epochs.${name}.start`, epoch.start], [`epochs.${name}.end`, epoch.end]);
  }
  return arrays;
}

function differences(a: Batch, b: Batch): string[] {
  const other = new Map(batchArrays(b));
  return batchArrays(a)
    .filter(([name, array]) => !other.has(name) || !sameArray(array, other.get(name)!))
    .map(([name]) => name);
}

/** Structural checks of one batch of `task` generated with `options`. */
function checkBatch(task: Task, options: TaskOptions, batch: Batch, problems: Problems): void {
  const { steps: T, batchSize: B, inputSize: nIn, outputSize: nOut } = batch;
  if (batch.taskId !== task.id) problems.add('task-id', `batch.taskId is '${batch.taskId}', expected '${task.id}'`);
  if (batch.dt !== options.dt) problems.add('dt', `batch.dt is ${batch.dt}, expected options.dt = ${options.dt}`);
  if (options.mode === 'random' && B !== options.batchSize) {
    problems.add('batch-size', `batchSize is ${B}, expected options.batchSize = ${options.batchSize}`);
  }
  if (!(Number.isInteger(T) && T > 0 && Number.isInteger(B) && B > 0)) {
    problems.add('shape', `steps (${T}) and batchSize (${B}) must be positive integers`);
    return;
  }
  const layout = task.layout(options);
  if (JSON.stringify(layout) !== JSON.stringify(batch.layout)) {
    problems.add('layout', 'batch.layout differs from task.layout(options)');
  }
  checkGroups('inputs', batch.layout.inputs, batch.layout.inputSize, problems);
  checkGroups('outputs', batch.layout.outputs, batch.layout.outputSize, problems);
  if (batch.layout.inputSize !== nIn || batch.layout.outputSize !== nOut) {
    problems.add(
      'layout-size',
      `layout sizes ${batch.layout.inputSize}/${batch.layout.outputSize} differ from batch.inputSize/outputSize ${nIn}/${nOut}`,
    );
  }
  const shapes: [string, unknown, ArrayLike<number>, number][] = [
    ['inputs', Float32Array, batch.inputs, T * B * nIn],
    ['targets', Float32Array, batch.targets, T * B * nOut],
    ['mask', Float32Array, batch.mask, T * B * nOut],
    ['targetAngle', Float32Array, batch.targetAngle, T * B],
    ['trialSteps', Int32Array, batch.trialSteps, B],
    ['goCue', Int32Array, batch.goCue, B],
  ];
  let shapesOk = true;
  for (const [name, type, array, length] of shapes) {
    if (!(array instanceof (type as typeof Float32Array | typeof Int32Array)) || array.length !== length) {
      problems.add(
        `shape-${name}`,
        `${name} must be a ${(type as { name: string }).name} of ${length} elements ([T=${T}, B=${B}, …]), got ${array?.constructor?.name} of ${array?.length}`,
      );
      shapesOk = false;
    }
  }
  if (!shapesOk) return;

  const fixationOut = batch.layout.outputs.find((group) => group.role === 'fixation');
  const response = batch.layout.outputs.find((group) => group.role === 'response');
  let longest = 0;
  for (let b = 0; b < B; b++) {
    const length = batch.trialSteps[b];
    longest = Math.max(longest, length);
    if (!(length >= 1 && length <= T)) {
      problems.add('trial-steps', `trialSteps[${b}] = ${length} is outside [1, T=${T}]`);
      continue;
    }
    const go = batch.goCue[b];
    if (!(go >= 0 && go < length)) problems.add('go-cue', `goCue[${b}] = ${go} is outside the trial [0, ${length})`);
    let trainedAfterGo = false;
    for (let t = 0; t < T; t++) {
      const angle = batch.targetAngle[t * B + b];
      const xRow = (t * B + b) * nIn;
      const yRow = (t * B + b) * nOut;
      if (t >= length) {
        let padded = angle === -1;
        for (let c = 0; c < nIn; c++) padded &&= batch.inputs[xRow + c] === 0;
        for (let c = 0; c < nOut; c++) padded &&= batch.targets[yRow + c] === 0 && batch.mask[yRow + c] === 0;
        if (!padded)
          problems.add(
            'padding',
            `trial ${b}, step ${t} is padding (trialSteps ${length}) but inputs/targets/mask are not 0 or targetAngle is not −1`,
          );
        continue;
      }
      for (let c = 0; c < nIn; c++) {
        if (!Number.isFinite(batch.inputs[xRow + c]))
          problems.add('finite-inputs', `inputs[t=${t}, b=${b}, c=${c}] is ${batch.inputs[xRow + c]}`);
      }
      for (let c = 0; c < nOut; c++) {
        const weight = batch.mask[yRow + c];
        if (!Number.isFinite(batch.targets[yRow + c]))
          problems.add('finite-targets', `targets[t=${t}, b=${b}, c=${c}] is ${batch.targets[yRow + c]}`);
        if (!(weight >= 0 && Number.isFinite(weight)))
          problems.add('mask-values', `mask[t=${t}, b=${b}, c=${c}] = ${weight}, expected a finite weight >= 0`);
        if (t >= go && weight > 0) trainedAfterGo = true;
      }
      const responding = angle !== -1;
      if (responding && !(angle >= 0 && angle < TWO_PI)) {
        problems.add(
          'angle-range',
          `targetAngle[t=${t}, b=${b}] = ${angle}: expected −1 (fixate) or an angle in [0, 2π)`,
        );
      }
      if (responding && t < go) {
        problems.add('response-before-go', `trial ${b} requires a response at step ${t}, before its go cue (${go})`);
      }
      if (fixationOut !== undefined) {
        const fixating = batch.targets[yRow + fixationOut.start] > FIXATING;
        if (fixating === responding) {
          problems.add(
            'angle-fixation',
            `trial ${b}, step ${t}: targetAngle ${show(angle)} but fixation target ${show(batch.targets[yRow + fixationOut.start])} (targetAngle must be −1 exactly while the fixation target is > ${FIXATING})`,
          );
        }
      }
      if (responding && response !== undefined && response.size >= 3 && angle >= 0 && angle < TWO_PI) {
        const decoded = populationVector(batch.targets, yRow + response.start, response.size);
        if (circularDistance(decoded, angle) > DECODE_TOLERANCE) {
          problems.add(
            'decode',
            `trial ${b}, step ${t}: the ring target decodes to ${decoded.toFixed(3)} rad, but targetAngle is ${angle.toFixed(3)}`,
          );
        }
      }
    }
    if (!trainedAfterGo)
      problems.add(
        'mask-after-go',
        `trial ${b} has no positive mask weight at or after its go cue (step ${go}): the response is never trained`,
      );
    checkEpochs(task, batch, b, problems);
  }
  if (longest !== T)
    problems.add('steps', `T = ${T} but the longest trial has ${longest} steps (T should be the longest trial)`);
}

/**
 * The task's score (if any) is on its batches, and judges outputs equal to the targets (a perfect network)
 * correct on every trial, without throwing.
 */
function checkScore(task: Task, batch: Batch, problems: Problems): void {
  if (task.score === undefined) return;
  if (batch.score !== task.score) {
    problems.add(
      'score-missing',
      `the task has the score '${task.score.id}' but its batches do not carry it (batch.score)`,
    );
    return;
  }
  try {
    const { mean } = performance(batch.targets, batch);
    if (mean !== 1) {
      problems.add(
        'score-perfect',
        `the score '${task.score.id}' gives ${mean} (not 1) to outputs equal to the targets`,
      );
    }
  } catch (error) {
    problems.add('score', error instanceof Error ? error.message.split('\n', 1)[0] : String(error));
  }
}

/** Periods present in trial b must tile [0, trialSteps[b]) in the task's order; absent ones are −1/−1. */
function checkEpochs(task: Task, batch: Batch, b: number, problems: Problems): void {
  const names = Object.keys(batch.epochs);
  if (names.join() !== task.periods.join()) {
    problems.add(
      'epoch-names',
      `batch.epochs has periods [${names.join(', ')}], expected task.periods [${task.periods.join(', ')}] in that order`,
    );
    return;
  }
  let cursor = 0;
  for (const name of task.periods) {
    const epoch = batch.epochs[name];
    if (epoch.start.length !== batch.batchSize || epoch.end.length !== batch.batchSize) {
      problems.add(`epoch-shape-${name}`, `epochs.${name} start/end must hold B = ${batch.batchSize} steps`);
      return;
    }
    const start = epoch.start[b];
    const end = epoch.end[b];
    if (start === -1 && end === -1) continue;
    if (start !== cursor || end < start) {
      problems.add(
        'epoch-order',
        `trial ${b}: period '${name}' spans [${start}, ${end}) but should start at ${cursor} (periods must tile the trial in order, without gaps or overlap)`,
      );
      return;
    }
    cursor = end;
  }
  if (cursor !== batch.trialSteps[b]) {
    problems.add(
      'epoch-cover',
      `trial ${b}: periods end at step ${cursor}, but the trial has ${batch.trialSteps[b]} steps`,
    );
  }
}

/**
 * Checks that a task keeps the contract of `@molap/tasks` on real batches: shapes and layout sizes,
 * zero padding and mask outside trials, `targetAngle` −1 exactly while the fixation target is high, ring
 * targets that decode to `targetAngle`, no response before the go cue and a trained response after it,
 * periods that tile each trial in order, determinism by seed in `random` mode, and a `test` grid that
 * does not depend on the rng when noise is off. Plugin authors can call it in their own tests:
 * `expect(checkTaskConformance(myTask)).toEqual([])`.
 * @returns problems found, one line each (the first occurrence of each kind, with a count); empty if none.
 */
export function checkTaskConformance(task: Task, conformance: ConformanceOptions = {}): string[] {
  const invalid = validateTask(task);
  if (invalid.length > 0) return invalid.map((problem) => `task: ${problem}`);
  const seed = conformance.seed ?? 1;
  const given = { batchSize: 16, ...conformance.options };
  const problems: string[] = [];
  for (const mode of ['random', 'test'] as const) {
    const found = new Problems(`${mode} mode: `);
    let options: TaskOptions;
    let batch: Batch;
    try {
      // Test grids are checked noise-free, so that a second rng must give the very same batch.
      options = resolveTaskOptions(task, { ...given, mode, ...(mode === 'test' ? { noise: false } : {}) });
      batch = task.generate(createRng(seed), options);
    } catch (error) {
      problems.push(`${mode} mode: generate threw: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    checkBatch(task, options, batch, found);
    checkScore(task, batch, found);
    if (mode === 'random') {
      const again = differences(batch, task.generate(createRng(seed), options));
      if (again.length > 0) found.add('determinism', `the same seed gave different ${again.join(', ')}`);
      const otherSeed = differences(batch, task.generate(createRng(seed + 1), options));
      if (options.noise && otherSeed.length === 0) {
        found.add('seed-ignored', 'seeds differ but the batches are identical: the rng is not used');
      }
    } else {
      const otherRng = differences(batch, task.generate(createRng(seed + 7919), options));
      if (otherRng.length > 0) {
        found.add(
          'test-rng',
          `with noise off, another rng changed ${otherRng.join(', ')}: the test grid must not depend on the rng`,
        );
      }
    }
    problems.push(...found.list());
  }
  return problems;
}

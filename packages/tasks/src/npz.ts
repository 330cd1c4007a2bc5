import { unzipSync, type Zippable, zipSync } from 'fflate/browser';
import { TasksError } from './errors.js';
import { decodeNpy, encodeNpy, type NpyArray } from './npy.js';
import type { Batch, ChannelGroup, ChannelLayout, InputRole } from './task.js';

/**
 * Batches as NumPy `.npz` archives (what `np.savez` writes: a zip of `.npy` files), for analysis in
 * Python: `d = np.load('batch.npz'); d['inputs'].shape == (T, B, nIn)`.
 *
 * | entry | dtype | shape | content |
 * | --- | --- | --- | --- |
 * | `inputs` | float32 | (T, B, nIn) | `Batch.inputs` |
 * | `targets` | float32 | (T, B, nOut) | `Batch.targets` |
 * | `mask` | float32 | (T, B, nOut) | `Batch.mask` |
 * | `target_angle` | float32 | (T, B) | radians, −1 while fixating |
 * | `trial_steps` | int32 | (B,) | real steps per trial |
 * | `go_cue` | int32 | (B,) | step of the go cue |
 * | `epoch_<name>_start`, `epoch_<name>_end` | int32 | (B,) | per period, −1 if absent |
 * | `epoch_names` | unicode | (P,) | period names in order |
 * | `task_id` | unicode | () | `Batch.taskId` |
 * | `trial_tasks` | unicode | (B,) | `Batch.trialTasks` (mixed batches only) |
 * | `dt` | float64 | () | ms per step |
 * | `layout_inputs_{name,role,start,size}` | unicode / int32 | (groups,) | input channel groups |
 * | `layout_outputs_{name,role,start,size}` | unicode / int32 | (groups,) | output channel groups |
 */

/** Options of `encodeNpz` / `writeNpz`. */
export interface NpzOptions {
  /** Deflate the entries, like `np.savez_compressed`. Default false (stored, like `np.savez`). */
  readonly compress?: boolean;
}

/** Fixed zip timestamps, so the same batch always gives the same bytes. */
const ZIP_TIME = new Date(1980, 0, 1);

const float32 = (data: Float32Array, shape: number[]): NpyArray => ({ dtype: 'float32', shape, data });
const int32 = (data: Int32Array, shape: number[]): NpyArray => ({ dtype: 'int32', shape, data });
const strings = (data: readonly string[], shape: number[] = [data.length]): NpyArray => ({
  dtype: 'string',
  shape,
  data,
});

function layoutEntries(side: 'inputs' | 'outputs', groups: readonly ChannelGroup[]): Record<string, NpyArray> {
  return {
    [`layout_${side}_name`]: strings(groups.map((group) => group.name)),
    [`layout_${side}_role`]: strings(groups.map((group) => group.role)),
    [`layout_${side}_start`]: int32(
      Int32Array.from(groups, (group) => group.start),
      [groups.length],
    ),
    [`layout_${side}_size`]: int32(
      Int32Array.from(groups, (group) => group.size),
      [groups.length],
    ),
  };
}

/** The `.npy` arrays of a batch, by entry name (without `.npy`), in archive order. */
export function batchToNpyArrays(batch: Batch): Record<string, NpyArray> {
  const { steps: T, batchSize: B, inputSize, outputSize } = batch;
  const expected: [string, { length: number }, number][] = [
    ['inputs', batch.inputs, T * B * inputSize],
    ['targets', batch.targets, T * B * outputSize],
    ['mask', batch.mask, T * B * outputSize],
    ['targetAngle', batch.targetAngle, T * B],
    ['trialSteps', batch.trialSteps, B],
    ['goCue', batch.goCue, B],
  ];
  for (const [name, array, length] of expected) {
    if (array.length !== length) {
      throw new TasksError(
        'invalid-option',
        `batch.${name} has ${array.length} elements, expected ${length} for T=${T}, B=${B}`,
      );
    }
  }
  const arrays: Record<string, NpyArray> = {
    inputs: float32(batch.inputs, [T, B, inputSize]),
    targets: float32(batch.targets, [T, B, outputSize]),
    mask: float32(batch.mask, [T, B, outputSize]),
    target_angle: float32(batch.targetAngle, [T, B]),
    trial_steps: int32(batch.trialSteps, [B]),
    go_cue: int32(batch.goCue, [B]),
    epoch_names: strings(Object.keys(batch.epochs)),
  };
  for (const [name, epoch] of Object.entries(batch.epochs)) {
    arrays[`epoch_${name}_start`] = int32(epoch.start, [B]);
    arrays[`epoch_${name}_end`] = int32(epoch.end, [B]);
  }
  if (batch.trialTasks !== undefined) {
    if (batch.trialTasks.length !== B) {
      throw new TasksError(
        'invalid-option',
        `batch.trialTasks has ${batch.trialTasks.length} entries, expected B=${B}`,
      );
    }
    arrays.trial_tasks = strings(batch.trialTasks);
  }
  return {
    ...arrays,
    task_id: strings([batch.taskId], []),
    dt: { dtype: 'float64', shape: [], data: Float64Array.of(batch.dt) },
    ...layoutEntries('inputs', batch.layout.inputs),
    ...layoutEntries('outputs', batch.layout.outputs),
  };
}

/** Encodes a batch as `.npz` bytes (see the entry table above). */
export function encodeNpz(batch: Batch, options: NpzOptions = {}): Uint8Array {
  const files: Zippable = {};
  for (const [name, array] of Object.entries(batchToNpyArrays(batch))) files[`${name}.npy`] = encodeNpy(array);
  return zipSync(files, { level: options.compress ? 6 : 0, mtime: ZIP_TIME });
}

/** Every `.npy` entry of an `.npz` archive, by name without `.npy`. */
export function decodeNpzArrays(bytes: Uint8Array): Record<string, NpyArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (cause) {
    throw new TasksError(
      'file-format',
      `not an .npz (zip) archive: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
  const arrays: Record<string, NpyArray> = {};
  for (const [file, content] of Object.entries(entries)) {
    if (file.endsWith('.npy')) arrays[file.slice(0, -4)] = decodeNpy(content, file);
  }
  return arrays;
}

const ROLE_FALLBACK = { inputs: 'sensory', outputs: 'response' } as const;

function decodeLayout(arrays: Record<string, NpyArray>, inputSize: number, outputSize: number): ChannelLayout {
  const side = <Role extends string>(which: 'inputs' | 'outputs', size: number): ChannelGroup<Role>[] => {
    const names = arrays[`layout_${which}_name`];
    const roles = arrays[`layout_${which}_role`];
    const starts = arrays[`layout_${which}_start`];
    const sizes = arrays[`layout_${which}_size`];
    if (names === undefined || roles === undefined || starts === undefined || sizes === undefined) {
      return [{ name: which, role: ROLE_FALLBACK[which] as Role, start: 0, size }];
    }
    return Array.from(names.data as readonly string[], (name, i) => ({
      name,
      role: (roles.data as readonly string[])[i] as Role,
      start: Number(starts.data[i]),
      size: Number(sizes.data[i]),
    }));
  };
  return {
    inputs: side<InputRole>('inputs', inputSize),
    outputs: side<'fixation' | 'response'>('outputs', outputSize),
    inputSize,
    outputSize,
  };
}

/**
 * Decodes an `.npz` archive written by `encodeNpz` (or by NumPy with the same entries) back to a batch.
 * Required entries: inputs, targets, mask (T, B, C), target_angle (T, B), trial_steps, go_cue (B,), dt.
 * float64 arrays are converted to float32 and int64 to int32. Without layout entries the layout is one
 * `sensory` input group and one `response` output group; without `task_id` the id is `''`.
 */
export function decodeNpz(bytes: Uint8Array): Batch {
  const arrays = decodeNpzArrays(bytes);
  const missing = ['inputs', 'targets', 'mask', 'target_angle', 'trial_steps', 'go_cue', 'dt'].filter(
    (name) => arrays[name] === undefined,
  );
  if (missing.length > 0) {
    throw new TasksError(
      'file-format',
      `.npz lacks ${missing.map((name) => `${name}.npy`).join(', ')}; a batch archive holds inputs, targets, mask (T, B, C), target_angle (T, B), trial_steps and go_cue (B,) and dt ()`,
    );
  }
  const { inputs, targets } = arrays;
  if (inputs.shape.length !== 3)
    throw new TasksError('file-format', `inputs.npy must have shape (T, B, nIn), got (${inputs.shape.join(', ')})`);
  const [T, B, inputSize] = inputs.shape;
  if (targets.shape.length !== 3)
    throw new TasksError('file-format', `targets.npy must have shape (T, B, nOut), got (${targets.shape.join(', ')})`);
  const outputSize = targets.shape[2];
  const expectShape = (name: string, shape: readonly number[]) => {
    const actual = arrays[name].shape;
    if (actual.length !== shape.length || actual.some((size, i) => size !== shape[i])) {
      throw new TasksError(
        'file-format',
        `${name}.npy has shape (${actual.join(', ')}), expected (${shape.join(', ')})`,
      );
    }
  };
  expectShape('targets', [T, B, outputSize]);
  expectShape('mask', [T, B, outputSize]);
  expectShape('target_angle', [T, B]);
  expectShape('trial_steps', [B]);
  expectShape('go_cue', [B]);
  const floats = (name: string): Float32Array => {
    const array = arrays[name];
    if (array.dtype === 'string') throw new TasksError('file-format', `${name}.npy holds strings, expected numbers`);
    return array.data instanceof Float32Array ? array.data : Float32Array.from(array.data);
  };
  const ints = (name: string): Int32Array => {
    const array = arrays[name];
    if (array.dtype !== 'int32')
      throw new TasksError('file-format', `${name}.npy must hold integers (int32 or int64), got ${array.dtype}`);
    return array.data;
  };
  const epochNames =
    arrays.epoch_names?.dtype === 'string'
      ? arrays.epoch_names.data
      : Object.keys(arrays)
          .map((name) => /^epoch_(.+)_start$/.exec(name)?.[1])
          .filter((name): name is string => name !== undefined);
  const epochs: Record<string, { start: Int32Array; end: Int32Array }> = {};
  for (const name of epochNames) {
    expectShape(`epoch_${name}_start`, [B]);
    expectShape(`epoch_${name}_end`, [B]);
    epochs[name] = { start: ints(`epoch_${name}_start`), end: ints(`epoch_${name}_end`) };
  }
  const taskId = arrays.task_id?.dtype === 'string' ? arrays.task_id.data[0] : '';
  if (arrays.trial_tasks !== undefined) expectShape('trial_tasks', [B]);
  const trialTasks = arrays.trial_tasks?.dtype === 'string' ? { trialTasks: arrays.trial_tasks.data } : {};
  return {
    taskId,
    steps: T,
    batchSize: B,
    inputSize,
    outputSize,
    dt: Number(arrays.dt.data[0]),
    inputs: floats('inputs'),
    targets: floats('targets'),
    mask: floats('mask'),
    targetAngle: floats('target_angle'),
    trialSteps: ints('trial_steps'),
    goCue: ints('go_cue'),
    epochs,
    layout: decodeLayout(arrays, inputSize, outputSize),
    ...trialTasks,
  };
}

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate/browser';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, mixBatches, resolveTaskOptions, YANG19_TASKS } from '../src/index.js';
import { decodeNpy, encodeNpy } from '../src/npy.js';
import { decodeNpz, decodeNpzArrays, encodeNpz } from '../src/npz.js';
import { readNpz, writeNpz } from '../src/npz-file.js';
import type { Batch, Rng, TaskOptions } from '../src/task.js';
import { toyTask } from './support/toy-task.js';

const options: TaskOptions = {
  dt: 20,
  ringSize: 8,
  batchSize: 4,
  noise: false,
  inputNoiseSigma: 0.01,
  tau: 100,
  mode: 'test',
  rules: ['other', 'toy/reach'],
};
const batch = toyTask().generate(undefined as unknown as Rng, options);
const scratch = mkdtempSync(join(tmpdir(), 'molap-npz-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const latin1 = (bytes: Uint8Array) => new TextDecoder('latin1').decode(bytes);

describe('encodeNpy', () => {
  it('writes a version 1.0 header padded to 64 bytes with a Python shape tuple', () => {
    const bytes = encodeNpy({ dtype: 'float32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) });
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8] + 256 * bytes[9];
    expect((10 + headerLength) % 64).toBe(0);
    const header = latin1(bytes.subarray(10, 10 + headerLength));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    expect(bytes.length).toBe(10 + headerLength + 24);
    expect(new DataView(bytes.buffer).getFloat32(10 + headerLength + 4 * 5, true)).toBe(6);
  });

  it('writes 1-d and 0-d shapes as (n,) and ()', () => {
    const header = (bytes: Uint8Array) => latin1(bytes.subarray(10, 10 + bytes[8] + 256 * bytes[9]));
    expect(header(encodeNpy({ dtype: 'int32', shape: [3], data: Int32Array.of(1, 2, 3) }))).toContain("'shape': (3,)");
    expect(header(encodeNpy({ dtype: 'float64', shape: [], data: Float64Array.of(20) }))).toContain("'shape': ()");
    expect(header(encodeNpy({ dtype: 'string', shape: [2], data: ['go', 'fix1'] }))).toContain("'descr': '<U4'");
  });

  it('round-trips every dtype, including non-ASCII strings', () => {
    const arrays = [
      { dtype: 'float32', shape: [2, 2], data: Float32Array.of(0.1, -2, 3.5, Number.NaN) },
      { dtype: 'float64', shape: [], data: Float64Array.of(Math.PI) },
      { dtype: 'int32', shape: [3], data: Int32Array.of(-1, 0, 2 ** 31 - 1) },
      { dtype: 'string', shape: [3], data: ['fix1', 'θ-ring', ''] },
    ] as const;
    for (const array of arrays) expect(decodeNpy(encodeNpy(array))).toEqual(array);
  });

  it('rejects data that does not match the shape, and unsupported files', () => {
    expect(() => encodeNpy({ dtype: 'int32', shape: [2, 2], data: Int32Array.of(1) })).toThrow(
      'npy data has 1 elements, shape [2, 2] needs 4',
    );
    expect(() => decodeNpy(Uint8Array.of(1, 2, 3), 'x.npy')).toThrow('x.npy: not a .npy file (bad magic)');
    const fortran = encodeNpy({ dtype: 'int32', shape: [1], data: Int32Array.of(1) });
    fortran.set(new TextEncoder().encode("'fortran_order': True, "), 10 + "{'descr': '<i4', ".length);
    expect(() => decodeNpy(fortran, 'f.npy')).toThrow('f.npy: Fortran-order arrays are not supported');
    // A damaged or newer file is the caller's to fix (exit code 2 of the CLI), with a molap code.
    expect(() => decodeNpy(Uint8Array.of(1, 2, 3), 'x.npy')).toThrow(
      expect.objectContaining({ code: 'file-format', kind: 'bad-input' }),
    );
    const newer = encodeNpy({ dtype: 'int32', shape: [1], data: Int32Array.of(1) });
    newer[6] = 9;
    expect(() => decodeNpy(newer, 'n.npy')).toThrow(
      expect.objectContaining({ code: 'file-version', kind: 'bad-input' }),
    );
  });
});

describe('encodeNpz / decodeNpz', () => {
  it('round-trips a batch exactly', () => {
    const back = decodeNpz(encodeNpz(batch));
    expect(back).toEqual(batch);
    expect(back.inputs).toBeInstanceOf(Float32Array);
    expect(back.trialSteps).toBeInstanceOf(Int32Array);
    expect(Object.keys(back.epochs)).toEqual(['fix1', 'stim1', 'go1']);
  });

  it('stores the entries np.savez would, and compresses on request', () => {
    const stored = encodeNpz(batch);
    const names = Object.keys(decodeNpzArrays(stored));
    expect(names.slice(0, 7)).toEqual([
      'inputs',
      'targets',
      'mask',
      'target_angle',
      'trial_steps',
      'go_cue',
      'epoch_names',
    ]);
    expect(names).toContain('epoch_stim1_end');
    expect(names).toContain('layout_outputs_role');
    const compressed = encodeNpz(batch, { compress: true });
    expect(compressed.length).toBeLessThan(stored.length / 3);
    expect(decodeNpz(compressed)).toEqual(batch);
  });

  it('gives the same bytes for the same batch', () => {
    expect(Buffer.from(encodeNpz(batch)).equals(Buffer.from(encodeNpz(batch)))).toBe(true);
  });

  it('explains what is missing or inconsistent', () => {
    expect(() => decodeNpz(Uint8Array.of(1, 2, 3, 4))).toThrow(/^not an \.npz \(zip\) archive/);
    const only = zipSync({ 'inputs.npy': encodeNpy({ dtype: 'float32', shape: [1, 1, 1], data: Float32Array.of(1) }) });
    expect(() => decodeNpz(only)).toThrow(
      '.npz lacks targets.npy, mask.npy, target_angle.npy, trial_steps.npy, go_cue.npy, dt.npy',
    );
    const wrong: Batch = { ...batch, mask: batch.mask.subarray(1) };
    expect(() => encodeNpz(wrong)).toThrow(
      `batch.mask has ${batch.mask.length - 1} elements, expected ${batch.mask.length}`,
    );
  });
});

describe('writeNpz / readNpz', () => {
  it('writes atomically and reads back', async () => {
    const path = join(scratch, 'batch.npz');
    await writeNpz(batch, path);
    expect(await readNpz(path)).toEqual(batch);
    expect(readFileSync(path).subarray(0, 2).toString()).toBe('PK');
  });

  it('leaves no temporary file behind when the rename fails', async () => {
    const folder = join(scratch, 'occupied');
    mkdirSync(join(folder, 'batch.npz'), { recursive: true });
    await expect(writeNpz(batch, join(folder, 'batch.npz'))).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(folder)).toEqual(['batch.npz']);
  });
});

/** A Python interpreter with NumPy: `python3` first, then Debian's (apt-get install python3-numpy). */
function pythonWithNumpy(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import numpy'], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
const python = pythonWithNumpy();

describe.skipIf(python === undefined)(
  'NumPy interop (skipped: no python3 with numpy; run tools/install-numpy.sh)',
  () => {
    it('np.load reads every entry with the right dtype, shape and values', () => {
      const path = join(scratch, 'for-numpy.npz');
      writeFileSync(path, encodeNpz(batch, { compress: true }));
      const script = `
import json, sys, numpy as np
d = np.load(sys.argv[1])
out = {name: {'dtype': str(d[name].dtype), 'shape': list(d[name].shape)} for name in d.files}
out['sums'] = {name: float(np.asarray(d[name], dtype=np.float64).sum()) for name in ['inputs', 'targets', 'mask', 'target_angle', 'trial_steps', 'go_cue']}
out['task_id'] = str(d['task_id'])
out['dt'] = float(d['dt'])
out['epoch_names'] = [str(n) for n in d['epoch_names']]
out['go1_start'] = d['epoch_go1_start'].tolist()
out['roles'] = [str(r) for r in d['layout_inputs_role']]
out['c_contiguous'] = bool(d['inputs'].flags['C_CONTIGUOUS'])
print(json.dumps(out))
`;
      const result = JSON.parse(execFileSync(python!, ['-c', script, path], { encoding: 'utf8' }));
      const { steps: T, batchSize: B } = batch;
      expect(result.inputs).toEqual({ dtype: 'float32', shape: [T, B, batch.inputSize] });
      expect(result.mask).toEqual({ dtype: 'float32', shape: [T, B, batch.outputSize] });
      expect(result.target_angle).toEqual({ dtype: 'float32', shape: [T, B] });
      expect(result.trial_steps).toEqual({ dtype: 'int32', shape: [B] });
      expect(result.epoch_stim1_start).toEqual({ dtype: 'int32', shape: [B] });
      expect(result.task_id).toBe('toy/reach');
      expect(result.dt).toBe(20);
      expect(result.epoch_names).toEqual(['fix1', 'stim1', 'go1']);
      expect(result.go1_start).toEqual([...batch.epochs.go1.start]);
      expect(result.roles).toEqual(['fixation', 'sensory', 'sensory', 'rule']);
      expect(result.c_contiguous).toBe(true);
      const sum = (array: ArrayLike<number>) => Array.from(array).reduce((a, b) => a + b, 0);
      expect(result.sums.inputs).toBeCloseTo(sum(batch.inputs), 4);
      expect(result.sums.targets).toBeCloseTo(sum(batch.targets), 4);
      expect(result.sums.mask).toBe(sum(batch.mask));
      expect(result.sums.target_angle).toBeCloseTo(sum(batch.targetAngle), 4);
      expect(result.sums.go_cue).toBe(sum(batch.goCue));
    });

    it('decodeNpz reads an archive that NumPy wrote (float64, int64, no layout)', () => {
      const path = join(scratch, 'from-numpy.npz');
      const script = `
import sys, numpy as np
T, B = 3, 2
np.savez(sys.argv[1],
  inputs=np.arange(T * B * 4, dtype=np.float64).reshape(T, B, 4) / 10,
  targets=np.full((T, B, 2), 0.05), mask=np.ones((T, B, 2)),
  target_angle=np.array([[-1, -1], [0.5, -1], [0.5, 3.0]]),
  trial_steps=np.array([3, 3]), go_cue=np.array([1, 2]), dt=np.float64(100),
  epoch_fixation_start=np.array([0, 0]), epoch_fixation_end=np.array([1, 2]))
`;
      execFileSync(python!, ['-c', script, path]);
      const back = decodeNpz(new Uint8Array(readFileSync(path)));
      expect([back.steps, back.batchSize, back.inputSize, back.outputSize, back.dt]).toEqual([3, 2, 4, 2, 100]);
      expect(back.inputs[23]).toBeCloseTo(2.3, 6);
      expect([...back.targetAngle]).toEqual([-1, -1, 0.5, -1, 0.5, 3]);
      expect([...back.goCue]).toEqual([1, 2]);
      expect([...back.epochs.fixation.end]).toEqual([1, 2]);
      expect(back.layout.inputs).toEqual([{ name: 'inputs', role: 'sensory', start: 0, size: 4 }]);
      expect(back.taskId).toBe('');
    });
  },
);

describe('mixed batches', () => {
  it('keep the task of each trial through an .npz round trip', () => {
    const fdgo = YANG19_TASKS.fdgo;
    const dms = YANG19_TASKS.dmsgo;
    const mixed = mixBatches([
      fdgo.generate(createRng(1), resolveTaskOptions(fdgo, { batchSize: 2 })),
      dms.generate(createRng(2), resolveTaskOptions(dms, { batchSize: 3 })),
    ]);
    const back = decodeNpz(encodeNpz(mixed));
    expect(back).toEqual(mixed);
    expect(back.trialTasks).toEqual(['fdgo', 'fdgo', 'dmsgo', 'dmsgo', 'dmsgo']);
    expect(decodeNpzArrays(encodeNpz(mixed)).trial_tasks).toEqual({
      dtype: 'string',
      shape: [5],
      data: back.trialTasks,
    });
  });
});

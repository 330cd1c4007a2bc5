/**
 * `recycleBatch`: batches generated into recycled memory are the batches generated fresh, value for value,
 * whatever the lengths of the batches before them; nothing is reused until a batch is recycled.
 */
import { describe, expect, it } from 'vitest';
import { recycleBatch } from '../src/batch-pool.js';
import { resolveTaskOptions } from '../src/options.js';
import { createRng } from '../src/rng.js';
import type { Batch } from '../src/task.js';
import { yang19 } from '../src/yang19/index.js';

const plain = (batch: Batch) => ({
  ...batch,
  inputs: [...batch.inputs],
  targets: [...batch.targets],
  mask: [...batch.mask],
  targetAngle: [...batch.targetAngle],
});

describe('recycleBatch', () => {
  it('gives the same batches in recycled memory as in fresh memory, for trials of varying lengths', () => {
    const tasks = ['fdgo', 'dm1', 'delaygo', 'contextdm1'].map((id) => yang19.find((task) => task.id === id)!);
    const fresh = tasks.flatMap((task) =>
      [1, 2, 3].map((seed) => plain(task.generate(createRng(seed), resolveTaskOptions(task, { batchSize: 8 })))),
    );
    const recycled: ReturnType<typeof plain>[] = [];
    for (const task of tasks) {
      for (const seed of [1, 2, 3]) {
        const batch = task.generate(createRng(seed), resolveTaskOptions(task, { batchSize: 8 }));
        recycled.push(plain(batch));
        recycleBatch(batch);
      }
    }
    expect(new Set(fresh.map((batch) => batch.steps)).size).toBeGreaterThan(1);
    expect(recycled).toEqual(fresh);
  });

  it('writes the next batch into the memory given back, and never into a batch still held', () => {
    const task = yang19.find((candidate) => candidate.id === 'fdgo')!;
    const options = resolveTaskOptions(task, { batchSize: 4, noise: false });
    const held = task.generate(createRng(1), options);
    const other = task.generate(createRng(2), options);
    expect(other.inputs.buffer).not.toBe(held.inputs.buffer);
    recycleBatch(other);
    const next = task.generate(createRng(3), options);
    const buffers = [other.inputs, other.targets, other.mask, other.targetAngle].map((array) => array.buffer);
    expect(buffers).toContain(next.inputs.buffer);
    expect([held.inputs, held.targets, held.mask, held.targetAngle].map((array) => array.buffer)).not.toContain(
      next.inputs.buffer,
    );
  });
});

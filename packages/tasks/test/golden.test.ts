import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng, resolveTaskOptions, yang19 } from '../src/index.js';

/**
 * Golden checksums of the reference implementation (gyyang/multitask `task.py`, run in `test` mode with the
 * input noise off; spec §1.9). Sums are taken in float64 over the float32 arrays.
 */
interface Golden {
  T: number;
  B: number;
  sum_x: number;
  sum_x2: number;
  sum_y: number;
  sum_y2: number;
  sum_mask: number;
  respond: number;
}
const golden: { tasks: Record<string, Golden> } = JSON.parse(
  readFileSync(new URL('./fixtures/yang19-test-mode.json', import.meta.url), 'utf8'),
);

function sums(values: Float32Array): [number, number] {
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    sum += v;
    squares += v * v;
  }
  return [sum, squares];
}

describe('golden checksums: the 20 tasks in test mode match the reference', () => {
  it('covers every task of the golden file', () => {
    expect(yang19.map((task) => task.id).sort()).toEqual(Object.keys(golden.tasks).sort());
  });

  it.each(yang19.map((task) => [task.id, task] as const))('%s', (id, task) => {
    const expected = golden.tasks[id];
    const batch = task.generate(createRng(0), resolveTaskOptions(task, { mode: 'test', noise: false }));
    expect([batch.steps, batch.batchSize, batch.inputSize, batch.outputSize]).toEqual([expected.T, expected.B, 85, 33]);
    const [sumX, sumX2] = sums(batch.inputs);
    const [sumY, sumY2] = sums(batch.targets);
    const [sumMask] = sums(batch.mask);
    const respond = batch.targetAngle.reduce((count, angle) => count + (angle >= 0 ? 1 : 0), 0);
    const relative = (actual: number, reference: number) => Math.abs(actual - reference) / Math.abs(reference);
    // Measured: at most 8e-9 (the golden values are printed with 4 decimals).
    expect(relative(sumX, expected.sum_x)).toBeLessThan(1e-6);
    expect(relative(sumX2, expected.sum_x2)).toBeLessThan(1e-6);
    expect(relative(sumY, expected.sum_y)).toBeLessThan(1e-6);
    expect(relative(sumY2, expected.sum_y2)).toBeLessThan(1e-6);
    expect(sumMask).toBe(expected.sum_mask);
    expect(respond).toBe(expected.respond);
  });
});

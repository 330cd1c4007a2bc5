/**
 * Golden batches: a SHA-256 digest of every array of a batch of each task, under several option sets and all
 * three generation modes, written from the first release of these tasks. A change to a task's trials, or
 * to the library code that renders them, changes a digest: bump the task's version and rewrite the digest
 * only when the change is meant.
 */
import { createHash } from 'node:crypto';
import { type Batch, createRng, resolveTaskOptions, type Task, type TaskOptions } from '@molap/tasks';
import { expect, it } from 'vitest';
import { createDelayComparison, createGoNoGo, createPerceptualDecisionMaking, createReadySetGo } from '../src/tasks.js';

/** Digest of everything a batch holds: shapes, the layout, every array and the epochs (in name order). */
function digest(batch: Batch): string {
  const hash = createHash('sha256');
  const { steps, batchSize, inputSize, outputSize, dt, taskId, layout } = batch;
  hash.update(JSON.stringify({ taskId, steps, batchSize, inputSize, outputSize, dt, layout, score: batch.score?.id }));
  for (const array of [batch.inputs, batch.targets, batch.mask, batch.targetAngle, batch.trialSteps, batch.goCue]) {
    hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }
  for (const name of Object.keys(batch.epochs).sort()) {
    const { start, end } = batch.epochs[name];
    hash.update(name);
    hash.update(new Uint8Array(start.buffer, start.byteOffset, start.byteLength));
    hash.update(new Uint8Array(end.buffer, end.byteOffset, end.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

const generate = (task: Task, seed: number, options: Partial<TaskOptions>) =>
  digest(task.generate(createRng(seed), resolveTaskOptions(task, options)));

/** Each task under its defaults and with options of its own, in every mode. */
const CASES: readonly [string, Task, readonly Readonly<Record<string, unknown>>[]][] = [
  ['perceptual-decision-making', createPerceptualDecisionMaking(), [{ direction: 1, coherence: 20 }]],
  [
    'perceptual-decision-making, 4 choices',
    createPerceptualDecisionMaking({ choices: 4, coherences: [10, 50], sigma: 0.5, timing: { delay: 200 } }),
    [{ direction: 2, coherence: 0 }],
  ],
  ['go-no-go', createGoNoGo(), [{ go: false }, { go: true }]],
  [
    'go-no-go, other cues',
    createGoNoGo({ goDirection: 1, noGoDirection: 4, timing: { fixation: 100, delay: 300 } }),
    [{ go: true }],
  ],
  ['ready-set-go', createReadySetGo(), [{ measure: 1000, direction: 2 }]],
  [
    'ready-set-go, gain 1.5',
    createReadySetGo({ gain: 1.5, measureRange: [600, 900], timing: { set: 60 } }),
    [{ measure: 700, direction: 0 }],
  ],
  ['delay-comparison', createDelayComparison(), [{ f1: 20, f2: 21 }]],
  [
    'delay-comparison, other pairs',
    createDelayComparison({
      pairs: [
        [10, 20],
        [30, 15],
      ],
      sigma: 2,
      stimulusDirection: 1,
      responseDirections: [2, 5],
      timing: { delay: 700 },
    }),
    [{ f1: 12, f2: 11 }],
  ],
];

function digests(task: Task, conditions: readonly Readonly<Record<string, unknown>>[]) {
  return {
    random: generate(task, 7, { batchSize: 16 }),
    randomSmallRings: generate(task, 8, { batchSize: 8, dt: 10, ringSize: 16 }),
    test: generate(task, 9, { mode: 'test' }),
    testQuiet: generate(task, 9, { mode: 'test', noise: false }),
    psychometric: generate(task, 10, { mode: 'psychometric', conditions }),
  };
}

const GOLDEN: Readonly<Record<string, ReturnType<typeof digests>>> = {
  'perceptual-decision-making': {
    random: 'cc5e28d150dc351c',
    randomSmallRings: '48967b2f3a57ac75',
    test: 'c50f5b5e6fe04976',
    testQuiet: '73792465456808bd',
    psychometric: '9cee9993bcd91d58',
  },
  'perceptual-decision-making, 4 choices': {
    random: 'f56925eab0cb9bf5',
    randomSmallRings: '29551bc506c06120',
    test: '4225af6949ea9a87',
    testQuiet: '6938a7c2d88fe2ca',
    psychometric: '66d139f52c08995a',
  },
  'go-no-go': {
    random: 'ca6ecbc0ec4832f3',
    randomSmallRings: 'bfd642de2e365992',
    test: 'd0f3d99943f85a4b',
    testQuiet: '2c5024759d30f845',
    psychometric: 'a528dbf4df9dcc18',
  },
  'go-no-go, other cues': {
    random: '554e55f701e7f459',
    randomSmallRings: '8fa7d79776d64632',
    test: 'b2039e258f2eaf0f',
    testQuiet: '5f7dafb4f45d2a48',
    psychometric: 'f3eb2c35a7dc9009',
  },
  'ready-set-go': {
    random: '79e69fcaf27b56d2',
    randomSmallRings: '54cb0a0e6fba0d96',
    test: '167f35d4f8ad9851',
    testQuiet: 'cc046e61cb14d76b',
    psychometric: 'e5c74acbc5fc00f0',
  },
  'ready-set-go, gain 1.5': {
    random: 'a8a55ada93fb6f3a',
    randomSmallRings: '593e133f5f9c7ee8',
    test: 'aa0e3d55bfb82e07',
    testQuiet: 'eef762b5a66a93b8',
    psychometric: '5b6ea8141c5a1884',
  },
  'delay-comparison': {
    random: '1384cef360f84568',
    randomSmallRings: '7f85157a1633a8bd',
    test: '806beebc17134fbc',
    testQuiet: 'a75d0148d7c7aa1e',
    psychometric: '89f279143faa1aa8',
  },
  'delay-comparison, other pairs': {
    random: 'c69337428b5c6f1e',
    randomSmallRings: 'a14a744eb05fc5fb',
    test: '25aba2ad498eb87a',
    testQuiet: 'a4255344baf5ac5b',
    psychometric: 'ad92871b1ff3237d',
  },
};

it.each(CASES)('%s: batches as when first released', (name, task, conditions) => {
  expect(digests(task, conditions)).toEqual(GOLDEN[name]);
});

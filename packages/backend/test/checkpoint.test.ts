import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLatestCheckpoint, writeCheckpoint } from '../src/checkpoint.js';
import { ModelFileError } from '../src/document.js';
import type { OptimizerState, RnnParameters } from '../src/engine.js';
import { bundleForChild, runNodeScript } from './child-process.js';
import { randomParameters, smallConfig } from './fixtures.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-checkpoint-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const config = smallConfig();
function snapshot(step: number) {
  const parameters: RnnParameters = randomParameters(config, step);
  const optimizerState: OptimizerState = {
    step,
    firstMoment: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, v.map((x) => x / 10)])),
    secondMoment: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, v.map((x) => x * x)])),
  };
  return { config, parameters, optimizerState, trainingStep: step, metadata: { run: 'test' } };
}

describe('checkpoints', () => {
  it('keeps the newest step folders and points latest.json at the newest', async () => {
    const dir = join(root, 'keep');
    expect(await readLatestCheckpoint(dir)).toBeUndefined();
    for (const step of [5, 10, 15]) await writeCheckpoint(dir, snapshot(step), { keep: 2 });
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'step-00000010', 'step-00000015']);
    const latest = await readLatestCheckpoint(dir);
    expect(latest?.trainingStep).toBe(15);
    expect(latest?.path).toBe(join(dir, 'step-00000015'));
    expect(latest?.parameters).toEqual(snapshot(15).parameters);
    expect(latest?.optimizerState).toEqual(snapshot(15).optimizerState);
    expect(latest?.metadata).toEqual({ run: 'test' });
  });

  it('a write that fails between weights.bin and model.json never replaces the last good checkpoint', async () => {
    const dir = join(root, 'fail-between-files');
    await writeCheckpoint(dir, snapshot(10));
    const crash = new Error('disk full (simulated)');
    await expect(
      writeCheckpoint(dir, snapshot(20), {
        hooks: {
          afterWrite: (file) => {
            if (file === 'weights.bin') throw crash;
          },
        },
      }),
    ).rejects.toBe(crash);
    expect((await readLatestCheckpoint(dir))?.trainingStep).toBe(10);
    expect((await readdir(dir)).some((entry) => entry.startsWith('.incomplete-step-00000020'))).toBe(true);
    // The next write completes and clears the leftovers.
    await writeCheckpoint(dir, snapshot(20));
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'step-00000010', 'step-00000020']);
    expect((await readLatestCheckpoint(dir))?.trainingStep).toBe(20);
  });

  it('a write that fails before the pointer moves leaves latest.json on the previous checkpoint', async () => {
    const dir = join(root, 'fail-before-pointer');
    await writeCheckpoint(dir, snapshot(10));
    await expect(
      writeCheckpoint(dir, snapshot(20), {
        hooks: {
          beforePointer: () => {
            throw new Error('killed');
          },
        },
      }),
    ).rejects.toThrow('killed');
    expect((await readLatestCheckpoint(dir))?.trainingStep).toBe(10);
    // A resumed run writes step 15 next: the orphan step-20 folder, never named by a pointer, is removed.
    await writeCheckpoint(dir, snapshot(15));
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'step-00000010', 'step-00000015']);
  });

  it('survives a real crash (SIGKILL) of the writing process at each point of a write', async () => {
    const module = await bundleForChild('checkpoint');
    for (const [point, index] of [
      ['weights.bin', 0],
      ['model.json', 1],
      ['pointer', 2],
    ] as const) {
      const dir = join(root, `crash-${point}`);
      await writeCheckpoint(dir, snapshot(10));
      const script = `
        const { writeCheckpoint } = await import(${JSON.stringify(module)});
        const n = 5;
        const parameters = {
          inputWeights: new Float32Array(n * 3).fill(1), recurrentWeights: new Float32Array(n * n).fill(2),
          recurrentBias: new Float32Array(n), outputWeights: new Float32Array(2 * n).fill(3), outputBias: new Float32Array(2),
        };
        const kill = () => process.kill(process.pid, 'SIGKILL');
        await writeCheckpoint(${JSON.stringify(dir)}, { config: ${JSON.stringify(config)}, parameters, trainingStep: 20 }, {
          hooks: {
            afterWrite: (file) => { if (${index} === 0 && file === 'weights.bin') kill(); if (${index} === 1 && file === 'model.json') kill(); },
            beforePointer: () => { if (${index} === 2) kill(); },
          },
        });
      `;
      const result = await runNodeScript(script);
      expect(result.signal, result.stderr).toBe('SIGKILL');
      const latest = await readLatestCheckpoint(dir);
      expect(latest?.trainingStep, point).toBe(10);
      expect(latest?.parameters).toEqual(snapshot(10).parameters);
    }
  }, 60_000);

  it('falls back to the previous good checkpoint when the newest is damaged, with a warning', async () => {
    const dir = join(root, 'damaged-newest');
    await writeCheckpoint(dir, snapshot(10));
    await writeCheckpoint(dir, snapshot(20));
    await writeFile(join(dir, 'step-00000020', 'weights.bin'), 'truncated');
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const latest = await readLatestCheckpoint(dir);
      expect(latest?.trainingStep).toBe(10);
      expect(latest?.path).toBe(join(dir, 'step-00000010'));
      expect(latest?.parameters).toEqual(snapshot(10).parameters);
      await new Promise((resume) => setImmediate(resume));
      expect(warnings.join('\n')).toMatch(
        /MolapCheckpointWarning: the newest checkpoint .*step-00000020 is damaged .*resuming from the previous good one, step 10/,
      );
      await writeFile(join(dir, 'step-00000010', 'weights.bin'), 'truncated too');
      await expect(readLatestCheckpoint(dir)).rejects.toBeInstanceOf(ModelFileError);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('rejects a damaged pointer or a pointer to a missing checkpoint, naming the file', async () => {
    const dir = join(root, 'bad-pointer');
    await writeCheckpoint(dir, snapshot(10));
    const pointer = join(dir, 'latest.json');
    const good = await readFile(pointer, 'utf8');
    await writeFile(pointer, good.slice(0, 10));
    await expect(readLatestCheckpoint(dir)).rejects.toThrow(`${pointer}: is not valid JSON`);
    await writeFile(pointer, good.replace('step-00000010', 'step-00000099'));
    const error = await readLatestCheckpoint(dir).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.file).toBe(join(dir, 'step-00000099', 'model.json'));
    await writeFile(pointer, good.replace('"formatVersion": 1', '"formatVersion": 7'));
    await expect(readLatestCheckpoint(dir)).rejects.toThrow(
      /format version 7, newer than the version 1 .*\n {2}hint: upgrade @molap\/backend/,
    );
    await writeFile(pointer, good.replace('"formatVersion": 1', '"formatVersion": 0'));
    await expect(readLatestCheckpoint(dir)).rejects.toThrow(
      /format version 0, older than .*\n {2}hint: .*delete the checkpoint folder/,
    );
  });
});

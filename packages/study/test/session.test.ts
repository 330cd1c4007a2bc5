/** Starting and continuing a run folder: the machine fit, run.json of a new run, the engine of a resumed run. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorKind } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkResumedEngine,
  fitToMachine,
  type RunRecord,
  readRunRecord,
  resumedBackend,
  type StudyPlan,
  startRunFolder,
} from '../src/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-session-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('fitToMachine', () => {
  it('caps threads and pre-training workers at the cores, with a note each', () => {
    const config = { backend: { engine: 'native' as const, threads: 8 }, run: { bank: { workers: 3 } } };
    const fitted = fitToMachine(config, 2);
    expect(fitted.config.backend).toEqual({ engine: 'native', threads: 2 });
    expect(fitted.config.run?.bank).toEqual({ workers: 2 });
    expect(fitted.notes).toEqual([
      'backend.threads (--threads) 8 is capped at the 2 cores of this machine',
      'run.bank.workers (--workers) 3 is capped at the 2 cores of this machine',
    ]);
  });

  it('returns the config itself when it fits', () => {
    const config = { backend: { threads: 2 } };
    expect(fitToMachine(config, 4)).toEqual({ config, notes: [] });
    expect(fitToMachine(config, 4).config).toBe(config);
  });
});

describe('startRunFolder', () => {
  it('makes <parent>/<timestamp>-<preset> with a run.json that resumes', async () => {
    const plan = {
      preset: 'quick',
      seeds: [1],
      backend: { engine: 'native' },
      tasks: ['fdgo'],
    } as unknown as StudyPlan;
    const now = new Date(2025, 10, 26, 14, 25, 1);
    const dir = await startRunFolder(plan, { config: { run: { seeds: [1] } }, engine: 'native', parent: root, now });
    expect(dir).toBe(join(root, '20251126-142501-quick'));
    const again = await startRunFolder(plan, { config: {}, engine: 'native', parent: root, now });
    expect(again).toBe(join(root, '20251126-142501-quick-2'));
    const record = await readRunRecord(dir);
    expect(record).toMatchObject({ preset: 'quick', seeds: [1], engine: 'native', plan, createdAt: now.toISOString() });
    expect(record.config).toEqual({ run: { seeds: [1] } });
  });
});

describe('resuming on an engine', () => {
  const record = { engine: 'native', plan: { backend: { engine: 'native', threads: 2 } } } as unknown as RunRecord;

  it('continues with the recorded engine selection, or the engine family asked for', () => {
    expect(resumedBackend(record)).toEqual({ engine: 'native', threads: 2 });
    expect(resumedBackend(record, 'tfjs')).toEqual({ engine: 'tfjs', threads: 2 });
  });

  it('refuses another engine unless it was chosen explicitly', () => {
    expect(() => checkResumedEngine(record, 'native', { shown: 'runs/a', explicit: false })).not.toThrow();
    expect(() => checkResumedEngine(record, 'tfjs-cpu', { shown: 'runs/a', explicit: true })).not.toThrow();
    let refused: unknown;
    try {
      checkResumedEngine(record, 'tfjs-cpu', { shown: 'runs/a', explicit: false, env: {} });
    } catch (error) {
      refused = error;
    }
    expect(errorKind(refused)).toBe('bad-input');
    expect((refused as Error).message).toBe(
      'runs/a was started on the native engine; this session would continue it on tfjs-cpu, whose numbers differ\n' +
        '  hint: resume on native (unset MOLAP_ENGINE and MOLAP_TFJS_BACKEND), or say so explicitly with --engine tfjs',
    );
  });
});

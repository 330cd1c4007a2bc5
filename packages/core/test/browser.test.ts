/**
 * The browser entry (`src/browser.ts`, export condition `browser`): the exports of `index.ts` minus the
 * Node-only ones pinned here, and no Node built-in reached from it.
 */
import { expect, it } from 'vitest';
import { browserEntryDifference, nodeImportsOf } from '../../../tools/browser-entry.js';

/** Exports that read or write files, load saved models, run worker threads or learn with checkpoints: Node only. */
const NODE_ONLY = [
  'builtModuleUrl',
  'createWorkerPool',
  'type EngineLearningOptions',
  'type EngineLearningResult',
  'finishedTaskFolder',
  'type FormattedDocument',
  'learnEngineModel',
  'loadSavedModel',
  'type PointEvaluation',
  'readFinishedTask',
  'readJsonDocument',
  'readStrategyDocument',
  'runJobsInWorkers',
  'STRATEGY_FORMAT',
  'STRATEGY_FORMAT_VERSION',
  'STRATEGY_JSON',
  'type StrategyDocument',
  'workerExecArgv',
  'type WorkerJob',
  'type WorkerPool',
  'type WorkerPoolOptions',
  'type WorkerPoolSettings',
  'writeFinishedTask',
  'writeJsonDocument',
  'writeStrategyDocument',
];

it('exports everything but the Node-only names', () => {
  expect(browserEntryDifference(new URL('../src/', import.meta.url))).toEqual({ nodeOnly: NODE_ONLY, browserOnly: [] });
});

it('reaches no Node built-in', () => {
  expect(nodeImportsOf(new URL('../src/browser.ts', import.meta.url))).toEqual([]);
});

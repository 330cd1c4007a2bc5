/**
 * The browser entry (`src/browser.ts`, export condition `browser`): the exports of `index.ts` minus the
 * Node-only ones pinned here, and no Node built-in reached from it.
 */
import { expect, it } from 'vitest';
import { browserEntryDifference, nodeImportsOf } from '../../../tools/browser-entry.js';

/** Exports that read or write bank and teacher files, pre-train modules in worker threads with checkpoints, or build extractors that choose an engine: Node only. */
const NODE_ONLY = [
  'buildModuleBank',
  'type BuildModuleBankOptions',
  'BUILTIN_EXTRACTORS',
  'ccaExtractor',
  'type CcaExtractorOptions',
  'checkTeacher',
  'corpusLayout',
  'createLatentExtractorRegistry',
  'DEFAULT_EXTRACTOR',
  'DEFAULT_TEACHER_TRIALS_PER_TASK',
  'extractorRecord',
  'FitAccumulator',
  'heldOutBatches',
  'HOW_TO_GET_A_TEACHER',
  'loadModuleBank',
  'loadTeacher',
  'moduleCheckpointFolder',
  'type ModuleTrainingContext',
  'pcaExtractor',
  'type PcaExtractorOptions',
  'PretrainingAbortedError',
  'pretrainModules',
  'type PretrainModulesOptions',
  'type PretrainProgress',
  'type PretrainWorkerInput',
  'runPretrainWorker',
  'saveModuleBank',
  'type Teacher',
  'teacherCcaExtractor',
  'type TeacherCcaExtractorOptions',
  'teacherChecksum',
  'teacherExtractor',
  'type TeacherExtractorOptions',
  'teacherFingerprint',
  'type TeacherFingerprint',
  'type TrainedModule',
  'trainModule',
];

it('exports everything but the Node-only names', () => {
  expect(browserEntryDifference(new URL('../src/', import.meta.url))).toEqual({ nodeOnly: NODE_ONLY, browserOnly: [] });
});

it('reaches no Node built-in', () => {
  expect(nodeImportsOf(new URL('../src/browser.ts', import.meta.url))).toEqual([]);
});

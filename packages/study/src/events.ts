/** What a study reports while it works: stage starts and ends, learning-curve points, bank steps. */
import type { LearningCurvePoint } from '@molap/core';
import type { BankEvent } from './banks.js';

/**
 * Stages of a study in progress events and timings: the built-in ones, or the id of a user's analysis stage
 * (`run.stages`).
 */
export type StudyStageName =
  | 'train'
  | 'robustness'
  | 'dimensionality'
  | 'taskVariance'
  | 'generalisation'
  | (string & {});

/** Progress of a model's stage. */
export type StageEvent =
  | {
      readonly type: 'stage-start';
      readonly stage: StudyStageName;
      readonly model: string;
      readonly seed: number;
      /** For held-out tasks: `<task> (<way>)`. */
      readonly detail?: string;
    }
  | {
      readonly type: 'stage-end';
      readonly stage: StudyStageName;
      readonly model: string;
      readonly seed: number;
      readonly detail?: string;
      readonly seconds: number;
      /** The stage was read back from the run folder (done in an earlier session). */
      readonly resumed: boolean;
    }
  | {
      readonly type: 'curve';
      readonly stage: 'train' | 'generalisation';
      readonly model: string;
      readonly seed: number;
      readonly taskId: string;
      readonly point: LearningCurvePoint;
    };

/** Every event of a study. */
export type StudyEvent = StageEvent | BankEvent;

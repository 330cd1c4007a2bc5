/**
 * Starting and continuing a run folder: the config fitted to this machine, a new folder with its run.json,
 * and the checks a resumed run passes before any work (it continues on the engine it started on).
 */
import { MolapError } from '@molap/core';
import type { MolapConfig } from './config.js';
import { checkEngineEnvironment } from './environment.js';
import { createRunFolder, RUN_FORMAT, RUN_FORMAT_VERSION, type RunRecord } from './folder.js';
import type { StudyPlan } from './plan.js';
import { capAtCores } from './resources.js';
import { PACKAGE_VERSION } from './version.js';

/** A config fitted to this machine, and a note for each value that was changed. */
export interface MachineFit {
  readonly config: MolapConfig;
  /** One line per change, e.g. "backend.threads (--threads) 8 is capped at the 2 cores of this machine". */
  readonly notes: readonly string[];
}

/**
 * The config fitted to this machine before any engine or worker starts: the engine environment variables
 * checked (bad input naming the variable), native threads (`backend.threads`) and pre-training workers
 * (`run.bank.workers`) capped at the cores.
 * @param cores default `os.availableParallelism()`.
 */
export function fitToMachine(config: MolapConfig, cores?: number): MachineFit {
  checkEngineEnvironment();
  const backend = (config.backend ?? {}) as { threads?: number };
  const bank = (config.run?.bank ?? {}) as { workers?: number };
  const threads = capAtCores(backend.threads, 'backend.threads (--threads)', cores);
  const workers = capAtCores(bank.workers, 'run.bank.workers (--workers)', cores);
  const notes = [threads.note, workers.note].filter((note): note is string => note !== undefined);
  if (notes.length === 0) return { config, notes };
  return {
    config: {
      ...config,
      ...(threads.note ? { backend: { ...config.backend, threads: threads.value } } : {}),
      ...(workers.note ? { run: { ...config.run, bank: { ...config.run?.bank, workers: workers.value } } } : {}),
    } as MolapConfig,
    notes,
  };
}

/** Options of `startRunFolder`. */
export interface StartRunOptions {
  /** The config the run starts with (file < preset < flags), kept in run.json. */
  readonly config: MolapConfig;
  /** Name of the engine the run starts on (`Engine.name`); a resume on another one is refused. */
  readonly engine: string;
  /** Folder the run folder is made in. */
  readonly parent: string;
  /** Creation time (folder name, `createdAt`); default now. */
  readonly now?: Date;
}

/**
 * Makes the run folder of a new study, `<parent>/<timestamp>-<preset>`, with its run.json (the plan, the
 * config, the engine), and returns its path; `runStudy` then works in it.
 * @throws MolapError 'run-folder' when the folder cannot be made or written.
 */
export async function startRunFolder(plan: StudyPlan, options: StartRunOptions): Promise<string> {
  const record: RunRecord = {
    format: RUN_FORMAT,
    formatVersion: RUN_FORMAT_VERSION,
    molapVersion: PACKAGE_VERSION,
    createdAt: (options.now ?? new Date()).toISOString(),
    preset: plan.preset,
    seeds: plan.seeds,
    config: options.config,
    plan,
    engine: options.engine,
  };
  return createRunFolder(options.parent, record, options.now ?? new Date());
}

/**
 * The engine selection a resumed run continues with: the one it started with (`backend` of its plan), with
 * the engine family replaced when `engine` is given.
 */
export function resumedBackend(record: RunRecord, engine?: string): NonNullable<MolapConfig['backend']> {
  return { ...(record.plan.backend as object), ...(engine ? { engine } : {}) } as NonNullable<MolapConfig['backend']>;
}

/**
 * Refuses to continue a run on another engine than the one it started on (their numbers differ), unless the
 * caller chose the engine explicitly.
 * @param engine name of the engine this session created (`Engine.name`).
 * @param options `shown`: the run folder as the user gave it; `explicit`: the engine was chosen on purpose.
 * @throws MolapError 'incompatible' (bad input) naming both engines and how to go on.
 */
export function checkResumedEngine(
  record: RunRecord,
  engine: string,
  options: { readonly shown: string; readonly explicit: boolean; readonly env?: NodeJS.ProcessEnv },
): void {
  if (record.engine === undefined || record.engine === engine || options.explicit) return;
  const env = options.env ?? process.env;
  throw new MolapError(
    'incompatible',
    `${options.shown} was started on the ${record.engine} engine; this session would continue it on ${engine}${env.MOLAP_ENGINE ? ` (MOLAP_ENGINE=${env.MOLAP_ENGINE})` : ''}, whose numbers differ`,
    {
      hint: `resume on ${record.engine} (unset MOLAP_ENGINE and MOLAP_TFJS_BACKEND), or say so explicitly with --engine ${engine.startsWith('tfjs') ? 'tfjs' : engine}`,
    },
  );
}

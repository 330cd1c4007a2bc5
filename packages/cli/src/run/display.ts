/**
 * What `molap run` shows while it works: each finished stage as a line, and as the status (a spinner on a
 * terminal) the current stage with its own progress and ETA and the whole run's progress and ETA; or every
 * event as a JSON line (`--json`, plus a `run-progress` line after each stage); or nothing (`--quiet`).
 */

import type { CoordinatorStatus } from '@molap/distributed';
import {
  type BankEvent,
  type BankShape,
  costInputs,
  firstPretrainedModel,
  formatSeconds,
  PACKAGE_VERSION,
  RunClock,
  type StrategyTraits,
  type StudyEvent,
  type StudyOutput,
  type StudyPlan,
  type StudyRegistries,
  type SuiteSize,
  stageCosts,
  stageKey,
} from '@molap/study';
import type { Progress, ProgressMode } from '../progress.js';

const STAGE_NAMES: Readonly<Record<string, string>> = {
  train: 'learn the corpus',
  robustness: 'perturbation suite',
  dimensionality: 'dimensionality',
  taskVariance: 'task variance',
  generalisation: 'learn held-out task',
};

const BANK_STEPS: Readonly<Record<string, string>> = {
  corpus: 'sample the corpus',
  latents: 'extract latent primitives',
  pretrain: 'pre-train modules',
  load: 'load the module bank saved earlier',
};

/** The key of a running stage in the display: its model, seed and stage (one of each runs at a time). */
const runKey = (model: string, seed: number, stage: string) => `${model}\u0000${seed}\u0000${stage}`;

/** The display of a run; `handle` is the pipeline's event callback. */
export class RunDisplay {
  private readonly clock: RunClock;
  private readonly plan: StudyPlan;
  private readonly progress: Progress;
  private readonly mode: ProgressMode;
  private readonly bank: BankShape;
  /** Models with a pre-trained bank (their pre-training is part of their training stage). */
  /** The model under which the bank's pre-training is costed (`firstPretrainedModel`), or null. */
  private readonly pretrainedModel: string | null;
  /**
   * Stages running now, by model, seed and stage (several when jobs run at once): the clock's key, and the
   * trials seen per task in a training stage.
   */
  private readonly running = new Map<string, { key: string; trials: Map<string, number> }>();
  /** Steps done per module in each running pre-training, by model and seed. */
  private readonly moduleSteps = new Map<string, Map<number, number>>();

  constructor(options: {
    plan: StudyPlan;
    progress: Progress;
    mode: ProgressMode;
    bank: BankShape;
    suite: readonly SuiteSize[];
    traits: ReadonlyMap<string, StrategyTraits>;
  }) {
    this.plan = options.plan;
    this.progress = options.progress;
    this.mode = options.mode;
    this.bank = options.bank;
    this.clock = new RunClock(stageCosts(options.plan, options.bank, options.suite, options.traits));
    this.pretrainedModel = firstPretrainedModel(options.plan.models, options.traits);
  }

  private who(model: string, seed: number): string {
    return this.plan.seeds.length > 1 ? `${model} seed ${seed}` : model;
  }

  private status(text: string, key?: string): void {
    const stageEta = this.clock.stageEta(key);
    const runEta = this.clock.runEta();
    const { index, count } = this.clock.stages;
    this.progress.status(
      `${text}${stageEta === undefined ? '' : ` (${formatSeconds(stageEta)} left)`} · stage ${index}/${count}, ${Math.round(
        this.clock.progress() * 100,
      )} % of the run${runEta === undefined ? '' : `, about ${formatSeconds(runEta)} left`}`,
    );
  }

  private start(runKey: string, key: string): void {
    this.running.set(runKey, { key, trials: new Map() });
    this.clock.start(key);
  }

  /** The run-wide progress as one JSON line (json mode). */
  private runProgress(): void {
    const eta = this.clock.runEta();
    this.progress.event({
      type: 'run-progress',
      fraction: Number(this.clock.progress().toFixed(4)),
      etaSeconds: eta === undefined ? null : Math.round(eta),
      elapsedSeconds: Math.round(this.clock.elapsed()),
    } as { type: string });
  }

  /** The run's first line (and `run-start` event): its folder, preset, models, seeds, tasks and engine. */
  begin(run: {
    readonly runDir: string;
    readonly where: string;
    readonly resumed: boolean;
    readonly engine: string;
    /** Jobs at once (more than one: in worker threads). */
    readonly jobs?: number;
  }): void {
    const { preset, basePreset, models, seeds, corpus, heldOut } = this.plan;
    this.progress.event({
      type: 'run-start',
      runDir: run.runDir,
      resumed: run.resumed,
      preset,
      molapVersion: PACKAGE_VERSION,
      engine: run.engine,
      jobs: run.jobs ?? 1,
    } as { type: string });
    this.progress.step(
      `${run.resumed ? 'resuming' : 'run folder'} ${run.where}: preset ${preset}${preset === basePreset ? '' : ` (over ${basePreset})`}, ${models.length} model${models.length === 1 ? '' : 's'} × ${seeds.length} seed${seeds.length === 1 ? '' : 's'}, ${corpus.length} corpus + ${heldOut.length} held-out tasks, engine ${run.engine}${(run.jobs ?? 1) > 1 ? `, ${run.jobs} jobs at once` : ''}`,
    );
  }

  /** The run's last line (and `run-end` event): its time and files. */
  finish(seconds: number, output: Pick<StudyOutput, 'resultsFile' | 'reportFile'>): void {
    this.progress.end('done', `molap run: done in ${formatSeconds(seconds)}`);
    this.progress.event({ type: 'run-end', seconds, results: output.resultsFile, report: output.reportFile } as {
      type: string;
    });
  }

  /** Handles one event of the pipeline. */
  readonly handle = (event: StudyEvent): void => {
    if (this.mode === 'json') this.progress.event(event);
    if (event.type === 'bank-start' || event.type === 'bank-end' || event.type === 'pretrain') {
      this.bankEvent(event);
      return;
    }
    const who = this.who(event.model, event.seed);
    switch (event.type) {
      case 'stage-start': {
        const key = stageKey(event.model, event.seed, event.stage, event.detail);
        this.start(runKey(event.model, event.seed, event.stage), key);
        this.status(`${who}: ${STAGE_NAMES[event.stage] ?? event.stage}${event.detail ? ` ${event.detail}` : ''}`, key);
        break;
      }
      case 'curve': {
        const { budget } = this.plan;
        const run = this.running.get(runKey(event.model, event.seed, event.stage));
        if (run) {
          if (event.stage === 'train') {
            run.trials.set(event.taskId, event.point.trials);
            this.clock.trials(
              run.key,
              [...run.trials.values()].reduce((sum, n) => sum + n, 0),
            );
          } else {
            this.clock.fraction(run.key, event.point.trials / (budget.steps * budget.batchSize || 1));
          }
        }
        this.status(
          `${who}: ${event.stage === 'train' ? 'learn' : 'learn held-out task'} ${event.taskId}, ${event.point.trials} trials, performance ${event.point.performance.toFixed(2)}`,
          run?.key,
        );
        break;
      }
      case 'stage-end': {
        if (event.stage === 'train' && event.model === this.pretrainedModel) {
          this.clock.end(stageKey(event.model, event.seed, 'pretrain'), event.resumed);
        }
        this.clock.end(stageKey(event.model, event.seed, event.stage, event.detail), event.resumed);
        this.running.delete(runKey(event.model, event.seed, event.stage));
        const what = `${STAGE_NAMES[event.stage] ?? event.stage}${event.detail ? ` ${event.detail}` : ''}`;
        this.progress.step(
          `${who}: ${what} ${event.resumed ? '(done in an earlier session)' : `in ${formatSeconds(event.seconds)}`}`,
        );
        if (this.mode === 'json') this.runProgress();
        break;
      }
    }
  };

  private bankEvent(event: BankEvent): void {
    const who = this.who(event.model, event.seed);
    const pretrainKey = stageKey(event.model, event.seed, 'pretrain');
    const bankKey = runKey(event.model, event.seed, 'pretrain');
    switch (event.type) {
      case 'bank-start':
        if (event.step === 'pretrain') {
          this.moduleSteps.set(bankKey, new Map());
          this.clock.start(pretrainKey);
        }
        this.status(`${who}: ${BANK_STEPS[event.step]}`, pretrainKey);
        break;
      case 'bank-end':
        if (event.step === 'pretrain' || event.step === 'load') {
          this.clock.end(pretrainKey, event.step === 'load');
          this.moduleSteps.delete(bankKey);
          // Back to the training stage the bank was built for.
          const training = this.running.get(runKey(event.model, event.seed, 'train'));
          if (training) this.clock.start(training.key);
        }
        this.progress.step(`${who}: ${BANK_STEPS[event.step]}: ${event.detail} in ${formatSeconds(event.seconds)}`);
        break;
      case 'pretrain': {
        const inner = event.progress;
        if (inner.type !== 'loss' && inner.type !== 'module-end') break;
        const steps = this.bank.steps;
        const modules = this.moduleSteps.get(bankKey) ?? new Map<number, number>();
        this.moduleSteps.set(bankKey, modules);
        modules.set(inner.module, inner.type === 'loss' ? inner.step : steps);
        const done = [...modules.values()].reduce((sum, n) => sum + n, 0);
        this.clock.fraction(pretrainKey, done / (this.bank.k * steps || 1));
        const finished = [...modules.values()].filter((n) => n >= steps).length;
        this.status(`${who}: pre-train modules, ${finished}/${this.bank.k} done`, pretrainKey);
        break;
      }
    }
  }
}

/** Builds the display of a plan: resolves the sizes the cost estimate needs from the libraries. */
export async function createRunDisplay(
  plan: StudyPlan,
  progress: Progress,
  mode: ProgressMode,
  registries: StudyRegistries = {},
): Promise<RunDisplay> {
  return new RunDisplay({ plan, progress, mode, ...(await costInputs(plan, registries)) });
}

/** Least time between two lines of the queue's state (jobs done, running on which worker, waiting). */
const QUEUE_LINE_INTERVAL_MS = 15_000;

/**
 * The display of the Redis executor's status: every event as a JSON line (`--json`), else refusals and
 * requeued jobs as lines and the queue's state at most every 15 s.
 */
export function executorStatusReporter(progress: Progress, mode: ProgressMode): (status: CoordinatorStatus) => void {
  let shownAt = Number.NEGATIVE_INFINITY;
  return (status) => {
    if (mode === 'json') progress.event({ ...status, type: `executor-${status.type}` });
    else if (status.type === 'refusal') {
      progress.step(`worker ${status.worker} refused the run: ${status.differences.join('; ')}`);
    } else if (status.type === 'requeued') {
      progress.step(`${status.reason}: ${status.jobs} jobs enqueued again`);
    } else if (Date.now() - shownAt >= QUEUE_LINE_INTERVAL_MS) {
      shownAt = Date.now();
      const running = status.running.map(({ job, worker }) => `${worker} ${job}`).join(', ');
      progress.step(
        `queue ${status.queue}: ${status.done}/${status.total} jobs done, ${status.running.length} running${running ? ` (${running})` : ''}, ${status.queued} waiting`,
      );
    }
  };
}

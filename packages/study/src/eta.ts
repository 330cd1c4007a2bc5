/**
 * How far a run is and how long it still takes. Each stage of the plan gets an estimated cost in
 * multiply-adds of the recurrent networks (trials × time steps × per-step work; a training trial counts
 * three times an evaluation: forward and backward passes); the time steps per trial are the same
 * everywhere, so they cancel. Progress inside training stages comes from the learning-curve events, inside
 * pre-training from the module loss events. The rate is measured on the work done in this session only
 * (stages read back from an earlier session cost no time), so a resumed run gets an honest ETA.
 */
import { MolapError } from '@molap/core';
import type { StudyPlan } from './plan.js';
import { firstPretrainedModel, type StrategyTraits } from './traits.js';

/** Input and output sizes of the Yang tasks (85 inputs, 33 outputs): close enough for other tasks. */
const IO_UNITS = 85 + 33;
/** A training trial costs about three evaluations (forward, backward, gradients). */
const TRAIN_FACTOR = 3;
/** Trials of a task's deterministic test grid (task variance): a rough mean over the Yang tasks. */
const TEST_GRID_TRIALS = 256;
/** Default hidden size of the baselines (`NETWORK_DEFAULTS`). */
const DEFAULT_HIDDEN = 256;
/** Worker threads of the pre-training when the plan leaves it to the library (one per core, here 2). */
const DEFAULT_WORKERS = 2;

/** The module bank's shape and pre-training, resolved (`resolveModuleTraining` of @molap/primitives). */
export interface BankShape {
  readonly k: number;
  readonly moduleSize: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly workers: number | undefined;
}

/** Per-trial-step work of a network. */
const networkWork = (hidden: number, recurrent: number) => recurrent + hidden * IO_UNITS;

/** Key of a stage: model, seed, stage and detail as in the analysis events (`pretrain` for the bank). */
export const stageKey = (model: string, seed: number, stage: string, detail?: string) =>
  `${model}\u0000${seed}\u0000${stage}\u0000${detail ?? ''}`;

/** Grid sizes of the perturbation suite: evaluations per task for each perturbation, and which need modules. */
export interface SuiteSize {
  /**
   * Perturbed evaluations per task: magnitudes other than 0, times draws. Magnitude 0 is the unperturbed
   * model, evaluated once per task for the whole suite and counted once by `stageCosts`.
   */
  readonly evaluations: number;
  readonly modularOnly: boolean;
}

export interface StageCost {
  readonly cost: number;
  /** Trials of a training stage, to turn learning-curve progress into a fraction. */
  readonly trials?: number;
}

/**
 * Estimated cost of every stage of the plan, by `stageKey`.
 * @param traits the traits of every strategy of the plan's models, by strategy id (`traitsById`).
 */
export function stageCosts(
  plan: StudyPlan,
  bank: BankShape,
  suite: readonly SuiteSize[],
  traits: ReadonlyMap<string, StrategyTraits>,
): Map<string, StageCost> {
  const costs = new Map<string, StageCost>();
  const { budget } = plan;
  const corpus = plan.corpus.length;
  const { k, moduleSize } = bank;
  const evalPoints = (steps: number) => (budget.evalEvery > 0 ? Math.floor(steps / budget.evalEvery) : 0) + 1;
  const pretrainedModel = firstPretrainedModel(plan.models, traits);
  for (const model of plan.models) {
    const strategy = traits.get(model.strategy);
    if (strategy === undefined) {
      throw new MolapError('unknown-id', `no traits for strategy '${model.strategy}' of model "${model.name}"`, {
        hint: 'pass the traits of every strategy of the plan (traitsById of the registry the plan was made with)',
      });
    }
    const { modular } = strategy;
    const hidden = modular ? k * moduleSize : ((model.options.hiddenSize as number | undefined) ?? DEFAULT_HIDDEN);
    const work = modular ? networkWork(hidden, k * moduleSize * moduleSize) : networkWork(hidden, hidden * hidden);
    const trainTrials = corpus * budget.steps * budget.batchSize;
    // every schedule evaluates each task about steps / evalEvery times (budgetFor scales an interleaved
    // strategy's evalEvery with its steps), then once more at the end of the corpus (the train job's
    // end-of-corpus evaluation)
    const evaluations = corpus * (evalPoints(budget.steps) + 1) * budget.evalTrials;
    const learnOne = budget.steps * budget.batchSize * TRAIN_FACTOR + evalPoints(budget.steps) * budget.evalTrials;
    const ways = ['own', ...strategy.generalisationWays];
    for (const seed of plan.seeds) {
      costs.set(stageKey(model.name, seed, 'train'), {
        cost: (trainTrials * TRAIN_FACTOR + evaluations) * work,
        trials: trainTrials,
      });
      if (model.name === pretrainedModel) {
        const workers = Math.max(1, Math.min(k, bank.workers ?? DEFAULT_WORKERS));
        const trials = k * bank.steps * bank.batchSize;
        costs.set(stageKey(model.name, seed, 'pretrain'), {
          cost: (trials * TRAIN_FACTOR * networkWork(moduleSize, moduleSize * moduleSize)) / workers,
        });
      }
      const trials = plan.analysisTrials * corpus;
      if (plan.analyses.robustness) {
        // magnitude 0 is the unperturbed model, evaluated once per task for the whole suite (robustnessCurves)
        const perturbed = suite.reduce((sum, p) => sum + (p.modularOnly && !modular ? 0 : p.evaluations), 0);
        const evaluations = suite.length > 0 ? 1 + perturbed : 0;
        costs.set(stageKey(model.name, seed, 'robustness'), { cost: evaluations * trials * work });
      }
      if (plan.analyses.dimensionality)
        costs.set(stageKey(model.name, seed, 'dimensionality'), { cost: trials * work });
      // A user's stage is costed as one evaluation of the analysis trials: its real cost is unknown until it runs.
      for (const id of plan.stages ?? []) costs.set(stageKey(model.name, seed, id), { cost: trials * work });
      if (plan.analyses.taskVariance) {
        costs.set(stageKey(model.name, seed, 'taskVariance'), { cost: corpus * TEST_GRID_TRIALS * work });
      }
      if (plan.analyses.generalisation) {
        for (const way of ways) {
          for (const taskId of plan.heldOut) {
            costs.set(stageKey(model.name, seed, 'generalisation', `${taskId} (${way})`), {
              cost: learnOne * work,
              trials: budget.steps * budget.batchSize,
            });
          }
        }
      }
    }
  }
  return costs;
}

/** Progress and ETA of a run, fed with stage starts, ends and inner progress. */
export class RunClock {
  private readonly costs: ReadonlyMap<string, StageCost>;
  private readonly now: () => number;
  private readonly total: number;
  private readonly started: number;
  private done = 0;
  private sessionDone = 0;
  /** When this session's first stage started (its work is measured against the wall clock from there). */
  private sessionStart: number | undefined;
  /** Stages running now (several when jobs run at once), in the order they started. */
  private readonly running = new Map<string, { fraction: number; since: number }>();
  private readonly finished = new Set<string>();

  constructor(costs: ReadonlyMap<string, StageCost>, now: () => number = () => performance.now()) {
    this.costs = costs;
    this.total = [...costs.values()].reduce((sum, stage) => sum + stage.cost, 0);
    this.now = now;
    this.started = now();
  }

  /** Number of stages and the index (1-based) of the next or current one. */
  get stages(): { index: number; count: number } {
    return { index: Math.min(this.finished.size + 1, this.costs.size), count: this.costs.size };
  }

  /** A stage begins (work of this session); other stages may be running at the same time. */
  start(key: string): void {
    const now = this.now();
    this.sessionStart ??= now;
    this.running.delete(key);
    this.running.set(key, { fraction: 0, since: now });
  }

  /** Training progress of a running stage: trials seen so far out of the stage's trials. */
  trials(key: string, trials: number): void {
    const stage = this.costs.get(key);
    const run = this.running.get(key);
    if (!stage?.trials || !run) return;
    run.fraction = Math.min(1, trials / stage.trials);
  }

  /** Progress of a running stage as a fraction. */
  fraction(key: string, fraction: number): void {
    const run = this.running.get(key);
    if (run) run.fraction = Math.min(1, Math.max(0, fraction));
  }

  /** A stage ended; `resumed` stages were done by an earlier session and cost no time now. */
  end(key: string, resumed: boolean): void {
    if (this.finished.has(key)) return;
    this.finished.add(key);
    const cost = this.costs.get(key)?.cost ?? 0;
    this.done += cost;
    if (!resumed) this.sessionDone += cost;
    this.running.delete(key);
  }

  /** Estimated work of the running stages done so far. */
  private partial(): number {
    let work = 0;
    for (const [key, run] of this.running) work += (this.costs.get(key)?.cost ?? 0) * run.fraction;
    return work;
  }

  /** Fraction of the run's estimated work done, in [0, 1]. */
  progress(): number {
    if (this.total === 0) return 0;
    return Math.min(1, (this.done + this.partial()) / this.total);
  }

  /**
   * Seconds a running stage still needs, from its own progress (default: the one that started last);
   * undefined when unknown.
   */
  stageEta(key?: string): undefined | number {
    const run = key === undefined ? [...this.running.values()].at(-1) : this.running.get(key);
    if (!run || run.fraction <= 0.02) return undefined;
    const elapsed = (this.now() - run.since) / 1000;
    return (elapsed * (1 - run.fraction)) / run.fraction;
  }

  /**
   * Seconds the whole run still needs at this session's rate (work done per second of wall-clock time since
   * its first stage started, so stages running at once count together); undefined until there is enough to
   * measure.
   */
  runEta(): number | undefined {
    if (this.sessionStart === undefined) return undefined;
    const work = this.sessionDone + this.partial();
    const seconds = (this.now() - this.sessionStart) / 1000;
    if (work <= 0 || seconds < 3 || work < 0.01 * this.total) return undefined;
    const remaining = this.total * (1 - this.progress());
    return (remaining * seconds) / work;
  }

  /** Seconds since the clock started. */
  elapsed(): number {
    return (this.now() - this.started) / 1000;
  }
}

/** `42 s`, `3 min 05 s`, `1 h 02 min`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

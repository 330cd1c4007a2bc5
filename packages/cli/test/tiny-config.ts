/**
 * A tiny study for the reliability tests: two corpus tasks and a held-out one, 4 modules of 4 units,
 * 16-unit networks, a few steps. Seconds, not science.
 */
export const TINY_CONFIG = {
  backend: { engine: 'native', threads: 1 },
  run: {
    tasks: ['fdgo', 'dm1', 'reactgo'],
    heldOut: ['reactgo'],
    models: ['molap', 'multitask'],
    budget: { preset: 'quick', steps: 8, batchSize: 8, evalEvery: 4, evalTrials: 16 },
    network: { hiddenSize: 16 },
    bank: {
      moduleSize: 4,
      latents: { k: 4 },
      steps: 8,
      batchSize: 8,
      evaluationTrials: 8,
      checkpointEvery: 2,
      corpus: { trialsPerTask: 32 },
      workers: 2,
    },
    analysisTrials: 16,
    perturbations: [{ id: 'unit-silencing', magnitudes: [0, 0.5], draws: 1 }],
  },
};

/** The tiny config with `run` fields replaced (one level deep for `bank` and `network`). */
export function tinyConfig(changes: {
  readonly bank?: Record<string, unknown>;
  readonly network?: Record<string, unknown>;
  readonly run?: Record<string, unknown>;
  readonly backend?: Record<string, unknown>;
}) {
  return {
    ...TINY_CONFIG,
    backend: { ...TINY_CONFIG.backend, ...changes.backend },
    run: {
      ...TINY_CONFIG.run,
      ...changes.run,
      bank: { ...TINY_CONFIG.run.bank, ...changes.bank },
      network: { ...TINY_CONFIG.run.network, ...changes.network },
    },
  };
}

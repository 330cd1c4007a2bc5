/**
 * The whole of MoLaP's prior knowledge in one call: sample the corpus, extract the latent primitives,
 * pre-train one module per latent (MoLaP §2–3).
 */
import type { ModuleBank } from './bank.js';
import { type SampleCorpusOptions, sampleCorpus } from './corpus.js';
import { type ExtractLatentsOptions, extractLatents } from './latents.js';
import { type PretrainModulesOptions, pretrainModules } from './pretrain.js';

/** Options of `buildModuleBank`: pre-training options plus how to sample the corpus and extract latents. */
export interface BuildModuleBankOptions extends Omit<PretrainModulesOptions, 'primitives'> {
  /** Corpus sampling besides tasks, seed and task options (`trialsPerTask`, `batchSize`, `historyTimeConstants`). */
  readonly corpus?: Omit<SampleCorpusOptions, 'tasks' | 'seed' | 'taskOptions'>;
  /** Latent extraction (`method`, `k`, `regularization`, `rankTolerance`). */
  readonly latents?: ExtractLatentsOptions;
}

/**
 * Samples the corpus (`sampleCorpus` with `seed`), extracts k latents (`extractLatents`) and pre-trains the
 * modules (`pretrainModules` with `seed`). Deterministic in `seed`.
 */
export async function buildModuleBank(options: BuildModuleBankOptions): Promise<ModuleBank> {
  const { corpus, latents, ...pretrain } = options;
  const sample = sampleCorpus({
    ...corpus,
    tasks: options.tasks,
    seed: options.seed,
    ...(options.taskOptions ? { taskOptions: options.taskOptions } : {}),
  });
  const primitives = extractLatents(sample, latents);
  return pretrainModules({ ...pretrain, primitives });
}

// The Yang corpus statistics: `npm run bench -- corpus [--json] [--seed S] [--trials N] [--history 100,500]`.
// Times sampleCorpus on the 20 Yang tasks and extractLatents (CCA and PCA, k = 8) on its sample, and prints
// the canonical correlations and the variance of Y the latents explain.
import { yang19 } from '@molap/tasks';
import { explainedVariance, extractLatents, sampleCorpus } from '../dist/index.js';

const args = process.argv.slice(2);
const flag = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const json = args.includes('--json');
const trialsPerTask = Number(flag('--trials') ?? 128);
const seed = Number(flag('--seed') ?? 1);
const historyTimeConstants = flag('--history')?.split(',').map(Number) ?? [];
const k = 8;

const timed = (run) => {
  const start = performance.now();
  const result = run();
  return { ms: performance.now() - start, result };
};
const sampled = timed(() => sampleCorpus({ tasks: yang19, seed, trialsPerTask, historyTimeConstants }));
const corpus = sampled.result;
const cca = timed(() => extractLatents(corpus, { k }));
const pca = timed(() => extractLatents(corpus, { k, method: 'pca' }));
const figures = {
  seed,
  trialsPerTask,
  historyTimeConstants,
  rows: corpus.n,
  xDim: corpus.xDim,
  yDim: corpus.yDim,
  yRank: cca.result.yRank,
  sampleCorpusMs: sampled.ms,
  ccaMs: cca.ms,
  pcaMs: pca.ms,
  ccaRho: Array.from(cca.result.rho),
  pcaVarianceRatios: Array.from(pca.result.rho),
  explainedVariance: {
    ccaPseudoInverse: explainedVariance(cca.result, corpus.Y),
    ccaLeastSquares: explainedVariance(cca.result, corpus.Y, { reconstruction: 'least-squares' }),
    pca: explainedVariance(pca.result, corpus.Y),
  },
};
if (json) {
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
} else {
  const list = (values) => values.map((value) => value.toFixed(3)).join(' ');
  process.stdout.write(
    `corpus: 20 Yang tasks × ${trialsPerTask} trials, seed ${seed}, history [${historyTimeConstants}] → ` +
      `${corpus.n} rows, X ${corpus.xDim}, Y ${corpus.yDim} (rank ${figures.yRank})\n` +
      `  sampleCorpus           ${sampled.ms.toFixed(0).padStart(7)} ms\n` +
      `  extractLatents cca k=8 ${cca.ms.toFixed(0).padStart(7)} ms   ρ = ${list(figures.ccaRho)}\n` +
      `  extractLatents pca k=8 ${pca.ms.toFixed(0).padStart(7)} ms   variance ratios = ${list(figures.pcaVarianceRatios)}\n` +
      `  variance of Y explained: cca (P⁺) ${figures.explainedVariance.ccaPseudoInverse.toFixed(3)}, ` +
      `cca (least squares) ${figures.explainedVariance.ccaLeastSquares.toFixed(3)}, pca ${figures.explainedVariance.pca.toFixed(3)}\n`,
  );
}

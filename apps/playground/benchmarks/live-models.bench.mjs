// The models of the Train live panel on fdgo, in Node (the page's session code, `src/train/session.ts`, built
// for Node, on the same native engine, one thread; the page gives the same curves): for each model (MoLaP on
// the shipped bank, random modules of its shape, the modular network, the multitask network learning the
// bank's corpus with the task) and seed, the first step at which the evaluation reaches 0.9, the performance at
// a few steps, and the performance with every module lesioned once it is reached (or at the last step); for
// the multitask network, the mean over its tasks at that step.
//
// npm run bench -- live-models [--seeds 1,2,3] [--steps 400] [--task fdgo] [--models molap,multitask] [--json]
import { parseArgs } from 'node:util';
import { buildShippedBank, SHIPPED_BANK_COMMAND, SHIPPED_BANK_DIR } from '../scripts/build-bank.mjs';
import { withNodeSession } from './node-session.mjs';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    steps: { type: 'string', default: '400' },
    task: { type: 'string', default: 'fdgo' },
    models: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const seeds = values.seeds.split(',').map(Number);
const maxSteps = Number(values.steps);
/** Steps between evaluations, as in the page. */
const EVAL_EVERY = 20;
const REPORTED_STEPS = [20, 40, 100, 200];

await buildShippedBank();
const rows = [];
await withNodeSession(async ({ createSession, DEFAULT_SESSION, LIVE_MODEL_KINDS }) => {
  const { createNativeEngine } = await import('@molap/backend');
  const { loadModuleBank } = await import('@molap/primitives');
  const { yang19 } = await import('@molap/tasks');
  const bank = await loadModuleBank(SHIPPED_BANK_DIR);
  const task = yang19.find((candidate) => candidate.id === values.task);
  if (!task) throw new Error(`unknown task '${values.task}': choose one of ${yang19.map((t) => t.id).join(', ')}`);
  const engine = await createNativeEngine({ threads: 1 });
  const kinds = values.models ? values.models.split(',') : LIVE_MODEL_KINDS;
  const unknown = kinds.filter((kind) => !LIVE_MODEL_KINDS.includes(kind));
  if (unknown.length > 0)
    throw new Error(`unknown model ${unknown.join(', ')}: choose from ${LIVE_MODEL_KINDS.join(', ')}`);
  const corpus = bank.corpus.taskIds.map((id) => yang19.find((candidate) => candidate.id === id));
  const modelOf = (kind) => (kind === 'network' ? { kind } : kind === 'multitask' ? { kind, corpus } : { kind, bank });
  for (const kind of kinds) {
    for (const seed of seeds) {
      const session = createSession(engine, task, { ...DEFAULT_SESSION, seed }, modelOf(kind));
      const curve = [];
      let reached = null;
      const started = performance.now();
      while (session.step < maxSteps) {
        await session.train(EVAL_EVERY);
        const { performance: value } = await session.evaluate();
        curve.push([session.step, value]);
        if (value >= 0.9 && reached === null) reached = session.step;
        if (reached !== null && session.step >= Math.max(...REPORTED_STEPS)) break;
      }
      const seconds = (performance.now() - started) / 1000;
      const intact = await session.evaluate();
      const lesioned = await session.evaluate({ lesioned: session.modules.map((_, index) => index) });
      const at = Object.fromEntries(REPORTED_STEPS.map((step) => [step, curve.find(([s]) => s === step)?.[1] ?? null]));
      rows.push({
        model: kind,
        seed,
        trainable: session.trainableParameters,
        stepsTo09: reached,
        at,
        lesionedAt: session.step,
        lesioned: lesioned.performance,
        corpusMean: intact.corpus?.mean ?? null,
        seconds,
      });
      session.dispose();
    }
  }
  await engine.dispose();
});

if (values.json) {
  process.stdout.write(`${JSON.stringify({ task: values.task, bank: SHIPPED_BANK_COMMAND, rows }, null, 2)}\n`);
} else {
  console.log(`${values.task}; bank: molap ${SHIPPED_BANK_COMMAND.join(' ')}; evaluation every ${EVAL_EVERY} steps`);
  console.log(
    `model           seed  trainable  steps to 0.9  ${REPORTED_STEPS.map((s) => `@${s}`.padStart(6)).join(' ')}  all lesioned  corpus mean`,
  );
  for (const row of rows) {
    const cells = REPORTED_STEPS.map((s) => (row.at[s] === null ? '–' : row.at[s].toFixed(2)).padStart(6)).join(' ');
    console.log(
      `${row.model.padEnd(15)} ${String(row.seed).padStart(4)}  ${String(row.trainable).padStart(9)}  ${String(row.stepsTo09 ?? `> ${maxSteps}`).padStart(12)}  ${cells}  ${row.lesioned.toFixed(2)} (step ${row.lesionedAt})  ${row.corpusMean === null ? '–' : row.corpusMean.toFixed(2)}`,
    );
  }
}

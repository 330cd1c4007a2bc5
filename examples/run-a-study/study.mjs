// A MoLaP study from a program: plan it from a preset and a few overrides, run it in a run folder, read the
// claims. `node study.mjs [out-folder]` (the quick preset on three tasks: about a minute on 2 cores).
import { createEngine } from '@molap/backend';
import { DEFAULT_RUNS_FOLDER, planStudy, runStudy, startRunFolder } from '@molap/study';
import { createTaskRegistry, yang19 } from '@molap/tasks';

export async function runExample(out = DEFAULT_RUNS_FOLDER, overrides = {}) {
  const registry = createTaskRegistry({ tasks: yang19 });
  const engine = await createEngine();
  try {
    const config = { run: { tasks: ['fdgo', 'dm1', 'reactgo'], heldOut: ['reactgo'], ...overrides } };
    const plan = await planStudy(config, 'quick', { registry, strategyContext: { engine, tasks: registry } });
    const runDir = await startRunFolder(plan, { config, engine: engine.name, parent: out });
    return await runStudy(plan, { runDir, engine, registry });
  } finally {
    await engine.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { results, reportFile } = await runExample(process.argv[2]);
  for (const claim of results.claims) console.log(`${claim.id}: ${claim.verdict}`);
  console.log(`report: ${reportFile}`);
}

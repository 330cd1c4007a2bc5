// A MoLaP study from a program: plan it from a preset and a few overrides, run it in a run folder, read the
// claims. `node study.mjs [out-folder]` (the quick preset on three tasks: about a minute on 2 cores).
import { createEngine } from '@molap/backend';
import { createRunFolder, PACKAGE_VERSION, planStudy, RUN_FORMAT, RUN_FORMAT_VERSION, runStudy } from '@molap/study';
import { createTaskRegistry, yang19 } from '@molap/tasks';

export async function runExample(out = 'molap-runs', overrides = {}) {
  const registry = createTaskRegistry({ tasks: yang19 });
  const engine = await createEngine();
  try {
    const config = { run: { tasks: ['fdgo', 'dm1', 'reactgo'], heldOut: ['reactgo'], ...overrides } };
    const plan = await planStudy(config, 'quick', { registry, strategyContext: { engine, tasks: registry } });
    const record = { format: RUN_FORMAT, formatVersion: RUN_FORMAT_VERSION, molapVersion: PACKAGE_VERSION };
    const runDir = await createRunFolder(
      out,
      { ...record, createdAt: new Date().toISOString(), preset: plan.preset, seeds: plan.seeds, config, plan },
      new Date(),
    );
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

/**
 * `molap tasks doctor`: what plugin discovery found (`describeCatalog` of @molap/tasks), and why: the tasks of
 * each package, and its strategies, perturbations, latent extractors and analysis stages, each checked by its
 * registry.
 */
import { describeCatalog, type TaskCatalog } from '@molap/tasks';
import { commonOptions, defineCommand } from '../../command.js';
import { taskSourceOptions } from '../../flags.js';
import { flag } from '../../options.js';
import { json } from '../../output.js';
import { failOnPluginProblems, loadTaskCatalog, openProject, pluginRegistries } from '../../project.js';
import { formatCatalogReport } from '../../text/tasks.js';

/** Ids of the strategies, perturbations, extractors and stages of the `index`-th loaded package (values without an id as '?'). */
function pluginValueIds(
  catalog: TaskCatalog,
  index: number,
): Record<'strategies' | 'perturbations' | 'extractors' | 'stages', string[]> {
  const loaded = catalog.discovery?.loaded[index];
  const ids = (values: readonly object[] | undefined) =>
    (values ?? []).map((value) => String((value as { id?: unknown }).id ?? '?'));
  return {
    strategies: ids(loaded?.strategies),
    perturbations: ids(loaded?.perturbations),
    extractors: ids(loaded?.extractors),
    stages: ids(loaded?.stages),
  };
}

export const tasksDoctor = defineCommand({
  words: ['tasks', 'doctor'],
  summary:
    'show what plugin discovery found (tasks, strategies, perturbations, extractors, stages), and why each package was skipped or rejected',
  details: [
    "Discovery looks at the project's direct dependencies (dependencies, devDependencies,",
    'optionalDependencies) and loads those whose package.json has a "molap" field.',
  ],
  args: [],
  options: {
    json: flag.boolean('print JSON: { projectRoot, loaded, skipped, problems }'),
    ...taskSourceOptions,
    ...commonOptions,
  },
  examples: ['molap tasks doctor', 'molap tasks doctor --strict   # exit 1 when a plugin is broken'],
  async run(input) {
    const { project, loaded } = await openProject(input);
    const plugins = loaded.config.tasks?.plugins;
    const catalog = await loadTaskCatalog(project, plugins);
    const { refused } = await pluginRegistries(catalog);
    const tasksReport = describeCatalog(catalog);
    // Each loaded package with the ids of its other plugin values; the values a registry refused are problems.
    const report = {
      ...tasksReport,
      loaded: tasksReport.loaded.map((entry, index) => ({ ...entry, ...pluginValueIds(catalog, index) })),
      problems: [
        ...tasksReport.problems,
        ...refused.map((error) => ({
          code: error.code,
          problem: error.problem,
          source: null,
          hint: error.hint ?? null,
        })),
      ],
    };
    input.io.stdout(
      input.options.json
        ? json({ projectRoot: project.root, config: loaded.file ?? null, explicitPlugins: plugins ?? null, ...report })
        : formatCatalogReport(report, {
            projectRoot: project.root,
            hasPackageJson: project.hasPackageJson,
            config: loaded.file,
            plugins,
            discovered: catalog.discovery !== undefined,
          }),
    );
    if (input.options.strict === true) failOnPluginProblems(report);
  },
});

/** `molap tasks doctor`: what task plugin discovery found (`describeCatalog` of @molap/tasks), and why. */
import { describeCatalog } from '@molap/tasks';
import { commonOptions, defineCommand } from '../../command.js';
import { taskSourceOptions } from '../../flags.js';
import { flag } from '../../options.js';
import { json } from '../../output.js';
import { failOnPluginProblems, loadTaskCatalog, openProject } from '../../project.js';
import { formatCatalogReport } from '../../text/tasks.js';

export const tasksDoctor = defineCommand({
  words: ['tasks', 'doctor'],
  summary: 'show what task plugin discovery found, and why each package was skipped or rejected',
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
    const report = describeCatalog(catalog);
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
    if (input.options.strict === true) failOnPluginProblems(catalog);
  },
});

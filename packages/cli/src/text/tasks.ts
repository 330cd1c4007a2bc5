/** The human output of `molap tasks`: a task's description, a batch in one line, what discovery found. */
import type { Batch, CatalogReport, TaskDescription, TaskListing } from '@molap/tasks';
import { formatNumber, formatTable } from '../output.js';

/** The task listing as a table (id, name, source, tags). */
export const formatTaskList = (rows: readonly TaskListing[]): string =>
  formatTable(
    ['id', 'name', 'source', 'tags'],
    rows.map((row) => [row.id, row.name, row.source, row.tags.join(', ')]),
  );

const groups = (list: TaskDescription['inputs'] | TaskDescription['outputs']) =>
  formatTable(
    ['  group', 'role', 'units'],
    list.map((group) => [
      `  ${group.name}`,
      group.role,
      group.size === 1 ? String(group.start) : `${group.start}–${group.start + group.size - 1}`,
    ]),
  ).trimEnd();

/** Channels covered by groups that cover [0, size) in order. */
const sizeOf = (list: TaskDescription['inputs'] | TaskDescription['outputs']) =>
  list.length === 0 ? 0 : list[list.length - 1].start + list[list.length - 1].size;

const stats = (label: string, s: TaskDescription['trialLength']['test']) =>
  `  ${label}: ${s.trials} trial${s.trials === 1 ? '' : 's'}, min ${s.min}, mean ${formatNumber(s.mean, 1)}, ` +
  `sd ${formatNumber(s.sd, 1)}, p95 ${formatNumber(s.p95, 1)}, max ${s.max} steps (${s.dt} ms each)`;

/** `molap tasks show`: the description of `describeTask` as text. */
export function formatTaskDescription(task: TaskDescription): string {
  const { options, score, taskDefaults } = task;
  const defaults = Object.entries(taskDefaults).filter(([key]) => key !== 'rules');
  const paper = [task.paper, task.link === undefined ? undefined : `<${task.link}>`].filter(
    (part) => part !== undefined,
  );
  const lines = [
    `${task.id}: ${task.name}`,
    `  ${task.description}`,
    '',
    `source    ${task.source}`,
    ...(task.version === undefined ? [] : [`version   ${task.version}`]),
    ...(paper.length === 0 ? [] : [`paper     ${paper.join(' ')}`]),
    `tags      ${task.tags.join(', ')}`,
    `periods   ${task.periods.join(' → ')}`,
    `rule      ${task.rule} (its unit in the rule block composed for the tasks that share a network)`,
    `score     ${score.id}: ${score.description}${score.criterion === null ? '' : ` Criterion ${score.criterion}.`}`,
    `defaults  ${defaults.length === 0 ? '(library defaults)' : defaults.map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}${taskDefaults.rules ? `, rules: ${taskDefaults.rules.length} ids` : ''}`,
    `options   dt ${options.dt} ms, ringSize ${options.ringSize}, batchSize ${options.batchSize}, noise ${options.noise ? `on (σx ${options.inputNoiseSigma})` : 'off'}, tau ${options.tau} ms, ${options.rules.length} rules`,
    '',
    `inputs (${sizeOf(task.inputs)})`,
    groups(task.inputs),
    `outputs (${sizeOf(task.outputs)})`,
    groups(task.outputs),
    '',
    'trial length',
    stats(`random (seed ${task.trialLength.random.seed})`, task.trialLength.random),
    stats('test grid', task.trialLength.test),
  ];
  return `${lines.join('\n')}\n`;
}

/** A batch in one line: task, mode, seed, noise, trials × steps, channels. */
export const describeBatch = (batch: Batch, mode: string, seed: number, noise: boolean) =>
  `${batch.taskId}, ${mode} mode, seed ${seed}, noise ${noise ? 'on' : 'off'}: ${batch.batchSize} trials × ${batch.steps} steps of ${batch.dt} ms, ${batch.inputSize} inputs, ${batch.outputSize} outputs`;

/** Where `molap tasks doctor` looked: the project, its config and its plugin list. */
export interface DoctorContext {
  readonly projectRoot: string;
  readonly hasPackageJson: boolean;
  readonly config: string | undefined;
  readonly plugins: readonly string[] | undefined;
  /** Whether discovery ran (the catalog has a discovery). */
  readonly discovered: boolean;
}

/** What `molap tasks doctor` reports: the catalog's report, each loaded package with its other plugin values' ids. */
export type DoctorReport = Omit<CatalogReport, 'loaded'> & {
  readonly loaded: readonly (CatalogReport['loaded'][number] &
    Partial<Record<'strategies' | 'perturbations' | 'extractors' | 'stages', readonly string[]>>)[];
};

/** `molap tasks doctor`: what discovery found, as text. */
export function formatCatalogReport(report: DoctorReport, where: DoctorContext): string {
  const lines = [
    `project   ${where.projectRoot}${where.hasPackageJson ? '' : ' (no package.json)'}`,
    `config    ${where.config ?? '(none)'}`,
    `plugins   ${where.plugins ? `listed in the config: ${where.plugins.join(', ')}` : "discovered among the project's direct dependencies"}`,
    `built-in  ${report.builtinTasks} tasks from @molap/tasks`,
  ];
  if (report.note) lines.push('', `note: ${report.note}`);
  if (where.discovered) {
    lines.push('', `loaded (${report.loaded.length})`);
    for (const plugin of report.loaded) {
      const kinds = [
        ['task', 'tasks', plugin.tasks],
        ['strategy', 'strategies', plugin.strategies ?? []],
        ['perturbation', 'perturbations', plugin.perturbations ?? []],
        ['extractor', 'extractors', plugin.extractors ?? []],
        ['analysis stage', 'analysis stages', plugin.stages ?? []],
      ] as const;
      const parts = kinds
        .filter(([, , ids]) => ids.length > 0)
        .map(([one, many, ids]) => `${ids.length} ${ids.length === 1 ? one : many} (${ids.join(', ')})`);
      lines.push(`  ✔ ${plugin.package}@${plugin.version}: ${parts.length > 0 ? parts.join('; ') : 'nothing to load'}`);
    }
    lines.push('', `skipped (${report.skipped.length})`);
    for (const skip of report.skipped) lines.push(`  - ${skip.package}: ${skip.reason}`);
  }
  lines.push('', `problems (${report.problems.length})`);
  for (const problem of report.problems) {
    lines.push(`  ✖ ${problem.problem}`);
    if (problem.source) lines.push(`      source: ${problem.source}`);
    if (problem.hint) lines.push(`      hint: ${problem.hint}`);
  }
  return `${lines.join('\n')}\n`;
}

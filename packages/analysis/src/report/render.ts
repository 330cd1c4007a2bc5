/**
 * The self-contained HTML report of a run: every section of results.json as tables and inline SVG plots
 * (Vega-Lite rendered in Node, see `svg.ts`), with no scripts and no external resources.
 */
import { mean } from '../curves.js';
import type { ExampleTrial } from '../examples.js';
import { describeFailedSeed, FAILED_SEED_RATIO, failedSeeds } from '../failed-seeds.js';
import { formatDifference, intervalExtent } from '../paired.js';
import type { Claim, ClaimComparison, Results } from '../schema.js';
import { scoreLabel } from '../scores.js';
import {
  exampleTrialSpec,
  generalisationSeries,
  generalisationSpec,
  learningCurvesSpec,
  robustnessSpec,
  taskVarianceSpec,
  varianceExplainedSpec,
} from './charts.js';
import { type Cell, escapeHtml, formatNumber, table } from './html.js';
import { renderSvg } from './svg.js';

/** File name of the report. */
export const REPORT_HTML = 'report.html';

/** Section ids of the report, in order (tests check that each is present). */
export const REPORT_SECTIONS = [
  'run',
  'claims',
  'parameters',
  'learning',
  'robustness',
  'generalisation',
  'dimensionality',
  'task-variance',
  'examples',
] as const;

/** Options of `renderReport`. */
export interface ReportOptions {
  /** Example trials with model outputs (the study's dimensionality stage, `stateAnalyses`); without them the section says so. */
  readonly exampleTrials?: readonly ExampleTrial[];
  /** Tasks whose example trials are shown; default the first four corpus tasks. */
  readonly exampleTasks?: readonly string[];
  /** Page title; default 'molap run report'. */
  readonly title?: string;
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 64px; background: white; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-top: 8px; border-top: 2px solid #e4e7ec; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p, li { line-height: 1.45; font-size: 14px; }
.note { color: #555; font-size: 13px; }
.warning { border-left: 4px solid #c0392b; padding: 4px 10px; background: #fdf2f0; }
nav { font-size: 13px; margin: 8px 0 16px; }
nav a { margin-right: 12px; color: #2f5f8f; }
table.data { border-collapse: collapse; margin: 8px 0 12px; font-size: 13px; }
table.data th, table.data td { border: 1px solid #dde1e6; padding: 4px 8px; text-align: right; vertical-align: top; }
table.data th { background: #f1f4f8; font-weight: 600; }
table.data td:first-child, table.data th:first-child { text-align: left; }
table.claims td, table.claims th { text-align: left; }
.verdict { font-weight: 700; white-space: nowrap; }
.supported { color: #1d7a35; }
.mixed { color: #a05a00; }
.not-supported { color: #b3261e; }
.not-tested { color: #666; }
.plot { margin: 8px 0 16px; overflow-x: auto; }
.plot svg { max-width: 100%; height: auto; }
.plots { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; font-size: 14px; }
dl.run dt { font-weight: 600; }
dl.run dd { margin: 0; }
`;

const VERDICT_TEXT: Readonly<Record<Claim['verdict'], string>> = {
  supported: 'supported',
  mixed: 'mixed',
  'not-supported': 'not supported',
  'not-tested': 'not tested',
};

function section(id: (typeof REPORT_SECTIONS)[number], title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

async function plot(spec: Parameters<typeof renderSvg>[0]): Promise<string> {
  return `<div class="plot">${await renderSvg(spec)}</div>`;
}

/** The run's scores in one line: each score with its criterion and the tasks it judged. */
function scoresLine(results: Results): string {
  const groups = new Map<string, string[]>();
  for (const task of [...results.corpus, ...results.heldOut]) {
    const entry = results.scores[task];
    const label = entry ? scoreLabel(entry) : 'unknown';
    groups.set(label, [...(groups.get(label) ?? []), task]);
  }
  if (groups.size === 1) return `${[...groups.keys()][0]} for every task`;
  return [...groups].map(([label, tasks]) => `${label}: ${tasks.join(', ')}`).join('; ');
}

/** A table row saying how each task is scored, with what counts as correct on hover. */
function scoreRow(results: Results, tasks: readonly string[]): Cell[] {
  return [
    { html: '<em>score</em>' },
    ...tasks.map((task): Cell => {
      const entry = results.scores[task];
      if (!entry) return '—';
      return {
        html: `<span class="note" title="${escapeHtml(entry.description)}">${escapeHtml(scoreLabel(entry))}</span>`,
      };
    }),
  ];
}

function runSection(results: Results): string {
  const { budget } = results;
  const items: [string, string][] = [
    ['preset', results.preset],
    ['seeds', results.seeds.join(', ')],
    ['corpus', results.corpus.join(', ')],
    ['held out', results.heldOut.length > 0 ? results.heldOut.join(', ') : 'none'],
    [
      'budget per task',
      `${formatNumber(budget.steps)} steps of ${budget.batchSize} trials; evaluation every ${budget.evalEvery} steps on ${budget.evalTrials} trials; criterion ${budget.criterion}`,
    ],
    ['scores', scoresLine(results)],
    ['analysis trials', `${results.analysisTrials} per task`],
    [
      'models',
      Object.entries(results.models)
        .map(([name, model]) => `${name} (${model.displayName})`)
        .join('; '),
    ],
    [
      'time',
      `${formatNumber(results.timings.total)} s (${Object.entries(results.timings.stages)
        .map(([stage, seconds]) => `${stage} ${formatNumber(seconds)} s`)
        .join(', ')})`,
    ],
    [
      'written by',
      `${results.createdBy.package} ${results.createdBy.version}, results schema ${results.schemaVersion}`,
    ],
  ];
  return `<dl class="run">${items.map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>`;
}

/** "supported: MoLaP − multitask = +0.04 [0.01, 0.07], 3 seeds × 9 tasks" (the deciding figure). */
export function comparisonVerdict(comparison: ClaimComparison): string {
  const verdict = comparison.supported ? 'supported' : comparison.difference === null ? 'undecided' : 'not supported';
  if (comparison.difference === null) return `${verdict}: no seed-task pair to compare`;
  return `${verdict}: ${formatDifference(comparison.baseline, comparison.difference)}, ${intervalExtent(comparison.difference)}`;
}

function comparisonItem(comparison: ClaimComparison): string {
  const mark = comparison.supported ? '✔' : comparison.difference === null ? '?' : '✘';
  const secondary = comparison.secondary
    .map(
      (row) =>
        `<br><span class="note">${escapeHtml(row.metric)} (not deciding): ${escapeHtml(row.difference === null ? 'no pair to compare' : `${formatDifference(comparison.baseline, row.difference)}, ${intervalExtent(row.difference)}`)}</span>`,
    )
    .join('');
  return `<li><span class="verdict ${comparison.supported ? 'supported' : 'not-supported'}">${mark}</span> vs <strong>${escapeHtml(comparison.baseline)}</strong> — <strong>${escapeHtml(comparisonVerdict(comparison))}</strong> (${escapeHtml(comparison.metric)}, ${comparison.better} is better for MoLaP)<br><span class="note">${escapeHtml(comparison.detail)}</span>${secondary}</li>`;
}

/** A warning naming the seeds on which a model's training failed (see `failedSeeds`), or '' when none did. */
function failedSeedsWarning(results: Results): string {
  const failed = failedSeeds(results);
  if (failed.length === 0) return '';
  const items = failed.map((entry) => `<li>${escapeHtml(describeFailedSeed(entry))}</li>`).join('');
  return `<div class="warning"><p><strong>Training failed on ${failed.length === 1 ? 'one seed' : `${failed.length} seeds`}</strong> (corpus mean below ${FAILED_SEED_RATIO} × the model’s best seed):</p><ul class="failed-seeds">${items}</ul><p class="note">These seed-task pairs are part of the comparisons below: a baseline’s failed seed favours MoLaP, a failed MoLaP seed favours the baseline. Rerun the study with another learning rate for that model (<code>run.strategyOptions.&lt;model&gt;.learningRate</code> in molap.config.json), or read its comparisons with this in mind.</p></div>`;
}

function claimsSection(results: Results): string {
  if (results.claims.length === 0) return '<p class="note">No claims were evaluated.</p>';
  const seeds = results.seeds.length;
  const intervals = `<p class="note">Each figure is MoLaP − baseline, the mean over seed-task pairs with its 95 % interval: a percentile bootstrap over seeds × tasks (${seeds} seed${seeds === 1 ? '' : 's'}; seeded, so the same results give the same interval). A comparison is supported only when its interval excludes 0 on MoLaP’s side.${seeds === 1 ? ' <strong>This run has one seed: the intervals are over tasks only, and one seed is an anecdote</strong> (run <code>molap run --seeds 3</code> for intervals over seeds).' : ''}</p>`;
  const rows = results.claims.map((claim): Cell[] => [
    { html: `<strong>${escapeHtml(claim.id)}</strong><br><span class="note">${escapeHtml(claim.statement)}</span>` },
    { html: escapeHtml(VERDICT_TEXT[claim.verdict]), className: `verdict ${claim.verdict}` },
    {
      html: [
        claim.verdict === 'not-tested' ? escapeHtml(claim.reason ?? '') : '',
        claim.comparisons.length > 0 ? `<ul>${claim.comparisons.map(comparisonItem).join('')}</ul>` : '',
      ].join(''),
    },
    { html: `<span class="note">${escapeHtml(claim.rule)}</span>` },
  ]);
  return (
    intervals +
    failedSeedsWarning(results) +
    table(['claim', 'this run', 'evidence (MoLaP vs baseline)', 'decision rule'], rows, 'data claims')
  );
}

function parametersSection(results: Results): string {
  const rows = Object.entries(results.models).map(([name, model]): Cell[] => {
    const tasks = Object.values(model.perTask);
    const reached = tasks.map((task) => task.updatesToCriterion).filter((value): value is number => value !== null);
    return [
      name,
      formatNumber(model.totalParams),
      formatNumber(model.frozenSharedParams),
      `${formatNumber(model.bytes / 1024)} KiB`,
      formatNumber(mean(tasks.map((task) => task.trainableParams))),
      formatNumber(mean(tasks.map((task) => task.updates))),
      reached.length > 0 ? `${formatNumber(mean(reached))} (${reached.length}/${tasks.length} tasks)` : '—',
      formatNumber(mean(tasks.map((task) => task.performance))),
    ];
  });
  const perTask = Object.entries(results.models).map(([name, model]): Cell[] => [
    name,
    ...results.corpus.map((task) => {
      const entry = model.perTask[task];
      if (!entry) return '—';
      // a task forgotten while later ones were learned shows what it was when learned
      const forgot = entry.performanceAfterLearning - entry.performance >= 0.005;
      return `${formatNumber(entry.performance, 2)}${forgot ? ` (${formatNumber(entry.performanceAfterLearning, 2)} when learned)` : ''} / ${entry.trialsToCriterion === null ? '—' : formatNumber(entry.trialsToCriterion)}`;
    }),
  ]);
  return [
    table(
      [
        'model',
        'total parameters',
        'frozen shared',
        'storage',
        'trainable per task',
        'updates per task',
        'updates to criterion',
        'performance',
      ],
      rows,
    ),
    '<p class="note">Means over corpus tasks (and seeds). Updates = trainable parameters × optimiser steps; updates to criterion count the steps until the criterion was first reached, over the tasks where it was. Performance is the trained model’s once the whole corpus was learned.</p>',
    '<h3>Final performance / trials to criterion per task</h3>',
    '<p class="note">Final: once the whole corpus was learned. A strategy that learns tasks in sequence may forget earlier ones; then the performance the task had when it was just learned follows in parentheses.</p>',
    table(['model', ...results.corpus], [scoreRow(results, results.corpus), ...perTask]),
    '<p class="note">The score row says how each task’s trials are judged and the performance that counts as learned: Yang’s last-step criterion (fixation and response direction at the last step of the trial) unless the task brings its own score (hover for what counts as correct).</p>',
  ].join('');
}

async function robustnessSection(results: Results): Promise<string> {
  if (results.perturbations.length === 0) return '<p class="note">The robustness analysis was not run.</p>';
  const aucRows = (measure: 'auc' | 'relativeAuc') =>
    Object.entries(results.models).map(([name, model]): Cell[] => [
      name,
      ...results.perturbations.map((perturbation) => {
        const entry = model.robustness[perturbation.id];
        if (!entry) return '—';
        if (entry.skipped !== undefined)
          return { html: `<span class="note" title="${escapeHtml(entry.skipped)}">skipped</span>` };
        return formatNumber(entry[measure]);
      }),
    ]);
  const floor = formatNumber(results.relativeFloor);
  // Tasks judged by their own score are held to its criterion (the study's `taskFloors`).
  const ownFloors = Object.entries(results.scores)
    .filter(([, score]) => score.criterion !== results.relativeFloor)
    .map(([task, score]) => `${escapeHtml(task)}: ${formatNumber(score.criterion)}`);
  const ownFloorText = ownFloors.length > 0 ? `; its own score’s criterion for ${ownFloors.join(', ')}` : '';
  const below = Object.entries(results.models).flatMap(([name, model]) => {
    const tasks = new Map<string, Set<number>>();
    for (const entry of Object.values(model.robustness)) {
      for (const [task, seeds] of Object.entries(entry.belowFloor)) {
        const set = tasks.get(task) ?? new Set<number>();
        for (const seed of seeds) set.add(seed);
        tasks.set(task, set);
      }
    }
    if (tasks.size === 0) return [];
    const list = [...tasks].map(
      ([task, seeds]) => `${task} (seed${seeds.size === 1 ? '' : 's'} ${[...seeds].join(', ')})`,
    );
    return [`<li>${escapeHtml(name)}: ${escapeHtml(list.join(', '))}</li>`];
  });
  const anyRelative = Object.values(results.models).some((model) =>
    Object.values(model.robustness).some((entry) => entry.relativeAuc !== null),
  );
  const headers = ['model', ...results.perturbations.map((perturbation) => perturbation.displayName)];
  const skipped = Object.entries(results.models).flatMap(([name, model]) =>
    Object.entries(model.robustness)
      .filter(([, entry]) => entry.skipped !== undefined)
      .map(([id, entry]) => `<li>${escapeHtml(name)}, ${escapeHtml(id)}: ${escapeHtml(entry.skipped ?? '')}</li>`),
  );
  return [
    '<p><strong>Absolute</strong>: performance under the perturbation, so a model scores low both when it loses its skills and when it never had them. ',
    `<strong>Relative</strong>: performance divided by the same model’s unperturbed performance on the task, p(m) / p(0), so it measures only how much of a learned skill is lost; task-seed pairs with p(0) below ${floor} (the criterion${ownFloorText}) are left out, so a task never learned cannot look robust. The robustness claim is decided on the relative measure.</p>`,
    '<h3>Relative: performance ÷ unperturbed performance</h3>',
    anyRelative
      ? await plot(robustnessSpec(results, 'relative'))
      : `<p class="note">No relative curve: no model reached ${floor} unperturbed on any task.</p>`,
    '<h3>Relative AUC</h3>',
    table(headers, aucRows('relativeAuc')),
    below.length > 0
      ? `<p class="note">Left out of the relative figures (unperturbed performance below ${floor}):</p><ul class="note">${below.join('')}</ul>`
      : `<p class="note">Every task reached ${floor} unperturbed, in every seed and model.</p>`,
    '<h3>Absolute performance</h3>',
    await plot(robustnessSpec(results)),
    '<p class="note">Performance averaged over corpus tasks, seeds and random draws, on fixed evaluation trials. Magnitude 0 is the unperturbed model.</p>',
    '<h3>Absolute AUC</h3>',
    table(headers, aucRows('auc')),
    '<p class="note">Both areas: trapezoid rule over the magnitude grid divided by the grid’s range; absolute 1 = perfect at every magnitude, relative 1 = nothing lost at any magnitude (above 1 when a perturbation helps).</p>',
    '<p class="note">Magnitudes are matched across architectures: unit silencing clamps a fraction of all hidden units (of 256 dense units or of k × n module units alike), weight noise has σ relative to the std of the perturbed matrix’s parameter entries (MoLaP’s structural zeros between modules stay zero and do not count in the std), input and state noise scale each model’s own noise σ.</p>',
    skipped.length > 0 ? `<ul class="note">${skipped.join('')}</ul>` : '',
  ].join('');
}

async function generalisationSection(results: Results): Promise<string> {
  const series = generalisationSeries(results);
  if (results.heldOut.length === 0 || series.length === 0) {
    return '<p class="note">No task was held out of pre-training in this run.</p>';
  }
  const rows = series.map(({ name, model, variant }): Cell[] => {
    const entry = results.models[model];
    const tasks = variant ? entry.generalisationVariants[variant].tasks : entry.generalisation;
    return [
      name,
      ...results.heldOut.map((task) => {
        const value = tasks[task];
        return value
          ? `${value.trialsToCriterion === null ? 'not reached' : formatNumber(value.trialsToCriterion)} (${formatNumber(value.performance, 2)}, ${formatNumber(value.trainableParams)} params)`
          : '—';
      }),
    ];
  });
  return [
    await plot(generalisationSpec(results)),
    '<h3>Trials to criterion (final performance, trainable parameters)</h3>',
    table(['model', ...results.heldOut], [scoreRow(results, results.heldOut), ...rows]),
  ].join('');
}

async function dimensionalitySection(results: Results): Promise<string> {
  const models = Object.entries(results.models).filter(([, model]) => model.dimensionality !== null);
  if (models.length === 0) return '<p class="note">The dimensionality analysis was not run.</p>';
  const rows = models.map(([name, model]): Cell[] => {
    const d = model.dimensionality!;
    const perTask = Object.values(d.perTask);
    return [
      name,
      formatNumber(model.hiddenSize),
      formatNumber(d.participationRatio),
      formatNumber(d.pcs90),
      formatNumber(mean(perTask.map((task) => task.participationRatio))),
      formatNumber(mean(perTask.map((task) => task.pcs90))),
    ];
  });
  return [
    table(
      [
        'model',
        'units',
        'participation ratio (pooled)',
        'PCs for 90 % (pooled)',
        'participation ratio (task mean)',
        'PCs for 90 % (task mean)',
      ],
      rows,
    ),
    await plot(varianceExplainedSpec(results)),
    '<p class="note">Covariance of the hidden states over every real time step of the analysis trials. Participation ratio (Σλ)²/Σλ². The curve shows the pooled states of the first seed.</p>',
  ].join('');
}

async function taskVarianceSection(results: Results): Promise<string> {
  const plots: string[] = [];
  for (const [name, model] of Object.entries(results.models)) {
    const spec = taskVarianceSpec(model);
    if (spec) plots.push(`<div><h3>${escapeHtml(name)}</h3>${await plot(spec)}</div>`);
  }
  if (plots.length === 0) return '<p class="note">The task-variance analysis was not run, or no unit was active.</p>';
  return [
    `<div class="plots">${plots.join('')}</div>`,
    '<p class="note">Variance of each unit across the conditions of each task (test grid, noise off, from the end of the fixation period), divided by the unit’s largest task variance (Yang et al. 2019). Units with summed variance below 10⁻³ are left out. First seed.</p>',
  ].join('');
}

async function examplesSection(results: Results, options: ReportOptions): Promise<string> {
  const trials = options.exampleTrials ?? [];
  if (trials.length === 0) return '<p class="note">No example trials were given to the report.</p>';
  const models = Object.keys(results.models);
  const tasks = options.exampleTasks ?? results.corpus.slice(0, 4);
  const plots: string[] = [];
  for (const task of tasks) {
    const forTask = trials.filter((trial) => trial.taskId === task && trial.seed === results.seed);
    if (forTask.length > 0) plots.push(`<h3>${escapeHtml(task)}</h3>${await plot(exampleTrialSpec(forTask, models))}`);
  }
  return [
    plots.join(''),
    '<p class="note">Trial 0 of each task’s analysis trials (first seed): fixation output, and the error of the direction decoded from the response ring (population vector) while a response is required (within ±36° counts as correct); dashed: targets.</p>',
  ].join('');
}

/** The report as one self-contained HTML page (inline SVG, no scripts, no external resources). */
export async function renderReport(results: Results, options: ReportOptions = {}): Promise<string> {
  const title = options.title ?? 'molap run report';
  const nav = REPORT_SECTIONS.map((id) => `<a href="#${id}">${id.replace('-', ' ')}</a>`).join('');
  const body = [
    section('run', 'Run', runSection(results)),
    section('claims', 'Claims', claimsSection(results)),
    section('parameters', 'Parameters and updates', parametersSection(results)),
    section('learning', 'Learning curves', await plot(learningCurvesSpec(results))),
    section('robustness', 'Robustness to perturbations', await robustnessSection(results)),
    section('generalisation', 'Generalisation to held-out tasks', await generalisationSection(results)),
    section('dimensionality', 'Dimensionality', await dimensionalitySection(results)),
    section('task-variance', 'Task variance', await taskVarianceSection(results)),
    section('examples', 'Example trials', await examplesSection(results, options)),
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<nav>${nav}</nav>
${body}
</main>
</body>
</html>
`;
}

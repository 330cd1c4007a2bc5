/**
 * The results explorer: open one or more results.json files (file picker or drag and drop), each shown as a
 * column (two runs side by side): the run, the claims with their evidence, the per-task table, the learning
 * curves, the robustness curves, generalisation to the held-out tasks, dimensionality and task variance,
 * drawn from the report's own chart specifications (@molap/analysis).
 */
import {
  type Claim,
  comparisonVerdict,
  describeFailedSeed,
  FAILED_SEED_RATIO,
  failedSeeds,
  generalisationSpec,
  learningCurvesSpec,
  type Results,
  renderSvg,
  robustnessSpec,
  taskVarianceSpec,
  type VegaLiteSpec,
  varianceExplainedSpec,
} from '@molap/analysis';
import { h, message, svgFigure } from './dom.js';
import { openResultsFile } from './results-files.js';

const VERDICT_TEXT: Readonly<Record<Claim['verdict'], string>> = {
  supported: 'supported',
  mixed: 'mixed',
  'not-supported': 'not supported',
  'not-tested': 'not tested',
};

const fixed = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

function table(className: string, header: readonly string[], rows: readonly HTMLTableRowElement[]): HTMLTableElement {
  return h(
    'table',
    { class: `data ${className}` },
    h('thead', {}, h('tr', {}, ...header.map((cell) => h('th', {}, cell)))),
    h('tbody', {}, ...rows),
  );
}

function summary(results: Results): HTMLElement {
  const items: [string, string][] = [
    ['preset', results.preset],
    ['seeds', results.seeds.join(', ')],
    ['corpus', results.corpus.join(', ')],
    ['held out', results.heldOut.length > 0 ? results.heldOut.join(', ') : 'none'],
    [
      'models',
      Object.entries(results.models)
        .map(([name, model]) => `${name} (${model.displayName})`)
        .join('; '),
    ],
    [
      'written by',
      `${results.createdBy.package} ${results.createdBy.version}, results schema ${results.schemaVersion}`,
    ],
  ];
  return h('dl', { class: 'run' }, ...items.flatMap(([key, value]) => [h('dt', {}, key), h('dd', {}, value)]));
}

/**
 * The seeds on which a model's training failed (`failedSeeds`: corpus mean below half of its best seed), as the
 * report warns above its claims; `null` when none did.
 */
function failedSeedsWarning(results: Results): HTMLElement | null {
  const failed = failedSeeds(results);
  if (failed.length === 0) return null;
  return h(
    'div',
    { class: 'failed-seeds' },
    message(
      'error',
      `Training failed on ${failed.length === 1 ? 'one seed' : `${failed.length} seeds`} (corpus mean below ${FAILED_SEED_RATIO} × the model’s best seed): ${failed.map(describeFailedSeed).join('; ')}.`,
      'These seed-task pairs are part of the comparisons below: a baseline’s failed seed favours MoLaP, a failed MoLaP seed the baseline. Rerun that model with another learning rate (run.strategyOptions in molap.config.json), or read its comparisons with this in mind.',
    ),
  );
}

function claimsTable(results: Results): HTMLElement {
  if (results.claims.length === 0) return message('note', 'No claims were evaluated in this run.');
  const rows = results.claims.map((claim) =>
    h(
      'tr',
      { 'data-claim': claim.id },
      h(
        'td',
        { class: 'claim' },
        h('strong', { class: 'claim-id' }, claim.id),
        h('br'),
        h('span', { class: 'note' }, claim.statement),
        h('details', { class: 'note' }, h('summary', {}, 'decision rule'), claim.rule),
      ),
      h('td', { class: `verdict ${claim.verdict}` }, VERDICT_TEXT[claim.verdict]),
      h(
        'td',
        { class: 'evidence' },
        claim.verdict === 'not-tested' ? (claim.reason ?? '') : '',
        claim.comparisons.length > 0
          ? h(
              'ul',
              {},
              ...claim.comparisons.map((comparison) =>
                h(
                  'li',
                  { 'data-baseline': comparison.baseline },
                  'vs ',
                  h('strong', {}, comparison.baseline),
                  ` — ${comparisonVerdict(comparison)} (${comparison.metric})`,
                  h('details', { class: 'note' }, h('summary', {}, 'details'), comparison.detail),
                ),
              ),
            )
          : null,
      ),
    ),
  );
  return table('claims', ['claim', 'this run', 'evidence (MoLaP vs baseline)'], rows);
}

function perTaskTable(results: Results): HTMLElement {
  const rows = Object.entries(results.models).map(([name, model]) =>
    h(
      'tr',
      { 'data-model': name },
      h('th', {}, name),
      ...results.corpus.map((task) => {
        const entry = model.perTask[task];
        return h(
          'td',
          { title: entry ? `trials to criterion: ${entry.trialsToCriterion ?? 'not reached'}` : undefined },
          entry ? fixed(entry.performance) : '—',
        );
      }),
    ),
  );
  return table('per-task', ['model', ...results.corpus], rows);
}

/** A chart of the report, drawn asynchronously (vega is loaded on first use); a failure stays in its box. */
function chart(spec: () => VegaLiteSpec, className: string): HTMLElement {
  const box = h('div', { class: `chart ${className}` }, message('note', 'drawing…'));
  void (async () => {
    try {
      box.replaceChildren(svgFigure(await renderSvg(spec()), 'chart-svg'));
    } catch (error) {
      box.replaceChildren(message('error', `this chart cannot be drawn: ${(error as Error).message}`));
    }
  })();
  return box;
}

/** Held-out tasks learned after pre-training: the report's curves, or why there are none. */
function generalisationPart(results: Results): HTMLElement {
  const learned = Object.values(results.models).some((model) => Object.keys(model.generalisation).length > 0);
  if (results.heldOut.length === 0 || !learned) {
    return message('note', 'No task was held out of pre-training in this run.');
  }
  return chart(() => generalisationSpec(results), 'generalisation');
}

/** Participation ratio and PCs for 90 % of the hidden states per model, and the variance-explained curves. */
function dimensionalityPart(results: Results): HTMLElement {
  const models = Object.entries(results.models).filter(([, model]) => model.dimensionality !== null);
  if (models.length === 0) return message('note', 'The dimensionality analysis was not run.');
  const rows = models.map(([name, model]) =>
    h(
      'tr',
      { 'data-model': name },
      h('th', {}, name),
      h('td', {}, String(model.hiddenSize)),
      h('td', {}, fixed(model.dimensionality!.participationRatio, 1)),
      h('td', {}, String(model.dimensionality!.pcs90)),
    ),
  );
  return h(
    'div',
    {},
    table('dimensionality', ['model', 'units', 'participation ratio', 'PCs for 90 %'], rows),
    chart(() => varianceExplainedSpec(results), 'variance-explained'),
  );
}

/** Each model's units by their normalised variance across each task's conditions (Yang et al. 2019). */
function taskVariancePart(results: Results): HTMLElement {
  const parts = Object.entries(results.models).flatMap(([name, model]) =>
    taskVarianceSpec(model) ? [h('h4', {}, name), chart(() => taskVarianceSpec(model)!, 'task-variance')] : [],
  );
  return parts.length === 0
    ? message('note', 'The task-variance analysis was not run, or no unit was active.')
    : h('div', {}, ...parts);
}

function runPanel(name: string, results: Results, close: () => void): HTMLElement {
  const closeButton = h('button', { type: 'button', class: 'close', 'aria-label': `close ${name}` }, '×');
  closeButton.addEventListener('click', close);
  const anyRelative = Object.values(results.models).some((model) =>
    Object.values(model.robustness).some((entry) => entry.relativeAuc !== null),
  );
  return h(
    'article',
    { class: 'run-panel', 'data-file': name },
    h('h2', {}, name, closeButton),
    summary(results),
    h('h3', {}, 'Claims'),
    failedSeedsWarning(results),
    claimsTable(results),
    h('h3', {}, 'Performance per task'),
    perTaskTable(results),
    h('h3', {}, 'Learning curves'),
    chart(() => learningCurvesSpec(results), 'learning'),
    h('h3', {}, 'Robustness'),
    results.perturbations.length === 0
      ? message('note', 'The robustness analysis was not run.')
      : h(
          'div',
          {},
          anyRelative ? h('h4', {}, 'relative: performance ÷ unperturbed performance') : null,
          anyRelative ? chart(() => robustnessSpec(results, 'relative'), 'robustness-relative') : null,
          h('h4', {}, 'absolute performance'),
          chart(() => robustnessSpec(results), 'robustness'),
        ),
    h('h3', {}, 'Generalisation to held-out tasks'),
    generalisationPart(results),
    h('h3', {}, 'Dimensionality'),
    dimensionalityPart(results),
    h('h3', {}, 'Task variance'),
    taskVariancePart(results),
  );
}

/** Mounts the results explorer into `root`. */
export function mountResultsView(root: HTMLElement): void {
  const picker = h('input', { type: 'file', id: 'results-file', accept: '.json,application/json', multiple: true });
  const drop = h(
    'div',
    { class: 'drop-zone', id: 'results-drop' },
    h('p', {}, 'Drop results.json files here, or ', h('label', {}, picker)),
    h(
      'p',
      { class: 'note' },
      'Files are read in this page; nothing is sent anywhere. Open two runs to see them side by side.',
    ),
  );
  const problems = h('div', { class: 'problems', id: 'results-problems' });
  const runs = h('div', { class: 'runs', id: 'runs' });
  root.append(drop, problems, runs);

  async function open(files: readonly File[]): Promise<void> {
    problems.replaceChildren();
    for (const opened of await Promise.all(files.map(openResultsFile))) {
      if (!opened.ok) {
        problems.append(message('error', opened.problem, opened.hint));
        continue;
      }
      const panel: HTMLElement = runPanel(opened.name, opened.results, () => panel.remove());
      runs.append(panel);
    }
  }

  picker.addEventListener('change', () => {
    void open([...(picker.files ?? [])]).finally(() => {
      picker.value = '';
    });
  });
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    void open([...(event.dataTransfer?.files ?? [])]);
  });
}

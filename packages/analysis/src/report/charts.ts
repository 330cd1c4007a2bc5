/**
 * Vega-Lite specifications of the report's plots, built from results.json data (pure functions; rendering
 * to SVG is in `svg.ts`). Every model keeps the same colour in every plot.
 */
import { populationVector } from '@molap/tasks';
import type { ExampleTrial } from '../examples.js';
import type { ModelResults, Results, TaskVarianceResults } from '../schema.js';

/** A Vega-Lite specification (plain JSON). */
export type VegaLiteSpec = { readonly [key: string]: unknown };

/** Model colours, in model order (Tableau 10). */
export const MODEL_COLOURS: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

const FONT = 'Helvetica, Arial, sans-serif';

const CONFIG = {
  font: FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
  legend: {
    labelFontSize: 12,
    titleFontSize: 12,
    orient: 'bottom',
    direction: 'horizontal',
    columns: 4,
    labelLimit: 360,
  },
  header: { labelFontSize: 12, labelFontWeight: 'bold', titleFontSize: 12 },
  title: { fontSize: 14 },
} as const;

/** A colour scale giving each series (model, or model + variant) its colour. */
export function colourScale(series: readonly string[]) {
  return { domain: [...series], range: series.map((_, i) => MODEL_COLOURS[i % MODEL_COLOURS.length]) };
}

function base(extra: Record<string, unknown>): VegaLiteSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, background: 'white', ...extra };
}

const performanceAxis = { field: 'performance', type: 'quantitative', title: 'performance', scale: { domain: [0, 1] } };
/** p(m) / p(0): from 0, and past 1 when a perturbation helps. */
const relativeAxis = {
  field: 'performance',
  type: 'quantitative',
  title: 'performance ÷ unperturbed',
  scale: { domainMin: 0, nice: false },
};

/**
 * Learning curves, one panel per task (in `tasks` order), colour by model; with `mechanisms`, the line dash
 * tells the ways a model learned (its own mechanism solid).
 */
function curveFacet(
  rows: Record<string, unknown>[],
  models: readonly string[],
  tasks: readonly string[],
  mechanisms?: readonly string[],
): VegaLiteSpec {
  return base({
    data: { values: rows },
    facet: { field: 'task', type: 'nominal', title: null, sort: [...tasks] },
    columns: Math.min(4, tasks.length),
    spec: {
      width: 220,
      height: 150,
      // Points would turn the dash legend into filled dots; lines alone keep its symbols as dashed strokes.
      mark: mechanisms ? { type: 'line', strokeWidth: 2 } : { type: 'line', point: { size: 18 }, strokeWidth: 2 },
      encoding: {
        x: { field: 'trials', type: 'quantitative', title: 'trials seen' },
        y: performanceAxis,
        color: { field: 'model', type: 'nominal', title: 'model', scale: colourScale(models), sort: null },
        ...(mechanisms
          ? {
              strokeDash: {
                field: 'mechanism',
                type: 'nominal',
                title: 'learning',
                legend: { symbolType: 'stroke', symbolStrokeColor: '#333', symbolStrokeWidth: 2, symbolSize: 300 },
                scale: { domain: [...mechanisms], range: mechanisms.map((_, i) => DASHES[i % DASHES.length]) },
              },
              detail: { field: 'series', type: 'nominal' },
            }
          : {}),
      },
    },
    resolve: { scale: { x: 'independent' } },
  });
}

const DASHES: readonly number[][] = [
  [1, 0],
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
];

/** Learning curves of the corpus tasks: one panel per task, one line per model (mean over seeds). */
export function learningCurvesSpec(results: Results): VegaLiteSpec {
  const models = Object.keys(results.models);
  const rows = models.flatMap((model) =>
    results.corpus.flatMap((task) =>
      (results.models[model].perTask[task]?.curve ?? []).map((point) => ({
        model,
        task,
        trials: point.trials,
        performance: point.performance,
      })),
    ),
  );
  return curveFacet(rows, models, results.corpus);
}

/** Name of a generalisation series: the model, or 'model (variant)'. */
export function seriesName(model: string, variant?: string): string {
  return variant ? `${model} (${variant})` : model;
}

/** Generalisation series of a run, in order: each model's own mechanism, then its variants. */
export function generalisationSeries(results: Results): { name: string; model: string; variant?: string }[] {
  return Object.entries(results.models).flatMap(([model, entry]) => [
    ...(Object.keys(entry.generalisation).length > 0 ? [{ name: model, model }] : []),
    ...Object.entries(entry.generalisationVariants)
      .filter(([, variant]) => Object.keys(variant.tasks).length > 0)
      .map(([variant]) => ({ name: seriesName(model, variant), model, variant })),
  ]);
}

/** Name of a model's own way of learning new tasks in the generalisation plot's legend. */
export const OWN_MECHANISM = 'own mechanism';

/**
 * Learning curves of the held-out tasks after pre-training: colour by model (as in every plot), dash by the
 * way the model learned them (its own mechanism solid, variants such as 'rule-inputs' dashed).
 */
export function generalisationSpec(results: Results): VegaLiteSpec {
  const series = generalisationSeries(results);
  const mechanisms = [OWN_MECHANISM, ...new Set(series.flatMap((entry) => (entry.variant ? [entry.variant] : [])))];
  const rows = series.flatMap(({ name, model, variant }) => {
    const entry = results.models[model];
    const tasks = variant ? entry.generalisationVariants[variant].tasks : entry.generalisation;
    return Object.entries(tasks).flatMap(([task, value]) =>
      value.curve.map((point) => ({
        model,
        series: name,
        mechanism: variant ?? OWN_MECHANISM,
        task,
        trials: point.trials,
        performance: point.performance,
      })),
    );
  });
  return curveFacet(rows, Object.keys(results.models), results.heldOut, mechanisms);
}

/**
 * Robustness curves: one panel per perturbation (in suite order, titled with the perturbation and its
 * magnitude), performance (mean over tasks and seeds) vs magnitude, one line per model that was not skipped.
 * `relative`: performance ÷ unperturbed performance, over the task-seed pairs at or above the floor.
 */
export function robustnessSpec(results: Results, measure: 'absolute' | 'relative' = 'absolute'): VegaLiteSpec {
  const models = Object.keys(results.models);
  const relative = measure === 'relative';
  const panels = results.perturbations.flatMap((perturbation) => {
    const rows = models.flatMap((model) => {
      const entry = results.models[model].robustness[perturbation.id];
      if (!entry || entry.skipped !== undefined) return [];
      const values = relative ? entry.relativePerformance : entry.performance;
      if (values.length !== entry.magnitudes.length) return [];
      return entry.magnitudes.map((magnitude, i) => ({ model, magnitude, performance: values[i] }));
    });
    if (rows.length === 0) return [];
    return [
      {
        title: { text: perturbation.displayName, fontSize: 12 },
        data: { values: rows },
        width: 240,
        height: 150,
        mark: { type: 'line', point: { size: 18 }, strokeWidth: 2 },
        encoding: {
          x: {
            field: 'magnitude',
            type: 'quantitative',
            title: perturbation.magnitude,
            axis: { values: perturbation.magnitudes, format: '.4~g', titleLimit: 400 },
          },
          y: relative ? relativeAxis : performanceAxis,
          color: { field: 'model', type: 'nominal', title: 'model', scale: colourScale(models), sort: null },
        },
      },
    ];
  });
  return base({ concat: panels, columns: 3, spacing: 28 });
}

/** Cumulative variance explained by the first principal components (pooled states, first seed). */
export function varianceExplainedSpec(results: Results, maxComponents = 40): VegaLiteSpec {
  const models = Object.keys(results.models).filter((model) => results.models[model].dimensionality !== null);
  const rows = models.flatMap((model) =>
    (results.models[model].dimensionality?.varianceExplained ?? [])
      .slice(0, maxComponents)
      .map((fraction, i) => ({ model, components: i + 1, fraction })),
  );
  return base({
    data: { values: rows },
    width: 420,
    height: 220,
    layer: [
      {
        mark: { type: 'line', point: { size: 14 }, strokeWidth: 2 },
        encoding: {
          x: { field: 'components', type: 'quantitative', title: 'principal components' },
          y: { field: 'fraction', type: 'quantitative', title: 'variance explained', scale: { domain: [0, 1] } },
          color: { field: 'model', type: 'nominal', title: 'model', scale: colourScale(models), sort: null },
        },
      },
      {
        data: { values: [{ threshold: 0.9 }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { y: { field: 'threshold', type: 'quantitative' } },
      },
    ],
  });
}

/**
 * Rows of a normalised task-variance matrix in display order: units grouped by the task of their largest
 * variance (in task order), then by decreasing share of that task.
 */
export function sortedVarianceRows(entry: TaskVarianceResults): { unit: number; values: number[] }[] {
  const rows = entry.normalised.map((values, i) => ({ unit: entry.activeUnits[i], values }));
  const preferred = (values: number[]) => values.indexOf(Math.max(...values));
  const share = (values: number[]) => 1 / values.reduce((sum, value) => sum + value, 0);
  return rows.sort((a, b) => preferred(a.values) - preferred(b.values) || share(b.values) - share(a.values));
}

/** Heatmap of a model's normalised task variance (first seed): active units × tasks (titled by the page). */
export function taskVarianceSpec(entry: ModelResults): VegaLiteSpec | undefined {
  const first = entry.taskVariance[0];
  if (!first || first.activeUnits.length === 0) return undefined;
  const rows = sortedVarianceRows(first).flatMap((row, rank) =>
    row.values.map((value, column) => ({ rank, unit: row.unit, task: first.tasks[column], value })),
  );
  const units = first.activeUnits.length;
  return base({
    data: { values: rows },
    width: Math.max(160, 26 * first.tasks.length),
    height: Math.min(360, Math.max(180, 2 * units)),
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'task', type: 'ordinal', title: null, sort: first.tasks, axis: { labelAngle: -45 } },
      y: {
        field: 'rank',
        type: 'ordinal',
        title: `${units} of ${entry.hiddenSize} units active`,
        axis: { labels: false, ticks: false },
        scale: { paddingInner: 0, paddingOuter: 0 },
      },
      color: {
        field: 'value',
        type: 'quantitative',
        title: 'variance / max',
        scale: { scheme: 'blues', domain: [0, 1] },
        legend: { orient: 'right', direction: 'vertical' },
      },
      tooltip: [{ field: 'unit' }, { field: 'task' }, { field: 'value', format: '.2f' }],
    },
  });
}

/** `a − b` in degrees, wrapped to [−180, 180). */
export function angleDifference(a: number, b: number): number {
  const degrees = ((a - b) * 180) / Math.PI;
  return ((((degrees + 180) % 360) + 360) % 360) - 180;
}

/**
 * One task's example trial for each model (titled by the page): fixation output over time, and the error of
 * the direction decoded from the response ring (population vector) during the response period, in degrees
 * (0 = the target direction; within ±36° counts as correct).
 */
export function exampleTrialSpec(trials: readonly ExampleTrial[], models: readonly string[]): VegaLiteSpec {
  const series = ['target', ...models];
  const fixation: Record<string, unknown>[] = [];
  const direction: Record<string, unknown>[] = [];
  for (const trial of trials) {
    for (let t = 0; t < trial.steps; t++) {
      const time = t * trial.dt;
      fixation.push({ model: trial.model, time, value: trial.outputs[t][trial.fixationOutput] });
      if (trial.targetAngle[t] >= 0) {
        const ring = trial.outputs[t];
        const angle = populationVector(ring, trial.responseOutputs.start, trial.responseOutputs.size);
        direction.push({ model: trial.model, time, value: angleDifference(angle, trial.targetAngle[t]) });
      }
    }
  }
  const reference = trials[0];
  if (reference) {
    for (let t = 0; t < reference.steps; t++) {
      const time = t * reference.dt;
      fixation.push({ model: 'target', time, value: reference.targets[t][reference.fixationOutput] });
      if (reference.targetAngle[t] >= 0) direction.push({ model: 'target', time, value: 0 });
    }
  }
  const epochs = (reference?.epochs ?? []).map((epoch) => ({
    name: epoch.name,
    start: epoch.start * reference.dt,
    end: epoch.end * reference.dt,
  }));
  const colour = {
    field: 'model',
    type: 'nominal',
    title: null,
    sort: null,
    scale: { domain: series, range: ['#222', ...models.map((_, i) => MODEL_COLOURS[i % MODEL_COLOURS.length])] },
  };
  const panel = (values: Record<string, unknown>[], title: string, domain: [number, number]) => ({
    width: 300,
    height: 150,
    layer: [
      {
        data: { values: epochs },
        mark: { type: 'rect', opacity: 0.35 },
        encoding: {
          x: { field: 'start', type: 'quantitative' },
          x2: { field: 'end' },
          color: { value: '#eef2f7' },
        },
      },
      {
        data: { values: epochs },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, fontSize: 9, color: '#666' },
        encoding: { x: { field: 'start', type: 'quantitative' }, y: { value: 0 }, text: { field: 'name' } },
      },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.8, interpolate: 'step-after' },
        encoding: {
          x: { field: 'time', type: 'quantitative', title: 'time (ms)' },
          y: {
            field: 'value',
            type: 'quantitative',
            title,
            scale: { domain },
            ...(domain[1] === 180 ? { axis: { values: [-180, -90, 0, 90, 180] } } : {}),
          },
          color: colour,
          strokeDash: { condition: { test: "datum.model === 'target'", value: [5, 3] }, value: [1, 0] },
        },
      },
    ],
  });
  return base({
    hconcat: [panel(fixation, 'fixation output', [0, 1]), panel(direction, 'direction error (°)', [-180, 180])],
    resolve: { scale: { color: 'shared' } },
  });
}

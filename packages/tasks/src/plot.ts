import { TasksError } from './errors.js';
import type { Batch, ChannelGroup } from './task.js';

/** Options of `plotTrial`. All sizes in CSS pixels. */
export interface PlotTrialOptions {
  /** Width of the heatmaps. Default 720. */
  readonly width?: number;
  /** Height of one channel row. Default 4 (a group is at least `MIN_GROUP_HEIGHT` tall). */
  readonly rowHeight?: number;
  /**
   * Values mapped to the ends of the input/target color scale (values outside are clipped).
   * Default: [min(0, smallest value), max(1, largest value)] over the trial's inputs and targets. A range
   * that includes negative values (input noise) becomes symmetric around 0, drawn with a diverging scale.
   */
  readonly valueRange?: readonly [number, number];
  /** Title line. Default: task id, trial index, length and dt. */
  readonly title?: string;
}

const DEFAULT_WIDTH = 720;
const DEFAULT_ROW_HEIGHT = 4;
/** Smallest drawn height of a channel group, so a 1-channel fixation row stays visible. */
const MIN_GROUP_HEIGHT = 12;
const MASK_ROW_HEIGHT = 12;
const LEFT = 120;
const RIGHT = 110;
const TOP = 72;
const PANEL_GAP = 30;
const EPOCH_STRIP = 16;
/** Color steps: consecutive cells of a row with the same step are drawn as one rectangle. */
const COLOR_LEVELS = 64;
/** Sequential scale from near-white (low) to dark blue (high), as [position, r, g, b]. */
const SCALE_STOPS: readonly (readonly [number, number, number, number])[] = [
  [0, 248, 249, 251],
  [0.35, 143, 184, 222],
  [0.7, 47, 110, 166],
  [1, 11, 37, 69],
];
/** Diverging scale for data with negative values (noise): red (negative), near-white (0), dark blue (positive). */
const DIVERGING_STOPS: readonly (readonly [number, number, number, number])[] = [
  [0, 165, 30, 40],
  [0.25, 232, 150, 140],
  [0.5, 248, 249, 251],
  [0.675, 143, 184, 222],
  [0.85, 47, 110, 166],
  [1, 11, 37, 69],
];
const MASK_SCALE_STOPS: readonly (readonly [number, number, number, number])[] = [
  [0, 250, 250, 250],
  [1, 200, 82, 0],
];
const EPOCH_FILLS = ['#e8eef6', '#f6efe3'];
/** Approximate width of one character of an epoch label (10 px sans-serif). */
const LABEL_CHAR_WIDTH = 5.6;

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

function colorAt(stops: typeof SCALE_STOPS, fraction: number): string {
  const x = Math.min(1, Math.max(0, fraction));
  let i = 1;
  while (i < stops.length - 1 && stops[i][0] < x) i++;
  const [x0, r0, g0, b0] = stops[i - 1];
  const [x1, r1, g1, b1] = stops[i];
  const w = x1 === x0 ? 0 : (x - x0) / (x1 - x0);
  const mix = (a: number, b: number) => Math.round(a + (b - a) * w);
  return `rgb(${mix(r0, r1)},${mix(g0, g1)},${mix(b0, b1)})`;
}

/** "Nice" tick spacing in ms (1, 2 or 5 × 10^k) giving about 5–10 ticks over `span`. */
function tickStep(span: number): number {
  const rough = span / 10;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough) ?? 10 * power;
}

interface Scale {
  readonly low: number;
  readonly high: number;
  readonly stops: typeof SCALE_STOPS;
}

/** Cells of one row as run-length rectangles: value(t) for t in [0, steps). */
function heatRow(
  value: (t: number) => number,
  steps: number,
  scale: Scale,
  x0: number,
  cell: number,
  y: number,
  h: number,
) {
  const level = (v: number) =>
    Math.round(Math.min(1, Math.max(0, (v - scale.low) / (scale.high - scale.low || 1))) * (COLOR_LEVELS - 1));
  const parts: string[] = [];
  let runStart = 0;
  let runLevel = level(value(0));
  for (let t = 1; t <= steps; t++) {
    const current = t < steps ? level(value(t)) : -1;
    if (current === runLevel) continue;
    const fill = colorAt(scale.stops, runLevel / (COLOR_LEVELS - 1));
    parts.push(
      `<rect x="${num(x0 + runStart * cell)}" y="${num(y)}" width="${num((t - runStart) * cell)}" height="${num(h)}" fill="${fill}"/>`,
    );
    runStart = t;
    runLevel = current;
  }
  return parts.join('');
}

interface PanelRow {
  readonly y: number;
  readonly height: number;
}

/**
 * A heatmap of channel groups over time: one row per channel, groups labelled on the left.
 * `value(t, c)` reads channel c at step t of the plotted trial.
 */
function groupPanel(
  id: string,
  title: string,
  groups: readonly ChannelGroup[],
  value: (t: number, c: number) => number,
  steps: number,
  scale: Scale,
  geometry: { readonly top: number; readonly width: number; readonly rowHeight: number },
): { svg: string; bottom: number } {
  const cell = geometry.width / steps;
  const parts = [
    `<g id="${id}">`,
    `<text class="panel-title" x="${LEFT}" y="${geometry.top - 6}">${escapeXml(title)}</text>`,
  ];
  let y = geometry.top;
  for (const group of groups) {
    const height = Math.max(MIN_GROUP_HEIGHT, group.size * geometry.rowHeight);
    const rows: PanelRow[] = Array.from({ length: group.size }, (_, i) => ({
      y: y + (i * height) / group.size,
      height: height / group.size,
    }));
    parts.push(`<g class="channel-group" data-name="${escapeXml(group.name)}" data-role="${group.role}">`);
    rows.forEach((row, i) => {
      parts.push(heatRow((t) => value(t, group.start + i), steps, scale, LEFT, cell, row.y, row.height));
    });
    const label = group.size === 1 ? group.name : `${group.name} (${group.size})`;
    parts.push(
      `<path class="bracket" d="M${LEFT - 4},${num(y + 0.5)} h-4 V${num(y + height - 0.5)} h4"/>`,
      `<text class="group-label" x="${LEFT - 12}" y="${num(y + height / 2 + 4)}">${escapeXml(label)}</text>`,
      '</g>',
    );
    y += height;
    if (group !== groups[groups.length - 1]) {
      parts.push(`<line class="separator" x1="${LEFT}" x2="${LEFT + geometry.width}" y1="${num(y)}" y2="${num(y)}"/>`);
    }
  }
  parts.push(
    `<rect class="frame" x="${LEFT}" y="${geometry.top}" width="${geometry.width}" height="${num(y - geometry.top)}"/>`,
    '</g>',
  );
  return { svg: parts.join(''), bottom: y };
}

function colorBar(id: string, label: string, scale: Scale, x: number, y: number, height: number): string {
  const steps = 32;
  const parts = [`<g id="${id}">`, `<text class="panel-title" x="${x}" y="${y - 6}">${escapeXml(label)}</text>`];
  for (let i = 0; i < steps; i++) {
    const fill = colorAt(scale.stops, 1 - i / (steps - 1));
    parts.push(
      `<rect x="${x}" y="${num(y + (i * height) / steps)}" width="12" height="${num(height / steps + 0.5)}" fill="${fill}"/>`,
    );
  }
  parts.push(
    `<rect class="frame" x="${x}" y="${y}" width="12" height="${height}"/>`,
    `<text class="tick-label" x="${x + 16}" y="${y + 4}">${num(scale.high)}</text>`,
    `<text class="tick-label" x="${x + 16}" y="${y + height + 4}">${num(scale.low)}</text>`,
    '</g>',
  );
  return parts.join('');
}

/**
 * Draws one trial of a batch as a standalone SVG document: the inputs heatmap (rows = channels, grouped
 * and labelled by `batch.layout.inputs`: fixation, rings, rule), the targets heatmap (fixation and
 * response groups), the loss mask (one row per output group, mean over its channels), the epochs as
 * labelled bands with boundaries across all panels, the go cue as a red line, and a time axis in ms.
 * Only the trial's real steps `[0, trialSteps[trial])` are drawn.
 * @param trial batch index b of the trial, in [0, batch.batchSize).
 * @returns SVG markup (UTF-8 text), ready to write to a `.svg` file.
 */
export function plotTrial(batch: Batch, trial: number, options: PlotTrialOptions = {}): string {
  if (!Number.isInteger(trial) || trial < 0 || trial >= batch.batchSize) {
    throw new TasksError(
      'invalid-option',
      `trial must be an integer in [0, ${batch.batchSize}) (the batch size), got ${trial}`,
    );
  }
  const width = options.width ?? DEFAULT_WIDTH;
  const rowHeight = options.rowHeight ?? DEFAULT_ROW_HEIGHT;
  if (!(width > 0) || !(rowHeight > 0)) {
    throw new TasksError('invalid-option', 'plotTrial: width and rowHeight must be positive');
  }
  const range = options.valueRange;
  if (range !== undefined && !(Array.isArray(range) && range.length === 2 && range[0] < range[1])) {
    throw new TasksError(
      'invalid-option',
      `plotTrial: valueRange must be [low, high] with low < high, got ${JSON.stringify(range)}`,
    );
  }
  const B = batch.batchSize;
  const { inputSize: nIn, outputSize: nOut, dt } = batch;
  const steps = batch.trialSteps[trial];
  if (!(steps > 0)) throw new TasksError('invalid-option', `trial ${trial} has ${steps} steps: nothing to plot`);
  const input = (t: number, c: number) => batch.inputs[(t * B + trial) * nIn + c];
  const target = (t: number, c: number) => batch.targets[(t * B + trial) * nOut + c];
  const maskAt = (t: number, c: number) => batch.mask[(t * B + trial) * nOut + c];

  let [low, high] = options.valueRange ?? [0, 1];
  if (options.valueRange === undefined) {
    const widen = (value: number) => {
      low = Math.min(low, value);
      high = Math.max(high, value);
    };
    for (let t = 0; t < steps; t++) {
      for (let c = 0; c < nIn; c++) widen(input(t, c));
      for (let c = 0; c < nOut; c++) widen(target(t, c));
    }
  }
  // Negative values (input noise) get a diverging scale symmetric around 0, so that 0 stays near-white.
  const extent = Math.max(-low, high);
  const valueScale: Scale =
    low < 0 ? { low: -extent, high: extent, stops: DIVERGING_STOPS } : { low, high, stops: SCALE_STOPS };
  let maskHigh = 0;
  for (let t = 0; t < steps; t++) for (let c = 0; c < nOut; c++) maskHigh = Math.max(maskHigh, maskAt(t, c));
  const maskScale: Scale = { low: 0, high: maskHigh || 1, stops: MASK_SCALE_STOPS };

  const geometry = { width, rowHeight };
  const inputs = groupPanel('inputs', 'inputs', batch.layout.inputs, input, steps, valueScale, {
    ...geometry,
    top: TOP + EPOCH_STRIP + PANEL_GAP - 10,
  });
  const targets = groupPanel('targets', 'targets', batch.layout.outputs, target, steps, valueScale, {
    ...geometry,
    top: inputs.bottom + PANEL_GAP,
  });
  const maskGroups = batch.layout.outputs.map((group) => ({ ...group, size: 1 }));
  const meanMask = (t: number, index: number) => {
    const group = batch.layout.outputs[index];
    let sum = 0;
    for (let c = group.start; c < group.start + group.size; c++) sum += maskAt(t, c);
    return sum / group.size;
  };
  const mask = groupPanel(
    'mask',
    'loss mask (mean over each output group)',
    maskGroups.map((group, index) => ({ ...group, start: index })),
    meanMask,
    steps,
    maskScale,
    { ...geometry, rowHeight: MASK_ROW_HEIGHT, top: targets.bottom + PANEL_GAP },
  );
  const plotTop = TOP;
  const plotBottom = mask.bottom;
  const xOf = (step: number) => LEFT + (step / steps) * width;

  // Epoch bands (top strip, labelled) and boundaries across every panel. A label too wide for its band
  // goes above the strip, alternating between two rows so that neighbours do not collide.
  const epochParts = ['<g id="epochs">'];
  let band = 0;
  let outside = 0;
  for (const [name, epoch] of Object.entries(batch.epochs)) {
    const start = epoch.start[trial];
    const end = Math.min(epoch.end[trial], steps);
    if (start < 0 || end <= start) continue;
    const x = xOf(start);
    const w = xOf(end) - x;
    const fits = name.length * LABEL_CHAR_WIDTH + 4 <= w;
    const labelY = fits ? plotTop + 12 : plotTop - 4 - 10 * (outside++ % 2);
    epochParts.push(
      `<g class="epoch" data-name="${escapeXml(name)}">`,
      `<title>${escapeXml(name)}: ${num(start * dt)}–${num(end * dt)} ms</title>`,
      `<rect x="${num(x)}" y="${plotTop}" width="${num(w)}" height="${EPOCH_STRIP}" fill="${EPOCH_FILLS[band++ % 2]}"/>`,
      `<text class="epoch-label" x="${num(x + w / 2)}" y="${labelY}">${escapeXml(name)}</text>`,
      start > 0 ? `<line class="boundary" x1="${num(x)}" x2="${num(x)}" y1="${plotTop}" y2="${num(plotBottom)}"/>` : '',
      '</g>',
    );
  }
  epochParts.push('</g>');

  const go = batch.goCue[trial];
  const goParts =
    go >= 0 && go <= steps
      ? [
          '<g id="go-cue">',
          `<line x1="${num(xOf(go))}" x2="${num(xOf(go))}" y1="${plotTop - 24}" y2="${num(plotBottom + 4)}"/>`,
          `<text x="${num(xOf(go))}" y="${plotTop - 28}">go cue</text>`,
          '</g>',
        ]
      : [];

  const duration = steps * dt;
  const step = tickStep(duration);
  const axisY = plotBottom + 10;
  const axisParts = [
    '<g id="time-axis">',
    `<line class="axis" x1="${LEFT}" x2="${LEFT + width}" y1="${num(axisY)}" y2="${num(axisY)}"/>`,
  ];
  for (let ms = 0; ms <= duration + 1e-9; ms += step) {
    const x = xOf(ms / dt);
    axisParts.push(
      `<line class="axis" x1="${num(x)}" x2="${num(x)}" y1="${num(axisY)}" y2="${num(axisY + 4)}"/>`,
      `<text class="tick-label" x="${num(x)}" y="${num(axisY + 16)}" text-anchor="middle">${num(ms)}</text>`,
    );
  }
  axisParts.push(`<text class="axis-title" x="${LEFT + width / 2}" y="${num(axisY + 34)}">time (ms)</text>`, '</g>');

  const finalAngle = batch.targetAngle[(steps - 1) * B + trial];
  const response = finalAngle < 0 ? 'no response (fixate)' : `respond at ${finalAngle.toFixed(3)} rad`;
  const taskId = batch.trialTasks?.[trial] ?? batch.taskId;
  const title = options.title ?? `${taskId}, trial ${trial}: ${steps} steps × ${num(dt)} ms, ${response}`;
  const totalWidth = LEFT + width + RIGHT;
  const totalHeight = Math.ceil(axisY + 44);
  const style = [
    'text{font-family:Helvetica,Arial,sans-serif;font-size:11px;fill:#222}',
    '.title{font-size:14px;font-weight:bold}',
    '.panel-title{font-weight:bold}',
    '.group-label{text-anchor:end}',
    '.epoch-label{text-anchor:middle;font-size:10px}',
    '.axis-title{text-anchor:middle}',
    '.bracket{fill:none;stroke:#555}',
    '.separator{stroke:#b8bec6;stroke-width:0.6}',
    '.frame{fill:none;stroke:#555;stroke-width:0.5}',
    '.boundary{stroke:#444;stroke-width:0.6;stroke-dasharray:3 2}',
    '.axis{stroke:#222}',
    '#go-cue line{stroke:#d62728;stroke-width:1.5}',
    '#go-cue text{fill:#d62728;text-anchor:middle;font-weight:bold}',
  ].join('');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalWidth}" height="${totalHeight}" viewBox="0 0 ${totalWidth} ${totalHeight}">`,
    `<title>${escapeXml(title)}</title>`,
    `<style>${style}</style>`,
    `<rect width="${totalWidth}" height="${totalHeight}" fill="#fff"/>`,
    `<text class="title" x="${LEFT}" y="24">${escapeXml(title)}</text>`,
    inputs.svg,
    targets.svg,
    mask.svg,
    ...epochParts,
    ...goParts,
    ...axisParts,
    colorBar('value-scale', 'value', valueScale, LEFT + width + 24, TOP + EPOCH_STRIP + PANEL_GAP - 10, 120),
    colorBar('mask-scale', 'mask', maskScale, LEFT + width + 24, mask.bottom - 60, 48),
    '</svg>',
    '',
  ].join('\n');
}

/**
 * One evaluation trial as the network answers it: the targets above the outputs, time running left to right,
 * one row per output channel (Yang tasks: the fixation output, then the 32 units of the response ring), on the
 * same colour scale, with the unscored steps (loss mask 0) of the targets hatched grey. Drawn on a canvas, so
 * that redrawing it every 20 training steps costs nothing.
 */
import type { ExampleTrial } from './train/session.js';

/** Canvas width in CSS pixels. */
const WIDTH = 560;
/** Left margin for the channel-group labels. */
const LABEL_WIDTH = 92;
/** Height of one channel row; a group is at least `MIN_GROUP_HEIGHT` tall (the 1-channel fixation row). */
const ROW_HEIGHT = 3;
const MIN_GROUP_HEIGHT = 10;
const GROUP_GAP = 3;
const PANEL_GAP = 18;
const TITLE_HEIGHT = 14;

/** Viridis-like colour stops from 0 to 1 (values outside are clipped). */
const STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

function colour(value: number): string {
  const clipped = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
  const position = clipped * (STOPS.length - 1);
  const low = Math.floor(position);
  const high = Math.min(STOPS.length - 1, low + 1);
  const mix = position - low;
  const [r, g, b] = STOPS[low]!.map((channel, i) => Math.round(channel + (STOPS[high]![i]! - channel) * mix));
  return `rgb(${r},${g},${b})`;
}

/** Heights of the channel groups of one panel, and the panel's total height. */
function groupHeights(example: ExampleTrial): { heights: number[]; total: number } {
  const heights = example.groups.map((group) => Math.max(MIN_GROUP_HEIGHT, group.size * ROW_HEIGHT));
  return { heights, total: heights.reduce((sum, height) => sum + height, 0) + GROUP_GAP * (heights.length - 1) };
}

/** The canvas height the example needs, in CSS pixels. */
export function exampleHeight(example: ExampleTrial): number {
  return 2 * (TITLE_HEIGHT + groupHeights(example).total) + PANEL_GAP + 14;
}

/**
 * Draws `example` on `canvas` (resized to fit; device pixel ratio respected).
 * @param example a trial of the evaluation set with its outputs, targets and mask, each [steps × outputSize].
 */
export function drawExample(canvas: HTMLCanvasElement, example: ExampleTrial): void {
  const height = exampleHeight(example);
  const ratio = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(WIDTH * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${WIDTH}px`;
  canvas.style.height = `${height}px`;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, WIDTH, height);
  context.font = '11px system-ui, sans-serif';
  const { heights, total } = groupHeights(example);
  const plotWidth = WIDTH - LABEL_WIDTH - 4;
  const cellWidth = plotWidth / example.steps;
  const panel = (title: string, values: Float32Array, top: number, masked: boolean) => {
    context.fillStyle = '#1d2733';
    context.fillText(title, LABEL_WIDTH, top + 10);
    let y = top + TITLE_HEIGHT;
    example.groups.forEach((group, g) => {
      const groupHeight = heights[g]!;
      const rowHeight = groupHeight / group.size;
      context.fillStyle = '#4a5563';
      context.fillText(group.name, 4, y + Math.min(groupHeight, 20) / 2 + 4);
      for (let c = 0; c < group.size; c++) {
        const channel = group.start + c;
        for (let t = 0; t < example.steps; t++) {
          const index = t * example.outputSize + channel;
          context.fillStyle = masked && example.mask[index] === 0 ? '#c9ced6' : colour(values[index]!);
          // Cells overlap by half a pixel so that no seams show between them.
          context.fillRect(LABEL_WIDTH + t * cellWidth, y + c * rowHeight, cellWidth + 0.5, rowHeight + 0.5);
        }
      }
      y += groupHeight + GROUP_GAP;
    });
  };
  panel('target (grey: not scored)', example.targets, 0, true);
  const outputsTop = TITLE_HEIGHT + total + PANEL_GAP;
  panel('network output', example.outputs, outputsTop, false);
  context.fillStyle = '#4a5563';
  context.fillText(
    `time: ${example.steps} steps × ${example.dt} ms = ${((example.steps * example.dt) / 1000).toFixed(2)} s`,
    LABEL_WIDTH,
    height - 2,
  );
}

import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { plotTrial } from '../src/plot.js';
import type { Batch, Rng, TaskOptions } from '../src/task.js';
import { toyTask } from './support/toy-task.js';

const options: TaskOptions = {
  dt: 20,
  ringSize: 8,
  batchSize: 4,
  noise: false,
  inputNoiseSigma: 0.01,
  tau: 100,
  mode: 'test',
  rules: ['other', 'toy/reach'],
};
const batch = toyTask().generate(undefined as unknown as Rng, options);

/** Parses strictly: any XML warning or error fails the test. */
function parse(svg: string) {
  const problems: string[] = [];
  const document = new DOMParser({
    onError: (level, message) => problems.push(`${level}: ${message}`),
  }).parseFromString(svg, 'image/svg+xml');
  expect(problems).toEqual([]);
  return document;
}
const byId = (root: { getElementsByTagName(name: string): ArrayLike<Element> }, id: string): Element => {
  const found = Array.from(root.getElementsByTagName('g')).find((g) => g.getAttribute('id') === id);
  if (found === undefined) throw new Error(`no <g id="${id}">`);
  return found;
};
const rects = (element: Element) => Array.from(element.getElementsByTagName('rect'));
const texts = (element: Element) => Array.from(element.getElementsByTagName('text')).map((text) => text.textContent);

describe('plotTrial', () => {
  const svg = plotTrial(batch, 1, { width: 460 });
  const document = parse(svg);
  const root = document.documentElement!;

  it('is a standalone SVG document with a title naming the trial', () => {
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(
      true,
    );
    expect(root.tagName).toBe('svg');
    expect(Number(root.getAttribute('width'))).toBe(120 + 460 + 110);
    expect(root.getElementsByTagName('title')[0].textContent).toBe(
      'toy/reach, trial 1: 23 steps × 20 ms, respond at 1.571 rad',
    );
  });

  it('labels the channel groups of the inputs and the targets', () => {
    const groupNames = (id: string) =>
      rects(byId(root, id)).length > 0 &&
      Array.from(byId(root, id).getElementsByTagName('g')).map((g) => g.getAttribute('data-name'));
    expect(groupNames('inputs')).toEqual(['fixation', 'ring 1', 'ring 2', 'rule']);
    expect(texts(byId(root, 'inputs'))).toEqual(['inputs', 'fixation', 'ring 1 (8)', 'ring 2 (8)', 'rule (2)']);
    expect(groupNames('targets')).toEqual(['fixation', 'ring']);
    expect(groupNames('mask')).toEqual(['fixation', 'ring']);
  });

  it('draws each heatmap row across the whole width, in runs of equal color', () => {
    const fixation = Array.from(byId(root, 'inputs').getElementsByTagName('g'))[0];
    const cells = rects(fixation);
    // Fixation input: 1 until the go cue (step 15 of 23), then 0: two runs.
    expect(cells.map((cell) => [Number(cell.getAttribute('x')), Number(cell.getAttribute('width'))])).toEqual([
      [120, 300],
      [420, 160],
    ]);
    expect(cells[0].getAttribute('fill')).toBe('rgb(11,37,69)');
    expect(cells[1].getAttribute('fill')).toBe('rgb(248,249,251)');
  });

  it('shades and labels the epochs of the trial and draws the go cue', () => {
    const epochs = Array.from(byId(root, 'epochs').getElementsByTagName('g'));
    expect(epochs.map((g) => g.getAttribute('data-name'))).toEqual(['fix1', 'stim1', 'go1']);
    expect(texts(byId(root, 'epochs'))).toEqual(['fix1', 'stim1', 'go1']);
    const stim1 = rects(epochs[1])[0];
    expect([Number(stim1.getAttribute('x')), Number(stim1.getAttribute('width'))]).toEqual([120 + 100, 200]);
    const goLine = byId(root, 'go-cue').getElementsByTagName('line')[0];
    expect(Number(goLine.getAttribute('x1'))).toBe(120 + 300);
  });

  it('has a time axis in ms', () => {
    expect(texts(byId(root, 'time-axis'))).toEqual([
      '0',
      '50',
      '100',
      '150',
      '200',
      '250',
      '300',
      '350',
      '400',
      '450',
      'time (ms)',
    ]);
  });

  it('switches to a diverging scale symmetric around 0 when values are negative', () => {
    const noisy: Batch = { ...batch, inputs: batch.inputs.map((v, i) => (i === 1 ? -2 : v)) };
    const scale = byId(parse(plotTrial(noisy, 0)).documentElement!, 'value-scale');
    expect(texts(scale)).toEqual(['value', '2', '-2']);
    expect(texts(byId(root, 'value-scale'))).toEqual(['value', '1', '0']);
  });

  it('names the task of the trial in a mixed batch', () => {
    const mixed: Batch = {
      ...batch,
      taskId: 'toy/reach+other',
      trialTasks: ['toy/reach', 'other', 'other', 'toy/reach'],
    };
    expect(plotTrial(mixed, 1)).toContain('<title>other, trial 1: ');
  });

  it('escapes text and checks the trial index', () => {
    const odd: Batch = { ...batch, taskId: 'a<b>&"c"' };
    const escaped = plotTrial(odd, 0);
    parse(escaped);
    expect(escaped).toContain('a&lt;b&gt;&amp;&quot;c&quot;, trial 0');
    expect(() => plotTrial(batch, 4)).toThrow('trial must be an integer in [0, 4) (the batch size), got 4');
    expect(() => plotTrial(batch, 0, { width: 0 })).toThrow('width and rowHeight must be positive');
    expect(() => plotTrial(batch, 0, { valueRange: [1, 0] })).toThrow(
      'valueRange must be [low, high] with low < high, got [1,0]',
    );
    const ranged = parse(plotTrial(batch, 0, { valueRange: [0, 2] })).documentElement!;
    expect(texts(byId(ranged, 'value-scale'))).toEqual(['value', '2', '0']);
  });
});

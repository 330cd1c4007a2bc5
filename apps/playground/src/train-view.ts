/**
 * The live-training view: a Yang task (fdgo first; any of the corpus from the menu) learned in a Web Worker
 * on the chosen engine (native WebAssembly, or tfjs' WebGL backend) by the chosen model: MoLaP on the module bank shipped with the page (or one the user
 * loads), random modules of the bank's shape, or a plain modular network (4 modules of 16 units, every weight
 * trained); the learning curve grows as it learns; stop, resume and reset; perturb the evaluations (lesion
 * modules, silence a fraction of all units, scale the recurrent noise) and watch the performance change,
 * while training or stopped.
 */
import { yang19 } from '@molap/tasks';
import { h, message } from './dom.js';
import { drawExample } from './example-view.js';
import { BankFilesError, fetchShippedBank, readPickedBank, shippedBankBuild } from './train/bank-files.js';
import { DEFAULT_ENGINE, LIVE_ENGINE_KINDS, type LiveEngineKind } from './train/engines.js';
import type { BankFilesMessage, FromWorker, ToWorker } from './train/protocol.js';
import {
  DEFAULT_SESSION,
  type Evaluation,
  type EvaluationPerturbation,
  isPerturbed,
  LIVE_MODEL_KINDS,
  type LiveModelKind,
} from './train/session.js';

/** The model menu's labels. */
const MODEL_LABELS: Readonly<Record<LiveModelKind, string>> = {
  molap: 'MoLaP (pre-trained modules, frozen)',
  'random-modules': 'random modules (frozen, never trained)',
  network: 'modular network (every weight trained)',
  multitask: 'multitask network (the corpus at once, every weight trained)',
};

/** What each model is, under the menu. */
const MODEL_NOTES: Readonly<Record<LiveModelKind, string>> = {
  molap:
    'MoLaP: the bank’s modules, pre-trained on latent primitives of the corpus by molap pretrain, stay frozen; only the task’s input weights and readout learn.',
  'random-modules':
    'Random modules: MoLaP’s architecture and learning on random modules of the bank’s shape that were never pre-trained (what pre-training buys: on delaygo, MoLaP reaches 0.9 in about 120 steps and random modules not in 600).',
  network:
    'A leaky RNN of four 16-unit modules (block-diagonal recurrent weights), every weight trained from a random start.',
  multitask:
    'The same network learning the bank’s corpus and the chosen task at once, one task per batch (contextdm1/2 five times as often), as molap run’s multitask baseline (Yang et al. 2019); the curve is the chosen task, the status line the corpus mean.',
};

/** The engine menu's labels. */
const ENGINE_LABELS: Readonly<Record<LiveEngineKind, string>> = {
  native: 'native (WebAssembly, CPU)',
  webgl: 'webgl (tfjs, GPU)',
};

/** What each engine is, under the menus. */
const ENGINE_NOTES: Readonly<Record<LiveEngineKind, string>> = {
  native:
    'molap’s native engine: WebAssembly SIMD kernels on the CPU (2 threads where the page is cross-origin isolated); runs in every current browser, and gives the curve molap gives in Node.',
  webgl:
    'tfjs’ WebGL backend: the network runs as WebGL2 shaders on the GPU, in float32, so its curve is close to the native engine’s but not identical. tfjs loads when chosen (about 135 KB compressed). On a network this small the native engine is faster; without a GPU (software WebGL) far slower: seconds per step. Stop acts after the current step.',
};

/** A training rate in words: whole steps from 10 per second, two significant digits below (software WebGL: 0.11). */
const stepsPerSecondText = (rate: number): string => (rate >= 10 ? rate.toFixed(0) : rate.toPrecision(2));

/** The modules in words, e.g. '4 modules of 16 units'. */
function modulesText(modules: readonly number[]): string {
  return modules.every((size) => size === modules[0])
    ? `${modules.length} modules of ${modules[0]} units`
    : `modules of ${modules.join(', ')} units`;
}

const WIDTH = 560;
const HEIGHT = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 34 };
const SVG_NS = 'http://www.w3.org/2000/svg';

function svgElement(tag: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/** The learning curve: performance (0–1) against training steps; perturbed evaluations as separate dots. */
function drawCurve(svg: SVGSVGElement, points: readonly Evaluation[]): void {
  const intact = points.filter((point) => !isPerturbed(point));
  const lesioned = points.filter(isPerturbed);
  const maxStep = Math.max(100, ...points.map((point) => point.step));
  const x = (step: number) => PAD.left + (step / maxStep) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => HEIGHT - PAD.bottom - value * (HEIGHT - PAD.top - PAD.bottom);
  const children: SVGElement[] = [];
  for (const value of [0, 0.5, 0.9, 1]) {
    children.push(
      svgElement('line', {
        x1: PAD.left,
        x2: WIDTH - PAD.right,
        y1: y(value),
        y2: y(value),
        stroke: value === 0.9 ? '#c85200' : '#dde3ea',
        'stroke-dasharray': value === 0.9 ? '4 3' : '',
      }),
    );
    const label = svgElement('text', { x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end', 'font-size': 11 });
    label.textContent = String(value);
    children.push(label);
  }
  const axis = svgElement('text', {
    x: (WIDTH + PAD.left) / 2,
    y: HEIGHT - 6,
    'text-anchor': 'middle',
    'font-size': 11,
  });
  axis.textContent = `training steps (0–${maxStep})`;
  children.push(axis);
  if (intact.length > 0) {
    children.push(
      svgElement('polyline', {
        points: intact.map((point) => `${x(point.step).toFixed(1)},${y(point.performance).toFixed(1)}`).join(' '),
        fill: 'none',
        stroke: '#2f6ea6',
        'stroke-width': 2,
      }),
    );
  }
  for (const point of lesioned) {
    children.push(svgElement('circle', { cx: x(point.step), cy: y(point.performance), r: 3.5, fill: '#b8322a' }));
  }
  svg.replaceChildren(...children);
}

/** The perturbations of an evaluation in words, e.g. 'modules 1, 2 lesioned, 25 % of units silenced'. */
function perturbationText(evaluation: Evaluation): string {
  const parts: string[] = [];
  if (evaluation.lesioned.length > 0) {
    parts.push(
      `module${evaluation.lesioned.length === 1 ? '' : 's'} ${evaluation.lesioned.map((m) => m + 1).join(', ')} lesioned`,
    );
  }
  if (evaluation.silenced > 0) parts.push(`${Math.round(evaluation.silenced * 100)} % of units silenced`);
  if (evaluation.noiseScale !== 1) parts.push(`recurrent noise ×${evaluation.noiseScale}`);
  return parts.length > 0 ? ` with ${parts.join(', ')}` : '';
}

/** Mounts the view; the worker starts on the first click on Start. */
export function mountTrainView(root: HTMLElement): void {
  const taskMenu = h(
    'select',
    { id: 'train-task', 'aria-label': 'task to learn' },
    ...yang19.map((task) => h('option', { value: task.id }, task.id)),
  ) as HTMLSelectElement;
  taskMenu.value = 'fdgo';
  const modelMenu = h(
    'select',
    { id: 'train-model', 'aria-label': 'model that learns' },
    ...LIVE_MODEL_KINDS.map((kind) => h('option', { value: kind }, MODEL_LABELS[kind])),
  ) as HTMLSelectElement;
  modelMenu.value = 'molap';
  const engineMenu = h(
    'select',
    { id: 'train-engine', 'aria-label': 'engine that trains' },
    ...LIVE_ENGINE_KINDS.map((kind) => h('option', { value: kind }, ENGINE_LABELS[kind])),
  ) as HTMLSelectElement;
  engineMenu.value = DEFAULT_ENGINE;
  const engineNote = h('p', { class: 'note', id: 'train-engine-note' }, ENGINE_NOTES[DEFAULT_ENGINE]);
  const engineProblems = h('div', { class: 'problems', id: 'train-engine-problems' });
  const modelNote = h('p', { class: 'note', id: 'train-model-note' }, MODEL_NOTES.molap);
  const bankFiles = h('input', {
    type: 'file',
    id: 'train-bank-files',
    multiple: true,
    accept: '.json,.bin',
    'aria-label': 'module bank files: bank.json, model.json and weights.bin',
  }) as HTMLInputElement;
  const bankStatus = h('p', { class: 'status', id: 'train-bank' }, 'module bank: the shipped bank loads on Start.');
  const bankProblems = h('div', { class: 'problems', id: 'train-bank-problems' });
  const bank = h(
    'fieldset',
    { class: 'bank' },
    h('legend', {}, 'module bank (MoLaP, random modules)'),
    bankStatus,
    h('label', {}, 'load a bank folder’s bank.json, modules/model.json and modules/weights.bin: ', bankFiles),
    bankProblems,
  );
  const silenced = h('input', {
    type: 'range',
    id: 'train-silence',
    min: 0,
    max: 100,
    step: 5,
    value: 0,
    'aria-label': 'percent of units silenced',
  }) as HTMLInputElement;
  const noise = h('input', {
    type: 'number',
    id: 'train-noise',
    min: 0,
    max: 20,
    step: 0.5,
    value: 1,
    'aria-label': 'recurrent noise multiplier',
  }) as HTMLInputElement;
  const start = h('button', { type: 'button', id: 'train-start' }, 'Start');
  const stop = h('button', { type: 'button', id: 'train-stop', disabled: true }, 'Stop');
  const reset = h('button', { type: 'button', id: 'train-reset' }, 'Reset');
  const lesions = h('fieldset', { id: 'train-lesions', class: 'lesions' }, h('legend', {}, 'lesion modules'));
  const status = h('p', { id: 'train-status', class: 'status' }, 'fdgo, MoLaP; press Start.');
  const perturbations = h(
    'fieldset',
    { class: 'perturbations' },
    h('legend', {}, 'perturb the evaluations'),
    h('label', {}, 'silence units (%) ', silenced),
    h('label', {}, ' recurrent noise × ', noise),
  );
  const problems = h('div', { class: 'problems', id: 'train-problems' });
  const exampleCanvas = h('canvas', { id: 'train-example', 'aria-label': 'example trial: targets and outputs' });
  const examplePrevious = h('button', { type: 'button', id: 'train-example-previous' }, '◀ trial');
  const exampleNext = h('button', { type: 'button', id: 'train-example-next' }, 'trial ▶');
  const exampleCaption = h('span', { id: 'train-example-caption', class: 'note' }, 'no evaluation yet');
  const example = h(
    'figure',
    { class: 'example' },
    h(
      'figcaption',
      {},
      'example trial of the evaluation set: ',
      examplePrevious,
      ' ',
      exampleNext,
      ' ',
      exampleCaption,
    ),
    exampleCanvas,
  );
  const svg = document.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('width', String(WIDTH));
  svg.setAttribute('id', 'train-curve');
  root.append(
    h(
      'p',
      { class: 'note' },
      'A model learns a task of Yang et al.’s corpus with Adam in a Web Worker, on the engine of the menu. The dashed line is Yang et al.’s criterion, 0.9; red dots are perturbed evaluations (lesioned modules, silenced units, more or less recurrent noise); the network itself never changes.',
    ),
    h(
      'div',
      { class: 'train-controls' },
      h('label', {}, 'model ', modelMenu),
      ' ',
      h('label', {}, 'engine ', engineMenu),
      ' ',
      h('label', {}, 'task ', taskMenu),
      ' ',
      start,
      stop,
      reset,
    ),
    modelNote,
    engineNote,
    engineProblems,
    bank,
    lesions,
    perturbations,
    status,
    problems,
    svg,
    example,
  );

  let worker: Worker | undefined;
  /** Messages go out in order, after the shipped bank (fetched when the worker starts). */
  let queue: Promise<void> = Promise.resolve();
  const points: Evaluation[] = [];
  let engineText = '';
  let modules: readonly number[] = [];
  /** The example trial asked for (an index into the evaluation set of DEFAULT_SESSION.evalTrials trials). */
  let exampleTrial = 0;

  /** The command that built the shipped bank (scripts/build-bank.mjs records it). */
  let shippedCommand = '';
  const showBankProblem = (error: unknown) => {
    const { message: text, hint } = error as { message?: string; hint?: string };
    bankProblems.replaceChildren(
      message('error', text ?? String(error), hint ?? 'load another bank folder, or choose another model'),
    );
  };
  const post = (command: ToWorker, transfer: Transferable[] = []) => {
    queue = queue.then(() => worker!.postMessage(command, transfer));
  };
  const sendBank = (files: BankFilesMessage) => post({ type: 'bank', files }, [files.weights]);
  const send = (command: ToWorker) => {
    if (!worker) {
      worker = new Worker(new URL('./train/worker.ts', import.meta.url), { type: 'module', name: 'molap-train' });
      worker.addEventListener('message', (event: MessageEvent<FromWorker>) => receive(event.data));
      worker.addEventListener('error', (event) => {
        problems.replaceChildren(message('error', `the training worker failed: ${event.message}`, 'reload the page'));
      });
      bankStatus.textContent = 'module bank: loading the shipped bank…';
      queue = Promise.all([fetchShippedBank(), shippedBankBuild()]).then(
        ([files, build]) => {
          if (build) shippedCommand = `molap ${build.command.join(' ')}`;
          worker!.postMessage({ type: 'bank', files } satisfies ToWorker, [files.weights]);
        },
        (error: unknown) => {
          bankStatus.textContent = 'module bank: none (the shipped bank did not load).';
          showBankProblem(error);
        },
      );
      post({ type: 'model', kind: modelMenu.value as LiveModelKind });
      post({ type: 'engine', kind: engineMenu.value as LiveEngineKind });
      post({ type: 'task', id: taskMenu.value });
    }
    post(command);
  };
  const lesionedModules = () =>
    [...lesions.querySelectorAll<HTMLInputElement>('input[name="lesion"]:checked')].map((input) => Number(input.value));
  /** The perturbation the controls describe; a noise field left empty or invalid counts as ×1 and is shown so. */
  const currentPerturbation = (): EvaluationPerturbation => {
    const scale = Number(noise.value);
    const valid = noise.value !== '' && Number.isFinite(scale) && scale >= 0;
    if (!valid) noise.value = '1';
    return { lesioned: lesionedModules(), silenced: Number(silenced.value) / 100, noiseScale: valid ? scale : 1 };
  };

  function receive(data: FromWorker): void {
    switch (data.type) {
      case 'ready':
        engineText = `${data.engine} engine, ${data.kernels}, ${data.threads} thread${data.threads === 1 ? '' : 's'}`;
        root.dataset.engineReady = data.kind;
        root.dataset.engineName = data.engine;
        root.dataset.simd = String(data.simd);
        root.dataset.threads = String(data.threads);
        engineProblems.replaceChildren();
        delete root.dataset.engineError;
        return;
      case 'engine-error':
        engineText = '';
        delete root.dataset.engineReady;
        root.dataset.engineError = data.kind;
        engineProblems.replaceChildren(
          message(
            'error',
            `The ${data.kind} engine cannot run in this browser: ${data.problem}.`,
            `Choose the native engine in the engine menu: it runs in every current browser. (${data.hint})`,
          ),
        );
        status.textContent = `${data.kind} engine unavailable: choose the native engine.`;
        start.disabled = false;
        stop.disabled = true;
        return;
      case 'state':
        start.textContent = data.step > 0 ? 'Resume' : 'Start';
        start.disabled = data.running;
        stop.disabled = !data.running;
        root.dataset.task = data.task;
        root.dataset.model = data.model;
        root.dataset.engine = data.engine;
        root.dataset.taskIds = data.taskIds.join(',');
        if (data.modules.join(',') !== modules.join(',')) {
          modules = data.modules;
          lesions.replaceChildren(
            h('legend', {}, 'lesion modules'),
            ...modules.map((size, index) =>
              h(
                'label',
                {},
                h('input', { type: 'checkbox', name: 'lesion', value: index }),
                ` module ${index + 1} (${size} units)`,
              ),
            ),
          );
          root.dataset.modules = String(modules.length);
        }
        if (!data.running && data.step === 0 && root.dataset.engineError !== data.engine) {
          points.length = 0;
          drawCurve(svg, points);
          status.textContent = `${engineText ? `${engineText} · ` : ''}${data.task}, ${MODEL_LABELS[data.model]}, ${modulesText(data.modules)}${data.taskIds.length > 1 ? `, learning ${data.taskIds.length} tasks (${data.taskIds.join(', ')})` : ''}: press Start.`;
          root.dataset.step = '0';
          root.dataset.curve = '';
        }
        return;
      case 'bank':
        bankStatus.textContent = `module bank: ${data.source}, ${data.description}${data.source === 'the shipped bank' && shippedCommand ? `, built by ${shippedCommand}` : ''}.`;
        bankProblems.replaceChildren();
        root.dataset.bank = data.source;
        return;
      case 'bank-error':
        showBankProblem({
          message: `${data.source} was not loaded: ${data.message}`,
          hint: 'load the three files of another bank folder (molap pretrain --out <dir>); the model in use is unchanged',
        });
        return;
      case 'progress': {
        const { evaluation } = data;
        // The curve keeps the scores only; the example is drawn and let go.
        const { example: _drawn, ...point } = evaluation;
        points.push(point);
        drawCurve(svg, points);
        const corpusText = evaluation.corpus
          ? ` · mean of its ${evaluation.corpus.taskIds.length} tasks ${evaluation.corpus.mean.toFixed(2)}`
          : '';
        status.textContent = `${engineText} · ${MODEL_LABELS[modelMenu.value as LiveModelKind]} · ${taskMenu.value} · step ${evaluation.step} · performance ${evaluation.performance.toFixed(2)}${corpusText}${perturbationText(evaluation)} · loss ${evaluation.loss.toFixed(4)}${data.stepsPerSecond > 0 ? ` · ${stepsPerSecondText(data.stepsPerSecond)} steps/s` : ''}`;
        if (evaluation.corpus) {
          root.dataset.corpus = evaluation.corpus.taskIds
            .map((id, i) => `${id}:${evaluation.corpus!.performance[i]}`)
            .join(' ');
          root.dataset.corpusMean = String(evaluation.corpus.mean);
        } else {
          delete root.dataset.corpus;
          delete root.dataset.corpusMean;
        }
        if (evaluation.example) {
          drawExample(exampleCanvas as HTMLCanvasElement, evaluation.example);
          exampleCaption.textContent = `trial ${evaluation.example.trial + 1} of ${DEFAULT_SESSION.evalTrials} · step ${evaluation.step} · ${evaluation.example.correct ? 'correct' : 'wrong'}${perturbationText(evaluation)}`;
          root.dataset.exampleTrial = String(evaluation.example.trial);
          root.dataset.exampleCorrect = String(evaluation.example.correct);
          root.dataset.exampleStep = String(evaluation.step);
        }
        root.dataset.step = String(evaluation.step);
        root.dataset.curve = points
          .filter((point) => !isPerturbed(point))
          .map((point) => `${point.step}:${point.performance}`)
          .join(' ');
        root.dataset.performance = String(evaluation.performance);
        root.dataset.loss = String(evaluation.loss);
        root.dataset.lesioned = evaluation.lesioned.join(',');
        root.dataset.silenced = String(evaluation.silenced);
        root.dataset.noiseScale = String(evaluation.noiseScale);
        if (data.stepsPerSecond > 0) root.dataset.stepsPerSecond = String(data.stepsPerSecond);
        return;
      }
      case 'error':
        problems.replaceChildren(message('error', data.message, 'press Reset to start again'));
        start.disabled = false;
        stop.disabled = true;
        return;
    }
  }

  start.addEventListener('click', () => send({ type: 'start' }));
  stop.addEventListener('click', () => send({ type: 'stop' }));
  reset.addEventListener('click', () => send({ type: 'reset' }));
  const perturb = () => send({ type: 'perturb', perturbation: currentPerturbation() });
  const showExample = (delta: number) => {
    exampleTrial = (exampleTrial + delta + DEFAULT_SESSION.evalTrials) % DEFAULT_SESSION.evalTrials;
    send({ type: 'example', trial: exampleTrial });
  };
  examplePrevious.addEventListener('click', () => showExample(-1));
  exampleNext.addEventListener('click', () => showExample(1));
  lesions.addEventListener('change', perturb);
  silenced.addEventListener('change', perturb);
  noise.addEventListener('change', perturb);
  taskMenu.addEventListener('change', () => send({ type: 'task', id: taskMenu.value }));
  engineMenu.addEventListener('change', () => {
    const kind = engineMenu.value as LiveEngineKind;
    engineNote.textContent = ENGINE_NOTES[kind];
    engineText = '';
    engineProblems.replaceChildren();
    delete root.dataset.engineError;
    delete root.dataset.engineReady;
    send({ type: 'engine', kind });
  });
  modelMenu.addEventListener('change', () => {
    const kind = modelMenu.value as LiveModelKind;
    modelNote.textContent = MODEL_NOTES[kind];
    send({ type: 'model', kind });
  });
  bankFiles.addEventListener('change', () => {
    const picked = [...(bankFiles.files ?? [])];
    bankFiles.value = '';
    readPickedBank(picked).then(
      (files) => {
        if (!worker) send({ type: 'reset' }); // starts the worker (and the shipped bank) first
        sendBank(files);
      },
      (error: unknown) => showBankProblem(error instanceof BankFilesError ? error : { message: String(error) }),
    );
  });

  drawCurve(svg, points);
}

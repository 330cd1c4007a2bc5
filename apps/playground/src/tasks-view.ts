/**
 * The tasks view: any registered task (the Yang et al. 2019 corpus and the example plugin's tasks), its
 * options, one trial drawn as `molap tasks plot` draws it (`plotTrial`: inputs, targets, loss mask, periods,
 * go cue), and the trials of a batch stepped through (in test mode: the task's deterministic condition grid).
 */
import {
  type Batch,
  createRng,
  createTaskRegistry,
  type GenerationMode,
  plotTrial,
  resolveTaskOptions,
  type Task,
  type TaskOptions,
  type TaskRegistry,
  yang19,
} from '@molap/tasks';
import { tasks as neurogymClassics } from 'molap-task-neurogym-classics';
import { h, message, svgFigure } from './dom.js';

/** Where the tasks of the page come from, in the order of the task list. */
const SOURCES = [
  { source: '@molap/tasks', label: 'Yang et al. 2019 (built in)', tasks: yang19 },
  { source: 'molap-task-neurogym-classics', label: 'neurogym classics (example plugin)', tasks: neurogymClassics },
] as const;

/** The seed `molap tasks plot` uses by default, so the page shows the CLI's trial. */
const DEFAULT_SEED = 1;

/** The page's task registry: the built-in corpus and the bundled plugin, registered explicitly. */
export function playgroundTasks(): TaskRegistry {
  const registry = createTaskRegistry();
  for (const { source, tasks } of SOURCES) for (const task of tasks) registry.register(task, { source });
  return registry;
}

interface Selection {
  taskId: string;
  mode: GenerationMode;
  seed: number;
  batchSize: number;
  dt: number | undefined;
  noise: boolean;
  trial: number;
}

function numberField(
  label: string,
  name: string,
  value: number | '',
  attributes: Record<string, string | number> = {},
) {
  return h('label', {}, `${label} `, h('input', { type: 'number', name, value, ...attributes }));
}

/** Mounts the tasks view into `root` and draws the first trial (performance mark `molap:first-trial`). */
export function mountTasksView(root: HTMLElement): void {
  const registry = playgroundTasks();
  const state: Selection = {
    taskId: 'fdgo',
    mode: 'random',
    seed: DEFAULT_SEED,
    batchSize: 16,
    dt: undefined,
    noise: true,
    trial: 0,
  };
  let batch: Batch | undefined;
  let batchKey = '';

  const select = h('select', { id: 'task-select', name: 'task' });
  for (const { source, label } of SOURCES) {
    const group = h('optgroup', { label });
    for (const task of registry.list().filter((t) => registry.source(t.id) === source)) {
      group.append(h('option', { value: task.id }, `${task.id} — ${task.meta.displayName}`));
    }
    select.append(group);
  }
  select.value = state.taskId;

  const mode = h(
    'select',
    { name: 'mode' },
    h('option', { value: 'random' }, 'random (drawn conditions)'),
    h('option', { value: 'test' }, 'test (the condition grid)'),
  );
  const seed = numberField('seed', 'seed', state.seed, { min: 0, step: 1 });
  const batchSize = numberField('trials per batch', 'batchSize', state.batchSize, { min: 1, max: 512, step: 1 });
  const dt = numberField('dt (ms)', 'dt', '', { min: 1, max: 200, step: 1, placeholder: 'task default' });
  const noise = h('input', { type: 'checkbox', name: 'noise', checked: true });
  const form = h(
    'form',
    { class: 'task-options', id: 'task-options' },
    h('label', {}, 'task ', select),
    h('label', {}, 'mode ', mode),
    seed,
    batchSize,
    dt,
    h('label', {}, noise, ' input noise'),
  );
  const previous = h('button', { type: 'button', id: 'trial-previous', 'aria-label': 'previous trial' }, '◀');
  const next = h('button', { type: 'button', id: 'trial-next', 'aria-label': 'next trial' }, '▶');
  const position = h('span', { id: 'trial-position' });
  const about = h('div', { class: 'task-about', id: 'task-about' });
  const problems = h('div', { class: 'problems', id: 'task-problems' });
  const figure = h('div', { id: 'trial' });
  root.append(form, h('div', { class: 'trial-nav' }, previous, position, next), about, problems, figure);

  const input = (name: string) => form.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
  function readForm(): void {
    state.taskId = select.value;
    state.mode = mode.value as GenerationMode;
    state.seed = Number(input('seed').value);
    state.batchSize = Number(input('batchSize').value);
    state.dt = input('dt').value === '' ? undefined : Number(input('dt').value);
    state.noise = noise.checked;
  }

  function options(task: Task): TaskOptions {
    const chosen: Partial<TaskOptions> = { mode: state.mode, noise: state.noise };
    if (state.dt !== undefined) Object.assign(chosen, { dt: state.dt });
    if (state.mode === 'random') Object.assign(chosen, { batchSize: state.batchSize });
    return resolveTaskOptions(task, chosen);
  }

  function draw(): void {
    problems.replaceChildren();
    const task = registry.get(state.taskId);
    try {
      const resolved = options(task);
      if (!(Number.isSafeInteger(state.seed) && state.seed >= 0)) {
        throw new RangeError(
          `seed must be an integer >= 0, got ${input('seed').value || 'nothing'}: type a whole number`,
        );
      }
      const key = JSON.stringify([task.id, resolved, state.seed]);
      if (key !== batchKey) {
        batch = task.generate(createRng(state.seed), resolved);
        batchKey = key;
        state.trial = Math.min(state.trial, batch.batchSize - 1);
      }
    } catch (error) {
      problems.append(message('error', (error as Error).message));
      return;
    }
    const current = batch!;
    state.trial = Math.max(0, Math.min(state.trial, current.batchSize - 1));
    about.replaceChildren(
      h('strong', {}, task.meta.displayName),
      ` (${task.id}, from ${registry.source(task.id)}) — ${task.meta.description} `,
      task.meta.link
        ? h('a', { href: task.meta.link, target: '_blank', rel: 'noopener' }, task.meta.paper || task.meta.link)
        : (task.meta.paper ?? ''),
    );
    position.textContent = `${state.mode === 'test' ? 'condition' : 'trial'} ${state.trial + 1} of ${current.batchSize} · ${current.trialSteps[state.trial]} steps of ${current.dt} ms`;
    figure.replaceChildren(svgFigure(plotTrial(current, state.trial), 'trial-plot'));
    figure.dataset.taskId = task.id;
    figure.dataset.trial = String(state.trial);
    if (performance.getEntriesByName('molap:first-trial').length === 0) performance.mark('molap:first-trial');
  }

  form.addEventListener('change', () => {
    readForm();
    state.trial = 0;
    batchSize.hidden = state.mode === 'test';
    draw();
  });
  form.addEventListener('submit', (event) => event.preventDefault());
  previous.addEventListener('click', () => {
    if (!batch) return;
    state.trial = (state.trial - 1 + batch.batchSize) % batch.batchSize;
    draw();
  });
  next.addEventListener('click', () => {
    if (!batch) return;
    state.trial = (state.trial + 1) % batch.batchSize;
    draw();
  });
  draw();
}

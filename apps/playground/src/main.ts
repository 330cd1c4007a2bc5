/** The playground page: the tasks view, live training and the results explorer, switched by the header's buttons. */
import { h, message } from './dom.js';
import { browserEnvironment, describeEnvironment } from './environment.js';
import { mountResultsView } from './results-view.js';
import { mountTasksView } from './tasks-view.js';
import { mountTrainView } from './train-view.js';
import './style.css';

const environment = browserEnvironment();
const line = document.getElementById('environment')!;
line.textContent = describeEnvironment(environment);
line.dataset.isolated = String(environment.crossOriginIsolated);
line.dataset.simd = String(environment.simd);

function show(view: string): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('nav button[data-view]')) {
    button.setAttribute('aria-pressed', String(button.dataset.view === view));
  }
  for (const panel of document.querySelectorAll<HTMLElement>('[data-view-panel]')) {
    panel.hidden = panel.dataset.viewPanel !== view;
  }
}
for (const button of document.querySelectorAll<HTMLButtonElement>('nav button[data-view]')) {
  button.addEventListener('click', () => show(button.dataset.view!));
}

/** Mounts one view; a view that fails shows why, and the other keeps working. */
function mount(id: string, view: (root: HTMLElement) => void): void {
  const root = document.getElementById(id)!;
  try {
    view(root);
  } catch (error) {
    root.append(
      message(
        'error',
        `this view failed to start: ${(error as Error).message}`,
        'reload the page; if it persists, report it with the message',
      ),
    );
  }
}
mount('tasks', mountTasksView);
mount('results', mountResultsView);
mount('train', mountTrainView);
document.body.append(h('footer', { class: 'note' }, 'molap playground — runs entirely in this page.'));

/**
 * The training worker: the native engine (one thread; WebAssembly SIMD kernels where the page is
 * cross-origin isolated, JavaScript kernels otherwise) teaching a Yang task (fdgo first) to a modular
 * network, in chunks of steps so that stop, reset, task and perturbation messages are handled between them.
 */
import { createNativeEngine, type NativeEngine } from '@molap/backend';
import { yang19 } from '@molap/tasks';
import type { FromWorker, ToWorker } from './protocol.js';
import { createSession, DEFAULT_SESSION, type EvaluationPerturbation, type Session } from './session.js';

/** Steps between two evaluations (one point of the learning curve). */
const EVAL_EVERY = 20;

const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);
/** The tasks of the menu: the Yang et al. corpus, fdgo first. */
const TASKS = new Map(yang19.map((candidate) => [candidate.id, candidate]));
let task = TASKS.get('fdgo')!;

let engine: NativeEngine | undefined;
let session: Session | undefined;
let running = false;
let perturbation: EvaluationPerturbation = {};
let loop: Promise<void> | undefined;

async function ensureSession(): Promise<Session> {
  if (!engine) {
    engine = await createNativeEngine({ threads: 1 });
    post({
      type: 'ready',
      engine: engine.name,
      simd: engine.simd,
      threads: engine.threads,
      task: task.id,
      tasks: [...TASKS.keys()],
      modules: DEFAULT_SESSION.modules,
    });
  }
  session ??= createSession(engine, task);
  return session;
}

async function run(): Promise<void> {
  const current = await ensureSession();
  while (running && current === session) {
    const start = performance.now();
    await current.train(EVAL_EVERY);
    const stepsPerSecond = EVAL_EVERY / ((performance.now() - start) / 1000);
    if (current !== session) break;
    post({ type: 'progress', evaluation: await current.evaluate(perturbation), stepsPerSecond, running });
    await new Promise((resume) => setTimeout(resume, 0)); // let messages in
  }
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'start':
      if (running) return;
      running = true;
      post({ type: 'state', running, step: session?.step ?? 0, task: task.id });
      loop = run();
      await loop;
      return;
    case 'stop':
      running = false;
      await loop;
      post({ type: 'state', running, step: session?.step ?? 0, task: task.id });
      return;
    case 'reset':
      running = false;
      await loop;
      session?.dispose();
      session = undefined;
      post({ type: 'state', running, step: 0, task: task.id });
      return;
    case 'task': {
      const chosen = TASKS.get(message.id);
      if (!chosen) throw new Error(`unknown task '${message.id}': choose one of ${[...TASKS.keys()].join(', ')}`);
      running = false;
      await loop;
      session?.dispose();
      session = undefined;
      task = chosen;
      post({ type: 'state', running, step: 0, task: task.id });
      return;
    }
    case 'perturb': {
      perturbation = message.perturbation;
      if (!running) {
        const current = await ensureSession();
        post({ type: 'progress', evaluation: await current.evaluate(perturbation), stepsPerSecond: 0, running });
      }
      return;
    }
  }
}

self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((error: unknown) => {
    running = false;
    post({ type: 'error', message: (error as Error).message });
  });
});

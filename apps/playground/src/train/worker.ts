/**
 * The training worker: the native engine (2 threads where the page is cross-origin isolated, else 1; WebAssembly
 * SIMD kernels where shared memory is allowed, JS otherwise) teaching a Yang task (fdgo first) to the chosen model
 * (MoLaP on the module bank, random modules of its shape, a plain modular network, or one learning the
 * bank's corpus with the task), in chunks of steps so that stop, reset, task, model, bank, perturbation and
 * example messages are handled between them. Every evaluation carries the chosen example trial.
 */
import { createNativeEngine, type NativeEngine } from '@molap/backend';
import { fitTaskToBank, type ModuleBank, readModuleBankFiles } from '@molap/primitives';
import { type Task, yang19 } from '@molap/tasks';
import type { BankFilesMessage, FromWorker, ToWorker } from './protocol.js';
import {
  createSession,
  DEFAULT_SESSION,
  type EvaluationPerturbation,
  LIVE_MODEL_KINDS,
  type LiveModel,
  type LiveModelKind,
  type Session,
} from './session.js';

/** Steps between two evaluations (one point of the learning curve). */
const EVAL_EVERY = 20;

const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);
/** The tasks of the menu: the Yang et al. corpus, fdgo first. */
const TASKS = new Map(yang19.map((candidate) => [candidate.id, candidate]));
let task = TASKS.get('fdgo')!;
let kind: LiveModelKind = 'molap';
let bank: ModuleBank | undefined;

let engine: NativeEngine | undefined;
let session: Session | undefined;
let running = false;
let perturbation: EvaluationPerturbation = {};
/** The evaluation trial shown as the example (an index into the evaluation set). */
let exampleTrial = 0;
let loop: Promise<void> | undefined;

/** Units per module of the current model. */
const modulesOf = (): readonly number[] =>
  kind === 'network' || kind === 'multitask' || !bank
    ? DEFAULT_SESSION.modules
    : Array.from({ length: bank.k }, () => bank!.moduleSize);

/**
 * The corpus of the multitask network: the loaded bank's corpus (the shipped bank's is `molap run`'s nine
 * tasks), else every task of the menu.
 */
const multitaskCorpus = (): readonly Task[] =>
  bank?.corpus ? bank.corpus.taskIds.flatMap((id) => TASKS.get(id) ?? []) : [...TASKS.values()];

/** The session's model, with what it needs (a bank, a corpus). */
function liveModel(): LiveModel {
  if (kind === 'network') return { kind };
  if (kind === 'multitask') return { kind, corpus: multitaskCorpus() };
  if (!bank) {
    throw new Error(
      `${kind === 'molap' ? 'MoLaP' : 'random modules'} needs a module bank and none is loaded: load a bank folder's bank.json, model.json and weights.bin (molap pretrain --out <dir>), or choose "network"`,
    );
  }
  return { kind, bank };
}

/** Tasks the current model learns (the session's, or those it will learn). */
function learnedTaskIds(): readonly string[] {
  if (session) return session.taskIds;
  if (kind !== 'multitask') return [task.id];
  const corpus = multitaskCorpus().map((each) => each.id);
  return corpus.includes(task.id) ? corpus : [task.id, ...corpus];
}

const postState = () =>
  post({
    type: 'state',
    running,
    step: session?.step ?? 0,
    task: task.id,
    model: kind,
    taskIds: learnedTaskIds(),
    modules: modulesOf(),
  });

async function ensureSession(): Promise<Session> {
  if (!engine) {
    // Two threads (a Web Worker over the engine's shared memory beside this one) where the page is cross-origin
    // isolated, else one; more would gain little on a network this small. The same curve on any count.
    engine = await createNativeEngine({
      threads: crossOriginIsolated ? Math.min(2, navigator.hardwareConcurrency || 1) : 1,
    });
    post({
      type: 'ready',
      engine: engine.name,
      simd: engine.simd,
      threads: engine.threads,
      task: task.id,
      tasks: [...TASKS.keys()],
    });
  }
  if (!session) session = createSession(engine, task, DEFAULT_SESSION, liveModel());
  return session;
}

async function run(): Promise<void> {
  const current = await ensureSession();
  while (running && current === session) {
    const start = performance.now();
    await current.train(EVAL_EVERY);
    const stepsPerSecond = EVAL_EVERY / ((performance.now() - start) / 1000);
    if (current !== session) break;
    post({ type: 'progress', evaluation: await current.evaluate(perturbation, exampleTrial), stepsPerSecond, running });
    await new Promise((resume) => setTimeout(resume, 0)); // let messages in
  }
}

/** Stops the loop and drops the session: the next Start begins at step 0. */
async function restart(): Promise<void> {
  running = false;
  await loop;
  session?.dispose();
  session = undefined;
}

/** Decodes a bank with the checks of `loadModuleBank`, and checks that it fits the tasks of the menu. */
async function decodeBank(files: BankFilesMessage): Promise<ModuleBank> {
  const decoded = await readModuleBankFiles({
    bankPath: files.paths.bank,
    bank: files.bank,
    modules: {
      jsonPath: files.paths.modelJson,
      weightsPath: files.paths.weights,
      json: files.modelJson,
      weights: new Uint8Array(files.weights),
    },
  });
  if (decoded.kind !== 'pretrained') {
    throw new Error(
      `${files.paths.bank} is a random bank: MoLaP needs pre-trained modules (molap pretrain --out <dir> builds a bank)`,
    );
  }
  fitTaskToBank(decoded, task);
  return decoded;
}

/** A bank in words, e.g. '4 pre-trained modules of 16 units (corpus fdgo, …; seed 1)'. */
const describeBank = (loaded: ModuleBank): string =>
  `${loaded.k} pre-trained modules of ${loaded.moduleSize} units${loaded.corpus ? ` (corpus: ${loaded.corpus.taskIds.join(', ')}; seed ${loaded.seed})` : ''}`;

/** The message of an error: a MolapError's problem and hint, another error's message. */
function errorText(error: unknown): string {
  const { message, hint } = error as { message?: string; hint?: string };
  const text = message ?? String(error);
  return hint && !text.includes(hint) ? `${text} (${hint})` : text;
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'start':
      if (running) return;
      running = true;
      postState();
      // The loop runs beside the message queue: stop, perturbations and the rest are handled between chunks.
      loop = run().catch(fail);
      return;
    case 'stop':
      running = false;
      await loop;
      postState();
      return;
    case 'reset':
      await restart();
      postState();
      return;
    case 'task': {
      const chosen = TASKS.get(message.id);
      if (!chosen) throw new Error(`unknown task '${message.id}': choose one of ${[...TASKS.keys()].join(', ')}`);
      await restart();
      task = chosen;
      postState();
      return;
    }
    case 'model': {
      if (!LIVE_MODEL_KINDS.includes(message.kind)) {
        throw new Error(`unknown model '${message.kind}': choose one of ${LIVE_MODEL_KINDS.join(', ')}`);
      }
      await restart();
      kind = message.kind;
      postState();
      return;
    }
    case 'bank': {
      let decoded: ModuleBank;
      try {
        decoded = await decodeBank(message.files);
      } catch (error) {
        post({ type: 'bank-error', message: errorText(error), source: message.files.source });
        return;
      }
      // The bank is MoLaP's and random modules' network, and the multitask network's corpus.
      if (kind !== 'network') await restart();
      bank = decoded;
      post({ type: 'bank', description: describeBank(decoded), source: message.files.source });
      postState();
      return;
    }
    case 'perturb':
    case 'example': {
      if (message.type === 'perturb') perturbation = message.perturbation;
      else exampleTrial = message.trial;
      if (!running) {
        const current = await ensureSession();
        post({
          type: 'progress',
          evaluation: await current.evaluate(perturbation, exampleTrial),
          stepsPerSecond: 0,
          running,
        });
      }
      return;
    }
  }
}

function fail(error: unknown): void {
  running = false;
  post({ type: 'error', message: errorText(error) });
  postState();
}

/** Messages are handled one after the other, in order (a bank decodes before the Start that follows it). */
let queue: Promise<void> = Promise.resolve();
self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  queue = queue.then(() => handle(event.data)).catch(fail);
});

/**
 * The training worker: the chosen engine (`engines.ts`: the native engine, 2 threads where the page is
 * cross-origin isolated, else 1, WebAssembly SIMD kernels where shared memory is allowed, JS otherwise; or tfjs'
 * WebGL backend, loaded only when chosen) teaching a Yang task (fdgo first) to the chosen model
 * (MoLaP on the module bank, random modules of its shape, a plain modular network, or one learning the
 * bank's corpus with the task), step by step with an evaluation every 20 steps, so that stop, reset, task, model,
 * bank, engine, perturbation and example messages are handled between steps. Every evaluation carries the chosen
 * example trial.
 */
import { giveEventLoopTurn } from '@molap/backend';
import { fitTaskToBank, type ModuleBank, readModuleBankFiles } from '@molap/primitives';
import { type Task, yang19 } from '@molap/tasks';
import {
  createLiveEngine,
  DEFAULT_ENGINE,
  LIVE_ENGINE_KINDS,
  type LiveEngine,
  type LiveEngineKind,
} from './engines.js';
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

let engineKind: LiveEngineKind = DEFAULT_ENGINE;
let live: LiveEngine | undefined;
/** The engine being created, while it is. */
let creating: Promise<LiveEngine | undefined> | undefined;
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
    engine: engineKind,
    taskIds: learnedTaskIds(),
    modules: modulesOf(),
  });

/**
 * The chosen engine, created on first use ('ready'); `undefined` when it cannot run here, after an
 * 'engine-error' saying why and what to choose instead. Callers that ask while it is being created share it.
 */
function ensureEngine(): Promise<LiveEngine | undefined> {
  if (live) return Promise.resolve(live);
  creating ??= createEngine(engineKind).finally(() => {
    creating = undefined;
  });
  return creating;
}

/** Creates the engine `chosen` and says so ('ready'), or why it cannot run here ('engine-error'). */
async function createEngine(chosen: LiveEngineKind): Promise<LiveEngine | undefined> {
  try {
    live = await createLiveEngine(chosen);
  } catch (error) {
    const { problem, message, hint } = error as { problem?: string; message?: string; hint?: string };
    post({
      type: 'engine-error',
      kind: chosen,
      problem: problem ?? message ?? String(error),
      hint: hint ?? 'choose the native engine',
    });
    return undefined;
  }
  post({
    type: 'ready',
    kind: chosen,
    engine: live.engine.name,
    simd: live.simd,
    kernels: live.kernels,
    threads: live.threads,
    task: task.id,
    tasks: [...TASKS.keys()],
  });
  return live;
}

/** The session on the chosen engine (created on first use); `undefined` when the engine cannot run here. */
async function ensureSession(): Promise<Session | undefined> {
  const ready = await ensureEngine();
  if (!ready) return undefined;
  if (!session) session = createSession(ready.engine, task, DEFAULT_SESSION, liveModel());
  return session;
}

async function run(): Promise<void> {
  const current = await ensureSession();
  if (!current) {
    running = false;
    postState();
    return;
  }
  while (running && current === session) {
    const start = performance.now();
    const from = current.step;
    // Step by step up to the next evaluation, giving messages a turn every EVENT_LOOP_TURN_MS: Stop, Reset and
    // the menus act after the current step, not the current 20 (seconds each on software WebGL). A Stop
    // between evaluations is evaluated where it stopped.
    do {
      await current.train(1);
      await giveEventLoopTurn();
    } while (running && current === session && current.step % EVAL_EVERY !== 0);
    const stepsPerSecond = (current.step - from) / ((performance.now() - start) / 1000);
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
    case 'engine': {
      if (!LIVE_ENGINE_KINDS.includes(message.kind)) {
        throw new Error(`unknown engine '${message.kind}': choose one of ${LIVE_ENGINE_KINDS.join(', ')}`);
      }
      await restart();
      await creating; // an engine still being created is disposed below like one in use
      if (message.kind !== engineKind) {
        await live?.engine.dispose();
        live = undefined;
        engineKind = message.kind;
      }
      postState();
      await ensureEngine(); // at once: says 'ready', or why the engine cannot run here
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
        if (!current) return;
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

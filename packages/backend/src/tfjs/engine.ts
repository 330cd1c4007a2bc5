/**
 * The TensorFlow.js engine: runs the contract's leaky RNN on a tfjs backend (tensorflow, wasm or cpu).
 */
import type { Engine, EngineModel, ModelOptions } from '../engine.js';
import { type LoadedTfjsBackend, loadTfjsBackend, type TfjsBackendName } from './backends.js';
import { TfjsModel } from './model.js';

/** Options of `createTfjsEngine`. */
export interface TfjsEngineOptions {
  /** Backend to run on; omitted: the first of tensorflow → wasm → cpu that loads. */
  readonly backend?: TfjsBackendName;
}

/** A tfjs engine bound to one backend. tfjs itself runs on the calling thread here (threads = 1). */
export class TfjsEngine implements Engine {
  readonly name: string;
  readonly threads = 1;
  /** The backend in use and what happened to the ones tried before it. */
  readonly loaded: LoadedTfjsBackend;
  private readonly models = new Set<EngineModel>();

  constructor(loaded: LoadedTfjsBackend) {
    this.loaded = loaded;
    this.name = `tfjs-${loaded.backend}`;
  }

  /** The tfjs backend this engine runs on. */
  get backend(): TfjsBackendName {
    return this.loaded.backend;
  }

  createModel(options: ModelOptions): EngineModel {
    const model = new TfjsModel(this.loaded.backend, options, (disposed) => this.models.delete(disposed));
    this.models.add(model);
    return model;
  }

  /** Disposes every model still alive. The tfjs backend stays registered for other users of tfjs. */
  async dispose(): Promise<void> {
    for (const model of [...this.models]) model.dispose();
  }
}

/** Loads a tfjs backend (with fallback when none is requested) and returns an engine on it. */
export async function createTfjsEngine(options: TfjsEngineOptions = {}): Promise<TfjsEngine> {
  return new TfjsEngine(await loadTfjsBackend(options.backend));
}

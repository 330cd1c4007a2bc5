/**
 * Engine selection: `createEngine` picks the native engine or a tfjs backend from options, environment
 * variables (`MOLAP_ENGINE`, `MOLAP_TFJS_BACKEND`) and defaults, and reports what it chose and why each
 * candidate before it was skipped.
 *
 * Rules: an explicit request (option, else environment variable) is honoured or fails with the reason;
 * only defaults fall back. The default engine is `native`, falling back to tfjs; the default tfjs backend
 * is the first of tensorflow → wasm → cpu that loads.
 */
import type { Engine } from './engine.js';
import { invalidOption, MOLAP_ERROR_BRAND } from './errors.js';
import { createNativeEngine } from './native/engine.js';
import { loadTfjsBackend, TFJS_BACKEND_ORDER, type TfjsBackendName } from './tfjs/backends.js';
import { TfjsEngine } from './tfjs/engine.js';

/** The engine families. */
export type EngineKind = 'native' | 'tfjs';

/** The engine families, in the order `createEngine` tries them when none is named. */
export const ENGINE_KINDS = ['native', 'tfjs'] as const satisfies readonly EngineKind[];

/** Engine family used when neither the options nor `MOLAP_ENGINE` name one. */
export const DEFAULT_ENGINE: EngineKind = 'native';

/** Environment variable naming the engine family (`native` or `tfjs`). */
export const ENGINE_ENV = 'MOLAP_ENGINE';

/** Environment variable naming the tfjs backend (`tensorflow`, `wasm` or `cpu`). */
export const TFJS_BACKEND_ENV = 'MOLAP_TFJS_BACKEND';

/** Options of `createEngine`; each one overrides its environment variable. */
export interface CreateEngineOptions {
  /** Engine family; default `MOLAP_ENGINE`, else `native` (with fallback to tfjs). */
  readonly engine?: EngineKind;
  /** tfjs backend; default `MOLAP_TFJS_BACKEND`, else the first of tensorflow → wasm → cpu that loads. */
  readonly tfjsBackend?: TfjsBackendName;
  /** Threads of the native engine (default: the machine's available parallelism). tfjs ignores it. */
  readonly threads?: number;
  /** Where to read the environment variables; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Where a setting came from. */
export type SettingSource = 'option' | 'environment' | 'default';

/** One candidate engine that was tried. */
export interface EngineAttempt {
  /** `native`, `tfjs-tensorflow`, `tfjs-wasm` or `tfjs-cpu`. */
  readonly candidate: string;
  readonly chosen: boolean;
  /** Why it was skipped, when it was. */
  readonly reason?: string;
}

/** What `createEngine` chose and why. */
export interface EngineSelection {
  /** Name of the engine in use (`native`, `tfjs-wasm`, …). */
  readonly engine: string;
  /** The engine family asked for and where that came from. */
  readonly requestedEngine: { readonly value: EngineKind; readonly source: SettingSource };
  /** The tfjs backend asked for (`auto` = fallback order) and where that came from. */
  readonly requestedTfjsBackend: { readonly value: TfjsBackendName | 'auto'; readonly source: SettingSource };
  /** Every candidate tried, in order; the last one is the chosen engine. */
  readonly attempts: readonly EngineAttempt[];
  /** Remarks, such as an option the chosen engine ignores. */
  readonly notes: readonly string[];
}

/** An engine together with the report of its selection. */
export type SelectedEngine = Engine & { readonly selection: EngineSelection };

/** Thrown when no engine can be created; `attempts` says why each candidate failed. */
export class EngineUnavailableError extends Error {
  readonly [MOLAP_ERROR_BRAND] = true as const;
  readonly code = 'engine-unavailable';
  /** The engine asked for cannot run here: the caller's to fix (choose another). */
  readonly kind = 'bad-input' as const;
  readonly problem: string;
  readonly hint = 'choose another engine (--engine, MOLAP_ENGINE) or install what it needs';
  readonly attempts: readonly EngineAttempt[];
  constructor(message: string, attempts: readonly EngineAttempt[]) {
    super(message);
    this.problem = message;
    this.name = 'EngineUnavailableError';
    this.attempts = attempts;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();
}

function readSetting<T extends string>(
  option: T | undefined,
  env: Readonly<Record<string, string | undefined>>,
  variable: string,
  allowed: readonly T[],
  optionName: string,
): { value: T | undefined; source: SettingSource } {
  if (option !== undefined) {
    if (!allowed.includes(option)) {
      throw invalidOption(`${optionName} must be one of ${allowed.join(', ')}, got ${JSON.stringify(option)}`);
    }
    return { value: option, source: 'option' };
  }
  const raw = env[variable]?.trim();
  if (raw) {
    const value = raw.toLowerCase() as T;
    if (!allowed.includes(value)) {
      throw invalidOption(
        `environment variable ${variable}=${JSON.stringify(raw)} must be one of ${allowed.join(', ')}`,
      );
    }
    return { value, source: 'environment' };
  }
  return { value: undefined, source: 'default' };
}

/**
 * Creates an engine following the selection rules, and attaches the report as `engine.selection`.
 * @throws EngineUnavailableError when the requested engine (or every fallback) cannot be created.
 * @throws RangeError for an unknown engine or backend name (in options or environment variables).
 */
export async function createEngine(options: CreateEngineOptions = {}): Promise<SelectedEngine> {
  const env = options.env ?? process.env;
  const engineSetting = readSetting(options.engine, env, ENGINE_ENV, ENGINE_KINDS, 'engine');
  const backendSetting = readSetting(options.tfjsBackend, env, TFJS_BACKEND_ENV, TFJS_BACKEND_ORDER, 'tfjsBackend');
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw invalidOption(`threads must be a positive integer, got ${String(options.threads)}`);
  }
  const requestedEngine = { value: engineSetting.value ?? DEFAULT_ENGINE, source: engineSetting.source };
  const requestedTfjsBackend = { value: backendSetting.value ?? ('auto' as const), source: backendSetting.source };
  const attempts: EngineAttempt[] = [];
  const notes: string[] = [];
  const finish = (engine: Engine): SelectedEngine => {
    const selection: EngineSelection = { engine: engine.name, requestedEngine, requestedTfjsBackend, attempts, notes };
    return Object.defineProperty(engine, 'selection', { value: selection, enumerable: true }) as SelectedEngine;
  };

  if (requestedEngine.value === 'native') {
    try {
      const engine = await createNativeEngine(options.threads === undefined ? {} : { threads: options.threads });
      attempts.push({ candidate: engine.name, chosen: true });
      return finish(engine);
    } catch (error) {
      attempts.push({ candidate: 'native', chosen: false, reason: firstLine(error) });
      if (requestedEngine.source !== 'default') {
        throw new EngineUnavailableError(
          `the native engine could not be created (${firstLine(error)}); ask for engine: 'tfjs' (or ${ENGINE_ENV}=tfjs) to use TensorFlow.js instead`,
          attempts,
        );
      }
    }
  }

  try {
    const loaded = await loadTfjsBackend(backendSetting.value);
    for (const attempt of loaded.attempts) {
      attempts.push({
        candidate: `tfjs-${attempt.backend}`,
        chosen: attempt.loaded,
        ...(attempt.reason ? { reason: attempt.reason } : {}),
      });
    }
    if (options.threads !== undefined && options.threads > 1) {
      notes.push(`threads: ${options.threads} is ignored by the tfjs engine, which runs on the calling thread`);
    }
    return finish(new TfjsEngine(loaded));
  } catch (error) {
    const tried = (error as { attempts?: readonly { backend: string; reason?: string }[] }).attempts ?? [];
    for (const attempt of tried) {
      attempts.push({ candidate: `tfjs-${attempt.backend}`, chosen: false, reason: attempt.reason ?? 'failed' });
    }
    if (backendSetting.value !== undefined) {
      throw new EngineUnavailableError(
        `${firstLine(error)} (requested through ${backendSetting.source === 'option' ? 'the tfjsBackend option' : TFJS_BACKEND_ENV})`,
        attempts,
      );
    }
    const summary = attempts.map((attempt) => `${attempt.candidate}: ${attempt.reason}`).join('; ');
    throw new EngineUnavailableError(`no engine could be created (${summary})`, attempts);
  }
}

/** A few human-readable lines describing a selection (for logs and CLIs). */
export function describeEngineSelection(selection: EngineSelection): string {
  const lines = [
    `engine: ${selection.engine} (requested ${selection.requestedEngine.value} from ${selection.requestedEngine.source}` +
      (selection.engine.startsWith('tfjs')
        ? `, tfjs backend ${selection.requestedTfjsBackend.value} from ${selection.requestedTfjsBackend.source})`
        : ')'),
  ];
  for (const attempt of selection.attempts) {
    if (!attempt.chosen) lines.push(`  skipped ${attempt.candidate}: ${attempt.reason}`);
  }
  for (const note of selection.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

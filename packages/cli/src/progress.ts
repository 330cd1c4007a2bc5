/**
 * Progress of long commands, on stderr (results go to stdout). Three modes:
 * - `human`: a live spinner line on a terminal (ora); elsewhere (CI logs, pipes) finished steps as lines and
 *   the status at most every 30 s;
 * - `json`: one JSON object per line (JSON lines), the library's progress events as they come;
 * - `quiet`: nothing.
 */
import type { CliIo } from './command.js';

export type ProgressMode = 'human' | 'json' | 'quiet';

/** Minimum time between two status lines when stderr is not a terminal. */
export const STATUS_INTERVAL_MS = 30_000;

/** A progress display. */
export interface Progress {
  /** The current status: spinner text on a terminal, a line now and then elsewhere, nothing in json mode. */
  status(text: string): void;
  /** A finished step, kept on screen (human mode). */
  step(text: string): void;
  /** A machine-readable event with a `type` (json mode: the event as one JSON line). */
  event(event: { readonly type: string }): void;
  /** Ends the display; `failed` marks the last status as failed. */
  end(outcome: 'done' | 'failed', text?: string): void;
}

/** The progress mode from the `--json` and `--quiet` flags. */
export const progressMode = (options: { json?: boolean; quiet?: boolean }): ProgressMode =>
  options.quiet ? 'quiet' : options.json ? 'json' : 'human';

/** Creates a progress display writing to `io.stderr` (loads the spinner library only for a terminal). */
export async function createProgress(mode: ProgressMode, io: CliIo, now: () => number = Date.now): Promise<Progress> {
  if (mode === 'quiet') return { status() {}, step() {}, event() {}, end() {} };
  if (mode === 'json') {
    return {
      status() {},
      step() {},
      event: (event) => io.stderr(`${JSON.stringify(event)}\n`),
      end() {},
    };
  }
  const stream = io.stderrStream;
  if (stream?.isTTY) {
    const { default: ora } = await import('ora');
    const spinner = ora({ stream, discardStdin: false });
    return {
      status(text) {
        spinner.text = text;
        if (!spinner.isSpinning) spinner.start();
      },
      step(text) {
        const current = spinner.text;
        spinner.stopAndPersist({ symbol: '✔', text });
        if (current) spinner.start(current);
      },
      event() {},
      end(outcome, text) {
        if (outcome === 'failed') spinner.fail(text ?? spinner.text);
        else if (text) spinner.succeed(text);
        else spinner.stop();
      },
    };
  }
  let last = Number.NEGATIVE_INFINITY;
  return {
    status(text) {
      if (now() - last < STATUS_INTERVAL_MS) return;
      last = now();
      io.stderr(`… ${text}\n`);
    },
    step: (text) => io.stderr(`✔ ${text}\n`),
    event() {},
    end(outcome, text) {
      if (text) io.stderr(`${outcome === 'failed' ? '✖' : '✔'} ${text}\n`);
    },
  };
}

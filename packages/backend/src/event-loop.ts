/**
 * Turns of the event loop during long computations in one thread.
 *
 * A synchronous engine (the native engine on one thread, the cpu backend) returns promises that are already
 * resolved, so a training or evaluation loop that awaits them only runs microtasks: timers, I/O callbacks and
 * signal handlers wait until the loop writes a file. For minutes, under load. That starves what must run
 * while the work goes on: a distributed worker's job lock renewal (a lock not renewed in time hands the job to
 * another worker, and the finished result is thrown away), Ctrl-C, progress lines. `giveEventLoopTurn` yields
 * one macrotask turn when `EVENT_LOOP_TURN_MS` have passed since the last one, and does nothing otherwise, so
 * it costs a clock read per call. It changes no number: only when other callbacks run.
 */

/** Milliseconds of work between two turns of the event loop. */
export const EVENT_LOOP_TURN_MS = 100;

const now = () => performance.now();
let lastTurn = now();

/** One macrotask turn: `setImmediate` where it exists (Node), else `setTimeout(…, 0)` (browsers, workers). */
function macrotask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (immediate) immediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/**
 * Gives the event loop a turn if `EVENT_LOOP_TURN_MS` ms of work have passed since the last turn (in this
 * thread); resolves at once otherwise. Call it once per step of a long loop.
 */
export async function giveEventLoopTurn(): Promise<void> {
  if (now() - lastTurn < EVENT_LOOP_TURN_MS) return;
  await macrotask();
  lastTurn = now();
}

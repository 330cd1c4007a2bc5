/**
 * A long training loop on a synchronous engine gives the event loop turns: timers fire while it trains (a
 * distributed worker's job lock is renewed, Ctrl-C is heard), and the numbers do not change.
 */
import { describe, expect, it } from 'vitest';
import type { RnnConfig, TrainingBatch } from '../src/engine.js';
import { EVENT_LOOP_TURN_MS, giveEventLoopTurn } from '../src/event-loop.js';
import { initRnnParameters } from '../src/init.js';
import { createEngine } from '../src/select.js';
import { train } from '../src/trainer.js';

const config: RnnConfig = {
  inputSize: 3,
  hiddenSize: 32,
  outputSize: 2,
  activation: 'softplus',
  outputActivation: 'sigmoid',
  alpha: 0.2,
  recurrentNoise: 0,
};

function batch(steps: number, batchSize: number): TrainingBatch {
  const size = steps * batchSize;
  const inputs = new Float32Array(size * config.inputSize).map((_, i) => Math.sin(i));
  const targets = new Float32Array(size * config.outputSize).map((_, i) => (i % 3 === 0 ? 0.8 : 0.2));
  return { steps, batchSize, inputs, targets, mask: new Float32Array(size * config.outputSize).fill(1) };
}

describe('giveEventLoopTurn', () => {
  it('resolves at once within a turn, and lets a timer run once the interval has passed', async () => {
    await giveEventLoopTurn();
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    const work = () => {
      const start = performance.now();
      while (performance.now() - start < EVENT_LOOP_TURN_MS + 5) {} // work without a turn
    };
    work();
    await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
    expect(fired).toBe(false); // microtasks alone do not run timers
    await giveEventLoopTurn();
    work();
    await giveEventLoopTurn(); // a whole turn of the loop has passed between the two: its timers ran
    expect(fired).toBe(true);
  });

  it('lets timers run while a synchronous engine trains, with the same losses as before', async () => {
    const engine = await createEngine({ engine: 'native', threads: 1 });
    try {
      const run = async () => {
        const model = engine.createModel({ config, parameters: initRnnParameters(config, { seed: 3 }) });
        const losses: number[] = [];
        let ticks = 0;
        const timer = setInterval(() => {
          ticks += 1;
        }, 10);
        const started = performance.now();
        await train({
          model,
          steps: 1000,
          nextBatch: () => batch(40, 16),
          seed: 1,
          onStep: ({ loss }) => {
            losses.push(loss);
          },
        });
        const seconds = (performance.now() - started) / 1000;
        clearInterval(timer);
        model.dispose();
        return { losses, ticks, seconds };
      };
      const first = await run();
      const second = await run();
      expect(second.losses).toEqual(first.losses);
      // timers ran while it trained: about one turn per EVENT_LOOP_TURN_MS of work (without the turns: none)
      expect(first.ticks).toBeGreaterThanOrEqual(Math.floor((first.seconds * 1000) / (2 * EVENT_LOOP_TURN_MS)));
      if (first.seconds > 2 * (EVENT_LOOP_TURN_MS / 1000)) expect(first.ticks).toBeGreaterThan(0);
    } finally {
      await engine.dispose();
    }
  });
});

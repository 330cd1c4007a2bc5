/**
 * The test page's worker: trains the playground's live session (`src/train/session.ts`, the code the
 * page's training worker runs) on the native engine of the browser entry, on the thread count it is asked.
 */
import { createNativeEngine } from '@molap/backend';
import { yang19 } from '@molap/tasks';
import { createSession } from '../../src/train/session.js';
import type { RunRequest, RunResult } from './run.js';

const fdgo = yang19.find((task) => task.id === 'fdgo')!;

async function run({ threads, steps }: RunRequest): Promise<RunResult> {
  const engine = await createNativeEngine({ threads });
  try {
    const session = createSession(engine, fdgo);
    const losses: number[] = [];
    for (let step = 0; step < steps; step++) losses.push(await session.train(1));
    const { loss, performance } = await session.evaluate();
    session.dispose();
    return { threads: engine.threads, simd: engine.simd, losses, evaluation: { loss, performance } };
  } finally {
    await engine.dispose();
  }
}

self.addEventListener('message', (event: MessageEvent<RunRequest>) => {
  run(event.data).then(
    (result) => self.postMessage(result),
    (error: { message?: string; hint?: string }) =>
      self.postMessage({ error: String(error.message ?? error), hint: error.hint } satisfies RunResult),
  );
});

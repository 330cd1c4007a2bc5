import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, STATUS_INTERVAL_MS } from '../src/progress.js';

/** Captures what a progress display writes. */
function capture(tty: boolean) {
  const lines: string[] = [];
  const raw: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        raw.push(String(chunk));
        done();
      },
    }),
    // The cursor calls of a terminal stream (tty.WriteStream), as no-ops.
    { isTTY: tty, columns: 80, cursorTo: () => true, moveCursor: () => true, clearLine: () => true },
  );
  return { io: { stdout: () => {}, stderr: (text: string) => lines.push(text), stderrStream: stream }, lines, raw };
}

describe('progress displays', () => {
  it('json: one JSON line per event, nothing else', async () => {
    const { io, lines } = capture(false);
    const progress = await createProgress('json', io);
    progress.status('ignored');
    progress.step('ignored');
    progress.event({ type: 'job-end', strategy: 'multitask', seed: 1 } as { type: string });
    progress.end('done', 'ignored');
    expect(lines).toEqual(['{"type":"job-end","strategy":"multitask","seed":1}\n']);
  });

  it('quiet: nothing at all', async () => {
    const { io, lines, raw } = capture(true);
    const progress = await createProgress('quiet', io);
    progress.status('a');
    progress.step('b');
    progress.event({ type: 'start' });
    progress.end('failed', 'c');
    expect([...lines, ...raw]).toEqual([]);
  });

  it('human, not a terminal: steps as lines, the status at most every 30 s', async () => {
    const { io, lines } = capture(false);
    let now = 0;
    const progress = await createProgress('human', io, () => now);
    progress.status('first');
    progress.status('too soon');
    now = STATUS_INTERVAL_MS;
    progress.status('later');
    progress.step('job done');
    progress.end('done', 'all done');
    expect(lines).toEqual(['… first\n', '… later\n', '✔ job done\n', '✔ all done\n']);
  });

  it('human, on a terminal: a spinner line on the stream, finished steps kept', async () => {
    const { io, lines, raw } = capture(true);
    const progress = await createProgress('human', io);
    progress.status('training');
    progress.step('job done');
    progress.end('done', 'all done');
    const written = raw.join('');
    expect(lines).toEqual([]);
    expect(written).toContain('training');
    expect(written).toContain('✔ job done\n');
    expect(written).toContain('all done\n');
  });
});

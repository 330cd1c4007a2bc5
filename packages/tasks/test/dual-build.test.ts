/**
 * Errors keep their identity across the two builds of this package: a CommonJS host (`require`, dist/index.cjs)
 * may load a plugin that imports the ES module build (dist/index.js), so an option error thrown by one copy
 * reaches a check of the other. The checks go by the error's brand and code (`Symbol.for`), never by
 * `instanceof`, so a user's option mistake is not reported as a bug in the plugin. Needs the built package
 * (`npm test` builds first).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type TasksModule = typeof import('../src/index.js');
const esm = (await import('../dist/index.js')) as unknown as TasksModule;
const cjs = createRequire(import.meta.url)('../dist/index.cjs') as TasksModule;

const fdgo = (build: TasksModule) => build.yang19.find((task) => task.id === 'fdgo')!;

describe.each([
  ['a CommonJS host, an ES module plugin', cjs, esm],
  ['an ES module host, a CommonJS plugin', esm, cjs],
])('%s', (_case, host, plugin) => {
  it('are two copies of the error classes (instanceof fails across them)', () => {
    const error = new plugin.InvalidOptionError('batchSize', 0, 'pass an integer >= 1');
    expect(error).not.toBeInstanceOf(host.InvalidOptionError);
    expect(error.code).toBe('invalid-option');
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('molap.error')]).toBe(true);
  });

  it("lets the plugin's option error through unchanged: the user's to fix, not a bug in the plugin", () => {
    const invalid = new plugin.InvalidOptionError('batchSize', 0, 'pass an integer >= 1');
    const task = {
      ...fdgo(plugin),
      id: 'lab/thrower',
      generate: () => {
        throw invalid;
      },
    };
    const guarded = host.guardPluginTask(task, 'lab-tasks@1.0.0');
    const options = host.resolveTaskOptions(fdgo(host), { batchSize: 2 });
    expect(() => guarded.generate(host.createRng(1), options)).toThrow(invalid);
  });

  it('reports any other error of the plugin as its bug, naming the task and the package', () => {
    const task = {
      ...fdgo(plugin),
      id: 'lab/thrower',
      generate: () => {
        throw new RangeError('index 9 out of range');
      },
    };
    const guarded = host.guardPluginTask(task, 'lab-tasks@1.0.0');
    const options = host.resolveTaskOptions(fdgo(host), { batchSize: 2 });
    expect(() => guarded.generate(host.createRng(1), options)).toThrow(
      expect.objectContaining({
        code: 'task-failed',
        source: 'lab-tasks@1.0.0',
        message: expect.stringContaining("task 'lab/thrower' failed while generating trials: index 9 out of range"),
      }),
    );
  });
});

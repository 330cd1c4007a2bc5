import { describe, expect, it } from 'vitest';
import { createEngine, describeEngineSelection, EngineUnavailableError } from '../src/select.js';
import { bundleForChild, runNodeScript } from './child-process.js';

describe('createEngine', () => {
  it('defaults to the native engine', async () => {
    const engine = await createEngine({ env: {}, threads: 1 });
    try {
      expect(engine.name).toBe('native');
      expect(engine.selection.requestedEngine).toEqual({ value: 'native', source: 'default' });
      expect(engine.selection.attempts).toEqual([{ candidate: 'native', chosen: true }]);
    } finally {
      await engine.dispose();
    }
  });

  it('falls back from tensorflow to wasm when @tensorflow/tfjs-node is not installed, and says why', async () => {
    const engine = await createEngine({ engine: 'tfjs', env: { MOLAP_ENGINE: 'native' }, threads: 4 });
    try {
      expect(engine.name).toBe('tfjs-wasm');
      expect(engine.selection.requestedEngine).toEqual({ value: 'tfjs', source: 'option' });
      expect(engine.selection.attempts.map((attempt) => [attempt.candidate, attempt.chosen])).toEqual([
        ['tfjs-tensorflow', false],
        ['tfjs-wasm', true],
      ]);
      expect(engine.selection.attempts[0].reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
      expect(engine.selection.notes.join()).toMatch(/threads: 4 is ignored/);
      const text = describeEngineSelection(engine.selection);
      expect(text).toMatch(/^engine: tfjs-wasm \(requested tfjs from option, tfjs backend auto from default\)/);
      expect(text).toMatch(/skipped tfjs-tensorflow: @tensorflow\/tfjs-node is not installed/);
    } finally {
      await engine.dispose();
    }
  });

  it('reads MOLAP_ENGINE and MOLAP_TFJS_BACKEND', async () => {
    const engine = await createEngine({ env: { MOLAP_ENGINE: 'tfjs', MOLAP_TFJS_BACKEND: 'CPU' } });
    try {
      expect(engine.name).toBe('tfjs-cpu');
      expect(engine.selection.requestedTfjsBackend).toEqual({ value: 'cpu', source: 'environment' });
      expect(engine.selection.attempts).toEqual([{ candidate: 'tfjs-cpu', chosen: true }]);
    } finally {
      await engine.dispose();
    }
  });

  it('never falls back from an explicit request', async () => {
    const error = await createEngine({ engine: 'tfjs', tfjsBackend: 'tensorflow', env: {} }).catch((e) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect(error.message).toMatch(/the tfjs backend 'tensorflow' is not available/);
    expect(error.message).toMatch(/not installed/);
    expect(error.message).toMatch(/tfjsBackend option/);
    expect(error.attempts).toHaveLength(1);
  });

  it('rejects unknown names with the variable or option and the allowed values', async () => {
    await expect(createEngine({ env: { MOLAP_ENGINE: 'gpu' } })).rejects.toThrow(
      /MOLAP_ENGINE="gpu" must be one of native, tfjs/,
    );
    await expect(createEngine({ engine: 'tfjs', env: { MOLAP_TFJS_BACKEND: 'webgl' } })).rejects.toThrow(
      /MOLAP_TFJS_BACKEND="webgl" must be one of tensorflow, wasm, cpu/,
    );
    await expect(createEngine({ engine: 'fast' as 'tfjs', env: {} })).rejects.toThrow(/engine must be one of/);
    await expect(createEngine({ threads: 0, env: {} })).rejects.toThrow(/threads must be a positive integer/);
    // Bad values are the caller's to fix (exit code 2 of the CLI): molap errors with a code.
    await expect(createEngine({ engine: 'fast' as 'tfjs', env: {} })).rejects.toMatchObject({
      code: 'invalid-option',
      kind: 'bad-input',
    });
  });

  it('falls back to the cpu backend where WebAssembly is unavailable (node --jitless, real child process)', async () => {
    const outfile = await bundleForChild('select');
    const script = `
      const { createEngine, describeEngineSelection } = await import(${JSON.stringify(outfile)});
      const tfjs = await createEngine({ engine: 'tfjs', env: {} });
      const native = await createEngine({ env: {}, threads: 1 });
      console.log(JSON.stringify({ tfjs: tfjs.selection, native: native.name, simd: native.simd, text: describeEngineSelection(tfjs.selection) }));
      await tfjs.dispose();
      await native.dispose();
    `;
    const { code, stdout, stderr } = await runNodeScript(script, ['--jitless']);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.tfjs.engine).toBe('tfjs-cpu');
    expect(result.tfjs.attempts.map((a: { candidate: string }) => a.candidate)).toEqual([
      'tfjs-tensorflow',
      'tfjs-wasm',
      'tfjs-cpu',
    ]);
    expect(result.tfjs.attempts[0].reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
    expect(result.tfjs.attempts[1].chosen).toBe(false);
    expect(result.tfjs.attempts[1].reason).toBeTruthy();
    expect(result.native).toBe('native');
    expect(result.simd).toBe(false);
  }, 60_000);
});

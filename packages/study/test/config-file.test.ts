/**
 * `loadConfig` reads `molap.config.json` for a program as for the `molap` command: the file, then a preset of
 * it, then values given on the side, each over the one before; relative paths resolved against the file's
 * folder (the file) or `cwd` (the values); a bad key named with the closest known one.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorKind } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_FILE_NAME, checkConfig, loadConfig } from '../src/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-config-'));
  await mkdir(join(root, 'project'));
  const config = {
    run: { seeds: 2, out: 'runs', network: { hiddenSize: 32 } },
    presets: { wide: { run: { network: { hiddenSize: 128 }, seeds: 3 } } },
  };
  await writeFile(join(root, 'project', CONFIG_FILE_NAME), JSON.stringify(config));
  await writeFile(join(root, 'typo.json'), JSON.stringify({ run: { modles: ['ewc'] } }));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('layers the file, its preset and the values over them', async () => {
    const loaded = await loadConfig({
      projectRoot: join(root, 'project'),
      cwd: root,
      preset: 'wide',
      flags: [{ path: ['run', 'seeds'], flag: '--seeds', value: 4 }],
    });
    expect(loaded.file).toBe(join(root, 'project', CONFIG_FILE_NAME));
    expect([loaded.preset, loaded.presets]).toEqual(['wide', ['wide']]);
    expect(loaded.config.run).toEqual({ seeds: 4, out: join(root, 'project', 'runs'), network: { hiddenSize: 128 } });
  });

  it('works without a file, and resolves a value given as a path against cwd', async () => {
    const loaded = await loadConfig({
      projectRoot: join(root, 'none'),
      cwd: root,
      flags: [{ path: ['run', 'out'], flag: '--out', value: 'elsewhere' }],
    });
    expect([loaded.file, loaded.config]).toEqual([undefined, { run: { out: join(root, 'elsewhere') } }]);
  });

  it('refuses an unknown key with the closest known one, an unknown preset with the known ones', async () => {
    await expect(loadConfig({ projectRoot: root, cwd: root, file: 'typo.json' })).rejects.toMatchObject({
      code: 'usage',
      problem: 'typo.json: unknown key "run.modles". Did you mean "models"?',
    });
    const error = await loadConfig({ projectRoot: join(root, 'project'), cwd: root, preset: 'wdie' }).catch((e) => e);
    expect([errorKind(error), error.problem]).toEqual(['bad-input', 'unknown preset "wdie". Did you mean "wide"?']);
  });
});

describe('checkConfig', () => {
  it('returns a valid config and names the source of a bad one', () => {
    const config = { backend: { engine: 'native' as const } };
    expect(checkConfig(config)).toBe(config);
    expect(() => checkConfig({ backend: { engine: 'gpu' } }, 'study.json')).toThrow(
      /^study\.json: backend\.engine must be one of native, tfjs, got "gpu"/,
    );
  });
});

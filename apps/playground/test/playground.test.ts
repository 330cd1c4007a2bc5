/**
 * The playground end to end, in headless Chromium (playwright-core; skipped only when no Chromium executable
 * can be found: run tools/install-chromium.sh): the page is built once with Vite from the packages' builds
 * (as a user's bundler would use them), served as static files with and without the cross-origin isolation
 * headers, and fed a results.json written by a real tiny `molap run`.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, copyFile, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildShippedBank, SHIPPED_BANK_DIR } from '../scripts/build-bank.mjs';
import { serveStatic } from '../scripts/serve.mjs';
import type { RunRequest, RunResult } from './threads-page/run.js';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(appRoot, '../..');
const molapBinary = join(repoRoot, 'packages/cli/bin/molap.js');

/**
 * A tiny study (as in the CLI's tests): two corpus tasks and one held out, 4 modules of 4 units, a few steps.
 * Seconds, not science.
 */
const TINY_CONFIG = {
  backend: { engine: 'native', threads: 1 },
  run: {
    tasks: ['fdgo', 'dm1', 'fdanti'],
    heldOut: ['fdanti'],
    models: ['molap', 'multitask'],
    budget: { preset: 'quick', steps: 8, batchSize: 8, evalEvery: 4, evalTrials: 16 },
    network: { hiddenSize: 16 },
    bank: {
      moduleSize: 4,
      latents: { k: 4 },
      steps: 8,
      batchSize: 8,
      evaluationTrials: 8,
      corpus: { trialsPerTask: 32 },
      workers: 1,
    },
    analysisTrials: 16,
    perturbations: [{ id: 'unit-silencing', magnitudes: [0, 0.5], draws: 1 }],
  },
};

async function findChromium(): Promise<string | undefined> {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (!candidate) continue;
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Runs the built `molap` binary in `cwd`; resolves with its stdout, rejects with its stderr. */
function molap(args: readonly string[], cwd: string): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return new Promise((done, fail) =>
    execFile(
      process.execPath,
      [molapBinary, ...args],
      { cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? fail(new Error(`molap ${args.join(' ')} failed: ${stderr}`)) : done(stdout)),
    ),
  );
}

/** Steps within which the modular network learns fdgo to 0.9 in the page (seed 1 reaches it at 40; docs/playground.md). */
const FDGO_STEPS = 200;
/** Steps within which MoLaP on the shipped bank learns fdgo to 0.9 (seed 1 reaches it at 20; docs/playground.md). */
const MOLAP_FDGO_STEPS = 100;
/**
 * Steps within which MoLaP on the shipped bank learns delaygo to 0.9, where random modules of its shape stay
 * below 0.5 (seeds 1–3 reach it at 120; random modules at most 0.34 within 600 steps; docs/playground.md).
 */
const MOLAP_DELAYGO_STEPS = 200;
/**
 * Steps within which the multitask network, learning the shipped bank's nine-task corpus one task per batch,
 * brings fdgo to 0.9 (seed 1 reaches it at 260; docs/playground.md).
 */
const MULTITASK_FDGO_STEPS = 600;
/**
 * Steps within which MoLaP on the shipped bank learns fdgo to 0.9 on tfjs' WebGL backend (seed 1: 0.98 at the
 * first evaluation, step 20, as on the native engine; float32 on the GPU, so the curve is not bit-identical).
 * Headless Chromium has no GPU: WebGL2 runs in software (SwiftShader), about 0.1 steps/s on the loaded 2-core
 * project machine, so this test takes minutes (docs/playground.md).
 */
const WEBGL_FDGO_STEPS = 40;
/** Time allowed for the WebGL training test (software WebGL: a few seconds per step on a loaded machine). */
const WEBGL_TIMEOUT = 900_000;
/**
 * Chromium flags of the tests. Headless Chromium 156 has WebGL2 in software (ANGLE on SwiftShader) even with
 * `--disable-gpu`; `--enable-unsafe-swiftshader` keeps it where newer versions stop falling back to software.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--enable-unsafe-swiftshader',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-sync',
];
/**
 * Flags that leave Chromium without WebGL: no GPU and no software rasteriser. (`--disable-webgl` and
 * `--disable-3d-apis` are not enough: Chromium 156 still gives a Web Worker's OffscreenCanvas a WebGL2 context.)
 */
const NO_WEBGL_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-software-rasterizer', '--no-first-run'];

/** The chunk names a built page references from `file` with a static import (`import … from"./x.js"`). */
function staticImports(source: string): string[] {
  return [...source.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)].map((match) => match[1]!);
}

/** The folder of the threads test page (`test/threads-page/`), and its path in the served site. */
const THREADS_PAGE = 'threads-page';
/** Training steps compared between thread counts. */
const THREADS_STEPS = 30;

const executablePath = await findChromium();
const describeInChromium = executablePath ? describe : describe.skip;
if (!executablePath) {
  console.warn(
    'playground tests skipped: no Chromium found (looked at $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser): run tools/install-chromium.sh',
  );
}

describeInChromium('the playground in headless Chromium', () => {
  let scratch: string;
  let resultsPath: string;
  let servers: { isolated: { url: string; close(): Promise<void> }; plain: { url: string; close(): Promise<void> } };
  let context: BrowserContext;
  /** Console errors and uncaught exceptions of the pages of the current test. */
  const errors: string[] = [];
  beforeEach(() => {
    errors.length = 0;
  });

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'molap-playground-'));
    const outDir = join(scratch, 'site');
    const { build } = await import('vite');
    const run = join(scratch, 'project');
    await buildShippedBank(); // what `npm run build` does first (nothing when public/bank is up to date)
    await Promise.all([
      (async () => {
        await build({ root: appRoot, logLevel: 'error', build: { outDir, emptyOutDir: true } });
        // the threads test page, served beside the playground (both servers serve the whole folder)
        await build({
          configFile: false,
          root: join(appRoot, 'test', THREADS_PAGE),
          base: './',
          logLevel: 'error',
          publicDir: false,
          worker: { format: 'es' },
          build: { outDir: join(outDir, THREADS_PAGE), emptyOutDir: true, target: 'es2022' },
        });
      })(),
      (async () => {
        await import('node:fs/promises').then(({ mkdir }) => mkdir(run, { recursive: true }));
        await writeFile(join(run, 'molap.config.json'), JSON.stringify(TINY_CONFIG));
        const { runDir } = JSON.parse(await molap(['run', '--json', '--quiet', '--out', 'tiny'], run));
        resultsPath = join(resolve(run, runDir), 'results.json');
      })(),
    ]);
    servers = {
      isolated: await serveStatic(outDir, { isolated: true }),
      plain: await serveStatic(outDir, { isolated: false }),
    };
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1000 },
    });
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await servers?.isolated.close();
    await servers?.plain.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function openPage(url: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (entry) => {
      if (entry.type() === 'error') errors.push(`${url}: ${entry.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`${url}: ${String(error)}`));
    await page.goto(url);
    await page.locator('#trial svg').waitFor();
    return page;
  }

  it('loads cross-origin isolated with no console error and draws fdgo', async () => {
    const page = await openPage(servers.isolated.url);
    await expect(page.locator('#environment').getAttribute('data-isolated')).resolves.toBe('true');
    await expect(page.locator('#environment').getAttribute('data-simd')).resolves.toBe('true');
    await expect(page.locator('#trial').getAttribute('data-task-id')).resolves.toBe('fdgo');
    const svg = await page.locator('#trial svg').innerHTML();
    expect(svg).toContain('fdgo');
    expect(await page.locator('#trial svg rect').count()).toBeGreaterThan(50);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('steps through the test-mode conditions and draws a plugin task', async () => {
    const page = await openPage(servers.isolated.url);
    await page.selectOption('select[name="mode"]', 'test');
    await expect(page.locator('#trial-position').textContent()).resolves.toMatch(/^condition 1 of \d+/);
    const first = await page.locator('#trial svg').innerHTML();
    await page.click('#trial-next');
    await expect(page.locator('#trial-position').textContent()).resolves.toMatch(/^condition 2 of/);
    expect(await page.locator('#trial svg').innerHTML()).not.toBe(first);
    await page.click('#trial-previous');
    await page.click('#trial-previous');
    const total = Number(/of (\d+)/.exec((await page.locator('#trial-position').textContent()) ?? '')?.[1]);
    await expect(page.locator('#trial-position').textContent()).resolves.toMatch(
      new RegExp(`^condition ${total} of ${total}`),
    );

    const plugin = await page.locator('#task-select option[value*="/"]').first().getAttribute('value');
    expect(plugin).toBeTruthy();
    await page.selectOption('#task-select', plugin!);
    await expect(page.locator('#trial').getAttribute('data-task-id')).resolves.toBe(plugin);
    expect(await page.locator('#task-about').textContent()).toContain('molap-task-neurogym-classics');

    await page.fill('input[name="dt"]', '0');
    await page.locator('input[name="dt"]').dispatchEvent('change');
    await expect(page.locator('#task-problems .message.error').textContent()).resolves.toMatch(/dt/);
    expect(await page.locator('#trial svg').count()).toBe(1);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('opens the results.json of a tiny molap run: its claims table matches the file', async () => {
    const results = JSON.parse(await readFile(resultsPath, 'utf8'));
    const page = await openPage(servers.isolated.url);
    await page.click('nav button[data-view="results"]');
    await page.setInputFiles('#results-file', resultsPath);
    const panel = page.locator('.run-panel');
    await panel.waitFor();
    const rows = panel.locator('table.claims tbody tr');
    await expect(rows.count()).resolves.toBe(results.claims.length);
    for (const [i, claim] of results.claims.entries()) {
      const row = rows.nth(i);
      await expect(row.getAttribute('data-claim')).resolves.toBe(claim.id);
      await expect(row.locator('td.verdict').getAttribute('class')).resolves.toBe(`verdict ${claim.verdict}`);
      await expect(row.locator('li[data-baseline]').count()).resolves.toBe(claim.comparisons.length);
      for (const [j, comparison] of claim.comparisons.entries()) {
        await expect(row.locator('li[data-baseline]').nth(j).getAttribute('data-baseline')).resolves.toBe(
          comparison.baseline,
        );
      }
    }
    const perTask = panel.locator('table.per-task tbody tr');
    await expect(perTask.count()).resolves.toBe(Object.keys(results.models).length);
    const firstModel = Object.keys(results.models)[0];
    const cell = await perTask.first().locator('td').first().textContent();
    expect(cell).toBe(results.models[firstModel].perTask[results.corpus[0]].performance.toFixed(2));
    await panel.locator('.chart.learning svg').waitFor();
    await panel.locator('.chart.robustness svg').waitFor();
    // the held-out task's curves, the dimensionality table and curve, each model's task variance
    expect(results.heldOut).toEqual(['fdanti']);
    await panel.locator('.chart.generalisation svg').waitFor();
    const dimensionality = panel.locator('table.dimensionality tbody tr');
    const models = results.models as Record<string, { dimensionality: { pcs90: number } | null }>;
    const measured = Object.entries(models).filter(([, model]) => model.dimensionality !== null);
    expect(measured.length).toBeGreaterThan(0);
    await expect(dimensionality.count()).resolves.toBe(measured.length);
    for (const [i, [name, model]] of measured.entries()) {
      await expect(dimensionality.nth(i).getAttribute('data-model')).resolves.toBe(name);
      await expect(dimensionality.nth(i).locator('td').nth(2).textContent()).resolves.toBe(
        String(model.dimensionality!.pcs90),
      );
    }
    await panel.locator('.chart.variance-explained svg').waitFor();
    await panel.locator('.chart.task-variance svg').first().waitFor();
    await expect(panel.locator('.chart .message.error').count()).resolves.toBe(0);

    await expect(panel.locator('.failed-seeds').count()).resolves.toBe(0);

    // a second run side by side: the same run as if it had a second seed on which multitask learned nothing,
    // named above its claims as the report names it
    const twoSeeds = structuredClone(results);
    twoSeeds.seeds = [1, 2];
    for (const task of twoSeeds.corpus) {
      const rows = twoSeeds.models.multitask.perTask[task].perSeed;
      rows[0].performance = 0.95;
      rows.push({ ...rows[0], seed: 2, performance: 0 });
    }
    const failedRun = join(scratch, 'failed-seed.json');
    await writeFile(failedRun, JSON.stringify(twoSeeds));
    await page.setInputFiles('#results-file', failedRun);
    const second = page.locator('.run-panel').nth(1);
    await second.waitFor();
    await expect(page.locator('.run-panel').count()).resolves.toBe(2);
    await expect(second.locator('.failed-seeds').textContent()).resolves.toContain(
      'multitask, seed 2: corpus mean 0.000 against 0.950 on seed 1, 2 of 2 tasks below 0.05',
    );
    await page.close();
    expect(errors).toEqual([]);
  });

  it('says what is wrong with a damaged, newer or huge file, and keeps the rest working', async () => {
    const text = await readFile(resultsPath, 'utf8');
    const damaged = join(scratch, 'damaged.json');
    await writeFile(damaged, text.slice(0, Math.floor(text.length / 2)));
    const newer = join(scratch, 'newer.json');
    await writeFile(newer, JSON.stringify({ ...JSON.parse(text), schemaVersion: 99 }));
    const huge = join(scratch, 'huge.json');
    await writeFile(huge, '');
    await truncate(huge, 65 * 1024 * 1024);
    const page = await openPage(servers.isolated.url);
    await page.click('nav button[data-view="results"]');
    await page.setInputFiles('#results-file', [damaged, resultsPath, newer, huge]);
    await page.locator('.run-panel').waitFor(); // messages and runs appear together
    const messages = page.locator('#results-problems .message.error');
    await expect(messages.count()).resolves.toBe(3);
    expect(await messages.nth(0).textContent()).toMatch(/damaged\.json: is not valid JSON at line \d+, column \d+/);
    expect(await messages.nth(1).textContent()).toMatch(
      /newer\.json: has schema version 99, newer .*upgrade @molap\/analysis/,
    );
    expect(await messages.nth(2).textContent()).toMatch(/huge\.json is 65\.0 MiB, larger than/);
    await expect(page.locator('.run-panel').count()).resolves.toBe(1);
    // the tasks view still works
    await page.click('nav button[data-view="tasks"]');
    await page.click('#trial-next');
    await expect(page.locator('#trial').getAttribute('data-trial')).resolves.toBe('1');
    await page.close();
    expect(errors).toEqual([]);
  });

  /**
   * The training view's numbers once `done(data, argument)` holds (polled; the worker reports every 20
   * steps). `done` runs in the page: it sees only its parameters.
   */
  async function trainingUntil(
    page: Page,
    done: (data: DOMStringMap, argument: number) => boolean,
    argument = 0,
    timeout = 90_000,
  ) {
    const handle = await page.waitForFunction(
      ([source, value]) => {
        const data = document.getElementById('train')!.dataset;
        return new Function('data', 'argument', `return (${source})(data, argument)`)(data, value)
          ? { ...data }
          : false;
      },
      [done.toString(), argument] as const,
      { timeout, polling: 250 },
    );
    return (await handle.jsonValue()) as Record<string, string>;
  }

  it(`trains a modular network on fdgo live to ≥ 0.9 within ${FDGO_STEPS} steps; lesioning every module drops it; stop, resume, reset`, async () => {
    const page = await openPage(servers.isolated.url);
    await page.click('nav button[data-view="train"]');
    await page.selectOption('#train-model', 'network');
    await trainingUntil(page, (data) => data.model === 'network' && data.modules === '4');
    await page.click('#train-start');
    const learned = await trainingUntil(page, (data) => Number(data.performance) >= 0.9 || Number(data.step) >= 400);
    expect(Number(learned.performance)).toBeGreaterThanOrEqual(0.9);
    expect(Number(learned.step)).toBeLessThanOrEqual(FDGO_STEPS);
    await expect(page.locator('#train').getAttribute('data-simd')).resolves.toBe('true');
    // two threads (the training worker and one Web Worker beside it) where the machine has two cores
    const threads = Math.min(2, await page.evaluate(() => navigator.hardwareConcurrency));
    expect(learned.threads).toBe(String(threads));
    await expect(page.locator('#train-status').textContent()).resolves.toContain(
      `WebAssembly SIMD kernels, ${threads} thread${threads === 1 ? '' : 's'}`,
    );

    await page.click('#train-stop');
    await page.locator('#train-start:not([disabled])').waitFor();
    await expect(page.locator('#train-start').textContent()).resolves.toBe('Resume');
    const stoppedAt = Number(await page.locator('#train').getAttribute('data-step'));
    // The example trial: the first of the evaluation set, drawn (targets above outputs) at every evaluation;
    // the arrows step through the set, re-evaluated while stopped.
    expect(learned.exampleTrial).toBe('0');
    await expect(page.locator('#train-example').getAttribute('width')).resolves.not.toBe('300'); // drawn: resized
    await page.click('#train-example-next');
    const next = await trainingUntil(page, (data) => data.exampleTrial === '1');
    expect(Number(next.exampleStep)).toBe(stoppedAt);
    await expect(page.locator('#train-example-caption').textContent()).resolves.toMatch(
      new RegExp(`^trial 2 of 128 · step ${stoppedAt} · (correct|wrong)$`),
    );
    await page.click('#train-example-previous');
    await page.click('#train-example-previous');
    const last = await trainingUntil(page, (data) => data.exampleTrial === '127');
    expect(['true', 'false']).toContain(last.exampleCorrect);
    for (const module of [0, 1, 2, 3]) await page.check(`input[name="lesion"][value="${module}"]`);
    const lesioned = await trainingUntil(page, (data) => data.lesioned === '0,1,2,3');
    expect(Number(lesioned.performance)).toBeLessThan(0.5);
    expect(Number(lesioned.step)).toBe(stoppedAt); // evaluated while stopped: no training in between
    expect(lesioned.exampleTrial).toBe('127'); // the example follows the perturbation
    await expect(page.locator('#train-example-caption').textContent()).resolves.toContain(
      'modules 1, 2, 3, 4 lesioned',
    );
    for (const module of [0, 1, 2, 3]) await page.uncheck(`input[name="lesion"][value="${module}"]`);
    const restored = await trainingUntil(page, (data) => data.lesioned === '' && Number(data.performance) >= 0.9);
    expect(Number(restored.step)).toBe(stoppedAt);

    // Beyond lesions: silencing every unit drops it like lesioning every module; more recurrent noise changes
    // the loss; back to the trained level, the intact evaluation again. The network never changes.
    await page.locator('#train-silence').fill('100');
    await page.locator('#train-silence').dispatchEvent('change');
    const silenced = await trainingUntil(page, (data) => data.silenced === '1');
    expect(Number(silenced.performance)).toBeLessThan(0.5);
    expect(silenced.lesioned).toBe('');
    await page.locator('#train-silence').fill('0');
    await page.locator('#train-silence').dispatchEvent('change');
    await trainingUntil(page, (data) => data.silenced === '0');
    await page.fill('#train-noise', '8');
    await page.locator('#train-noise').dispatchEvent('change');
    const noisy = await trainingUntil(page, (data) => data.noiseScale === '8');
    expect(Number(noisy.step)).toBe(stoppedAt);
    expect(Number(noisy.loss)).not.toBe(Number(restored.loss));
    await expect(page.locator('#train-status').textContent()).resolves.toContain('recurrent noise ×8');
    await page.fill('#train-noise', '1');
    await page.locator('#train-noise').dispatchEvent('change');
    const intact = await trainingUntil(page, (data) => data.noiseScale === '1');
    expect(Number(intact.loss)).toBe(Number(restored.loss));

    await page.click('#train-start'); // resume
    await trainingUntil(page, (data, after) => Number(data.step) > after, stoppedAt);
    await page.click('#train-reset');
    await trainingUntil(page, (data) => data.step === '0');
    await expect(page.locator('#train-start').textContent()).resolves.toBe('Start');
    await page.close();
    expect(errors).toEqual([]);
  });

  it(`trains a multitask network on the bank's corpus: fdgo to ≥ 0.9 within ${MULTITASK_FDGO_STEPS} steps, every task of the corpus evaluated`, async () => {
    const page = await openPage(servers.isolated.url);
    await page.click('nav button[data-view="train"]');
    await page.selectOption('#train-model', 'multitask');
    // the corpus is the shipped bank's (molap run's nine tasks), so the model waits for the bank
    const ready = await trainingUntil(page, (data) => data.model === 'multitask' && data.bank === 'the shipped bank');
    await page.click('#train-start');
    const learned = await trainingUntil(
      page,
      (data) => Number(data.performance) >= 0.9 || Number(data.step) >= 1200,
      0,
      150_000,
    );
    expect(Number(learned.performance)).toBeGreaterThanOrEqual(0.9);
    expect(Number(learned.step)).toBeLessThanOrEqual(MULTITASK_FDGO_STEPS);
    const corpus = learned.corpus!.split(' ').map((entry) => entry.split(':'));
    expect(corpus.map(([id]) => id)).toEqual(learned.taskIds!.split(','));
    expect(corpus.map(([id]) => id)).toEqual(
      expect.arrayContaining([
        'fdgo',
        'reactgo',
        'delaygo',
        'fdanti',
        'reactanti',
        'dm1',
        'contextdm1',
        'delaydm1',
        'dmsgo',
      ]),
    );
    const scores = corpus.map(([, value]) => Number(value));
    expect(scores.every((value) => value >= 0 && value <= 1)).toBe(true);
    expect(Number(learned.corpusMean)).toBeCloseTo(scores.reduce((sum, value) => sum + value, 0) / scores.length, 10);
    expect(Number(corpus.find(([id]) => id === 'fdgo')![1])).toBe(Number(learned.performance));
    await expect(page.locator('#train-status').textContent()).resolves.toMatch(/mean of its 9 tasks \d\.\d\d/);
    expect(ready.modules).toBe('4');
    await page.click('#train-stop');
    await page.locator('#train-start:not([disabled])').waitFor();
    await page.close();
    expect(errors).toEqual([]);
  });

  it(`trains MoLaP on the shipped bank: fdgo to ≥ 0.9 within ${MOLAP_FDGO_STEPS} steps; lesioning every module drops it`, async () => {
    const page = await openPage(servers.isolated.url);
    await page.click('nav button[data-view="train"]');
    await expect(page.locator('#train-model').inputValue()).resolves.toBe('molap'); // the default
    await page.click('#train-start');
    const learned = await trainingUntil(page, (data) => Number(data.performance) >= 0.9 || Number(data.step) >= 400);
    expect(learned.model).toBe('molap');
    expect(Number(learned.performance)).toBeGreaterThanOrEqual(0.9);
    expect(Number(learned.step)).toBeLessThanOrEqual(MOLAP_FDGO_STEPS);
    await expect(page.locator('#train-bank').textContent()).resolves.toMatch(
      /the shipped bank, 4 pre-trained modules of 16 units.*built by molap pretrain --preset quick/,
    );
    await page.click('#train-stop');
    await page.locator('#train-start:not([disabled])').waitFor();
    const stoppedAt = Number(await page.locator('#train').getAttribute('data-step'));
    const modules = Number(learned.modules);
    expect(modules).toBe(4);
    for (let module = 0; module < modules; module++) await page.check(`input[name="lesion"][value="${module}"]`);
    const lesioned = await trainingUntil(page, (data) => data.lesioned === '0,1,2,3');
    expect(Number(lesioned.performance)).toBeLessThan(0.5);
    expect(Number(lesioned.step)).toBe(stoppedAt);
    for (let module = 0; module < modules; module++) await page.uncheck(`input[name="lesion"][value="${module}"]`);
    const restored = await trainingUntil(page, (data) => data.lesioned === '' && Number(data.performance) >= 0.9);
    expect(Number(restored.step)).toBe(stoppedAt);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('trains random modules of the bank’s shape, chosen from the menu; lesioning every module drops them too', async () => {
    const page = await openPage(servers.isolated.url);
    await page.click('nav button[data-view="train"]');
    await page.selectOption('#train-model', 'random-modules');
    await page.click('#train-start'); // after the model message: the worker handles them in order
    const learned = await trainingUntil(page, (data) => data.model === 'random-modules' && Number(data.step) >= 40);
    expect(learned.modules).toBe('4'); // the shipped bank's shape
    await expect(page.locator('#train-status').textContent()).resolves.toContain('random modules');
    await page.click('#train-stop');
    await page.locator('#train-start:not([disabled])').waitFor();
    for (let module = 0; module < 4; module++) await page.check(`input[name="lesion"][value="${module}"]`);
    const lesioned = await trainingUntil(page, (data) => data.lesioned === '0,1,2,3');
    expect(Number(lesioned.performance)).toBeLessThan(0.5);
    // back to MoLaP: a new network from step 0, on the bank's pre-trained modules
    await page.selectOption('#train-model', 'molap');
    await trainingUntil(page, (data) => data.model === 'molap' && data.step === '0');
    await page.close();
    expect(errors).toEqual([]);
  });

  it('loads a bank folder picked by the user, and refuses a damaged one, or one that does not fit the tasks, with the problem and the fix', async () => {
    const picked = join(scratch, 'picked-bank');
    await mkdir(join(picked, 'modules'), { recursive: true });
    const files = ['bank.json', 'modules/model.json', 'modules/weights.bin'];
    for (const file of files) await copyFile(join(SHIPPED_BANK_DIR, file), join(picked, file));
    const damaged = join(scratch, 'damaged-bank');
    await mkdir(join(damaged, 'modules'), { recursive: true });
    for (const file of files) await copyFile(join(SHIPPED_BANK_DIR, file), join(damaged, file));
    const weights = await readFile(join(damaged, 'modules/weights.bin'));
    weights[100] = weights[100]! ^ 0xff;
    await writeFile(join(damaged, 'modules/weights.bin'), weights);

    const page = await openPage(servers.isolated.url);
    await page.click('nav button[data-view="train"]');
    await page.setInputFiles(
      '#train-bank-files',
      files.map((file) => join(picked, file)),
    );
    await expect(page.locator('#train-bank').textContent()).resolves.toMatch(/./);
    await trainingUntil(page, (data) => data.bank === 'the picked bank');
    await expect(page.locator('#train-bank').textContent()).resolves.toContain('4 pre-trained modules of 16 units');

    await page.setInputFiles(
      '#train-bank-files',
      files.map((file) => join(damaged, file)),
    );
    const problem = page.locator('#train-bank-problems .message.error');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(
      /the picked bank was not loaded: picked weights\.bin: SHA-256 checksum mismatch .*the weights are corrupt.*load the three files of another bank folder/,
    );
    // a bank folder is three files: one missing is named
    await page.setInputFiles('#train-bank-files', [join(picked, 'bank.json'), join(picked, 'modules/model.json')]);
    await expect(problem.textContent()).resolves.toMatch(/modules\/weights\.bin is missing/);
    // a sound bank built for another time step does not fit the menu's tasks (dt 20 ms): refused, saying why
    const otherStep = join(scratch, 'other-step-bank');
    await mkdir(join(otherStep, 'modules'), { recursive: true });
    for (const file of files) await copyFile(join(SHIPPED_BANK_DIR, file), join(otherStep, file));
    const document = JSON.parse(await readFile(join(otherStep, 'bank.json'), 'utf8'));
    document.layout.dt = 10;
    await writeFile(join(otherStep, 'bank.json'), JSON.stringify(document));
    const modules = JSON.parse(await readFile(join(otherStep, 'modules/model.json'), 'utf8'));
    modules.config.alpha = 0.1; // the modules' α = dt/τ agrees with the bank's: a bank built at dt 10 ms
    await writeFile(join(otherStep, 'modules/model.json'), JSON.stringify(modules));
    await page.setInputFiles(
      '#train-bank-files',
      files.map((file) => join(otherStep, file)),
    );
    await expect
      .poll(() => problem.textContent(), { timeout: 30_000 })
      .toMatch(
        /the picked bank was not loaded: .*does not fit the module bank: its α = dt\/τ = 20\/100 differs from the bank's 10\/100/,
      );
    // the previous bank is still in use, and MoLaP trains on it
    await expect(page.locator('#train').getAttribute('data-bank')).resolves.toBe('the picked bank');
    await page.click('#train-start');
    const training = await trainingUntil(page, (data) => Number(data.step) >= 20);
    expect(training.model).toBe('molap');
    await page.click('#train-stop');
    await page.close();
    expect(errors).toEqual([]);
  });

  it('learns another task of the corpus chosen from the menu, from step 0', async () => {
    const page = await openPage(servers.isolated.url);
    await page.click('nav button[data-view="train"]');
    await page.selectOption('#train-task', 'reactgo');
    await trainingUntil(page, (data) => data.task === 'reactgo' && data.step === '0');
    await page.click('#train-start');
    const learning = await trainingUntil(page, (data) => Number(data.step) >= 40);
    expect(learning.task).toBe('reactgo');
    await expect(page.locator('#train-status').textContent()).resolves.toContain('reactgo');
    await page.click('#train-stop');
    await page.locator('#train-start:not([disabled])').waitFor();
    // back to fdgo: a new network, from step 0
    await page.selectOption('#train-task', 'fdgo');
    await trainingUntil(page, (data) => data.task === 'fdgo' && data.step === '0');
    await expect(page.locator('#train-start').textContent()).resolves.toBe('Start');
    await page.close();
    expect(errors).toEqual([]);
  });

  it(`shows what pre-training buys on delaygo: MoLaP reaches 0.9 within ${MOLAP_DELAYGO_STEPS} steps, random modules stay below 0.5`, async () => {
    const page = await openPage(servers.isolated.url);
    await page.click('nav button[data-view="train"]');
    await page.selectOption('#train-task', 'delaygo');
    await trainingUntil(page, (data) => data.task === 'delaygo' && data.step === '0');
    await page.click('#train-start');
    const molap = await trainingUntil(page, (data) => Number(data.performance) >= 0.9 || Number(data.step) >= 400);
    expect(molap.model).toBe('molap');
    expect(Number(molap.performance)).toBeGreaterThanOrEqual(0.9);
    expect(Number(molap.step)).toBeLessThanOrEqual(MOLAP_DELAYGO_STEPS);
    await page.click('#train-stop');
    await page.locator('#train-start:not([disabled])').waitFor();
    await page.selectOption('#train-model', 'random-modules');
    await trainingUntil(page, (data) => data.model === 'random-modules' && data.step === '0');
    await page.click('#train-start');
    const random = await trainingUntil(page, (data, steps) => Number(data.step) >= steps, MOLAP_DELAYGO_STEPS);
    expect(random.task).toBe('delaygo');
    const curve = random.curve!.split(' ').map((point) => Number(point.split(':')[1]));
    expect(Math.max(...curve)).toBeLessThan(0.5);
    await page.click('#train-stop');
    await page.close();
    expect(errors).toEqual([]);
  });

  it('works in a page that is not cross-origin isolated (one thread)', async () => {
    const page = await openPage(servers.plain.url);
    await expect(page.locator('#environment').getAttribute('data-isolated')).resolves.toBe('false');
    expect(await page.locator('#environment').textContent()).toContain('one thread');
    await page.click('nav button[data-view="results"]');
    await page.setInputFiles('#results-file', resultsPath);
    await page.locator('.run-panel table.claims').waitFor();
    await page.click('nav button[data-view="train"]');
    await page.click('#train-start');
    const training = await trainingUntil(page, (data) => Number(data.step) >= 20);
    expect(training.threads).toBe('1');
    await page.click('#train-stop');
    await page.close();
    expect(errors).toEqual([]);
  });

  it('keeps tfjs out of the native path: the WebGL engine and tfjs are chunks loaded only when chosen', async () => {
    const assets = join(scratch, 'site', 'assets');
    const files = (await readdir(assets)).filter((file) => file.endsWith('.js'));
    const text = new Map(
      await Promise.all(files.map(async (file) => [file, await readFile(join(assets, file), 'utf8')] as const)),
    );
    /** Every chunk `file` loads before it runs (static imports, transitively). */
    const loadedWith = (file: string, seen = new Set<string>()): Set<string> => {
      seen.add(file);
      for (const chunk of staticImports(text.get(file)!)) if (!seen.has(chunk)) loadedWith(chunk, seen);
      return seen;
    };
    const worker = files.find((file) => file.startsWith('worker-'))!;
    const page = files.find((file) => file.startsWith('index-'))!;
    const webgl = files.find((file) => file.startsWith('webgl-engine-'))!;
    expect(worker && page && webgl).toBeTruthy();
    for (const entry of [page, worker]) {
      for (const chunk of loadedWith(entry)) {
        // tfjs-core's engine (registerBackend), its WebGL backend (the flag WEBGL_VERSION), the tfjs engine of
        // @molap/backend (its name, `tfjs-${backend}`)
        expect(text.get(chunk)).not.toMatch(/registerBackend|WEBGL_VERSION|tfjs-\$\{/);
      }
    }
    expect(text.get(worker)).toContain(`import(\`./${webgl}\`)`);
    const webglChunks = [...loadedWith(webgl)].map((chunk) => text.get(chunk)!).join('\n');
    expect(webglChunks).toMatch(/registerBackend/);
    expect(webglChunks).toMatch(/tfjs-\$\{/);
  });

  it(
    `trains MoLaP on tfjs' WebGL backend (software WebGL2 in headless Chromium): fdgo to ≥ 0.9 within ${WEBGL_FDGO_STEPS} steps; stop, lesion, resume, stop within a step, reset`,
    async () => {
      const page = await openPage(servers.isolated.url);
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      await page.click('nav button[data-view="train"]');
      await expect(page.locator('#train-engine').inputValue()).resolves.toBe('native'); // the default
      await page.selectOption('#train-engine', 'webgl');
      const ready = await trainingUntil(page, (data) => data.engineReady === 'webgl' || data.engineError === 'webgl');
      expect(ready.engineError).toBeUndefined();
      expect(ready).toMatchObject({ engine: 'webgl', engineName: 'tfjs-webgl', threads: '1', simd: 'false' });
      expect(requested.some((url) => /\/webgl-engine-[^/]+\.js$/.test(url))).toBe(true); // loaded when chosen
      await page.click('#train-start');
      const learned = await trainingUntil(
        page,
        (data, steps) => Number(data.performance) >= 0.9 || Number(data.step) >= steps,
        WEBGL_FDGO_STEPS,
        WEBGL_TIMEOUT / 2,
      );
      expect(learned.model).toBe('molap');
      expect(Number(learned.performance)).toBeGreaterThanOrEqual(0.9);
      expect(Number(learned.step)).toBeLessThanOrEqual(WEBGL_FDGO_STEPS);
      // the status line names the engine and what computes (software rendering here: SwiftShader, not a GPU)
      await expect(page.locator('#train-status').textContent()).resolves.toMatch(
        /^tfjs-webgl engine, WebGL2 shaders \(float32\) on .*SwiftShader.*, 1 thread · .* · fdgo · step \d+ · performance/,
      );
      await page.click('#train-stop'); // acts after the current step
      await page.locator('#train-start:not([disabled])').waitFor({ timeout: WEBGL_TIMEOUT / 4 });
      await expect(page.locator('#train-start').textContent()).resolves.toBe('Resume');
      const stoppedAt = Number(await page.locator('#train').getAttribute('data-step'));
      for (const module of [0, 1, 2, 3]) await page.check(`input[name="lesion"][value="${module}"]`);
      const lesioned = await trainingUntil(page, (data) => data.lesioned === '0,1,2,3', 0, WEBGL_TIMEOUT / 4);
      expect(Number(lesioned.performance)).toBeLessThan(0.5);
      expect(Number(lesioned.step)).toBe(stoppedAt);
      for (const module of [0, 1, 2, 3]) await page.uncheck(`input[name="lesion"][value="${module}"]`);
      const restored = await trainingUntil(page, (data) => data.lesioned === '', 0, WEBGL_TIMEOUT / 4);
      expect(Number(restored.performance)).toBeGreaterThanOrEqual(0.9);
      // Resume goes on with the same session; Stop acts after the current step (seconds here), evaluated there
      await page.click('#train-start');
      await page.locator('#train-stop:not([disabled])').waitFor();
      await page.click('#train-stop');
      const resumed = await trainingUntil(
        page,
        (data, after) => Number(data.step) > after,
        stoppedAt,
        WEBGL_TIMEOUT / 4,
      );
      expect(Number(resumed.step)).toBeLessThan(stoppedAt + 20);
      expect(resumed.engine).toBe('webgl');
      await page.locator('#train-start:not([disabled])').waitFor({ timeout: WEBGL_TIMEOUT / 4 });
      await page.click('#train-reset');
      await trainingUntil(page, (data) => data.step === '0', 0, WEBGL_TIMEOUT / 4);
      await expect(page.locator('#train-start').textContent()).resolves.toBe('Start');
      await page.close();
      expect(errors).toEqual([]);
    },
    WEBGL_TIMEOUT,
  );

  it('says so where WebGL2 is unavailable, and the native engine and the rest of the page keep working', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath, headless: true, args: NO_WEBGL_ARGS });
    try {
      const page = await browser.newPage();
      page.on('pageerror', (error) => errors.push(`no WebGL: ${String(error)}`));
      page.on('console', (entry) => {
        if (entry.type() === 'error') errors.push(`no WebGL: ${entry.text()}`);
      });
      await page.goto(servers.isolated.url);
      await page.locator('#trial svg').waitFor();
      await page.click('nav button[data-view="train"]');
      await page.selectOption('#train-engine', 'webgl');
      const refused = await trainingUntil(page, (data) => data.engineError === 'webgl' || data.engineReady === 'webgl');
      expect(refused.engineReady).toBeUndefined();
      const problem = page.locator('#train-engine-problems .message.error');
      await expect(problem.textContent()).resolves.toMatch(
        /^The webgl engine cannot run in this browser: the tfjs backend 'webgl' is not available \(webgl: this browser did not create a WebGL2 context .*\)\.Choose the native engine in the engine menu: it runs in every current browser\./,
      );
      await expect(page.locator('#train-status').textContent()).resolves.toBe(
        'webgl engine unavailable: choose the native engine.',
      );
      // Start says the same again and trains nothing
      await page.click('#train-start');
      await page.locator('#train-start:not([disabled])').waitFor();
      await expect(page.locator('#train').getAttribute('data-step')).resolves.toBe('0');
      await expect(problem.count()).resolves.toBe(1);
      // the native engine trains, and the message goes
      await page.selectOption('#train-engine', 'native');
      await trainingUntil(page, (data) => data.engineReady === 'native');
      await expect(problem.count()).resolves.toBe(0);
      await page.click('#train-start');
      const training = await trainingUntil(page, (data) => Number(data.step) >= 20);
      expect(training.engineName).toBe('native');
      await page.click('#train-stop');
      // and the tasks view
      await page.click('nav button[data-view="tasks"]');
      await page.click('#trial-next');
      await expect(page.locator('#trial').getAttribute('data-trial')).resolves.toBe('1');
    } finally {
      await browser.close();
    }
    expect(errors).toEqual([]);
  });

  /** The threads test page (`test/threads-page/`) of `server`, once its script has run. */
  async function openThreadsPage(url: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`${url}: ${String(error)}`));
    await page.goto(`${url}${THREADS_PAGE}/`);
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
    return page;
  }

  /** What `window.threadsCheck` of the threads page answers (see `test/threads-page/main.ts`). */
  type ThreadsCheck = {
    train(request: RunRequest): Promise<RunResult>;
    onMainThread(threads: number): Promise<RunResult | { threads: number }>;
  };
  const check = (page: Page) => ({
    train: (request: RunRequest) =>
      page.evaluate((r) => (window as unknown as { threadsCheck: ThreadsCheck }).threadsCheck.train(r), request),
    onMainThread: (threads: number) =>
      page.evaluate((n) => (window as unknown as { threadsCheck: ThreadsCheck }).threadsCheck.onMainThread(n), threads),
  });

  it('trains on 2 threads in a Web Worker of an isolated page, with the same losses as on 1; the main thread is refused', async () => {
    const page = await openThreadsPage(servers.isolated.url);
    const one = await check(page).train({ threads: 1, steps: THREADS_STEPS });
    const two = await check(page).train({ threads: 2, steps: THREADS_STEPS });
    expect(one).toMatchObject({ threads: 1, simd: true });
    expect(two).toMatchObject({ threads: 2, simd: true });
    if (!('losses' in one) || !('losses' in two)) throw new Error('a run failed');
    expect(two.losses).toHaveLength(THREADS_STEPS);
    expect(two.losses.every(Number.isFinite)).toBe(true);
    expect(two.losses).toEqual(one.losses); // bit for bit
    expect(two.evaluation).toEqual(one.evaluation);
    expect(two.losses[THREADS_STEPS - 1]).toBeLessThan(two.losses[0]!); // and it learns

    const mainThread = await check(page).onMainThread(2);
    expect(mainThread).toMatchObject({
      error: expect.stringMatching(/threads: 2 cannot run here: .*a page's main thread may not/),
      hint: expect.stringMatching(/inside a Web Worker/),
    });
    await expect(check(page).onMainThread(1)).resolves.toEqual({ threads: 1 });
    await page.close();
    expect(errors).toEqual([]);
  });

  it('refuses threads in a page that is not cross-origin isolated, naming the headers', async () => {
    const page = await openThreadsPage(servers.plain.url);
    for (const answer of [await check(page).train({ threads: 2, steps: 1 }), await check(page).onMainThread(2)]) {
      expect(answer).toMatchObject({
        error: expect.stringMatching(/threads: 2 cannot run here: the page is not cross-origin isolated/),
        hint: expect.stringMatching(
          /Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/,
        ),
      });
    }
    await expect(check(page).train({ threads: 1, steps: 2 })).resolves.toMatchObject({ threads: 1 });
    await page.close();
    expect(errors).toEqual([]);
  });
});

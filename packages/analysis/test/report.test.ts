/**
 * The HTML report of a real tiny run: every section, self-contained, and loading in headless Chromium with no
 * console errors (skipped only when no Chromium executable can be found).
 */
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExampleTrial } from '../src/examples.js';
import { angleDifference, generalisationSpec, robustnessSpec, sortedVarianceRows } from '../src/report/charts.js';
import { REPORT_HTML, REPORT_SECTIONS, renderReport } from '../src/report/render.js';
import { writeReport } from '../src/report/write.js';
import { RESULTS_JSON } from '../src/results-document.js';
import { readResults } from '../src/results-file.js';
import type { Results } from '../src/schema.js';
import { withTemporaryDir } from './helpers.js';

/** results.json of a tiny study of every model and every perturbation (c73fb79), without example trials. */
let output: { results: Results; exampleTrials: ExampleTrial[] };
let html: string;
beforeAll(async () => {
  const results = JSON.parse(await readFile(new URL('fixtures/tiny-results.json', import.meta.url), 'utf8'));
  output = { results, exampleTrials: [] };
  html = await renderReport(output.results, { exampleTrials: output.exampleTrials });
});

describe('renderReport', () => {
  it('has every section, with plots, and nothing external', () => {
    for (const id of REPORT_SECTIONS) expect(html.includes(`<section id="${id}">`), id).toBe(true);
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(10);
    expect(/<script/i.test(html)).toBe(false);
    expect(/(src|href)="https?:/.test(html)).toBe(false);
    expect(html.includes('multitask (rule-inputs)')).toBe(true);
    const verdicts = output.results.claims.map((claim) => claim.verdict);
    for (const verdict of verdicts) expect(html.includes(`class="verdict ${verdict}"`), verdict).toBe(true);
    // every comparison says its verdict with the deciding difference and interval
    expect(html).toMatch(/not supported: MoLaP − multitask = [^<]*\[[^\]]+\], 2 seeds × 2 tasks/);
    expect(html).toMatch(/absolute AUC \(every task\) \(not deciding\): MoLaP − multitask = /);
    expect(html.includes('95 % interval')).toBe(true);
    expect(html.includes('one seed is an anecdote')).toBe(false);
    // both robustness measures, each explained, and the tasks below the floor listed
    expect(html.includes('<h3>Relative AUC</h3>')).toBe(true);
    expect(html.includes('<h3>Absolute AUC</h3>')).toBe(true);
    expect(html).toMatch(/Left out of the relative figures \(unperturbed performance below 0.9\)/);
    expect(html).toMatch(/<li>molap: fdgo \(seeds 1, 2\)/);
  });

  it('says that one seed is an anecdote and its intervals are over tasks only', async () => {
    const [first] = output.results.seeds;
    const oneSeed = structuredClone(output.results);
    oneSeed.seeds = [first];
    for (const claim of oneSeed.claims) {
      for (const comparison of claim.comparisons) {
        if (comparison.difference) comparison.difference = { ...comparison.difference, seeds: 1 };
      }
    }
    const page = await renderReport(oneSeed);
    expect(page.includes('one seed is an anecdote')).toBe(true);
    expect(page).toMatch(/1 seed × 2 tasks \(interval over tasks only\)/);
  });

  it('draws the relative curves of the models that have them', async () => {
    const relative = structuredClone(output.results);
    const entry = relative.models.molap.robustness['input-noise'];
    relative.models.molap.robustness['input-noise'] = { ...entry, relativePerformance: [1, 1.25], relativeAuc: 1.125 };
    const page = await renderReport(relative);
    const has = (text: string) => page.includes(text);
    expect(has('<h3>Relative: performance ÷ unperturbed performance</h3><div class="plot"><svg')).toBe(true);
    expect(has('extra input noise m (σ × (1 + m)): 2; performance ÷ unperturbed: 1.25; model: molap')).toBe(true);
    expect(html.includes('No relative curve: no model reached 0.9 unperturbed on any task.')).toBe(true);
  });

  it('says which score judged each task: Yang’s last-step criterion or the task’s own', async () => {
    expect(html).toContain('<dt>scores</dt><dd>Yang&#39;s last-step criterion ≥ 0.9 for every task</dd>');
    expect(html.match(/<td><em>score<\/em><\/td>/g)).toHaveLength(2); // per-task and held-out tables
    const timed = structuredClone(output.results);
    timed.scores.dm1 = { id: 'response-timing', criterion: 0.8, description: 'Correct when on time.' };
    const page = await renderReport(timed);
    expect(page).toContain(
      '<dt>scores</dt><dd>Yang&#39;s last-step criterion ≥ 0.9: fdgo, reactgo; response-timing ≥ 0.8: dm1</dd>',
    );
    expect(page).toContain('<span class="note" title="Correct when on time.">response-timing ≥ 0.8</span>');
    // the relative robustness floor: the budget's criterion, the task's own for dm1
    expect(html).toContain('p(0) below 0.9 (the criterion) are left out');
    expect(page).toContain('p(0) below 0.9 (the criterion; its own score’s criterion for dm1: 0.8) are left out');
  });

  it('says when a section has nothing to show', async () => {
    const bare = await renderReport({ ...output.results, heldOut: [], perturbations: [] });
    expect(bare.includes('No task was held out')).toBe(true);
    expect(bare.includes('The robustness analysis was not run')).toBe(true);
    expect(bare.includes('No example trials were given')).toBe(true);
  });

  it('plots in suite order with each model in its colour', () => {
    const robustness = robustnessSpec(output.results) as { concat: { title: { text: string } }[] };
    expect(robustness.concat.map((panel) => panel.title.text)).toEqual([
      'Recurrent weight noise',
      'Unit silencing',
      'Input noise',
      'Recurrent (state) noise',
      'Readout weight noise',
      'Module lesions',
    ]);
    const generalisation = generalisationSpec(output.results) as {
      spec: { encoding: { color: { scale: { domain: string[] } } } };
    };
    expect(generalisation.spec.encoding.color.scale.domain).toEqual([
      'molap',
      'random-modules',
      'multitask',
      'independent',
      'psp',
      'ewc',
      'sequential',
    ]);
    const rows = sortedVarianceRows({
      seed: 1,
      tasks: ['a', 'b'],
      activeUnits: [4, 7, 9],
      variance: [],
      normalised: [
        [0.2, 1],
        [1, 0.1],
        [1, 0.5],
      ],
    });
    expect(rows.map((row) => row.unit)).toEqual([7, 9, 4]);
    expect(angleDifference(0.1, 2 * Math.PI - 0.1)).toBeCloseTo((0.2 * 180) / Math.PI, 10);
    expect(angleDifference(Math.PI, 0)).toBe(-180);
    expect(angleDifference(0, Math.PI / 2)).toBeCloseTo(-90, 10);
  });
});

describe('writeReport', () => {
  it('writes report.html and a valid results.json', async () => {
    await withTemporaryDir(async (dir) => {
      await writeReport(join(dir, 'out'), output.results, { exampleTrials: output.exampleTrials });
      expect(await readResults(join(dir, 'out', RESULTS_JSON))).toEqual(output.results);
      expect((await readFile(join(dir, 'out', REPORT_HTML), 'utf8')).includes('<section id="examples">')).toBe(true);
    });
  });
});

/** The Chromium executable, or undefined when none is installed. */
async function findChromium(): Promise<string | undefined> {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const candidate of candidates) {
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

describe('the report in headless Chromium', () => {
  it('loads without console errors and shows every section', async (context) => {
    const executablePath = await findChromium();
    if (!executablePath) {
      context.skip(
        'no Chromium found (looked at $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser): run tools/install-chromium.sh',
      );
      return;
    }
    const { chromium } = await import('playwright-core');
    const profile = await mkdtemp(join(tmpdir(), 'molap-chromium-'));
    try {
      await withTemporaryDir(async (dir) => {
        await writeReport(dir, output.results, { exampleTrials: output.exampleTrials });
        const browser = await chromium.launchPersistentContext(profile, {
          executablePath,
          headless: true,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
          viewport: { width: 1280, height: 900 },
        });
        try {
          const page = await browser.newPage();
          const errors: string[] = [];
          page.on('console', (message) => {
            if (message.type() === 'error') errors.push(message.text());
          });
          page.on('pageerror', (error) => errors.push(String(error)));
          await page.goto(pathToFileURL(join(dir, REPORT_HTML)).href);
          for (const id of REPORT_SECTIONS) {
            const section = page.locator(`section#${id}`);
            await expect(section.isVisible(), id).resolves.toBe(true);
            const box = await section.boundingBox();
            expect(box?.height, id).toBeGreaterThan(40);
          }
          expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(8);
          expect(await page.title()).toBe('molap run report');
          const screenshot = await page.screenshot({ fullPage: true });
          expect(screenshot.length).toBeGreaterThan(10_000);
          expect(errors).toEqual([]);
        } finally {
          await browser.close();
        }
      });
    } finally {
      await rm(profile, { recursive: true, force: true });
    }
  }, 60_000);
});

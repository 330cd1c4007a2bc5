/** Writing a run's `results.json` and `report.html` (Node); the page itself is `renderReport` (`render.ts`). */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@molap/backend';
import { RESULTS_JSON } from '../results-document.js';
import { writeResults } from '../results-file.js';
import type { Results } from '../schema.js';
import { REPORT_HTML, type ReportOptions, renderReport } from './render.js';

/** Writes `results.json` and `report.html` into `dir` (created if needed), each atomically. */
export async function writeReport(dir: string, results: Results, options: ReportOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const html = await renderReport(results, options);
  await writeResults(join(dir, RESULTS_JSON), results);
  await writeFileAtomic(join(dir, REPORT_HTML), html);
}

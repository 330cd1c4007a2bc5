/**
 * Opening results.json files in the page: size check, then `parseResults` of @molap/analysis (JSON syntax,
 * format, schema version with migration, schema). Each file gives a run or a message; one bad file never
 * stops the others.
 */
import { parseResults, type Results } from '@molap/analysis';
import { isMolapError } from '@molap/core';

/**
 * Largest results.json the page opens: 64 MiB. A run's file holds curves and tables (a standard study's is
 * under 1 MiB); far larger files are something else, and parsing them would freeze the page.
 */
export const MAX_RESULTS_BYTES = 64 * 1024 * 1024;

/** A file opened: its run, or why it cannot be shown. */
export type OpenedFile =
  | { readonly ok: true; readonly name: string; readonly results: Results }
  | { readonly ok: false; readonly name: string; readonly problem: string; readonly hint: string };

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Reads and checks one file (nothing is sent anywhere: the file is read in the page). */
export async function openResultsFile(file: File): Promise<OpenedFile> {
  if (file.size > MAX_RESULTS_BYTES) {
    return {
      ok: false,
      name: file.name,
      problem: `${file.name} is ${mib(file.size)}, larger than the ${mib(MAX_RESULTS_BYTES)} a results.json of molap can be`,
      hint: 'open the results.json of a run folder (molap-runs/<run>/results.json)',
    };
  }
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    return {
      ok: false,
      name: file.name,
      problem: `${file.name} cannot be read (${(error as Error).message})`,
      hint: 'choose the file again',
    };
  }
  try {
    return { ok: true, name: file.name, results: parseResults(text, file.name) };
  } catch (error) {
    // A molap error says what is wrong and what to do (e.g. upgrade for a newer file); the page adds that the
    // other runs stay open.
    const molap = isMolapError(error);
    return {
      ok: false,
      name: file.name,
      problem: molap ? error.problem : (error as Error).message,
      hint: `${(molap && error.hint) || 'open the results.json that `molap run` wrote into its run folder'}; the other runs stay open`,
    };
  }
}

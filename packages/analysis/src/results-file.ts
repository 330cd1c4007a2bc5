/**
 * Reading and writing `results.json` files (Node): `parseResults` and `validateResults`
 * (`results-document.ts`) around the file system.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@molap/backend';
import { parseResults, ResultsFileError, validateResults } from './results-document.js';
import type { Results } from './schema.js';

/** Reads `results.json` (migrated to the current schema version, validated). */
export async function readResults(path: string): Promise<Results> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ResultsFileError(`${path} cannot be read (${(error as Error).message})`, {
      code: 'file-read',
      cause: error,
    });
  }
  return parseResults(text, path);
}

/** Validates `results` and writes it to `path` atomically (pretty-printed JSON). */
export async function writeResults(path: string, results: Results): Promise<void> {
  const problems = validateResults(results);
  if (problems.length > 0) {
    throw new ResultsFileError(`the results do not match their schema: ${problems.slice(0, 5).join('; ')}`, {
      code: 'invalid-results',
      problems,
    });
  }
  await writeFileAtomic(path, `${JSON.stringify(results, null, 2)}\n`);
}

// Writes results.schema.json (the JSON Schema of results.json) from the package build: `npm run schema`.
import { writeFile } from 'node:fs/promises';
import { RESULTS_JSON_SCHEMA } from '../dist/index.js';

const path = new URL('../results.schema.json', import.meta.url);
await writeFile(path, `${JSON.stringify(RESULTS_JSON_SCHEMA, null, 2)}\n`);
console.log(`wrote ${path.pathname}`);

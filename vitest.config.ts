import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*', 'apps/*', 'tools'],
    reporters: ['default', './tools/summary-reporter.ts'],
  },
});

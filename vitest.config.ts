import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*', 'tools'],
    reporters: ['default', './tools/summary-reporter.ts'],
  },
});

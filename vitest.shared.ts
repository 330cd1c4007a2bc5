import { defineProject } from 'vitest/config';

/** Resolve sibling packages to their TypeScript sources, so tests never need a prior build. */
const sourceConditions = ['@molap/source'];

/**
 * The per-package vitest project: every package's `vitest.config.ts` calls this with its name.
 * @param name project name shown in vitest output (the package folder).
 * @param overrides extra `test` options (timeouts for slow integration tests, for example; `groupOrder` 1 runs
 *   the project after the others, for tests that start many processes).
 */
export function molapProject(name: string, overrides: { testTimeout?: number; groupOrder?: number } = {}) {
  return defineProject({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 30_000,
      ...(overrides.groupOrder === undefined ? {} : { sequence: { groupOrder: overrides.groupOrder } }),
    },
  });
}

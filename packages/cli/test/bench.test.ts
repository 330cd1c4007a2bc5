import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { molap, repoRoot } from './support.js';

const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

describe.concurrent('molap bench', () => {
  it('lists the suites of the installed packages', async () => {
    const result = await molap(['bench']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\nrnn\s+@molap\/backend\s+\S+rnn\.bench\.mjs\n/);
    expect(result.stdout).toMatch(/\ntasks\s+@molap\/tasks\s+\S+tasks\.bench\.mjs\n/);
  });

  it('runs a suite and forwards the arguments after its name', async () => {
    const result = await molap(['bench', 'rnn', '--json', '--engines', 'native', '--sizes', '8x2x3']);
    expect(result.code).toBe(0);
    const rows = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const measured = rows.filter((row) => row.engine === 'native');
    expect(measured.length).toBeGreaterThan(0);
    for (const row of measured) expect(row).toMatchObject({ bench: 'rnn', N: 8, B: 2, T: 3 });
  });

  it('exits 2 on an unknown suite, naming the closest', async () => {
    const result = await molap(['bench', 'rn']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown benchmark suite "rn". Did you mean "rnn"?');
  });

  it.each([
    ['backend', 'rnn'],
    ['tasks', 'tasks'],
  ])('finds the %s suites in the published package too (files lists benchmarks)', (pkg, suite) => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: join(repoRoot, 'packages', pkg),
        env: cleanEnv,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    const files: string[] = packed.files.map((file: { path: string }) => file.path);
    expect(files).toContain(`benchmarks/${suite}.bench.mjs`);
    expect(files).toContain('dist/index.js');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratch, linkExamplePlugin, molap, packageRoot } from './support.js';

const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
const scratch = createScratch('molap-cli-readme-');
afterAll(() => scratch.remove());

describe('the README', () => {
  it('shows a config file the schema accepts, with a working preset', async () => {
    const [block] = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1]);
    scratch.write('molap.config.json', block);
    const result = await molap(['config', 'show', '--preset', 'smoke'], { cwd: scratch.root });
    expect(result.stderr).not.toContain('molap:');
    expect(result.code).toBe(0);
    const config = JSON.parse(result.stdout);
    expect(config.compare.budget).toEqual({ preset: 'quick', steps: 1200 });
    expect(config.compare.seeds).toEqual([1]);
    linkExamplePlugin(scratch); // the file names the example plugin in tasks.plugins
    const plan = await molap(['run', '--dry-run', '--preset', 'smoke'], { cwd: scratch.root });
    expect(plan.stderr).not.toContain('molap:');
    expect(plan.code).toBe(0);
    const { seeds, models, bank } = JSON.parse(plan.stdout);
    expect(seeds).toEqual([7]);
    expect(models.at(-1)).toEqual({ name: 'ewc-100', strategy: 'ewc', options: { hiddenSize: 128, lambda: 100 } });
    expect(bank.training).toEqual({ moduleSize: 16, steps: 1000 });
  });

  it('gives an example of every command', async () => {
    const help = await molap(['--help']);
    const commands = [...help.stdout.matchAll(/^ {2}molap ([a-z ]+?) {2,}/gm)].map((match) => match[1].trim());
    expect(commands.length).toBeGreaterThan(5);
    for (const command of commands) expect(readme, command).toMatch(new RegExp(`\\nmolap ${command}( |\\n)`));
  });
});

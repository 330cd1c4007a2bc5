import { describe, expect, it } from 'vitest';
import { manifest, molap } from './support.js';

const COMMANDS = [
  'run',
  'pretrain',
  'learn',
  'perturb',
  'report',
  'tasks list',
  'tasks show',
  'tasks plot',
  'tasks export',
  'tasks doctor',
  'new task',
  'compare',
  'bench',
  'config show',
  'config schema',
];

describe.concurrent('the molap binary', () => {
  it('prints the package version', async () => {
    const result = await molap(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^molap/${manifest.version.replace(/\./g, '\\.')} node-v\\d+`));
  });

  it('lists every command in --help, exit 0', async () => {
    const result = await molap(['--help']);
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toContain(`molap ${command} `);
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 failure, 2 usage error');
  });

  it('prints the overview on stderr and exits 2 without a command', async () => {
    const result = await molap([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('molap <command> --help');
  });

  it.each(COMMANDS)('has --help with usage, options and examples: molap %s', async (command) => {
    const result = await molap([...command.split(' '), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`molap ${command}: `);
    expect(result.stdout).toContain('Usage:');
    expect(result.stdout).toContain('--debug');
    expect(result.stdout).toMatch(new RegExp(`Examples:\\n  molap ${command}`));
  });

  it('prints the same help with `molap help <command>`', async () => {
    const [flag, word] = await Promise.all([molap(['tasks', 'plot', '-h']), molap(['help', 'tasks', 'plot'])]);
    expect(word.code).toBe(0);
    expect(word.stdout).toBe(flag.stdout);
  });

  it('shows the commands of a group, exit 0 with --help and 2 without', async () => {
    const help = await molap(['tasks', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('molap tasks export');
    const bare = await molap(['tasks']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('molap tasks doctor');
  });

  it('exits 2 with the closest command on an unknown command', async () => {
    const result = await molap(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toContain('molap --help');
    const typo = await molap(['tasks', 'lst']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown command "tasks lst". Did you mean "tasks list"?');
    const top = await molap(['compar']);
    expect(top.stderr).toContain('Did you mean "compare"?');
  });

  it('exits 2 on an unknown flag, with the closest flag', async () => {
    const result = await molap(['tasks', 'show', 'fdgo', '--sed', '3']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      'molap: unknown option --sed for `molap tasks show`. Did you mean --seed?',
    );
    expect(result.stderr).toContain('hint: run `molap tasks show --help`');
  });

  it('exits 2 on a missing argument, a missing value and an extra argument', async () => {
    const missing = await molap(['tasks', 'show']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('`molap tasks show` needs <id>');
    const noValue = await molap(['tasks', 'plot', 'fdgo', '--out']);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain('--out needs a value: --out <file>');
    const extra = await molap(['tasks', 'show', 'fdgo', 'dm1']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('unexpected argument "dm1"');
  });

  it('prints one line without a stack trace, and the stack with --debug', async () => {
    const plain = await molap(['config', 'show', '--config', 'nowhere.json']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await molap(['config', 'show', '--config', 'nowhere.json', '--debug']);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

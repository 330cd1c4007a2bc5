/** `molap worker --concurrency N`: the N worker processes it starts on this machine. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CommandError, ExitCode } from '../errors.js';

/** `--concurrency N`: N child processes of this command with `--concurrency 1`; ends when all have ended. */
export async function startWorkerProcesses(
  argv: readonly string[],
  count: number,
  io: { stderr(text: string): void },
  signal: AbortSignal,
): Promise<number> {
  const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
  if (!existsSync(cli)) {
    throw new CommandError('--concurrency needs the built CLI (dist/cli.js)', { hint: 'run `npm run build` first' });
  }
  const args = [...argv];
  const at = args.findIndex((arg) => arg === '--concurrency' || arg.startsWith('--concurrency='));
  args.splice(at, args[at] === '--concurrency' ? 2 : 1, '--concurrency', '1');
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'inherit', 'inherit'] }),
  );
  signal.addEventListener('abort', () => {
    for (const child of children) child.kill('SIGINT');
  });
  io.stderr(`molap worker: started ${count} worker processes (${children.map((child) => child.pid).join(', ')})\n`);
  const codes = await Promise.all(
    children.map((child) => new Promise<number>((done) => child.on('exit', (code) => done(code ?? 1)))),
  );
  return codes.find((code) => code !== 0) ?? ExitCode.ok;
}

/**
 * A real `redis-server` for the distributed tests: on a free port of 127.0.0.1, persistence off, killed at
 * the end. `findRedisServer` says whether one is installed (tools/install-redis.sh installs it).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** The redis-server binary, or undefined when none is installed. */
export function findRedisServer(): string | undefined {
  for (const candidate of [process.env.REDIS_SERVER, 'redis-server', '/usr/bin/redis-server']) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** A running redis-server. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** SIGKILLs the server and starts a new one on the same port (no persistence: it comes back empty). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function launch(binary: string, port: number, extra: readonly string[]): Promise<ChildProcess> {
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
}

const ended = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/** Starts a redis-server (extra arguments e.g. `--requirepass secret`). */
export async function startRedis(binary: string, extra: readonly string[] = []): Promise<RedisServer> {
  const port = await freePort();
  let child = await launch(binary, port, extra);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart() {
      child.removeAllListeners('exit');
      child.kill('SIGKILL');
      await ended(child);
      child = await launch(binary, port, extra);
    },
    async stop() {
      child.removeAllListeners('exit');
      child.kill('SIGKILL');
      await ended(child);
    },
  };
}

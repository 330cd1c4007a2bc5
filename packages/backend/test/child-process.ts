/**
 * Runs package code in a real child Node process: the TypeScript entry is bundled with esbuild next to
 * the package's node_modules (so the child resolves tfjs like any user would), then run with `node -e`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `src/<entry>.ts` to an ESM file and returns its path. */
export async function bundleForChild(entry: string): Promise<string> {
  const outdir = join(packageRoot, 'node_modules', '.cache', 'molap-backend-test');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `${entry.replaceAll('/', '-')}.mjs`);
  await build({
    entryPoints: [join(packageRoot, 'src', `${entry}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Runs an ESM script in a child process; resolves with its exit code, signal and output. */
export async function runNodeScript(
  script: string,
  nodeFlags: string[] = [],
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [...nodeFlags, '--input-type=module', '-e', script],
      {
        cwd: packageRoot,
        env: { PATH: process.env.PATH },
      },
    );
    return { code: 0, signal: null, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; signal?: string; stdout?: string; stderr?: string };
    return {
      code: typeof failure.code === 'number' ? failure.code : null,
      signal: failure.signal ?? null,
      stdout: failure.stdout ?? '',
      stderr: failure.stderr ?? '',
    };
  }
}

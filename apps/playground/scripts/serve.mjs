#!/usr/bin/env node
/**
 * Serves a built playground folder as static files, with the cross-origin isolation headers (or without
 * them, `--no-isolation`, to see the page as a host without them shows it). Used by `npm run playground`
 * and by the end-to-end tests. Usage: node scripts/serve.mjs [dir] [--port 4173] [--no-isolation]
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CROSS_ORIGIN_ISOLATION } from './headers.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Starts a static server of `dir` on 127.0.0.1.
 * @param {string} dir the built folder (holds index.html).
 * @param {{ port?: number, isolated?: boolean }} [options] port 0 (default) picks a free one.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export function serveStatic(dir, options = {}) {
  const root = resolve(dir);
  const headers = options.isolated === false ? {} : CROSS_ORIGIN_ISOLATION;
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      await stat(file);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(`${path} not found`);
      return;
    }
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      ...headers,
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      done({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((closed) => server.close(() => closed())),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const portAt = args.indexOf('--port');
  const port = portAt >= 0 ? Number(args[portAt + 1]) : 4173;
  const dir =
    args.find((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--port') ??
    join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  const isolated = !args.includes('--no-isolation');
  const { url } = await serveStatic(dir, { port, isolated });
  process.stdout.write(
    `molap playground: ${url} (${isolated ? 'cross-origin isolated' : 'not cross-origin isolated'}; Ctrl-C stops)\n`,
  );
}

#!/usr/bin/env node
import { ExitCode, main } from './main.js';

// Ctrl-C: stop at once with the conventional code (no stack trace, no half-written files: writes are atomic).
process.once('SIGINT', () => {
  process.stderr.write('\nmolap: interrupted\n');
  process.exit(ExitCode.interrupted);
});

process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
import { ExitCode, main } from './main.js';

// Ctrl-C: stop at once with the conventional code (no stack trace, no half-written files: writes are atomic).
// Interruptible commands (molap run) get an aborted signal instead, stop at the next checkpoint and say how to
// resume; a second Ctrl-C stops at once.
const controller = new AbortController();
let interruptible = false;
process.on('SIGINT', () => {
  if (interruptible && !controller.signal.aborted) {
    process.stderr.write('\nmolap: stopping at the next checkpoint (Ctrl-C again to stop at once)\n');
    controller.abort();
    return;
  }
  process.stderr.write('\nmolap: interrupted\n');
  process.exit(ExitCode.interrupted);
});

process.exitCode = await main(process.argv.slice(2), undefined, undefined, {
  signal: controller.signal,
  interruptible: () => {
    interruptible = true;
  },
});

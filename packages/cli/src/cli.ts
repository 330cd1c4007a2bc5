#!/usr/bin/env node
import { ExitCode } from './errors.js';
import { main } from './main.js';

// Ctrl-C (SIGINT) and SIGTERM (what Slurm, docker stop and timeouts send) are handled alike: stop at once with
// the conventional code (no stack trace, no half-written files: writes are atomic). Interruptible commands
// (molap run, pretrain, learn) get an aborted signal instead, stop at the next checkpoint, release the run
// folder's lock and say how to resume; a second signal stops at once.
const controller = new AbortController();
let interruptible = false;
let received: NodeJS.Signals | undefined;
const exitCodeOf = (signal: NodeJS.Signals) => (signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted);
const onSignal = (signal: NodeJS.Signals) => {
  const again = received !== undefined;
  received ??= signal;
  if (interruptible && !again) {
    const how = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    process.stderr.write(`\nmolap: stopping at the next checkpoint (${how} again to stop at once)\n`);
    controller.abort(signal);
    return;
  }
  process.stderr.write(`\nmolap: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}\n`);
  process.exit(exitCodeOf(signal));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await main(process.argv.slice(2), undefined, undefined, {
  signal: controller.signal,
  interruptible: () => {
    interruptible = true;
  },
});
// A command stopped by SIGTERM reports "interrupted"; the process ends with SIGTERM's conventional code.
process.exitCode = code === ExitCode.interrupted && received !== undefined ? exitCodeOf(received) : code;

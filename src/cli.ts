#!/usr/bin/env node
// The grantsync bin: wires the process to main() and sets the exit code (never calls process.exit on the normal path).
import { readFileSync } from 'node:fs';
import { main } from './cli/main.js';
import { stdinPrompt } from './cli/confirm.js';
import { packageFile } from './package-root.js';

const { version } = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
let graceful: (() => void) | undefined;
let signalled = false;
const onSignal = (): void => {
  // The first signal lets a command that asked for it stop cleanly; otherwise, and on a second signal, stop now.
  if (signalled) {
    process.stderr.write(
      '\nSecond interrupt: exiting now. Changes in flight may be half done (a write may have landed without its answer, ' +
        'a replace may have created the new grant but not deleted the old one); run apply again: it converges.\n',
    );
  }
  if (signalled || !graceful) process.exit(1);
  signalled = true;
  graceful();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

process.exitCode = await main({
  argv: process.argv.slice(2),
  env: process.env,
  streams: process,
  onInterrupt: (handler) => (graceful = handler),
  version,
  prompt: stdinPrompt(process.stdin),
});
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);

#!/usr/bin/env node
// The grantsync bin: wires the process to main() and exits with its code once its output is written.
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

const code = await main({
  argv: process.argv.slice(2),
  env: process.env,
  streams: process,
  onInterrupt: (handler) => (graceful = handler),
  version,
  prompt: stdinPrompt(process.stdin),
});
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
// main() returns when everything it started has ended (requests, files, the emulator's server), so
// only the output may still be on its way: a pipe is asynchronous on macOS. Once both streams have
// written all they were given, exit at once. Left to itself, Node frees the heap before it exits:
// ≈ 30 ms after a plan of 10,000 grants (150 MB), with nothing left to do.
await Promise.all([written(process.stdout), written(process.stderr)]);
process.exit(code);

/** Resolves when everything written to `stream` so far is out (an empty write's callback comes after theirs). */
function written(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}

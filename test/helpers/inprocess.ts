// Runs grantsync's main() in this process with captured output: the same code path as the bin,
// over real HTTP to the emulator, without paying a Node start-up per run (the fault suite runs hundreds).
import { main } from '../../src/cli/main.js';
import type { Prompt } from '../../src/cli/confirm.js';
import type { CliResult } from './cli.js';

/**
 * `prompt` stands for a terminal that apply may ask for confirmation; without it there is none.
 * `now` fixes the clock `expires:` days are compared with.
 */
export async function runInProcess(argv: string[], env: Record<string, string>, prompt?: Prompt, options: { now?: Date } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv,
    env: { NO_COLOR: '1', ...env },
    streams: { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    onInterrupt: () => undefined,
    version: 'test',
    ...(prompt ? { prompt } : {}),
    ...(options.now ? { now: () => options.now! } : {}),
  });
  return { code, stdout, stderr };
}

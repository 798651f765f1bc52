// Runs the built CLI (dist/cli.js) as a child process, the way users and CI do.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findSecret, SECRETS } from './secrets.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export { SECRETS };

export interface StartedCli {
  child: ChildProcess;
  /** Resolves when the process exits, with all it printed. */
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with what it printed once `stream` matches `pattern`; rejects if it exits first. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<{ stdout: string; stderr: string }>;
}

/** Starts the CLI without waiting for it: for tests that signal it or run several at once. */
/** `stdin`: text piped to it (then closed); without it stdin is closed from the start. */
/** `cli`: another copy of the bin (an installed one), instead of this repository's dist/cli.js. */
export function startCli(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; stdin?: string; cli?: string } = {}): StartedCli {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, NO_COLOR: '1', ...opts.env };
  const child = spawn(process.execPath, [opts.cli ?? CLI, ...args], { cwd: opts.cwd, env: env as NodeJS.ProcessEnv, stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close', not 'exit': a process that exits at once (the bin calls process.exit once its output is
  // written) can be seen to exit before its last output has been read from the pipes.
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const output = () => ({ stdout, stderr });
  const waitFor = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(output()[stream])) return;
        child[stream]!.off('data', check);
        resolve(output());
      };
      // Listeners run in order: the capture above has appended the chunk before this looks.
      child[stream]!.on('data', check);
      child.once('close', () => reject(new Error(`grantsync ${args.join(' ')} exited before printing ${pattern}\n${stdout}\n${stderr}`)));
      check();
    });
  return { child, done, output, waitFor };
}

export function runCli(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number; cli?: string } = {}): Promise<CliResult> {
  const started = startCli(args, opts);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      started.child.kill('SIGKILL');
      const { stdout, stderr } = started.output();
      reject(new Error(`grantsync ${args.join(' ')} did not finish in time\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 20_000);
  });
  return Promise.race([started.done, timeout]).then(({ code, stdout, stderr }) => {
    clearTimeout(timer);
    // Every CLI run of every suite is scanned: no secret and no issued token may be printed.
    for (const text of [stdout, stderr]) {
      const found = findSecret(text);
      if (found) throw new Error(`grantsync ${args.join(' ')} printed ${found}`);
    }
    return { code, stdout, stderr };
  });
}

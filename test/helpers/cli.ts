// Runs the built CLI (dist/cli.js) as a child process, the way users and CI do.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEMO_DEPLOYER } from '../../src/demo/tenant.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Secrets no run may print. */
export const SECRETS = [DEMO_DEPLOYER.clientSecret];

/** Every output any test produced, for the secret scan. */
export const transcript: CliResult[] = [];

export function runCli(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, NO_COLOR: '1', ...opts.env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`grantsync ${args.join(' ')} did not finish in time\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const result = { code, stdout, stderr };
      // Every CLI run of every suite is scanned: no secret and no issued token may be printed.
      for (const text of [stdout, stderr]) {
        for (const secret of SECRETS) if (text.includes(secret)) return reject(new Error(`grantsync ${args.join(' ')} printed a secret`));
        if (/eyJ[A-Za-z0-9_-]{5,}\.eyJ/.test(text)) return reject(new Error(`grantsync ${args.join(' ')} printed a token`));
      }
      transcript.push(result);
      resolve(result);
    });
  });
}

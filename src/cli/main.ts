// argv → command → exit code. The only place that knows about commander. Commands are imported
// lazily, so `--help` or a plan does not load the emulator, export or GitHub code.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { Redactor } from '../api/redact.js';
import type { Format } from './commands/plan.js';
import { NO_PROMPT, type Prompt } from './confirm.js';
import type { Env } from './environment.js';
import { EXIT_FAILURE, reportError } from './exit.js';
import { redactingIo, type RawStreams } from './io.js';
import { utcDay } from '../resolve/expiry.js';

export interface Process {
  argv: string[];
  env: Env;
  streams: RawStreams;
  /** Claims the first SIGINT/SIGTERM for a graceful stop; unclaimed, a signal ends the process. */
  onInterrupt(handler: () => void): void;
  version: string;
  /** Where apply reads its confirmation; without one, there is no terminal and nothing to read. */
  prompt?: Prompt;
  /** The clock `expires:` days are compared with (default: the system's); tests pass a fixed one. */
  now?: () => Date;
}

const FORMATS: Format[] = ['text', 'markdown', 'json'];

const HELP_AFTER = `
Environment:
  AUTH0_DOMAIN          tenant host (acme.eu.auth0.com) or a loopback emulator URL (http://127.0.0.1:4010)
  AUTH0_CLIENT_ID       client-credentials login (with AUTH0_CLIENT_SECRET) …
  AUTH0_CLIENT_SECRET
  AUTH0_CLIENT_SIGNING_KEY_PATH   … or Private Key JWT: the application's PEM private key (instead of the secret)
  AUTH0_CLIENT_SIGNING_ALGORITHM  RS256 (default), RS384 or PS256
  AUTH0_ACCESS_TOKEN    … or a ready Management API token
  AUTH0_AUDIENCE        Management API audience when AUTH0_DOMAIN is a custom domain
  NO_COLOR              no colour in text output

Exit codes: 0 success, 1 failure (invalid input, API error, refused or unconverged apply, least-privilege warnings with --strict),
            2 plan --detailed-exitcode with changes, 3 plan --detailed-exitcode of a plan apply would refuse.`;

export async function main(proc: Process): Promise<number> {
  const redactor = new Redactor();
  redactor.add(proc.env.AUTH0_CLIENT_SECRET);
  redactor.add(proc.env.AUTH0_ACCESS_TOKEN);
  const io = redactingIo(proc.streams, redactor);
  const run: RunState = { exitCode: 0, verbose: false };
  // The one read of the clock for `expires:` days: the core is handed the day, never the clock.
  const today = utcDay(proc.now?.() ?? new Date());

  const program = new Command('grantsync')
    .description('Keep an Auth0 tenant\'s client grants equal to YAML files in git.')
    .version(proc.version)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .addHelpText('after', HELP_AFTER);

  registerReadCommands(program, { proc, io, redactor, run, today });
  registerWriteCommands(program, { proc, io, redactor, run, today });

  try {
    await program.parseAsync(proc.argv, { from: 'user' });
    return run.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with code 0; usage mistakes were already printed by commander.
      return error.exitCode === 0 ? 0 : EXIT_FAILURE;
    }
    return reportError(error, io, run.verbose, run.format);
  }
}

/** What the command that runs reports back to main(): its exit code, and how to print an error. */
interface RunState {
  exitCode: number;
  verbose: boolean;
  /** The --format of the command that runs: with json, errors are JSON on stdout too. */
  format?: string;
}

interface CommandContext {
  proc: Process;
  io: ReturnType<typeof redactingIo>;
  redactor: Redactor;
  run: RunState;
  /** Today, YYYY-MM-DD (UTC), for `expires:` entries. */
  today: string;
}

/** The read-only commands; each action imports its command lazily and records its exit code in `run`. */
function registerReadCommands(program: Command, { proc, io, redactor, run, today }: CommandContext): void {

  common(program.command('validate').description('check the grant files (and, when AUTH0_DOMAIN is set, names, APIs and scopes against the tenant)'))
    .option('--offline', 'check the files only, even when credentials are set', false)
    .option('--strict', 'online: exit 1 when the least-privilege checks warn (offline there is no tenant to check against)', false)
    .option('--allow-write-credentials', 'run in a pull-request job (GITHUB_EVENT_NAME=pull_request*) even with create:/update:/delete: scopes', false)
    .action(async (opts) => {
      run.verbose = opts.verbose;
      run.exitCode = await (await import('./commands/validate.js')).validateCommand({ ...opts, today }, proc.env, io, redactor);
    });

  common(program.command('access').description('who can call which API with which scopes once the YAML is applied (read-only, for audits)'))
    .addOption(formatOption())
    .option('--client <name-or-id>', 'only this client')
    .option('--api <identifier>', 'only this API')
    .action(async (opts) => {
      run.verbose = opts.verbose;
      run.exitCode = await (await import('./commands/access.js')).accessCommand({ ...opts, today }, proc.env, io, redactor);
    });

  common(program.command('plan').description('show what apply would change (read-only)'))
    .addOption(formatOption())
    .option('--out <file>', 'also save the plan for `apply --plan`')
    .option('--detailed-exitcode', 'exit 2 when the plan has changes, 3 when apply would refuse it', false)
    .option('--strict', 'exit 1 when the least-privilege checks warn (notes do not count), after printing the plan', false)
    .option('--max-deletes <n>', 'plan against this deletion budget, as apply --max-deletes would (overrides max_deletes and a pull request\'s grantsync:max-deletes=N label)', nonNegativeInteger)
    .option('--comment', 'post the plan as one sticky pull-request comment (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH)', false)
    .option('--drift-issue', 'open one issue while the plan has changes, update it, close it when there are none (GITHUB_TOKEN, GITHUB_REPOSITORY)', false)
    .option('--allow-write-credentials', 'run in a pull-request job (GITHUB_EVENT_NAME=pull_request*) even with create:/update:/delete: scopes', false)
    .action(async (opts) => {
      run.verbose = opts.verbose;
      run.format = opts.format;
      run.exitCode = await (await import('./commands/plan.js')).planCommand({ ...opts, today }, proc.env, io, redactor);
    });
}

/** The commands that write: to the tenant (apply), to files (init, export), or serve (emulator). */
function registerWriteCommands(program: Command, { proc, io, redactor, run, today }: CommandContext): void {
  common(program.command('apply').description('make the tenant match the YAML, then verify it does'))
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--plan <file>', 'apply only if the plan computed now equals this saved one (from plan --out); else refuse')
    .option('--expect <digest>', 'apply only if the change set digest equals this one (the "Change set" of the approved plan)')
    .option('--expect-from-pr', 'on the push of a merge: expect the change set of the plan comment on the merged pull request (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_SHA)', false)
    .option('--allow-unreviewed', 'with --expect-from-pr: apply even when the run merged no pull request (a direct push, workflow_dispatch)', false)
    .option('--max-deletes <n>', 'allow up to this many deletes in this run (overrides max_deletes)', nonNegativeInteger)
    // Only apply writes, so only apply offers the number of writes in flight.
    .option('--concurrency <n>', 'writes in flight at once (default 8)', positiveInteger)
    .option('--auto-approve', 'apply without asking: on a terminal apply asks for `yes`, and a plan flagged self-escalation is asked for even in CI', false)
    .action(async (opts) => {
      run.verbose = opts.verbose;
      run.format = opts.format;
      const controller = new AbortController();
      proc.onInterrupt(() => {
        io.err('\nInterrupted: finishing the requests in flight, starting no new ones…\n');
        controller.abort();
      });
      run.exitCode = await (await import('./commands/apply.js')).applyCommand({ ...opts, today }, proc.env, io, redactor, controller.signal, proc.prompt ?? NO_PROMPT);
    });

  program
    .command('init')
    .description('start using grantsync in this repository: <dir>/grantsync.yaml and, with --github, the plan, apply, drift and expire workflows')
    .option('--dir <path>', 'the grants directory, inside the repository', 'grants')
    .option('--github', 'also write .github/workflows/grants-{plan,apply,drift,expire}.yml, calling the grantsync action at this version', false)
    .option('--force', 'overwrite files that already exist', false)
    .action(async (opts) => {
      run.exitCode = await (await import('./commands/init.js')).initCommand(opts, proc.env, io, proc.version);
    });

  common(program.command('export').description('write today\'s grants (or an auth0-deploy-cli configuration) as grant files'))
    .option('--from-deploy-cli <path>', 'convert auth0-deploy-cli clientGrants (tenant.yaml or its directory format) instead of reading the tenant')
    .option('--keyword <KEY=VALUE>', 'a deploy-cli keyword value (repeatable); keywords without one become ${KEY} variables', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--force', 'write into a directory that holds other YAML', false)
    .option('--pipeline-client <name-or-id>', 'another application the pipeline runs as (repeatable); written to pipeline_clients with the one export runs as', (v: string, all: string[]) => [...all, v], [] as string[])
    .action(async (opts) => {
      run.verbose = opts.verbose;
      run.exitCode = await (await import('./commands/export.js')).exportCommand(opts, proc.env, io, redactor);
    });

  program
    .command('expire')
    .description('list the grant and scope entries whose `expires` day has come (offline); --write deletes them, --open-pr keeps one pull request that does')
    .option('--dir <path>', 'the grants directory', 'grants')
    .option('--write', 'delete the expired entries from the files here', false)
    .option('--open-pr', 'open (or update) one pull request that deletes them; nothing when nothing expired (GITHUB_TOKEN, GITHUB_REPOSITORY)', false)
    .option('--base <branch>', 'the branch the pull request merges into (default: GITHUB_REF_NAME, else main)')
    .option('-q, --quiet', 'no messages on stderr', false)
    .option('--allow-outside', 'read grant files and includes that resolve outside the repository', false)
    .action(async (opts) => {
      run.exitCode = await (await import('./commands/expire.js')).expireCommand({ ...opts, today }, proc.env, io, redactor);
    });

  program
    .command('emulator')
    .description('run the local Auth0 Management API emulator (seeded with the demo tenant by default)')
    .option('--seed <file>', 'seed tenant (YAML or JSON)')
    .option('--port <n>', 'port on 127.0.0.1', nonNegativeInteger, 4010)
    .option('--state <file>', 'persist the tenant in this file between runs')
    .option('--rate-limit <burst:rps>', 'token-bucket rate limit, e.g. 50:16; 50:16:lumps refills at the top of each second, as Auth0 documents')
    .option('--organization-rate-limit <burst:rps>', 'the organization client-grant endpoints\' own bucket, e.g. 10:1.67 (Auth0 Enterprise: burst 10, 100/minute); unlimited when absent')
    .option('--latency <ms>', 'added latency per request', nonNegativeInteger)
    .option('--error-rate <0..1>', 'share of requests answered 503', rate)
    .option('--reset-rate <0..1>', 'share of requests whose connection is reset', rate)
    .option('--lost-reply-rate <0..1>', 'share of writes applied whose reply is lost', rate)
    .option('--fault-seed <n>', 'seed for the fault dice', nonNegativeInteger)
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM private key for --tls-cert')
    .action(async (opts) => {
      // The demo secret is printed on purpose (it exists only in the local emulator), past the redactor.
      const demoOut = (text: string): void => void proc.streams.stdout.write(text);
      run.exitCode = await (await import('./commands/emulator.js')).emulatorCommand(opts, io, new Promise((resolve) => proc.onInterrupt(resolve)), demoOut);
    });
}

/** The options every command that reads a grants directory shares. */
function common(command: Command): Command {
  return (
    command
      .option('--dir <path>', 'the grants directory', 'grants')
      .option('-q, --quiet', 'no progress on stderr', false)
      .option('-v, --verbose', 'log every request (method, path, status, time, retries) on stderr', false)
      .option('--max-rps <n>', 'at most this many requests per second (default: as the tenant\'s rate-limit headers allow)', positiveNumber)
      .option('--allow-outside', 'read grant files and includes that resolve outside the repository (symbolic links included)', false)
  );
}

function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(FORMATS).default('text');
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number, 1 or more');
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
}

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be between 0 and 1');
  return n;
}

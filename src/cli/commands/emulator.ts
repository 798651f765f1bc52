// `grantsync emulator`: the local Management API emulator, until interrupted.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DEMO_DEPLOYER, DEMO_SEED } from '../../demo/tenant.js';
import { InputError } from '../../errors.js';
import type { Problem } from '../../model/types.js';
import { parseSeed, type Seed } from '../../emulator/seed.js';
import { EmulatorStartError, startEmulator, StateFileError, type Emulator, type EmulatorOptions, type RateLimitOptions } from '../../emulator/server.js';
import type { Io } from '../io.js';
import { visible } from '../../util/escape.js';
import { fsReason } from '../../util/fs-reason.js';

export interface EmulatorCommandOptions {
  seed?: string;
  port: number;
  state?: string;
  rateLimit?: string;
  organizationRateLimit?: string;
  latency?: number;
  errorRate?: number;
  resetRate?: number;
  lostReplyRate?: number;
  faultSeed?: number;
  tlsCert?: string;
  tlsKey?: string;
}

/** The environment variable name under which the admin token is printed. */
export const ADMIN_TOKEN_VARIABLE = 'GRANTSYNC_EMULATOR_ADMIN_TOKEN';

/**
 * Prints ready-to-paste `export` lines on stdout. `demoOut` writes past the redactor, for the demo
 * tenant's secret only: it is public (it exists only in this local emulator), and a newcomer needs it.
 */
export async function emulatorCommand(options: EmulatorCommandOptions, io: Io, stop: Promise<void>, demoOut: (text: string) => void = (text) => io.out(text)): Promise<number> {
  const seed = options.seed ? await readSeed(options.seed) : DEMO_SEED;
  const tls = await readTls(options);
  const stateExisted = options.state !== undefined && existsSync(options.state);
  const emulator = await start(options, {
    seed,
    tls,
    port: options.port,
    statePath: options.state,
    rateLimit: parseRateLimit(options.rateLimit, '--rate-limit'),
    organizationRateLimit: parseRateLimit(options.organizationRateLimit, '--organization-rate-limit'),
    latencyMs: options.latency,
    faults: { seed: options.faultSeed, serverErrorRate: options.errorRate, resetRate: options.resetRate, lostReplyRate: options.lostReplyRate },
  });
  io.err(`Auth0 Management API emulator for ${visible(seed.tenant)} listening on ${emulator.url}\n`);
  const tenantFrom = whichTenant(options, stateExisted);
  if (tenantFrom) io.err(`${tenantFrom}\n`);
  io.out(`export AUTH0_DOMAIN=${emulator.url}\n`);
  if (!options.seed) {
    io.out(`export AUTH0_CLIENT_ID=${DEMO_DEPLOYER.clientId}   # the demo tenant's deployer (grantsync-deployer)\n`);
    demoOut(`export AUTH0_CLIENT_SECRET=${DEMO_DEPLOYER.clientSecret}   # a demo secret: it exists only in this local emulator\n`);
  } else {
    io.out(seededDeployer(seed, options.seed));
  }
  io.out(`export ${ADMIN_TOKEN_VARIABLE}=${emulator.adminToken}   # for the /__emulator/ endpoints; new at every start\n`);
  io.err(`Counters: curl -H "Authorization: Bearer $${ADMIN_TOKEN_VARIABLE}" ${emulator.url}/__emulator/stats. Stop with Ctrl-C.\n`);
  await stop;
  await emulator.close();
  return 0;
}

/** With --state, which tenant is served: the saved one (the seed is then unused) or the seed's. */
function whichTenant(options: EmulatorCommandOptions, stateExisted: boolean): string | undefined {
  if (!options.state) return undefined;
  const seed = options.seed ? `--seed ${options.seed}` : 'the demo tenant';
  return stateExisted
    ? `Serving the tenant saved in --state ${options.state}; ${seed} is not used (it seeds only a state file that does not exist yet: delete the file to start again from it).`
    : `Serving ${seed}; changes are saved to --state ${options.state}, which later starts load instead of the seed.`;
}

/**
 * With --seed: the seeded applications that can log in (a client_secret) and hold a Management API
 * grant, the first as a ready export line, with where their secret is (never printed: it is the user's).
 */
function seededDeployer(seed: Seed, file: string): string {
  const mapi = `https://${seed.tenant}/api/v2/`;
  const withAccess = new Set((seed.client_grants ?? []).filter((g) => g.audience === mapi).flatMap((g) => [g.client_id, g.client].filter((v): v is string => !!v)));
  const deployers = (seed.clients ?? []).filter((c) => c.client_secret && (withAccess.has(c.client_id) || withAccess.has(c.name)));
  if (deployers.length === 0) return `# No client in ${file} can log in to the Management API: give one a client_secret and a grant to ${mapi}.\n`;
  const [first, ...others] = deployers;
  const lines = [`export AUTH0_CLIENT_ID=${first!.client_id}   # ${visible(first!.name)}, seeded from ${file}`];
  lines.push(`# Its secret (export it as AUTH0_CLIENT_SECRET) is the client_secret of ${first!.client_id} in ${file}.`);
  for (const other of others) lines.push(`# also: ${other.client_id} (${visible(other.name)})`);
  return `${lines.join('\n')}\n`;
}

/** Start-up failures are the user's to fix (a port in use, an unreadable state file): say which, keep the cause. */
async function start(options: EmulatorCommandOptions, emulatorOptions: EmulatorOptions): Promise<Emulator> {
  try {
    return await startEmulator(emulatorOptions);
  } catch (error) {
    if (error instanceof EmulatorStartError && error.reason === 'listen') {
      throw inputError({ message: `--port ${options.port}: ${error.message}`, hint: 'Stop whatever listens there, or choose another port (--port 0 picks a free one).' }, error);
    }
    if (error instanceof EmulatorStartError && error.reason === 'tls') {
      throw inputError({ message: `--tls-cert ${options.tlsCert} / --tls-key ${options.tlsKey}: ${error.message}`, hint: 'Both must be PEM files, the key belonging to the certificate.' }, error);
    }
    if (error instanceof StateFileError) {
      throw inputError({ message: `--state: ${error.message}`, hint: 'Point --state at a file in a writable directory; delete the file to start again from the seed.' }, error);
    }
    throw error;
  }
}

async function readSeed(file: string): Promise<Seed> {
  const text = await readUserFile(file, '--seed');
  try {
    return parseSeed(text);
  } catch (error) {
    throw inputError({ location: { file, line: 1, column: 1 }, message: (error as Error).message }, error);
  }
}

async function readTls(options: EmulatorCommandOptions): Promise<EmulatorOptions['tls']> {
  if (!options.tlsCert && !options.tlsKey) return undefined;
  if (!options.tlsCert || !options.tlsKey) {
    throw new InputError([{ message: '--tls-cert and --tls-key go together', hint: 'Give both (a PEM certificate and its private key), or neither for plain http.' }]);
  }
  return { cert: await readUserFile(options.tlsCert, '--tls-cert'), key: await readUserFile(options.tlsKey, '--tls-key') };
}

async function readUserFile(file: string, option: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw inputError({ message: `${option} ${file}: cannot read it: ${fsReason(error)}` }, error);
  }
}

/** An InputError that keeps the error it explains as `cause` (for --verbose and library callers). */
function inputError(problem: Problem, cause: unknown): InputError {
  const error = new InputError([problem]);
  error.cause = cause;
  return error;
}

function parseRateLimit(value: string | undefined, option: string): RateLimitOptions | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+):(\d+(?:\.\d+)?)(:lumps)?$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[2]) <= 0) {
    throw new InputError([
      {
        message: `${option} "${visible(value)}" is not <burst>:<per-second>[:lumps] with a burst of at least 1 and a positive rate`,
        hint: `For example ${option} 50:16, or 50:16:lumps to refill at the top of each second.`,
      },
    ]);
  }
  return { burst: Number(match[1]), perSecond: Number(match[2]), ...(match[3] ? { lumps: true } : {}) };
}

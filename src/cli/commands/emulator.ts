// `grantsync emulator`: the local Management API emulator, until interrupted.
import { readFile } from 'node:fs/promises';
import { DEMO_DEPLOYER, DEMO_SEED } from '../../demo/tenant.js';
import { InputError } from '../../errors.js';
import { parseSeed, type Seed } from '../../emulator/seed.js';
import { startEmulator, type RateLimitOptions } from '../../emulator/server.js';
import type { Io } from '../io.js';

export interface EmulatorCommandOptions {
  seed?: string;
  port: number;
  state?: string;
  rateLimit?: string;
  latency?: number;
  errorRate?: number;
  resetRate?: number;
  lostReplyRate?: number;
  faultSeed?: number;
  tlsCert?: string;
  tlsKey?: string;
}

export async function emulatorCommand(options: EmulatorCommandOptions, io: Io, stop: Promise<void>): Promise<number> {
  let seed: Seed = DEMO_SEED;
  if (options.seed) {
    const text = await readFile(options.seed, 'utf8').catch(() => {
      throw new InputError([{ message: `cannot read seed file ${options.seed}` }]);
    });
    try {
      seed = parseSeed(text);
    } catch (error) {
      throw new InputError([{ location: { file: options.seed, line: 1, column: 1 }, message: (error as Error).message }]);
    }
  }
  const tls = options.tlsCert && options.tlsKey ? { cert: await readFile(options.tlsCert, 'utf8'), key: await readFile(options.tlsKey, 'utf8') } : undefined;
  const emulator = await startEmulator({
    seed,
    tls,
    port: options.port,
    statePath: options.state,
    rateLimit: parseRateLimit(options.rateLimit),
    latencyMs: options.latency,
    faults: { seed: options.faultSeed, serverErrorRate: options.errorRate, resetRate: options.resetRate, lostReplyRate: options.lostReplyRate },
  });
  io.err(`Auth0 Management API emulator for ${seed.tenant} listening on ${emulator.url}\n`);
  io.out(`export AUTH0_DOMAIN=${emulator.url}\n`);
  if (!options.seed) io.out(`export AUTH0_CLIENT_ID=${DEMO_DEPLOYER.clientId}   # the demo tenant's deployer; its secret is DEMO_DEPLOYER in src/demo/tenant.ts (dist/demo/tenant.js when installed)\n`);
  io.err(`Counters: GET ${emulator.url}/__emulator/stats. Stop with Ctrl-C.\n`);
  await stop;
  await emulator.close();
  return 0;
}

function parseRateLimit(value: string | undefined): RateLimitOptions | undefined {
  if (!value) return undefined;
  const match = /^(\d+):(\d+(?:\.\d+)?)(:lumps)?$/.exec(value);
  if (!match) {
    throw new InputError([
      { message: `--rate-limit "${value}" is not <burst>:<per-second>[:lumps]`, hint: 'For example --rate-limit 50:16, or 50:16:lumps to refill at the top of each second.' },
    ]);
  }
  return { burst: Number(match[1]), perSecond: Number(match[2]), ...(match[3] ? { lumps: true } : {}) };
}

// Starts the emulator on 127.0.0.1 for a test and hands out the CLI environment for it.
import { afterEach } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.js';
import { DEMO_DEPLOYER, DEMO_SEED } from '../../src/demo/tenant.js';
import type { Seed } from '../../src/emulator/seed.js';

export { DEMO_DEPLOYER, DEMO_SEED };

type StartEmulator = (options?: Partial<EmulatorOptions> & { seed?: Seed }) => Promise<{ emulator: Emulator; env: Record<string, string> }>;

export const withEmulator: StartEmulator = async (options = {}) => {
  const emulator = await startEmulator({ seed: options.seed ?? DEMO_SEED, randomSeed: 1, ...options });
  return {
    emulator,
    env: { AUTH0_DOMAIN: emulator.url, AUTH0_CLIENT_ID: DEMO_DEPLOYER.clientId, AUTH0_CLIENT_SECRET: DEMO_DEPLOYER.clientSecret },
  };
};

/**
 * For a test file: withEmulator whose emulators are closed after each test
 * (`const withEmulator = emulatorsClosedAfterEach();` at the top of the file).
 */
export function emulatorsClosedAfterEach(): StartEmulator {
  let running: Emulator[] = [];
  afterEach(async () => {
    await Promise.all(running.map((e) => e.close()));
    running = [];
  });
  return async (options) => {
    const started = await withEmulator(options);
    running.push(started.emulator);
    return started;
  };
}

/** Calls one of the emulator's `/__emulator/` endpoints with its admin token (or the `token` given). */
export async function adminRequest(
  emulator: Pick<Emulator, 'url' | 'adminToken'>,
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: string; token?: string | null } = {},
): Promise<{ status: number; body: unknown }> {
  const token = opts.token === undefined ? emulator.adminToken : opts.token;
  const res = await fetch(`${emulator.url}/__emulator/${path}`, { method, body: opts.body, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Requests that could have changed the tenant (any write route), whatever their status. */
export function writeRequests(emulator: Emulator): number {
  const routes = emulator.stats().byRoute;
  return Object.entries(routes)
    .filter(([route]) => /^(POST|PATCH|DELETE) \/api\/v2\//.test(route))
    .reduce((n, [, count]) => n + count, 0);
}

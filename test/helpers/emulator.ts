// Starts the emulator on 127.0.0.1 for a test and hands out the CLI environment for it.
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.js';
import { DEMO_DEPLOYER, DEMO_SEED } from '../../src/demo/tenant.js';
import type { Seed } from '../../src/emulator/seed.js';

export { DEMO_DEPLOYER, DEMO_SEED };

export async function withEmulator(options: Partial<EmulatorOptions> & { seed?: Seed } = {}): Promise<{ emulator: Emulator; env: Record<string, string> }> {
  const emulator = await startEmulator({ seed: options.seed ?? DEMO_SEED, randomSeed: 1, ...options });
  return {
    emulator,
    env: { AUTH0_DOMAIN: emulator.url, AUTH0_CLIENT_ID: DEMO_DEPLOYER.clientId, AUTH0_CLIENT_SECRET: DEMO_DEPLOYER.clientSecret },
  };
}

/** Requests that could have changed the tenant (any write route), whatever their status. */
export function writeRequests(emulator: Emulator): number {
  const routes = emulator.stats().byRoute;
  return Object.entries(routes)
    .filter(([route]) => /^(POST|PATCH|DELETE) \/api\/v2\//.test(route))
    .reduce((n, [, count]) => n + count, 0);
}

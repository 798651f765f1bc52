// The emulator as a long-lived tenant: state persisted across restarts, counters over the admin route,
// faults switched on at run time, and the `grantsync emulator` command itself.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/server.js';
import { runCli, startCli } from '../helpers/cli.js';
import { adminRequest, DEMO_DEPLOYER, DEMO_SEED } from '../helpers/emulator.js';

const env = (url: string) => ({ AUTH0_DOMAIN: url, AUTH0_CLIENT_ID: DEMO_DEPLOYER.clientId, AUTH0_CLIENT_SECRET: DEMO_DEPLOYER.clientSecret });

describe('emulator state and counters', () => {
  it('persists the tenant to --state after every write and reloads it on restart', async () => {
    const statePath = path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-state-')), 'tenant.json');
    const first = await startEmulator({ seed: DEMO_SEED, statePath, randomSeed: 9 });
    expect(existsSync(statePath)).toBe(false); // nothing written until a write
    const applied = await runCli(['apply', '--dir', 'grants', '--quiet'], { env: env(first.url) });
    expect(applied.code).toBe(0);
    await first.close();
    expect(existsSync(statePath)).toBe(true);

    const second = await startEmulator({ seed: DEMO_SEED, statePath, randomSeed: 10 });
    try {
      const plan = await runCli(['plan', '--dir', 'grants', '--detailed-exitcode'], { env: env(second.url) });
      expect(plan.code).toBe(0); // the applied tenant came back, not the seed
    } finally {
      await second.close();
    }
  });

  it('serves counters on /__emulator/stats and takes faults at run time', async () => {
    const emulator = await startEmulator({ seed: DEMO_SEED, randomSeed: 11 });
    try {
      await runCli(['plan', '--dir', 'grants', '--quiet'], { env: env(emulator.url) });
      const stats = (await adminRequest(emulator, 'GET', 'stats')).body as { requests: number; byRoute: Record<string, number>; tokensIssued: number };
      expect(stats.byRoute['GET /api/v2/client-grants']).toBe(1);
      expect(stats.tokensIssued).toBe(1);
      // A token, the three listings, and partner-sync's organizations: the list of organizations and
      // that grant's associations (one grant, so per grant is cheaper than per organization).
      expect(stats.requests).toBe(6);

      expect((await adminRequest(emulator, 'POST', 'faults', { body: JSON.stringify({ serverErrorRate: 1 }) })).status).toBe(200);
      const failing = await runCli(['plan', '--dir', 'grants', '--quiet'], { env: { ...env(emulator.url), GRANTSYNC_RETRY_BASE_MS: '1' } });
      expect(failing.code).toBe(1);
      expect(failing.stderr).toMatch(/error: Management API: GET \/api\/v2\/\S+ → 503 The service is unavailable \(injected fault\)/);
    } finally {
      await emulator.close();
    }
  });

  it('`grantsync emulator` prints where it listens and stops on SIGTERM', async () => {
    const emulator = startCli(['emulator', '--port', '0']);
    const { stdout } = await emulator.waitFor(/export AUTH0_DOMAIN=\S+\n/);
    const url = /export AUTH0_DOMAIN=(\S+)/.exec(stdout)![1]!;
    const plan = await runCli(['plan', '--dir', 'grants', '--detailed-exitcode', '--quiet'], { env: env(url) });
    expect(plan.code).toBe(2);
    emulator.child.kill('SIGTERM');
    expect((await emulator.done).code).toBe(0);
  });
});

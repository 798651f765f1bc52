// Issue 14: a plan reads the tenant while it parses the grant files, and lists grants per API side by
// side when that costs no more requests. Request counts and exit codes only, never time.
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import type { Seed, SeedGrant } from '../../src/emulator/seed.js';
import { runCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/directory.js';
import { DEMO_DEPLOYER, withEmulator, writeRequests } from '../helpers/emulator.js';

const TENANT = 'overlap.example.com';
let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** `perApi` grants on each of `apis` APIs, from `clients` clients (every pair at most once). */
function tenant(apis: number, perApi: number, clients: number): { seed: Seed; live: SeedGrant[] } {
  const live: SeedGrant[] = [];
  for (let a = 0; a < apis; a++) {
    for (let i = 0; i < perApi; i++) live.push({ client_id: `c${String(i % clients).padStart(5, '0')}`, audience: `https://api${a}`, scope: ['read'] });
  }
  return {
    live,
    seed: {
      tenant: TENANT,
      clients: [
        { client_id: DEMO_DEPLOYER.clientId, name: 'deployer', app_type: 'non_interactive', client_secret: DEMO_DEPLOYER.clientSecret },
        ...Array.from({ length: clients }, (_, i) => ({ client_id: `c${String(i).padStart(5, '0')}`, name: `svc-${i}` })),
      ],
      resource_servers: Array.from({ length: apis }, (_, i) => ({ identifier: `https://api${i}`, scopes: ['read', 'write'] })),
      client_grants: [{ client_id: DEMO_DEPLOYER.clientId, audience: `https://${TENANT}/api/v2/`, scope: ['read:client_grants', 'read:clients', 'read:resource_servers'] }, ...live],
    },
  };
}

function yaml(grants: SeedGrant[]): string {
  return `grants:\n${grants.map((g) => `  - client_id: ${g.client_id}\n    audience: ${g.audience}\n    scope: [${(g.scope ?? []).join(', ')}]\n`).join('')}`;
}

describe('a plan reads the tenant while it parses the grant files', () => {
  it('lists grants per API side by side when that takes no more pages than one listing', async () => {
    // 4 APIs × 300 grants + the deployer's own grant on the Management API: 1,201 grants, 13 pages
    // in one listing; per API 4 × 3 + 1 = 13 pages, the longest chain 3 pages instead of 13.
    const { seed, live } = tenant(4, 300, 300);
    const started = await withEmulator({ seed });
    emulator = started.emulator;
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'all.yaml': yaml(live) });
    const result = await runCli(['plan', '--dir', dir, '--verbose', '--detailed-exitcode'], { env: started.env });
    expect(result.code).toBe(0); // nothing to do: every grant was read
    expect(result.stderr).toContain('grants: one listing per API side by side (5 APIs, 13 pages)');
    expect(emulator.stats().byRoute).toEqual({
      'POST /oauth/token': 1,
      'GET /api/v2/client-grants': 13,
      'GET /api/v2/clients': 4,
      'GET /api/v2/resource-servers': 1,
    });
  });

  it('keeps one listing when per API would take more pages', async () => {
    // 4 APIs × 250 grants + 1: 11 pages in one listing, 4 × 3 + 1 = 13 per API.
    const { seed, live } = tenant(4, 250, 250);
    const started = await withEmulator({ seed });
    emulator = started.emulator;
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'all.yaml': yaml(live) });
    const result = await runCli(['plan', '--dir', dir, '--verbose', '--detailed-exitcode'], { env: started.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('grants: one listing (11 pages)');
    expect(emulator.stats().byRoute['GET /api/v2/client-grants']).toBe(11);
  });

  it('a YAML error found while requests are in flight exits 1, writes nothing and does not wait for them', async () => {
    // Every answer takes a minute: the token request is still in flight when the broken file is found.
    // Unless it is cancelled, the CLI would wait for it (and runCli would give up after 20 s).
    const { seed, live } = tenant(2, 1500, 1500);
    const started = await withEmulator({ seed, latencyMs: 60_000 });
    emulator = started.emulator;
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'a.yaml': yaml(live), 'b.yaml': 'grants:\n  - client_id: [unclosed\n' });
    const result = await runCli(['plan', '--dir', dir], { env: started.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/b\.yaml:\d+:\d+/);
    expect(result.stderr).not.toMatch(/unhandled|AbortError|cancelled/i);
    expect(emulator.stats().byRoute['POST /oauth/token']).toBe(1); // the read had started
    expect(writeRequests(emulator)).toBe(0);
  });
});

// Benchmark smoke test: request counts only (never time). A plan reads each list once at 100 per
// page plus one token; an apply makes exactly one write per change and one verifying re-read
// (per audience when that takes fewer pages).
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import type { Seed, SeedGrant } from '../../src/emulator/seed.js';
import { parseDomain } from '../../src/api/domain.js';
import { ManagementClient } from '../../src/api/http.js';
import { Redactor } from '../../src/api/redact.js';
import { runCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/directory.js';
import { DEMO_DEPLOYER, withEmulator } from '../helpers/emulator.js';

const TENANT = 'smoke.example.com';
let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function tenant(grants: number, clients: number, apis: number): { seed: Seed; live: SeedGrant[] } {
  const live: SeedGrant[] = Array.from({ length: grants }, (_, i) => ({
    client_id: `c${String(i % clients).padStart(5, '0')}`,
    audience: `https://api${Math.floor(i / clients) % apis}`,
    scope: ['read'],
  }));
  return {
    live,
    seed: {
      tenant: TENANT,
      clients: [
        { client_id: DEMO_DEPLOYER.clientId, name: 'deployer', app_type: 'non_interactive', client_secret: DEMO_DEPLOYER.clientSecret },
        ...Array.from({ length: clients }, (_, i) => ({ client_id: `c${String(i).padStart(5, '0')}`, name: `svc-${i}` })),
      ],
      resource_servers: Array.from({ length: apis }, (_, i) => ({ identifier: `https://api${i}`, scopes: ['read', 'write'] })),
      client_grants: [
        { client_id: DEMO_DEPLOYER.clientId, audience: `https://${TENANT}/api/v2/`, scope: ['read:client_grants', 'create:client_grants', 'update:client_grants', 'delete:client_grants', 'read:clients', 'read:resource_servers'] },
        ...live,
      ],
    },
  };
}

function yaml(grants: SeedGrant[]): string {
  return `grants:\n${grants
    .map((g) => `  - client_id: ${g.client_id}\n    audience: ${g.audience}\n    scope: [${(g.scope ?? []).join(', ')}]\n${g.subject_type === 'user' ? '    subject_type: user\n' : ''}`)
    .join('')}`;
}

describe('request counts', () => {
  it('a plan of 1,000 grants makes the minimum number of requests', async () => {
    const { seed, live } = tenant(1000, 250, 8);
    const started = await withEmulator({ seed });
    emulator = started.emulator;
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'all.yaml': yaml(live) });
    const result = await runCli(['plan', '--dir', dir, '--quiet', '--detailed-exitcode'], { env: started.env });
    expect(result.code).toBe(0);
    // token + 11 grant pages (1,001 grants) + 3 client pages (251) + 1 resource-server page (9, short)
    expect(emulator.stats().byRoute).toEqual({
      'POST /oauth/token': 1,
      'GET /api/v2/client-grants': 11,
      'GET /api/v2/clients': 3,
      'GET /api/v2/resource-servers': 1,
    });
  });

  it('a plan listing 13 audiences side by side prints nothing but its plan (no listener warning from the shared cancel signal)', async () => {
    // 12 APIs of 100 grants and the Management API: 13 one-page listings at once, as many pages as one listing.
    const { seed, live } = tenant(1200, 100, 12);
    const started = await withEmulator({ seed });
    emulator = started.emulator;
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'all.yaml': yaml(live) });
    const result = await runCli(['plan', '--dir', dir, '--quiet', '--detailed-exitcode'], { env: started.env });
    expect(result.code).toBe(0);
    expect(emulator.stats().byRoute['GET /api/v2/client-grants']).toBe(13);
    expect(result.stderr).toBe('');
  });

  it('an apply of 150 changes makes exactly one write per change', async () => {
    const { seed, live } = tenant(300, 100, 3);
    const started = await withEmulator({ seed });
    emulator = started.emulator;
    const desired = [
      ...live.slice(50, 100).map((g) => ({ ...g, scope: ['read', 'write'] })), // 50 updates
      ...live.slice(100), // unchanged
      ...Array.from({ length: 50 }, (_, i) => ({ client_id: `c${String(i).padStart(5, '0')}`, audience: 'https://api0', scope: ['write'], subject_type: 'user' as const })),
    ];
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\nmax_deletes: 50\n', 'all.yaml': yaml(desired) });
    const result = await runCli(['apply', '--dir', dir, '--quiet'], { env: started.env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const routes = emulator.stats().byRoute;
    expect(routes['POST /api/v2/client-grants']).toBe(50);
    expect(routes['PATCH /api/v2/client-grants/{id}']).toBe(50);
    expect(routes['DELETE /api/v2/client-grants/{id}']).toBe(50);
    // 4 pages before (301 grants); then the verifying re-read: 3 audiences of 100 grants each
    // (the deployer's own grant is not managed) is 3 pages, one fewer than listing all 301 again.
    expect(routes['GET /api/v2/client-grants']).toBe(7);
  });

  it('a listing of one audience follows its cursors like the full one, at 100 per page', async () => {
    // 250 grants on api0, 120 on api1, 5 on api2 (ids interleave, so the cursors skip other audiences' grants).
    const { seed } = tenant(0, 250, 3);
    const grant = (i: number, api: number) => ({ client_id: `c${String(i).padStart(5, '0')}`, audience: `https://api${api}`, scope: ['read'] });
    seed.client_grants!.push(...Array.from({ length: 250 }, (_, i) => grant(i, 0)), ...Array.from({ length: 120 }, (_, i) => grant(i, 1)), ...Array.from({ length: 5 }, (_, i) => grant(i, 2)));
    const started = await withEmulator({ seed });
    emulator = started.emulator;
    const client = new ManagementClient({
      endpoint: parseDomain(emulator.url),
      credentials: { clientId: DEMO_DEPLOYER.clientId, clientSecret: DEMO_DEPLOYER.clientSecret },
      redactor: new Redactor(),
    });
    const all = await client.listGrants();
    emulator.resetStats();
    const lists = await Promise.all([0, 1, 2].map((a) => client.listGrants({ audience: `https://api${a}` })));
    expect(lists.map((l) => l.length)).toEqual([250, 120, 5]);
    for (const [a, list] of lists.entries()) {
      expect(list).toEqual(all.filter((g) => g.audience === `https://api${a}`));
    }
    // 3 + 2 + 1 pages, where listing all 376 grants again would take 4.
    expect(emulator.stats().byRoute).toEqual({ 'GET /api/v2/client-grants': 6 });
  });

  describe('organization access', () => {
    const ORG_SCOPES = ['read:organizations', 'read:organization_client_grants', 'create:organization_client_grants', 'delete:organization_client_grants'];

    /** 200 organizations; 2,000 grants, of which `usingOrganizations` may be used with them (10 associations each). */
    function organizationTenant(usingOrganizations: number): { seed: Seed; yaml: string } {
      const { seed, live } = tenant(2000, 250, 8);
      seed.client_grants![0]!.scope!.push(...ORG_SCOPES);
      seed.organizations = Array.from({ length: 200 }, (_, i) => ({ id: `org_${String(i).padStart(16, '0')}`, name: `org-${i}` }));
      live.slice(0, usingOrganizations).forEach((g, i) => {
        g.organization_usage = 'allow';
        g.organizations = [`org-${i % 200}`];
      });
      const yaml = `grants:\n${live
        .map((g) => `  - client_id: ${g.client_id}\n    audience: ${g.audience}\n    scope: [read]\n${g.organizations ? `    organization_usage: allow\n    organizations: [${g.organizations.join(', ')}]\n` : ''}`)
        .join('')}`;
      return { seed, yaml };
    }

    const organizationRequests = (byRoute: Record<string, number>): Record<string, number> =>
      Object.fromEntries(Object.entries(byRoute).filter(([route]) => route.includes('organization')));

    it('an organization-heavy tenant (200 organizations, 2,000 grants) plans in the minimum number of organization requests', { timeout: 90_000 }, async () => {
      const { seed, yaml } = organizationTenant(2000);
      const started = await withEmulator({ seed });
      emulator = started.emulator;
      const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'all.yaml': yaml });
      const result = await runCli(['plan', '--dir', dir, '--detailed-exitcode', '--verbose'], { env: started.env });
      expect(result.stdout).toContain('No changes.');
      expect(result.code).toBe(0);
      // 2 pages of organizations, then one listing per organization (200), not one per grant (2,000).
      expect(organizationRequests(emulator.stats().byRoute)).toEqual({ 'GET /api/v2/organizations': 2, 'GET /api/v2/organizations/{id}/client-grants': 200 });
      expect(result.stderr).toContain('organization access: one listing per organization (200), fewer than one per grant (2000 grants can have associations)');
    });

    it('with few grants using organizations, it lists per grant instead', { timeout: 90_000 }, async () => {
      const { seed, yaml } = organizationTenant(30);
      const started = await withEmulator({ seed });
      emulator = started.emulator;
      const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'all.yaml': yaml });
      const result = await runCli(['plan', '--dir', dir, '--detailed-exitcode', '--verbose'], { env: started.env });
      expect(result.code).toBe(0);
      expect(organizationRequests(emulator.stats().byRoute)).toEqual({ 'GET /api/v2/organizations': 2, 'GET /api/v2/client-grants/{id}/organizations': 30 });
      expect(result.stderr).toContain('organization access: one listing per grant (30 grants can have associations), fewer than one per organization (200)');
    });

    it('a tenant with organizations but no grant that uses them makes no organization request', { timeout: 90_000 }, async () => {
      const { seed, yaml } = organizationTenant(0);
      const started = await withEmulator({ seed });
      emulator = started.emulator;
      const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'all.yaml': yaml });
      const result = await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env: started.env });
      expect(result.code).toBe(0);
      expect(organizationRequests(emulator.stats().byRoute)).toEqual({});
    });
  });
});

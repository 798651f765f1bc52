// Every grant Auth0 has, end to end against the emulator: wildcard grants, RAR types, default grants,
// organization associations, and live grants with fields grantsync does not know (never touched).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import type { Seed } from '../../src/emulator/seed.js';
import { runCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/directory.js';
import { DEMO_DEPLOYER, withEmulator } from '../helpers/emulator.js';

const TENANT = 'kinds.example.com';
const MAPI = `https://${TENANT}/api/v2/`;
const READ_WRITE = ['read:client_grants', 'create:client_grants', 'update:client_grants', 'delete:client_grants', 'read:clients', 'read:resource_servers'];
const ORG_SCOPES = ['read:organizations', 'read:organization_client_grants', 'create:organization_client_grants', 'delete:organization_client_grants'];
const id = (name: string): string => `${name}${'x'.repeat(32 - name.length)}`;

function seed(deployerScopes: string[] = [...READ_WRITE, ...ORG_SCOPES]): Seed {
  return {
    tenant: TENANT,
    clients: [
      { client_id: DEMO_DEPLOYER.clientId, name: 'deployer', app_type: 'non_interactive', client_secret: DEMO_DEPLOYER.clientSecret },
      ...['partner-sync', 'wild', 'checkout', 'anon', 'future', 'reports'].map((name) => ({ client_id: id(name), name, app_type: 'non_interactive' })),
    ],
    resource_servers: [
      { identifier: 'https://api.example.com/orders', name: 'Orders', scopes: ['read:orders', 'write:orders'] },
      { identifier: 'https://api.example.com/catalog', name: 'Catalog', scopes: ['read:catalog'] },
    ],
    organizations: [
      { id: 'org_acme000000000000', name: 'acme' },
      { id: 'org_globex0000000000', name: 'globex' },
      { id: 'org_initech000000000', name: 'initech' },
    ],
    client_grants: [
      { client_id: DEMO_DEPLOYER.clientId, audience: MAPI, scope: deployerScopes },
      { client: 'partner-sync', audience: 'https://api.example.com/orders', scope: ['read:orders'], organization_usage: 'allow', organizations: ['acme', 'globex'] },
      { client: 'wild', audience: 'https://api.example.com/orders', allow_all_scopes: true },
      { client: 'checkout', audience: 'https://api.example.com/orders', scope: [], subject_type: 'user', authorization_details_types: ['payment'] },
      { audience: 'https://api.example.com/catalog', scope: ['read:catalog'], default_for: 'third_party_clients' },
      // Fields from a newer Auth0: these two must survive every run, whatever the YAML says.
      { client: 'anon', audience: 'https://api.example.com/orders', scope: ['read:orders'], extra: { subject_type: 'anonymous_user' } },
      { client: 'future', audience: 'https://api.example.com/catalog', scope: ['read:catalog'], extra: { token_exchange: { enabled: true } } },
    ],
  };
}

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(s: Seed = seed()) {
  const started = await withEmulator({ seed: s });
  emulator = started.emulator;
  return started;
}

const unknownGrants = (e: Emulator): string =>
  JSON.stringify(e.store.state.grants.filter((g) => g.client_id === id('anon') || g.client_id === id('future')));
const associations = (e: Emulator): Record<string, string[]> =>
  Object.fromEntries(
    Object.entries(e.store.state.organizationGrants ?? {}).map(([org, ids]) => [
      org,
      ids.map((gid) => e.store.state.clients.find((c) => c.client_id === e.store.grantById(gid)?.client_id)?.name ?? gid).sort(),
    ]),
  );

describe('every grant Auth0 has', () => {
  it('export writes every field and association; the plan of the export is empty', { timeout: 90_000 }, async () => {
    const { env } = await start();
    const dir = writeTree({});
    const exported = await runCli(['export', '--dir', dir, '--force'], { env });
    expect(exported.code).toBe(0);
    const orders = readFileSync(path.join(dir, 'orders.yaml'), 'utf8');
    expect(orders).toContain('  - client: partner-sync\n    audience: https://api.example.com/orders\n    scope: [read:orders]\n    organization_usage: allow\n    organizations: [acme, globex]\n');
    expect(orders).toContain('  - client: wild\n    audience: https://api.example.com/orders\n    allow_all_scopes: true\n');
    expect(orders).toContain('    subject_type: user\n    authorization_details_types: [payment]\n');
    expect(readFileSync(path.join(dir, 'catalog.yaml'), 'utf8')).toContain('  - default_for: third_party_clients\n    audience: https://api.example.com/catalog\n    scope: [read:catalog]\n');
    const plan = await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env });
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
    // The grants with unknown fields are unmanaged, and the warning names the field.
    expect(plan.stderr).toContain('has subject_type "anonymous_user", which grantsync does not know; it is left alone (unmanaged)');
    expect(plan.stderr).toContain('has key "token_exchange", which grantsync does not know');
  });

  it('plans, applies and converges changes of every kind; unknown grants survive; re-plan is empty', { timeout: 90_000 }, async () => {
    const { env, emulator: e } = await start();
    const before = unknownGrants(e);
    const dir = writeTree({
      'grantsync.yaml': 'manage: all\nmax_deletes: 5\n',
      'orders.yaml': [
        'grants:',
        '  - client: partner-sync',
        '    audience: https://api.example.com/orders',
        '    scope: [read:orders]',
        '    organization_usage: allow',
        '    organizations: [acme, org_initech000000000]',
        '  - client: wild',
        '    audience: https://api.example.com/orders',
        '    scope: [read:orders]',
        '  - client: checkout',
        '    audience: https://api.example.com/orders',
        '    scope: []',
        '    subject_type: user',
        '    authorization_details_types: [payment, shipping]',
        '  - client: reports',
        '    audience: https://api.example.com/orders',
        '    allow_all_scopes: true',
        '    organization_usage: require',
        '    organizations: [globex]',
        '',
      ].join('\n'),
      'catalog.yaml': 'grants:\n  - default_for: third_party_clients\n    audience: https://api.example.com/catalog\n    scope: []\n',
    });
    const plan = await runCli(['plan', '--dir', dir], { env: { ...env, NO_COLOR: '1' } });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('- org globex');
    expect(plan.stdout).toContain('+ org initech');
    expect(plan.stdout).toContain('+ org globex');
    expect(plan.stdout).toContain('! wildcard');
    expect(plan.stdout).toContain('default grant for every third-party client');
    expect(plan.stdout).toContain('! fleet-wide');
    expect(plan.stdout).toContain('- (all scopes)');
    expect(plan.stdout).toContain('~ authorization_details_types: [payment] → [payment, shipping]');
    const json = JSON.parse((await runCli(['plan', '--dir', dir, '--format', 'json'], { env })).stdout) as { changes: { client_id: string | null; default_for?: string; organizations?: unknown }[] };
    expect(json.changes.find((c) => c.client_id === id('partner-sync'))?.organizations).toEqual([
      { change: '-', id: 'org_globex0000000000', name: 'globex' },
      { change: '+', id: 'org_initech000000000', name: 'initech' },
    ]);
    expect(json.changes.find((c) => c.client_id === null)?.default_for).toBe('third_party_clients');
    const markdown = await runCli(['plan', '--dir', dir, '--format', 'markdown'], { env });
    expect(markdown.stdout).toContain('  - org globex');
    expect(markdown.stdout).toContain('  + org initech');

    const applied = await runCli(['apply', '--dir', dir, '--quiet'], { env });
    expect(applied.stderr).not.toContain('error');
    expect(applied.code).toBe(0);
    expect(associations(e)).toEqual({ org_acme000000000000: ['partner-sync'], org_globex0000000000: ['reports'], org_initech000000000: ['partner-sync'] });
    const wild = e.store.state.grants.find((g) => g.client_id === id('wild'))!;
    expect(wild.scope).toEqual(['read:orders']);
    expect(e.store.state.grants.find((g) => g.client_id === id('reports'))!.allow_all_scopes).toBe(true);
    expect(unknownGrants(e)).toBe(before);

    const again = await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);
    expect(unknownGrants(e)).toBe(before);
  });

  it('removed associations count against max_deletes', async () => {
    const { env } = await start();
    const dir = writeTree({
      'grantsync.yaml': 'manage: { audiences: [https://api.example.com/orders] }\nmax_deletes: 0\nexclude: { clients: [wild, checkout] }\n',
      'orders.yaml': 'grants:\n  - client: partner-sync\n    audience: https://api.example.com/orders\n    scope: [read:orders]\n    organization_usage: allow\n',
    });
    const applied = await runCli(['apply', '--dir', dir], { env });
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toContain('removes 2 organization associations (2 removals), more than max_deletes (0)');
  });

  it('an unknown organization name gets a did-you-mean, at file:line', async () => {
    const { env } = await start();
    const dir = writeTree({
      'grantsync.yaml': 'manage: { audiences: [https://api.example.com/orders] }\nexclude: { clients: [wild, checkout] }\n',
      'orders.yaml': 'grants:\n  - client: partner-sync\n    audience: https://api.example.com/orders\n    scope: [read:orders]\n    organization_usage: allow\n    organizations: [acme, globx]\n',
    });
    const plan = await runCli(['plan', '--dir', dir], { env });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('orders.yaml:6:27: error: no organization is named "globx" or has that id');
    expect(plan.stderr).toContain('Did you mean "globex"?');
  });

  it('credentials without the organization scopes: one error naming them, only when associations are needed', async () => {
    const { env } = await start(seed(READ_WRITE));
    const withOrganizations = writeTree({
      'grantsync.yaml': 'manage: { audiences: [https://api.example.com/orders] }\nexclude: { clients: [wild, checkout] }\n',
      'orders.yaml': 'grants:\n  - client: partner-sync\n    audience: https://api.example.com/orders\n    scope: [read:orders]\n    organization_usage: allow\n    organizations: [acme, globex]\n',
    });
    const refused = await runCli(['plan', '--dir', withOrganizations], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('lack the scopes read:organizations, read:organization_client_grants needed to read organization access');
    // No managed grant can have associations: the same credentials plan without reading any.
    const without = writeTree({
      'grantsync.yaml': 'manage: { audiences: [https://api.example.com/catalog] }\n',
      'catalog.yaml': 'grants:\n  - default_for: third_party_clients\n    audience: https://api.example.com/catalog\n    scope: [read:catalog]\n',
    });
    const plan = await runCli(['plan', '--dir', without, '--detailed-exitcode'], { env });
    expect(plan.stderr).not.toContain('error');
    expect(plan.code).toBe(0);
  });
});

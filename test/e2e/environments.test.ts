// dev and prod directories share grant files through `include:` and differ through `vars:`.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Seed } from '../../src/emulator/seed.js';
import { runCli } from '../helpers/cli.js';
import { DEMO_DEPLOYER, emulatorsClosedAfterEach } from '../helpers/emulator.js';

const FIXTURES = path.resolve('test/fixtures/environments');
const withEmulator = emulatorsClosedAfterEach();

function tenantSeed(name: string, apiHost: string, mailer: string, extraClients: { client_id: string; name: string }[] = []): Seed {
  return {
    tenant: name,
    clients: [
      { client_id: DEMO_DEPLOYER.clientId, name: 'deployer', app_type: 'non_interactive', client_secret: DEMO_DEPLOYER.clientSecret },
      { client_id: `billing${name.slice(0, 4)}`, name: 'billing-worker' },
      { client_id: `mailer${name.slice(0, 4)}`, name: mailer },
      ...extraClients,
    ],
    resource_servers: [{ identifier: `https://${apiHost}/payments`, scopes: ['read:invoices', 'write:refunds'] }],
    client_grants: [
      { client_id: DEMO_DEPLOYER.clientId, audience: `https://${name}/api/v2/`, scope: ['read:client_grants', 'create:client_grants', 'update:client_grants', 'delete:client_grants', 'read:clients', 'read:resource_servers'] },
      { client_id: `billing${name.slice(0, 4)}`, audience: `https://${apiHost}/payments`, scope: ['read:invoices'] },
    ],
  };
}

/**
 * The tenant check compares `tenant:` with the host of AUTH0_DOMAIN; the emulator's is 127.0.0.1:port.
 * `tenant:` takes no variables, so each run gets a copy of the fixtures whose pins name the emulators.
 */
async function environment(seed: Seed) {
  const started = await withEmulator({ seed });
  return { ...started, host: new URL(started.emulator.url).host };
}

function fixturesPinnedTo(hosts: { dev: string; prod: string }): string {
  const root = mkdtempSync(path.join(tmpdir(), 'grantsync-envs-'));
  cpSync(FIXTURES, root, { recursive: true });
  for (const env of ['dev', 'prod'] as const) {
    const file = path.join(root, env, 'grantsync.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(`tenant: ${env}.example.com`, `tenant: ${hosts[env]}`));
  }
  return root;
}

describe('one repository, several tenants', () => {
  it('plans and applies dev and prod from shared files, each with its own values', { timeout: 90_000 }, async () => {
    const dev = await environment(tenantSeed('dev.example.com', 'api.dev.example.com', 'invoice-mailer-dev', [{ client_id: 'debugDev', name: 'debug-console' }]));
    const prod = await environment(tenantSeed('prod.example.com', 'api.example.com', 'invoice-mailer'));
    const ROOT = fixturesPinnedTo({ dev: dev.host, prod: prod.host });

    const devPlan = await runCli(['plan', '--dir', path.join(ROOT, 'dev'), '--format', 'json'], { env: dev.env });
    expect(devPlan.stderr).toBe('');
    const devChanges = JSON.parse(devPlan.stdout).changes.map((c: { action: string; client_name: string; audience: string }) => `${c.action} ${c.client_name} ${c.audience}`);
    expect(devChanges).toEqual([
      'update billing-worker https://api.dev.example.com/payments',
      'create invoice-mailer-dev https://api.dev.example.com/payments',
      'create debug-console https://dev.example.com/api/v2/',
    ]);

    const prodPlan = await runCli(['plan', '--dir', path.join(ROOT, 'prod'), '--format', 'json'], { env: prod.env });
    const prodChanges = JSON.parse(prodPlan.stdout).changes.map((c: { action: string; client_name: string; audience: string }) => `${c.action} ${c.client_name} ${c.audience}`);
    expect(prodChanges).toEqual(['update billing-worker https://api.example.com/payments', 'create invoice-mailer https://api.example.com/payments']);

    for (const [env, dir] of [[dev.env, 'dev'], [prod.env, 'prod']] as const) {
      expect((await runCli(['apply', '--dir', path.join(ROOT, dir), '--quiet'], { env })).code).toBe(0);
      expect((await runCli(['plan', '--dir', path.join(ROOT, dir), '--detailed-exitcode'], { env })).code).toBe(0);
    }
  });

  it('the pinned tenant protects each directory from the other tenant', async () => {
    const prod = await environment(tenantSeed('prod.example.com', 'api.example.com', 'invoice-mailer'));
    const result = await runCli(['plan', '--dir', path.join(FIXTURES, 'dev')], { env: prod.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: this directory describes tenant dev.example.com, but AUTH0_DOMAIN points at 127.0.0.1:');
    expect(prod.emulator.stats().requests).toBe(0);
  });

  it('variables cannot move the pin: `tenant:` takes no variables, and only GRANTSYNC_VAR_<NAME> overrides a var', async () => {
    const prod = await environment(tenantSeed('prod.example.com', 'api.example.com', 'invoice-mailer'));
    const dev = await environment(tenantSeed('dev.example.com', 'api.dev.example.com', 'invoice-mailer-dev'));
    const ROOT = fixturesPinnedTo({ dev: dev.host, prod: prod.host });

    // A pin through a variable is an error at its line, before any request.
    const file = path.join(ROOT, 'prod', 'grantsync.yaml');
    const pinned = readFileSync(file, 'utf8');
    writeFileSync(file, pinned.replace(`tenant: ${prod.host}`, 'tenant: ${TENANT}').replace('vars:\n', `vars:\n  TENANT: ${prod.host}\n`));
    const variable = await runCli(['plan', '--dir', path.join(ROOT, 'prod')], { env: prod.env });
    expect(variable.code).toBe(1);
    expect(variable.stderr).toContain(`${file}:1:9: error: \`tenant:\` takes no variables`);
    expect(prod.emulator.stats().requests).toBe(0);
    writeFileSync(file, pinned);

    // A plain environment variable of a declared name changes nothing; GRANTSYNC_VAR_ does, and the plan says so.
    const plain = await runCli(['plan', '--dir', path.join(ROOT, 'prod'), '--format', 'json', '--quiet'], { env: { ...prod.env, MAILER: 'billing-worker' } });
    expect(JSON.parse(plain.stdout)).toMatchObject({ vars_from_environment: [], summary: { create: 1 } });
    const prefixed = await runCli(['plan', '--dir', path.join(ROOT, 'prod'), '--quiet'], { env: { ...prod.env, GRANTSYNC_VAR_MAILER: 'invoice-mailer' } });
    expect(prefixed.code, prefixed.stderr).toBe(0);
    expect(prefixed.stdout).toContain('Variables from the environment: MAILER (GRANTSYNC_VAR_MAILER).');
    const markdown = await runCli(['plan', '--dir', path.join(ROOT, 'prod'), '--quiet', '--format', 'markdown'], { env: { ...prod.env, GRANTSYNC_VAR_MAILER: 'invoice-mailer' } });
    expect(markdown.stdout).toContain('> [!NOTE]\n> Variables from the environment: MAILER (GRANTSYNC\\_VAR\\_MAILER).');
  });
});

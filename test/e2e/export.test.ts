// Adopting a tenant: export → plan is empty; re-export changes no byte; deploy-cli configurations convert.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/emulator/server.js';
import type { Seed, SeedGrant } from '../../src/emulator/seed.js';
import { runCli } from '../helpers/cli.js';
import { DEMO_DEPLOYER, DEMO_SEED, emulatorsClosedAfterEach } from '../helpers/emulator.js';

const withEmulator = emulatorsClosedAfterEach();

async function tenant(seed: Seed) {
  const started = await withEmulator({ seed });
  return started;
}

const outDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-export-')), 'grants');

function snapshot(dir: string): Record<string, { text: string; mtime: number }> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, { text: readFileSync(path.join(dir, f), 'utf8'), mtime: statSync(path.join(dir, f)).mtimeMs }]));
}

/** A random tenant: duplicate names, user grants, organization fields, undefined scopes, allow_all_scopes, system grants. */
function randomTenant(grants: number, seedNumber: number): Seed {
  const random = seededRandom(seedNumber);
  const clients = Math.max(60, Math.ceil(grants / 4));
  const apis = Math.max(3, Math.ceil(grants / 400));
  const scopes = ['read:a', 'write:a', 'read:b', 'write:b', 'admin'];
  const live: SeedGrant[] = [];
  const seen = new Set<string>();
  while (live.length < grants) {
    const c = Math.floor(random() * clients);
    const a = Math.floor(random() * apis);
    const subject = random() < 0.2 ? 'user' : 'client';
    const key = `${c}|${a}|${subject}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const usage = random() < 0.1 ? 'allow' : undefined;
    live.push({
      client_id: `client${String(c).padStart(26, '0')}`,
      audience: `https://api${a}.example.com/`,
      scope: scopes.filter(() => random() < 0.4).concat(random() < 0.02 ? ['undefined:scope'] : []),
      subject_type: subject,
      ...(usage ? { organization_usage: usage, allow_any_organization: random() < 0.5 } : {}),
      ...(random() < 0.005 ? { allow_all_scopes: true } : {}),
    });
  }
  return {
    tenant: `t${seedNumber}.example.com`,
    clients: [
      { client_id: DEMO_DEPLOYER.clientId, name: 'deployer', app_type: 'non_interactive', client_secret: DEMO_DEPLOYER.clientSecret },
      ...Array.from({ length: clients }, (_, i) => ({ client_id: `client${String(i).padStart(26, '0')}`, name: i % 17 === 3 ? 'shared name' : `service ${i}: "quoted"` })),
      { client_id: 'expressCfg000000000000000000000X', name: 'Express', app_type: 'express_configuration' },
    ],
    resource_servers: Array.from({ length: apis }, (_, i) => ({ identifier: `https://api${i}.example.com/`, name: i === 1 ? 'API 0' : `API ${i}`, scopes })),
    client_grants: [
      // Some grants may be used with organizations: export reads their associations.
      { client_id: DEMO_DEPLOYER.clientId, audience: `https://t${seedNumber}.example.com/api/v2/`, scope: ['read:client_grants', 'read:clients', 'read:resource_servers', 'read:organizations', 'read:organization_client_grants'] },
      { client_id: 'expressCfg000000000000000000000X', audience: `https://t${seedNumber}.example.com/api/v2/`, scope: ['read:users'], is_system: true },
      { client_id: 'client00000000000000000000000001', audience: `https://t${seedNumber}.example.com/api/v2/`, scope: ['read:logs'] },
      ...live,
    ],
  };
}

describe('export', () => {
  it('the demo tenant: the first plan of the export is empty, and re-exporting changes no byte', async () => {
    const { env } = await tenant(DEMO_SEED);
    const dir = outDir();
    const exported = await runCli(['export', '--dir', dir], { env });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`Exported 8 grants of ${new URL(env.AUTH0_DOMAIN!).host} to ${dir}`);
    expect(readdirSync(dir).sort()).toEqual(['auth0-management-api.yaml', 'grantsync.yaml', 'ledger.yaml', 'notifications.yaml', 'payments.yaml']);
    expect(readFileSync(path.join(dir, 'payments.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=.*schema\/grants\.schema\.json\n/);

    const plan = await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env });
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);

    const before = snapshot(dir);
    expect((await runCli(['export', '--dir', dir], { env })).code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
  });

  it.each([[200, 1], [1500, 2], [5000, 3]])('a random tenant of %i grants exports to an empty plan', async (grants, seedNumber) => {
    const { env } = await tenant(randomTenant(grants, seedNumber));
    const dir = outDir();
    const exported = await runCli(['export', '--dir', dir, '--quiet'], { env, timeoutMs: 60_000 });
    expect(exported.code).toBe(0);
    const plan = await runCli(['plan', '--dir', dir, '--detailed-exitcode', '--format', 'json', '--quiet'], { env, timeoutMs: 60_000 });
    expect(plan.stderr).toBe('');
    expect(JSON.parse(plan.stdout).changes).toEqual([]);
    expect(plan.code).toBe(0);
  });

  it('refuses to overwrite YAML it did not write', async () => {
    const { env } = await tenant(DEMO_SEED);
    const dir = outDir();
    expect((await runCli(['export', '--dir', dir], { env })).code).toBe(0);
    writeFileSync(path.join(dir, 'mine.yaml'), 'grants: []\n');
    const again = await runCli(['export', '--dir', dir], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`error: ${dir} already holds YAML that grantsync export did not write (mine.yaml)`);
  });
});

describe('migrating from auth0-deploy-cli', () => {
  // The demo tenant after `npm run demo` is what these deploy-cli files describe.
  async function demoAfterApply(withDefaultGrant = false) {
    const started = await tenant(DEMO_SEED);
    const applied = await runCli(['apply', '--dir', 'grants', '--quiet'], { env: started.env });
    expect(applied.code).toBe(0);
    // deploy-cli also declares shared-tool A's ledger grant; add it to the tenant it describes.
    started.emulator.store.createGrant({ client_id: 'sharedToolA999999999999999999999', audience: 'https://api.example.com/ledger', scope: [] });
    // The demo's default grant: tenant.yaml declares it too; the directory format cannot, so that
    // tenant has none.
    if (!withDefaultGrant) {
      const fleetWide = started.emulator.store.state.grants.find((g) => g.default_for === 'third_party_clients')!;
      started.emulator.store.deleteGrant(fleetWide.id);
    }
    return started;
  }

  it.each(['yaml/tenant.yaml', 'directory'])('%s converts to files whose plan against that tenant is empty', async (source) => {
    const { env } = await demoAfterApply(source.endsWith('.yaml'));
    const dir = outDir();
    const converted = await runCli(
      ['export', '--dir', dir, '--from-deploy-cli', `test/fixtures/deploy-cli/${source}`, '--keyword', 'API_HOST=api.example.com', '--keyword', 'MAILER_SCOPES=["read:invoices"]'],
      { env },
    );
    expect(converted.code).toBe(0);
    // tenant.yaml's default grant is converted too (it used to be dropped with a warning).
    expect(converted.stdout).toContain(source.endsWith('.yaml') ? 'Converted 8 grants' : 'Converted 7 grants');
    expect(converted.stderr).not.toContain('default_for');
    if (source.endsWith('.yaml')) {
      expect(readFileSync(path.join(dir, 'api-example-com-notifications.yaml'), 'utf8')).toContain('  - default_for: third_party_clients\n    audience: https://api.example.com/notifications\n    scope: [send:email]\n');
    }
    const text = readFileSync(path.join(dir, 'auth0-management-api.yaml'), 'utf8');
    expect(text).toContain('    audience: auth0-management-api');
    expect(readFileSync(path.join(dir, 'api-example-com-ledger.yaml'), 'utf8')).toContain('  - client_id: sharedToolA999999999999999999999');

    // The deploy-cli files do not list every grant of the tenant; manage only their APIs. They have no
    // Organization associations either, so the demo's partner-sync stays out (as legacy-batch does).
    const settingsFile = path.join(dir, 'grantsync.yaml');
    writeFileSync(settingsFile, readFileSync(settingsFile, 'utf8').replace('manage: all', 'manage: { audiences: [https://api.example.com/payments, https://api.example.com/notifications, https://api.example.com/ledger, auth0-management-api] }\nexclude: { clients: [legacy-batch, partner-sync] }'));
    const plan = await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env });
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
  });

  it('keywords without a value become ${NAME} variables that the environment can set', async () => {
    const { env } = await demoAfterApply();
    const dir = outDir();
    const converted = await runCli(['export', '--dir', dir, '--from-deploy-cli', 'test/fixtures/deploy-cli/directory', '--keyword', 'MAILER_SCOPES=["read:invoices"]'], { env });
    expect(converted.code).toBe(0);
    expect(readFileSync(path.join(dir, 'grantsync.yaml'), 'utf8')).toContain('vars:\n  API_HOST: ""  # deploy-cli keyword ##API_HOST##');
    const payments = readdirSync(dir).find((f) => readFileSync(path.join(dir, f), 'utf8').includes('audience: "https://${API_HOST}/payments"'));
    expect(payments).toBeDefined();
    const settingsFile = path.join(dir, 'grantsync.yaml');
    writeFileSync(settingsFile, readFileSync(settingsFile, 'utf8').replace('manage: all', 'manage: { audiences: [https://api.example.com/payments, https://api.example.com/notifications, https://api.example.com/ledger, auth0-management-api] }\nexclude: { clients: [legacy-batch, partner-sync] }'));
    const unset = await runCli(['plan', '--dir', dir], { env });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('no API has the identifier "https:///payments"');
    // Since issue 19 only the prefixed name overrides a var, and the plan says where the value came from.
    expect((await runCli(['plan', '--dir', dir], { env: { ...env, API_HOST: 'api.example.com' } })).code).toBe(1);
    const plan = await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env: { ...env, GRANTSYNC_VAR_API_HOST: 'api.example.com' } });
    expect(plan.stdout).toContain('No changes.');
    expect(plan.stdout).toContain('Variables from the environment: API_HOST (GRANTSYNC_VAR_API_HOST).');
    expect(plan.code).toBe(0);
    expect(readFileSync(settingsFile, 'utf8')).toContain('per run with GRANTSYNC_VAR_API_HOST=…');
  });
});

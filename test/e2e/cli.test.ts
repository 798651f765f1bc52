// The built CLI as a child process against the emulator over HTTP: plan, apply, re-plan, exit codes, rails.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { DEMO_DEPLOYER, emulatorsClosedAfterEach, writeRequests } from '../helpers/emulator.js';
import { writeTree } from '../helpers/directory.js';

const REPO_GRANTS = path.resolve('grants');
const withEmulator = emulatorsClosedAfterEach();

async function tenant(options: Parameters<typeof withEmulator>[0] = {}) {
  const started = await withEmulator(options);
  return started;
}

function copyOfGrants(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'grantsync-e2e-'));
  cpSync(REPO_GRANTS, dir, { recursive: true });
  return dir;
}

describe('plan → apply → plan', () => {
  it('converges the demo tenant and the second plan is empty', async () => {
    const { emulator, env } = await tenant();
    const dir = copyOfGrants();

    const first = await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env });
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('Plan: 2 to create, 4 to update, 1 to delete.');
    expect(first.stdout).toContain('  + create  fraud-scorer (frdScorer444444444444444444444D)');
    expect(first.stdout).toContain('! privilege-increase');
    expect(writeRequests(emulator)).toBe(0);

    const applied = await runCli(['apply', '--dir', dir], { env });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Applied 7 of 7 changes.');
    expect(applied.stdout).toContain('Verified: the tenant now matches the YAML.');
    // Exactly one write per change: no PATCH of unchanged grants, no retries. partner-sync's move from
    // globex to acme changes only associations: one POST and one DELETE, and no PATCH of the grant.
    expect(emulator.stats().writes).toBe(8);
    expect(writeRequests(emulator)).toBe(8);
    const partner = emulator.store.state.grants.find((g) => g.client_id === 'partnerSync00000000000000000000J')!;
    expect(emulator.store.state.organizationGrants).toMatchObject({ org_AcmeDemo00000001: [partner.id], org_GlobexDemo00002: [] });

    const second = await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('No changes. The tenant matches the YAML.');

    // Unmanaged grants were left alone: grantsync's own, the excluded client's and the system grant.
    const grants = emulator.store.state.grants;
    expect(grants.find((g) => g.is_system)).toMatchObject({ client_id: 'expressCfg000000000000000000000X', scope: ['read:clients', 'update:clients'] });
    expect(grants.find((g) => g.client_id === DEMO_DEPLOYER.clientId)?.scope).toContain('delete:client_grants');
    expect(grants.find((g) => g.client_id === 'legBatch6666666666666666666666F')?.scope).toEqual(['write:entries']);
  });

  it('prints the JSON contract', async () => {
    const { env } = await tenant();
    const result = await runCli(['plan', '--dir', copyOfGrants(), '--format', 'json'], { env });
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    // Since issue 19: the format of the --out file, and what apply will make of the plan; since issue 12 the review
    // and the least-privilege checks (`warnings`).
    expect(Object.keys(plan)).toEqual(['format', 'tenant', 'tenant_name', 'fingerprint', 'digest', 'summary', 'changes', 'budget', 'refusals', 'vars_from_environment', 'risks', 'access', 'warnings']);
    expect(plan.warnings.map((w: { severity: string; rule: string; line: number }) => [w.severity, w.rule, w.line])).toEqual([
      ['info', 'unheld-scopes', 4],
      ['info', 'unheld-scopes', 4],
    ]);
    expect(plan).toMatchObject({ format: 'grantsync-plan/2', tenant_name: 'demo.grantsync.local', budget: { max_deletes: 5, source: 'settings' }, refusals: [], vars_from_environment: [] });
    expect(plan.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(plan.summary).toEqual({ create: 2, update: 4, delete: 1, replace: 0, unchanged: 2, unmanaged: 3 });
    expect(plan.changes.find((c: { client_name: string }) => c.client_name === 'fraud-scorer')).toEqual({
      action: 'create',
      client_id: 'frdScorer444444444444444444444D',
      client_name: 'fraud-scorer',
      audience: 'https://api.example.com/payments',
      subject_type: 'client',
      before: null,
      after: { scope: ['read:invoices', 'read:refunds'] },
      flags: [],
    });
    // A default grant has no client; it is flagged because it reaches every third-party client.
    expect(plan.changes.find((c: { default_for?: string }) => c.default_for)).toEqual({
      action: 'create',
      client_id: null,
      default_for: 'third_party_clients',
      client_name: null,
      audience: 'https://api.example.com/notifications',
      subject_type: 'client',
      before: null,
      after: { scope: ['send:email'] },
      flags: ['fleet-wide'],
    });
    // Moving a partner from one organization to another: the association lines, by id and name.
    expect(plan.changes.find((c: { client_name: string }) => c.client_name === 'partner-sync')).toMatchObject({
      action: 'update',
      before: { organization_usage: 'require', organizations: ['org_GlobexDemo00002'] },
      after: { organization_usage: 'require', organizations: ['org_AcmeDemo00000001'] },
      organizations: [
        { change: '-', id: 'org_GlobexDemo00002', name: 'globex' },
        { change: '+', id: 'org_AcmeDemo00000001', name: 'acme' },
      ],
    });
    const mapi = plan.changes.find((c: { audience: string }) => c.audience === 'https://demo.grantsync.local/api/v2/');
    expect(mapi).toMatchObject({ action: 'update', before: { scope: ['read:logs'] }, after: { scope: ['read:logs', 'read:stats'] }, flags: ['privilege-increase'] });
  });

  it('renders markdown with privilege increases first', async () => {
    const { env } = await tenant();
    const result = await runCli(['plan', '--dir', copyOfGrants(), '--format', 'markdown'], { env });
    expect(result.code).toBe(0);
    const privileged = result.stdout.indexOf('Privilege increases');
    expect(privileged).toBeGreaterThan(0);
    expect(privileged).toBeLessThan(result.stdout.indexOf('#### Changes'));
    expect(result.stdout).toContain('**Plan: 2 to create, 4 to update, 1 to delete.**');
  });
});

describe('bad input exits 1 with a location and writes nothing', () => {
  it('a YAML syntax error', async () => {
    const { emulator, env } = await tenant();
    const dir = copyOfGrants();
    writeFileSync(path.join(dir, 'ledger.yaml'), 'grants:\n  - client: reporting-etl\n    scope: [read:entries\n');
    const result = await runCli(['apply', '--dir', dir], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir}/ledger.yaml:4:1: error: YAML syntax error`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    // The tenant is read while the grant files are parsed (issue 14): reads may have started, never a write.
    expect(writeRequests(emulator)).toBe(0);
  });

  it('an unknown client name, with the nearest names suggested', async () => {
    const { emulator, env } = await tenant();
    const dir = copyOfGrants();
    writeFileSync(path.join(dir, 'ledger.yaml'), 'grants:\n  - client: reporting-etI\n    audience: https://api.example.com/ledger\n    scope: [read:entries]\n');
    const result = await runCli(['apply', '--dir', dir], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir}/ledger.yaml:2:13: error: no client is named "reporting-etI"\n  Did you mean "reporting-etl"?`);
    expect(writeRequests(emulator)).toBe(0);
  });

  it('an undefined scope, an unknown audience and an ambiguous name, all in one run', async () => {
    const { emulator, env } = await tenant({
      seed: {
        tenant: 'dup.example.com',
        clients: [
          { client_id: DEMO_DEPLOYER.clientId, name: 'deployer', app_type: 'non_interactive', client_secret: DEMO_DEPLOYER.clientSecret },
          { client_id: 'twin1', name: 'twin' },
          { client_id: 'twin2', name: 'twin' },
          { client_id: 'solo1', name: 'solo' },
        ],
        resource_servers: [{ identifier: 'https://api', scopes: ['read:things'] }],
        client_grants: [{ client_id: DEMO_DEPLOYER.clientId, audience: 'https://dup.example.com/api/v2/', scope: ['read:client_grants', 'read:clients', 'read:resource_servers'] }],
      },
    });
    const dir = writeTree({
      'grantsync.yaml': 'manage: all\n',
      'a.yaml': 'grants:\n  - client: solo\n    audience: https://api\n    scope: [read:thing]\n  - client: twin\n    audience: https://api\n    scope: []\n  - client: solo\n    audience: https://apl\n    scope: []\n',
    });
    const result = await runCli(['plan', '--dir', dir], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir}/a.yaml:4:13: error: scope "read:thing" is not defined by the API https://api\n  Did you mean "read:things"?`);
    expect(result.stderr).toContain(`${dir}/a.yaml:5:13: error: 2 clients are named "twin": twin1, twin2`);
    expect(result.stderr).toContain(`${dir}/a.yaml:9:15: error: no API has the identifier "https://apl"`);
    expect(result.stderr).toContain('3 problems found; nothing was changed.');
    expect(writeRequests(emulator)).toBe(0);
  });

  it('a duplicate grant across two files names both places', async () => {
    const { env } = await tenant();
    const dir = copyOfGrants();
    writeFileSync(path.join(dir, 'copy.yaml'), 'grants:\n  - client_id: rptEtl333333333333333333333333C\n    audience: https://api.example.com/ledger\n    scope: [read:entries]\n');
    const result = await runCli(['plan', '--dir', dir], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`${dir}/ledger.yaml:4:5: error: duplicate grant: reporting-etl \\(rptEtl333333333333333333333333C\\) → https://api.example.com/ledger \\(client\\) is also declared at ${dir}/copy.yaml:2:5`),
    );
  });

  it('a tenant mismatch stops the run before any request', async () => {
    const { emulator, env } = await tenant();
    const dir = copyOfGrants();
    writeFileSync(path.join(dir, 'grantsync.yaml'), 'tenant: prod.eu.auth0.com\nmanage: all\n');
    const result = await runCli(['apply', '--dir', dir], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir}/grantsync.yaml:1:9: error: this directory describes tenant prod.eu.auth0.com, but AUTH0_DOMAIN points at ${new URL(emulator.url).host}`);
    expect(emulator.stats().requests).toBe(0);
  });

  it('plain http to a host that is not loopback is refused', async () => {
    const result = await runCli(['plan', '--dir', REPO_GRANTS], { env: { AUTH0_DOMAIN: 'http://acme.eu.auth0.com', AUTH0_ACCESS_TOKEN: 'x' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: AUTH0_DOMAIN "http://acme.eu.auth0.com" uses plain http to a host that is not this machine');
  });

  it('missing credentials are explained', async () => {
    const result = await runCli(['plan', '--dir', REPO_GRANTS], { env: { AUTH0_DOMAIN: 'acme.eu.auth0.com' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: no Management API credentials in the environment\n  Set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET');
  });

  it('a wrong client secret is a clear API error', async () => {
    const { env } = await tenant();
    const result = await runCli(['plan', '--dir', REPO_GRANTS], { env: { ...env, AUTH0_CLIENT_SECRET: 'not-the-right-secret' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: Management API: POST /oauth/token → 401 Unauthorized (access_denied). Check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET\n');
  });
});

describe('safety rails', () => {
  it('refuses more deletes than max_deletes, and --max-deletes allows them', async () => {
    const { emulator, env } = await tenant();
    const dir = copyOfGrants();
    writeFileSync(path.join(dir, 'grantsync.yaml'), 'manage: all\nmax_deletes: 1\nexclude: { clients: [legacy-batch] }\n');
    writeFileSync(path.join(dir, 'payments.yaml'), 'grants: []\n');
    const refused = await runCli(['apply', '--dir', dir], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: apply refused: the plan deletes 4 grants, more than max_deletes (1); nothing was changed.');
    expect(writeRequests(emulator)).toBe(0);

    const allowed = await runCli(['apply', '--dir', dir, '--max-deletes', '4'], { env });
    expect(allowed.code).toBe(0);
    expect(emulator.store.state.grants.filter((g) => g.audience === 'https://api.example.com/payments')).toEqual([]);
  });

  it('applies exactly a saved plan, and refuses one the tenant has moved past', { timeout: 90_000 }, async () => {
    const { emulator, env } = await tenant();
    const dir = copyOfGrants();
    const planFile = path.join(dir, '..', `plan-${path.basename(dir)}.json`);
    const planned = await runCli(['plan', '--dir', dir, '--out', planFile], { env });
    expect(planned.code).toBe(0);
    expect(JSON.parse(readFileSync(planFile, 'utf8')).format).toBe('grantsync-plan/2');

    // Someone changes a managed grant in the Dashboard after the plan was reviewed.
    const mailer = emulator.store.state.grants.find((g) => g.client_id === 'invMailer2222222222222222222222B' && g.audience.endsWith('/payments'))!;
    emulator.store.updateGrant(mailer.id, { scope: ['read:invoices', 'write:invoices'] });
    const stale = await runCli(['apply', '--dir', dir, '--plan', planFile], { env });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`error: apply refused: the plan in ${planFile} is not the plan that today's YAML, settings and tenant produce; nothing was changed.`);
    expect(stale.stderr).toMatch(/fingerprint: "sha256:[0-9a-f]{64}"\n\s+"sha256:[0-9a-f]{64}" \(today\)/);
    expect(writeRequests(emulator)).toBe(0);

    const replanned = await runCli(['plan', '--dir', dir, '--out', planFile], { env });
    expect(replanned.stdout).toContain('- write:invoices');
    const applied = await runCli(['apply', '--dir', dir, '--plan', planFile], { env });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Verified: the tenant now matches the YAML.');
    expect((await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env })).code).toBe(0);
  });

  it('refuses to declare a system grant', async () => {
    const { emulator, env } = await tenant();
    const dir = copyOfGrants();
    writeFileSync(path.join(dir, 'system.yaml'), 'grants:\n  - client: Express Configuration\n    audience: https://demo.grantsync.local/api/v2/\n    scope: [read:clients]\n');
    const result = await runCli(['apply', '--dir', dir], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir}/system.yaml:2:5: error: Express Configuration (expressCfg000000000000000000000X) → https://demo.grantsync.local/api/v2/ is a system grant, which Auth0 does not let anyone change`);
    expect(writeRequests(emulator)).toBe(0);
  });

  it('never declares or changes grantsync\'s own grants', async () => {
    const { emulator, env } = await tenant();
    const dir = copyOfGrants();
    writeFileSync(
      path.join(dir, 'self.yaml'),
      'grants:\n  - client: grantsync-deployer\n    audience: https://demo.grantsync.local/api/v2/\n    scope: [read:client_grants]\n',
    );
    const result = await runCli(['apply', '--dir', dir], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir}/self.yaml:2:13: error: grantsync-deployer (${DEMO_DEPLOYER.clientId}) is the client grantsync runs as`);
    expect(writeRequests(emulator)).toBe(0);
  });
});

describe('the command line', () => {
  it('--help lists the commands and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['validate', 'plan', 'apply', 'emulator']) expect(result.stdout).toContain(command);
    const planHelp = await runCli(['plan', '--help']);
    expect(planHelp.stdout).toContain('--detailed-exitcode');
  });

  it('an unknown command or option exits 1', async () => {
    expect((await runCli(['deploy'])).code).toBe(1);
    expect((await runCli(['plan', '--formt', 'json'])).code).toBe(1);
    expect((await runCli(['plan', '--format', 'yaml'])).code).toBe(1);
  });

  it('validate checks the files without credentials, and says so', async () => {
    const result = await runCli(['validate', '--dir', REPO_GRANTS]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('8 grants are valid (files only');
    expect(result.stderr).toBe(`Validating ${REPO_GRANTS} offline: the files only (AUTH0_DOMAIN is not set).\n`);
    const online = await runCli(['validate', '--dir', REPO_GRANTS], { env: { AUTH0_DOMAIN: 'acme.eu.auth0.com' } });
    expect(online.code).toBe(1);
    expect(online.stderr).toContain('no Management API credentials in the environment');
    const forced = await runCli(['validate', '--dir', REPO_GRANTS, '--offline'], { env: { AUTH0_DOMAIN: 'acme.eu.auth0.com' } });
    expect(forced.stderr).toContain('offline: the files only (--offline)');
  });

  it('validate --offline finds a grant written twice in one file', async () => {
    const dir = copyOfGrants();
    writeFileSync(path.join(dir, 'twice.yaml'), 'grants:\n  - client: reporting-etl\n    audience: https://api.example.com/other\n    scope: [a]\n  - client: reporting-etl\n    audience: https://api.example.com/other\n    scope: [b]\n');
    const result = await runCli(['validate', '--dir', dir, '--offline']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir}/twice.yaml:5:5: error: duplicate grant: client reporting-etl → https://api.example.com/other (client) is also declared at ${dir}/twice.yaml:2:5`);
  });

  it('--verbose logs each request without secrets', async () => {
    const { env } = await tenant();
    const result = await runCli(['plan', '--dir', REPO_GRANTS, '--verbose'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^POST \/oauth\/token 200 \d+ms$/m);
    expect(result.stderr).toMatch(/^GET \/api\/v2\/client-grants\?take=100 200 \d+ms$/m);
  });

  it('apply --verbose says how it re-reads the tenant to verify, then does so', async () => {
    const { env } = await tenant();
    const result = await runCli(['apply', '--dir', REPO_GRANTS, '--verbose'], { env });
    expect(result.code).toBe(0);
    // The demo tenant's grants fit on one page: one listing beats one per API.
    const verifying = result.stderr.search(/^Verifying: re-reading every grant in one listing \(1 page, (under 0\.1 s|about [\d.]+ s)\)$/m);
    expect(verifying).toBeGreaterThan(0);
    expect(result.stderr.slice(verifying)).toMatch(/^GET \/api\/v2\/client-grants\?take=100 200 \d+ms$/m);
  });
});

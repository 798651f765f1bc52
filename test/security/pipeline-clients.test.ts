// Issue 16 finding 2: the two-application set-up (a read-only plan app, a write apply app). The plan a
// reviewer sees and the apply that follows must be the same for any pair of credentials.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import type { Seed } from '../../src/emulator/seed.js';
import { runCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/directory.js';
import { DEMO_DEPLOYER, emulatorsClosedAfterEach, writeRequests } from '../helpers/emulator.js';
import { asApplyApp, asPlanApp, MAPI, PIPELINE_SEED, PLAN_APP } from '../helpers/pipeline-apps.js';
import { SECRETS } from '../helpers/secrets.js';

const OUTSIDER = { clientId: 'gsOutsider000000000000000000000O', clientSecret: 'outsider-secret-for-the-local-emulator' };
if (!SECRETS.includes(OUTSIDER.clientSecret)) SECRETS.push(OUTSIDER.clientSecret);

/** The two-application pipeline of the docs, plus an unlisted client that can also write grants. */
const SEED: Seed = {
  ...PIPELINE_SEED,
  clients: [...PIPELINE_SEED.clients!, { client_id: OUTSIDER.clientId, name: 'other-deployer', app_type: 'non_interactive', client_secret: OUTSIDER.clientSecret }],
  client_grants: [
    ...PIPELINE_SEED.client_grants!,
    { client: 'other-deployer', audience: MAPI, scope: ['read:client_grants', 'read:clients', 'read:resource_servers', 'create:client_grants', 'delete:client_grants'] },
  ],
};

const withEmulator = emulatorsClosedAfterEach();

async function twoApps() {
  const { emulator, env } = await withEmulator({ seed: SEED });
  const asOutsider = { ...env, AUTH0_CLIENT_ID: OUTSIDER.clientId, AUTH0_CLIENT_SECRET: OUTSIDER.clientSecret };
  return { emulator, asPlanApp: asPlanApp(env), asApplyApp: asApplyApp(env), asOutsider };
}

const pipelineGrants = (emulator: Emulator) =>
  emulator.store.state.grants
    .filter((g) => g.client_id === PLAN_APP.clientId || g.client_id === DEMO_DEPLOYER.clientId)
    .map((g) => JSON.stringify(g))
    .sort();

describe('pipeline_clients: plan as one application, apply as the other', () => {
  it('export by the plan app lists both apps; the plan app plans, the apply app applies the same changes and nothing else', { timeout: 90_000 }, async () => {
    const { emulator, asPlanApp, asApplyApp } = await twoApps();
    const before = pipelineGrants(emulator);
    const dir = path.join(writeTree({}), 'grants');

    const exported = await runCli(['export', '--dir', dir, '--pipeline-client', 'grantsync-deployer'], { env: asPlanApp });
    expect(exported.code, exported.stderr).toBe(0);
    const settings = readFileSync(path.join(dir, 'grantsync.yaml'), 'utf8');
    expect(settings).toContain('pipeline_clients:\n  - grantsync-plan  # export ran as this application\n  - grantsync-deployer  # named with --pipeline-client\n');
    // The third client that can write grants is pointed out, not silently managed.
    expect(exported.stderr).toContain('other-deployer can change client grants (Management API), like a pipeline application');
    expect(readFileSync(path.join(dir, 'auth0-management-api.yaml'), 'utf8')).not.toContain('grantsync-');

    for (const env of [asPlanApp, asApplyApp]) {
      expect((await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env })).code).toBe(0);
    }

    // A pull request removes the outsider's grant and narrows the billing worker; the plan app plans it.
    const mapiFile = path.join(dir, 'auth0-management-api.yaml');
    writeFileSync(mapiFile, readFileSync(mapiFile, 'utf8').replace(/ {2}- client: other-deployer[\s\S]*?(?=\n {2}- |\n*$)/, ''));
    const planFile = path.join(dir, '..', 'plan.json');
    const plan = await runCli(['plan', '--dir', dir, '--out', planFile, '--format', 'json'], { env: asPlanApp });
    expect(plan.code, plan.stderr).toBe(0);
    const reviewed = JSON.parse(plan.stdout) as { changes: { action: string; client_id: string }[] };
    expect(reviewed.changes.map((c) => [c.action, c.client_id])).toEqual([['delete', OUTSIDER.clientId]]);

    const applied = await runCli(['apply', '--dir', dir, '--plan', planFile, '--format', 'json'], { env: asApplyApp });
    expect(applied.code, applied.stderr).toBe(0);
    const result = JSON.parse(applied.stdout) as { plan: unknown; outcomes: { action: string; client_id: string }[] };
    expect(result.outcomes.map((o) => [o.action, o.client_id])).toEqual([['delete', OUTSIDER.clientId]]);
    expect(pipelineGrants(emulator)).toEqual(before);
    for (const env of [asPlanApp, asApplyApp]) {
      expect((await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env })).code).toBe(0);
    }
  });

  it('refuses to run as a client that pipeline_clients does not list, before any write', async () => {
    const { emulator, asOutsider } = await twoApps();
    const dir = writeTree({
      'grantsync.yaml': 'manage: all\npipeline_clients: [grantsync-plan, grantsync-deployer]\n',
      'none.yaml': 'grants: []\n',
    });
    const result = await runCli(['apply', '--dir', dir, '--max-deletes', '100'], { env: asOutsider });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${dir}/grantsync.yaml:2:19: error: grantsync runs as other-deployer (${OUTSIDER.clientId}), which pipeline_clients does not list\n`,
    );
    expect(writeRequests(emulator)).toBe(0);
  });

  it('reports an unknown or ambiguous pipeline client at its line, and a grant declared for one', async () => {
    const { emulator, asApplyApp } = await twoApps();
    const dir = writeTree({
      'grantsync.yaml': 'manage: all\npipeline_clients:\n  - grantsync-deployer\n  - grantsync-plna\n  - shared-tool\n',
      'mapi.yaml': `grants:\n  - client: grantsync-deployer\n    audience: ${MAPI}\n    scope: [read:clients]\n`,
    });
    const result = await runCli(['plan', '--dir', dir], { env: asApplyApp });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir}/grantsync.yaml:4:5: error: pipeline_clients names "grantsync-plna", which matches no client in the tenant`);
    expect(result.stderr).toContain('Did you mean "grantsync-plan"?');
    expect(result.stderr).toContain(`${dir}/grantsync.yaml:5:5: error: pipeline_clients names "shared-tool", and 2 clients have that name`);
    expect(result.stderr).toContain(`${dir}/mapi.yaml:2:13: error: grantsync-deployer (${DEMO_DEPLOYER.clientId}) is listed in pipeline_clients`);
    expect(writeRequests(emulator)).toBe(0);
  });

  it('without pipeline_clients, a plan saved by one app is refused when applied by the other (their own grants differ)', async () => {
    const { emulator, asPlanApp, asApplyApp } = await twoApps();
    const dir = writeTree({ 'grantsync.yaml': 'manage: { audiences: [auth0-management-api] }\n', 'mapi.yaml': 'grants: []\n' });
    const planFile = path.join(dir, '..', 'plan.json');
    const plan = await runCli(['plan', '--dir', dir, '--out', planFile], { env: asPlanApp });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('grantsync-deployer');
    const applied = await runCli(['apply', '--dir', dir, '--plan', planFile, '--max-deletes', '100'], { env: asApplyApp });
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain("is not the plan that today's YAML, settings and tenant produce");
    expect(writeRequests(emulator)).toBe(0);
  });
});

describe('max_deletes counts grants emptied of every scope', () => {
  it('refuses a plan that empties more grants than the budget allows', async () => {
    const { emulator, asApplyApp } = await twoApps();
    const dir = writeTree({
      'grantsync.yaml': 'manage: { audiences: [https://api.example.com/payments, https://api.example.com/notifications] }\nmax_deletes: 1\n',
      'apis.yaml': [
        'grants:',
        '  - { client: billing-worker, audience: https://api.example.com/payments, scope: [] }',
        '  - { client: invoice-mailer, audience: https://api.example.com/payments, scope: [] }',
        '  - { client: invoice-mailer, audience: https://api.example.com/notifications, scope: [] }',
        '  - { client: old-exporter, audience: https://api.example.com/payments, scope: [] }',
        '',
      ].join('\n'),
    });
    const refused = await runCli(['apply', '--dir', dir], { env: asApplyApp });
    expect(refused.code).toBe(1);
    // The demo's partner-sync grant on payments is not declared: one delete besides the four emptied.
    expect(refused.stderr).toContain('the plan deletes 1 grant and empties the scopes of 4 more (5 removals), more than max_deletes (1); nothing was changed.');
    expect(writeRequests(emulator)).toBe(0);
    const allowed = await runCli(['apply', '--dir', dir, '--max-deletes', '5'], { env: asApplyApp });
    expect(allowed.code, allowed.stderr).toBe(0);
  });
});

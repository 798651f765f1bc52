// Issue 13: pull-request jobs run code from the pull request, so plan and validate refuse to run there
// with a token that holds any create:/update:/delete: scope (unless --allow-write-credentials), before
// reading the tenant. The scopes come from the token endpoint's answer or the JWT's claims.
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import { ClientCredentialsToken, scopesOf, StaticToken } from '../../src/api/token.js';
import { runCli } from '../helpers/cli.js';
import { emulatorsClosedAfterEach } from '../helpers/emulator.js';
import { asApplyApp, asPlanApp, PIPELINE_SEED, pipelineGrants } from '../helpers/pipeline-apps.js';

const withEmulator = emulatorsClosedAfterEach();

async function setUp() {
  const { emulator, env } = await withEmulator({ seed: PIPELINE_SEED });
  const { dir } = pipelineGrants('grantsync-write-creds-');
  return { emulator, env, dir };
}

/** Requests to the Management API proper (reads included); the token request is not one. */
const apiRequests = (emulator: Emulator): number =>
  Object.entries(emulator.stats().byRoute)
    .filter(([route]) => / \/api\/v2\//.test(route))
    .reduce((n, [, count]) => n + count, 0);

const WRITE_SCOPES = 'create:client_grants, create:organization_client_grants, delete:client_grants, delete:organization_client_grants, update:client_grants';

describe('write credentials in a pull-request job', () => {
  it.each(['pull_request', 'pull_request_target', 'pull_request_review'])('plan and validate refuse them when GITHUB_EVENT_NAME=%s, before reading the tenant', async (event) => {
    const { emulator, env, dir } = await setUp();
    for (const command of ['plan', 'validate']) {
      const result = await runCli([command, '--dir', dir], { env: { ...asApplyApp(env), GITHUB_EVENT_NAME: event } });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain(`this is a pull-request job (GITHUB_EVENT_NAME=${event}), and its Management API credentials hold write scopes: ${WRITE_SCOPES}`);
      expect(result.stderr).toContain('--allow-write-credentials');
      expect(result.stdout).toBe('');
    }
    expect(apiRequests(emulator)).toBe(0);
  });

  it('a read-only application plans and validates in a pull-request job', async () => {
    const { env, dir } = await setUp();
    const plan = await runCli(['plan', '--dir', dir], { env: { ...asPlanApp(env), GITHUB_EVENT_NAME: 'pull_request' } });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Plan: 2 to create, 4 to update, 1 to delete.');
    const validate = await runCli(['validate', '--dir', dir], { env: { ...asPlanApp(env), GITHUB_EVENT_NAME: 'pull_request' } });
    expect(validate.code, validate.stderr).toBe(0);
  });

  it('--allow-write-credentials runs anyway; outside pull requests write credentials may plan', async () => {
    const { env, dir } = await setUp();
    const allowed = await runCli(['plan', '--dir', dir, '--allow-write-credentials'], { env: { ...asApplyApp(env), GITHUB_EVENT_NAME: 'pull_request' } });
    expect(allowed.code, allowed.stderr).toBe(0);
    const validate = await runCli(['validate', '--dir', dir, '--allow-write-credentials'], { env: { ...asApplyApp(env), GITHUB_EVENT_NAME: 'pull_request' } });
    expect(validate.code, validate.stderr).toBe(0);
    for (const event of ['push', undefined]) {
      const result = await runCli(['plan', '--dir', dir], { env: { ...asApplyApp(env), ...(event ? { GITHUB_EVENT_NAME: event } : {}) } });
      expect(result.code, result.stderr).toBe(0);
    }
  });

  it('a token whose scopes cannot be told (opaque) is refused in a pull-request job', async () => {
    const { emulator, env, dir } = await setUp();
    const opaque = { AUTH0_DOMAIN: env.AUTH0_DOMAIN!, AUTH0_ACCESS_TOKEN: 'opaque-token-without-claims', GITHUB_EVENT_NAME: 'pull_request' };
    const result = await runCli(['plan', '--dir', dir], { env: opaque });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the Management API token's scopes cannot be told");
    expect(apiRequests(emulator)).toBe(0);
  });

  it('validate --offline reads no token and is not affected', async () => {
    const { dir } = await setUp();
    const result = await runCli(['validate', '--dir', dir, '--offline'], { env: { GITHUB_EVENT_NAME: 'pull_request' } });
    expect(result.code, result.stderr).toBe(0);
  });
});

describe('the scopes of a token', () => {
  const jwt = (claims: Record<string, unknown>): string => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

  it('come from the JWT scope claim, the permissions claim, or both', () => {
    expect(scopesOf(jwt({ scope: 'read:clients  create:client_grants' }))).toEqual(['create:client_grants', 'read:clients']);
    expect(scopesOf(jwt({ permissions: ['delete:client_grants', 'read:clients'] }))).toEqual(['delete:client_grants', 'read:clients']);
    expect(scopesOf(jwt({ scope: 'read:clients', permissions: ['update:clients'] }))).toEqual(['read:clients', 'update:clients']);
    expect(scopesOf(jwt({ azp: 'x' }))).toBeUndefined();
    expect(scopesOf('opaque')).toBeUndefined();
    expect(new StaticToken(jwt({ scope: 'read:clients' })).scopes).toEqual(['read:clients']);
  });

  it("come from the token endpoint's scope answer first, else the issued JWT", async () => {
    const answered = new ClientCredentialsToken('c', async () => ({ accessToken: jwt({ scope: 'read:clients' }), expiresInSeconds: 60, scope: 'read:clients delete:client_grants' }));
    expect(answered.scopes).toBeUndefined();
    await answered.get();
    expect(answered.scopes).toEqual(['delete:client_grants', 'read:clients']);
    const fromJwt = new ClientCredentialsToken('c', async () => ({ accessToken: jwt({ scope: 'update:client_grants' }), expiresInSeconds: 60 }));
    await fromJwt.get();
    expect(fromJwt.scopes).toEqual(['update:client_grants']);
  });
});

// Issue 16 item 3: a secret that reaches a value (through a variable) never leaves by any output:
// stdout, stderr, the PR comment, the job summary, annotations, step outputs or `plan --out`.
// And the names grantsync reads itself (AUTH0_*, GITHUB_*, …) cannot be declared as vars.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Seed } from '../../src/emulator/seed.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { DEMO_SEED, withEmulator } from '../helpers/emulator.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { writeTree } from '../helpers/directory.js';

const GITHUB_TOKEN = 'ghs_fakeTokenForSecretOutputs000000000';
const DEPLOYER = { clientId: 'secDeployer0000000000000000000Ab', clientSecret: 'sec_ret_with_underscores_that_markdown_escapes' };
const PAY = 'https://api.example.com/payments';
const SEED: Seed = {
  ...DEMO_SEED,
  clients: [...DEMO_SEED.clients!, { client_id: DEPLOYER.clientId, name: 'secret-deployer', app_type: 'non_interactive', client_secret: DEPLOYER.clientSecret }],
  client_grants: [
    ...DEMO_SEED.client_grants!,
    {
      client_id: DEPLOYER.clientId,
      audience: 'https://demo.grantsync.local/api/v2/',
      scope: ['read:client_grants', 'read:clients', 'read:resource_servers', 'read:organizations', 'read:organization_client_grants'],
    },
  ],
};

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

async function setUp(files: Record<string, string>) {
  const { emulator } = await withEmulator({ seed: SEED });
  const github = await startFakeGitHub(GITHUB_TOKEN);
  cleanup.push(() => emulator.close(), () => github.close());
  const root = writeTree(files);
  const work = mkdtempSync(path.join(tmpdir(), 'grantsync-secrets-'));
  writeFileSync(path.join(work, 'event.json'), JSON.stringify({ number: 9, pull_request: { number: 9 } }));
  const files_ = { summary: path.join(work, 'summary.md'), output: path.join(work, 'output.txt'), plan: path.join(work, 'plan.json') };
  writeFileSync(files_.summary, '');
  writeFileSync(files_.output, '');
  const env = {
    AUTH0_DOMAIN: emulator.url,
    AUTH0_CLIENT_ID: DEPLOYER.clientId,
    AUTH0_CLIENT_SECRET: DEPLOYER.clientSecret,
    GITHUB_ACTIONS: 'true',
    GITHUB_TOKEN,
    GITHUB_REPOSITORY: 'acme/grants',
    GITHUB_EVENT_PATH: path.join(work, 'event.json'),
    GITHUB_API_URL: github.url,
    GITHUB_STEP_SUMMARY: files_.summary,
    GITHUB_OUTPUT: files_.output,
  };
  return { emulator, github, env, dir: path.join(root, 'grants'), files: files_ };
}

/** Every output of a run as a reader sees it (markdown escapes removed: `a\_b` reads as `a_b`). */
function everyOutput(run: CliResult, github: { comments: { body: string }[] }, files: Record<string, string>): string[] {
  const written = Object.values(files).filter(existsSync).map((f) => readFileSync(f, 'utf8'));
  return [run.stdout, run.stderr, ...github.comments.map((c) => c.body), ...written].flatMap((text) => [text, text.replace(/\\/g, '')]);
}

describe('a secret in a variable', () => {
  it('a var named like a variable grantsync reads is refused at its key, before any request', async () => {
    const { emulator, github, env, dir, files } = await setUp({
      'grants/grantsync.yaml': 'manage: all\nvars:\n  AUTH0_CLIENT_SECRET: placeholder\n  github_token: x\n',
      'grants/a.yaml': `grants:\n  - client: "\${AUTH0_CLIENT_SECRET}"\n    audience: ${PAY}\n    scope: []\n`,
    });
    const run = await runCli(['plan', '--dir', dir, '--comment'], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${dir}/grantsync.yaml:3:3: error: \`vars\` cannot declare AUTH0_CLIENT_SECRET, because names starting with AUTH0_, GITHUB_, ACTIONS_, RUNNER_ or GRANTSYNC_ are read by grantsync or the CI runner and may hold secrets`);
    expect(run.stderr).toContain(`${dir}/grantsync.yaml:4:3: error: \`vars\` cannot declare github_token, because`);
    expect(run.stderr).toContain('Rename the variable (e.g. GRANTS_CLIENT_SECRET)');
    expect(run.stderr).toContain(`${dir}/a.yaml:2:13: error: \${AUTH0_CLIENT_SECRET} cannot be used`);
    expect(run.stdout).toContain(`::error title=grantsync,file=${dir}/grantsync.yaml,line=3,col=3::\`vars\` cannot declare AUTH0_CLIENT_SECRET`);
    for (const text of everyOutput(run, github, files)) expect(text).not.toContain(DEPLOYER.clientSecret);
    expect(emulator.stats().writes).toBe(0);
  });

  it('a secret reaching a problem message is redacted in stderr, annotations, the comment and the summary', async () => {
    const { github, env, dir, files } = await setUp({
      'grants/grantsync.yaml': 'manage: all\nexclude:\n  clients: [legacy-batch]\nvars:\n  EXTRA_SCOPE: read:refunds\n',
      'grants/a.yaml': `grants:\n  - client: billing-worker\n    audience: ${PAY}\n    scope: ["\${EXTRA_SCOPE}"]\n`,
    });
    // The CI job happens to export the same value as the var's override (GRANTSYNC_VAR_<NAME> since issue 19).
    const run = await runCli(['plan', '--dir', dir, '--comment'], { env: { ...env, GRANTSYNC_VAR_EXTRA_SCOPE: DEPLOYER.clientSecret } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error title=grantsync,file=.*a\.yaml,line=4,col=13::scope "\[REDACTED\]" is not defined/m);
    expect(github.comments[0]!.body).toContain('scope "\\[REDACTED\\]" is not defined');
    expect(readFileSync(files.summary, 'utf8')).toContain('scope "\\[REDACTED\\]" is not defined');
    for (const text of everyOutput(run, github, files)) expect(text).not.toContain(DEPLOYER.clientSecret);
  });

  it('a secret reaching the plan is redacted in every rendering, and plan --out refuses to save it', async () => {
    const { github, env, dir, files } = await setUp({
      'grants/grantsync.yaml': 'manage: { audiences: [https://api.example.com/payments] }\nallow_undefined_scopes: true\nvars:\n  EXTRA_SCOPE: read:refunds\n',
      'grants/a.yaml': `grants:\n  - client: billing-worker\n    audience: ${PAY}\n    scope: ["\${EXTRA_SCOPE}", "\${EXTRA_SCOPE}_2"]\n`,
    });
    const secretEnv = { ...env, GRANTSYNC_VAR_EXTRA_SCOPE: DEPLOYER.clientSecret };
    const runs = [
      await runCli(['plan', '--dir', dir, '--comment', '--out', files.plan], { env: secretEnv }),
      await runCli(['plan', '--dir', dir, '--format', 'markdown'], { env: secretEnv }),
      await runCli(['plan', '--dir', dir, '--format', 'json'], { env: secretEnv }),
    ];
    expect(runs[0]!.code).toBe(1);
    expect(runs[0]!.stderr).toContain(`the plan holds a secret or a token-shaped value, so it was not saved to ${files.plan}`);
    expect(existsSync(files.plan)).toBe(false);
    expect(runs[0]!.stdout).toContain('+ [REDACTED]_2');
    expect(github.comments[0]!.body).toContain('  + [REDACTED]_2');
    expect(readFileSync(files.summary, 'utf8')).toContain('  + [REDACTED]_2');
    expect(readFileSync(files.output, 'utf8')).toContain('has_changes');
    expect(runs[1]!.stdout).toContain('  + [REDACTED]_2');
    expect(JSON.parse(runs[2]!.stdout).changes[0].after.scope).toEqual(['[REDACTED]', '[REDACTED]_2']);
    for (const run of runs) for (const text of everyOutput(run, github, files)) expect(text).not.toContain(DEPLOYER.clientSecret);
  });
});

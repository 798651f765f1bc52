// The least-privilege checks end to end: the built CLI against the emulator, a grant to a SPA (which
// cannot use client credentials) in a YAML file, warned about at its file:line in the text, JSON and
// markdown plans, as a `::warning` annotation in Actions, in the PR comment and the job summary;
// `--strict` turns the warning into exit 1. The listings ask for the fields they need: no extra request.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import { runCli } from '../helpers/cli.js';
import { DEMO_SEED, withEmulator, writeRequests } from '../helpers/emulator.js';
import { startFakeGitHub } from '../helpers/fake-github.js';

const PAY = 'https://api.example.com/payments';
const SHOP = 'webShop0000000000000000000000001';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

/** The demo tenant with one single-page application, and the demo grants plus one grant to it. */
async function setup(): Promise<{ emulator: Emulator; env: Record<string, string>; dir: string; shopFile: string }> {
  const seed = { ...DEMO_SEED, clients: [...DEMO_SEED.clients!, { client_id: SHOP, name: 'web-shop', app_type: 'spa' }] };
  const { emulator, env } = await withEmulator({ seed });
  cleanup.push(() => emulator.close());
  const dir = mkdtempSync(path.join(tmpdir(), 'grantsync-lint-'));
  cpSync(path.resolve('grants'), dir, { recursive: true });
  const shopFile = path.join(dir, 'shop.yaml');
  writeFileSync(shopFile, `grants:\n  - client: web-shop\n    audience: ${PAY}\n    scope: [read:invoices]\n`);
  return { emulator, env, dir, shopFile };
}

const WARNING = "`web-shop` cannot use this grant on `https://api.example.com/payments`: its grant types (`authorization_code`, `implicit`, `refresh_token`) lack `client_credentials`";

interface JsonWarning { severity: string; rule: string; message: string; file?: string; line?: number; column?: number; hint?: string }

describe('least-privilege checks', () => {
  it('warn at the grant\'s file:line in the text and JSON plans; --strict exits 1; no extra request', { timeout: 120_000 }, async () => {
    const { emulator, env, dir, shopFile } = await setup();
    const text = await runCli(['plan', '--dir', dir], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Least-privilege checks (1 warning, 2 notes):');
    expect(text.stdout).toContain(`  ${shopFile}:2:5: warning: ${WARNING}\n`);
    expect(text.stdout).toContain('info: no grant holds scope `send:sms` of `https://api.example.com/notifications`');
    expect(text.stderr).toBe('');
    // One listing each of clients and APIs, as before the checks (test/e2e/requests.test.ts counts them at scale).
    const routes = emulator.stats().byRoute;
    expect([routes['GET /api/v2/clients'], routes['GET /api/v2/resource-servers']]).toEqual([1, 1]);

    const json = await runCli(['plan', '--dir', dir, '--format', 'json'], { env });
    const warnings = (JSON.parse(json.stdout) as { warnings: JsonWarning[] }).warnings;
    expect(warnings.filter((w) => w.severity === 'warning')).toEqual([
      { severity: 'warning', rule: 'client-cannot-use-grant', message: WARNING, file: shopFile, line: 2, column: 5, hint: expect.stringContaining('Client Credentials') },
    ]);
    expect(warnings.filter((w) => w.severity === 'info').map((w) => w.rule)).toEqual(['unheld-scopes', 'unheld-scopes']);

    const strict = await runCli(['plan', '--dir', dir, '--strict', '--detailed-exitcode'], { env });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(WARNING);
    expect(strict.stderr).toBe('--strict: 1 least-privilege warning; exit 1.\n');
    const validate = await runCli(['validate', '--dir', dir, '--strict', '--quiet'], { env });
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain(`${shopFile}:2:5: warning: ${WARNING}`);

    // Notes alone never fail --strict; nothing was written by any of these runs.
    writeFileSync(shopFile, 'grants: []\n');
    expect((await runCli(['plan', '--dir', dir, '--strict'], { env })).code).toBe(0);
    expect(writeRequests(emulator)).toBe(0);
  });

  it('annotate the YAML line in Actions, and show in the PR comment and the job summary', { timeout: 120_000 }, async () => {
    const { env, dir, shopFile } = await setup();
    const token = 'ghs_fakeTokenForTheFakeGitHub000000';
    const github = await startFakeGitHub(token);
    cleanup.push(() => github.close());
    const work = mkdtempSync(path.join(tmpdir(), 'grantsync-lint-actions-'));
    writeFileSync(path.join(work, 'event.json'), JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7 } }));
    writeFileSync(path.join(work, 'summary.md'), '');
    writeFileSync(path.join(work, 'output.txt'), '');
    const actions = {
      ...env,
      GITHUB_ACTIONS: 'true',
      GITHUB_TOKEN: token,
      GITHUB_REPOSITORY: 'acme/grants',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path.join(work, 'event.json'),
      GITHUB_API_URL: github.url,
      GITHUB_STEP_SUMMARY: path.join(work, 'summary.md'),
      GITHUB_OUTPUT: path.join(work, 'output.txt'),
    };
    // The demo deployer can write, so a pull-request job needs the override (test/security/write-credentials.test.ts).
    const result = await runCli(['plan', '--dir', dir, '--comment', '--quiet', '--allow-write-credentials'], { env: actions });
    expect(result.code, result.stderr).toBe(0);
    const annotations = result.stdout.split('\n').filter((line) => line.startsWith('::'));
    expect(annotations).toContain(`::warning title=grantsync,file=${shopFile},line=2,col=5::${WARNING}. Remove the grant, or enable the Client Credentials grant type on a machine-to-machine application (Applications → Advanced Settings → Grant Types).`);
    expect(annotations.filter((a) => a.startsWith('::notice title=grantsync,file='))).toHaveLength(2);
    expect(annotations.every((a) => /^::(warning|notice) /.test(a))).toBe(true);

    const item = `- **warning** \`${shopFile}:2:5\` \`web-shop\` cannot use this grant on \`https://api.example.com/payments\``;
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('#### Least-privilege checks (1 warning, 2 notes)');
    expect(github.comments[0]!.body).toContain(item);
    expect(readFileSync(path.join(work, 'summary.md'), 'utf8')).toContain(item);

    // With --format json stdout stays one JSON document: the findings are in it, not annotated beside it.
    const json = await runCli(['plan', '--dir', dir, '--format', 'json', '--quiet', '--allow-write-credentials'], { env: actions });
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { warnings: { rule: string }[] }).warnings[0]!.rule).toBe('client-cannot-use-grant');
  });
});

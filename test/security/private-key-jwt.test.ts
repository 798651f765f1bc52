// Issue 11: Private Key JWT. The built CLI authenticates with AUTH0_CLIENT_SIGNING_KEY_PATH (a PEM
// private key) instead of a secret, against the emulator, which verifies each client assertion with
// the client's registered public key. Every wrong setting is an input error before any write, and
// the key's text never appears in any output.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Seed } from '../../src/emulator/seed.js';
import { parse } from 'yaml';
import { CLI, runCli, SECRETS, type CliResult } from '../helpers/cli.js';
import { DEMO_DEPLOYER, DEMO_SEED, emulatorsClosedAfterEach, writeRequests } from '../helpers/emulator.js';

const withEmulator = emulatorsClosedAfterEach();

const rsa = (type: 'rsa' | 'rsa-pss' = 'rsa', modulusLength = 2048) =>
  generateKeyPairSync(type as 'rsa', { modulusLength, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const registered = rsa();
const stranger = rsa();

/** The base64 lines of a PEM body: any of them in an output is a leak. */
const bodyLines = (pem: string): string[] => pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));

beforeAll(() => {
  // Every CLI run of this suite (and of every other suite after it) is scanned for these.
  for (const pem of [registered.privateKey, stranger.privateKey]) SECRETS.push(...bodyLines(pem));
});

/** The demo tenant, whose deployer also has a public-key credential (alg: RS256 unless given). */
function seedWithKey(credential: { pem?: string; jwk?: Record<string, unknown>; alg?: 'RS256' | 'RS384' | 'PS256' }): Seed {
  return {
    ...DEMO_SEED,
    clients: DEMO_SEED.clients!.map((c) => (c.client_id === DEMO_DEPLOYER.clientId ? { ...c, public_keys: [credential] } : c)),
  };
}

/** The repository's grants/ in a fresh work directory, and the key files in it. */
function workspace(files: Record<string, string> = {}): { work: string; dir: string } {
  const work = mkdtempSync(path.join(tmpdir(), 'grantsync-pkjwt-'));
  const dir = path.join(work, 'grants');
  cpSync(path.resolve('grants'), dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(work, name), text, { mode: 0o600 });
  return { work, dir };
}

async function start(seed: Seed = seedWithKey({ pem: registered.publicKey })) {
  const { emulator, env } = await withEmulator({ seed });
  // Private Key JWT instead of the secret.
  const { AUTH0_CLIENT_SECRET: _secret, ...rest } = env;
  return { emulator, env: rest };
}

function expectNoKey(result: CliResult): void {
  for (const text of [result.stdout, result.stderr]) {
    expect(text).not.toContain('-----BEGIN');
    for (const line of bodyLines(registered.privateKey)) expect(text).not.toContain(line);
  }
}

describe('Private Key JWT', () => {
  it('plans and applies with AUTH0_CLIENT_SIGNING_KEY_PATH (relative to the working directory), then plans no changes', { timeout: 90_000 }, async () => {
    const { emulator, env } = await start();
    const { work, dir } = workspace({ 'deployer.pem': registered.privateKey });
    const keyEnv = { ...env, AUTH0_CLIENT_SIGNING_KEY_PATH: 'deployer.pem' };
    const plan = await runCli(['plan', '--dir', dir, '--verbose'], { env: keyEnv, cwd: work });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Plan: 2 to create, 4 to update, 1 to delete.');
    const apply = await runCli(['apply', '--dir', dir, '--verbose'], { env: keyEnv, cwd: work });
    expect(apply.code, apply.stderr).toBe(0);
    const again = await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env: keyEnv, cwd: work });
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('No changes. The tenant matches the YAML.');
    // One token per run, each from its own assertion (the emulator refuses a jti it has seen).
    expect(emulator.stats().byRoute['POST /oauth/token']).toBe(3);
    for (const result of [plan, apply, again]) expectNoKey(result);
  });

  it('PS256 and RS384 (the setting in any case), and a JWK credential, work when the algorithm matches the credential', { timeout: 60_000 }, async () => {
    const cases = [
      { seed: seedWithKey({ pem: registered.publicKey, alg: 'PS256' }), key: registered.privateKey, alg: 'ps256' },
      { seed: seedWithKey({ jwk: (await import('node:crypto')).createPublicKey(registered.publicKey).export({ format: 'jwk' }), alg: 'RS384' }), key: registered.privateKey, alg: 'RS384' },
    ];
    for (const { seed, key, alg } of cases) {
      const { env } = await start(seed);
      const { work, dir } = workspace({ 'key.pem': key });
      const plan = await runCli(['plan', '--dir', dir], { env: { ...env, AUTH0_CLIENT_SIGNING_KEY_PATH: path.join(work, 'key.pem'), AUTH0_CLIENT_SIGNING_ALGORITHM: alg } });
      expect(plan.code, `${alg}: ${plan.stderr}`).toBe(0);
      expect(plan.stdout).toContain('Plan: 2 to create, 4 to update, 1 to delete.');
    }
  });

  it("the action's client-signing-key input: a 0600 file under RUNNER_TEMP for the run, removed afterwards, never printed", { timeout: 60_000 }, async () => {
    const { env } = await start();
    const { dir } = workspace();
    const runnerTemp = mkdtempSync(path.join(tmpdir(), 'grantsync-runner-temp-'));
    const action = parse(readFileSync('action.yml', 'utf8')) as { runs: { steps: { id?: string; run?: string }[] } };
    // The action's own script, running the built CLI instead of the published package.
    // (and lists the key file while grantsync's run still holds it).
    const script = action.runs.steps
      .find((s) => s.id === 'run')!
      .run!.replace('npx --yes "grantsync@$GRANTSYNC_VERSION" "${args[@]}"', `{ node ${JSON.stringify(CLI)} "\${args[@]}"; status=$?; ls -l "$AUTH0_CLIENT_SIGNING_KEY_PATH" >&2; (exit "$status"); }`);
    expect(script).toContain('ls -l "$AUTH0_CLIENT_SIGNING_KEY_PATH"');
    const stepEnv = {
      ...env,
      PATH: process.env.PATH,
      NO_COLOR: '1',
      RUNNER_TEMP: runnerTemp,
      GRANTSYNC_COMMAND: 'plan',
      GRANTSYNC_DIR: dir,
      GRANTSYNC_SIGNING_KEY: registered.privateKey,
      GRANTSYNC_SIGNING_ALGORITHM: '',
      GRANTSYNC_FORMAT: 'text',
      // What `${{ secrets.AUTH0_CLIENT_SECRET }}` gives when the repository has no such secret.
      AUTH0_CLIENT_SECRET: '',
    };
    const result = await new Promise<CliResult>((resolve) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { env: stepEnv });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Plan: 2 to create, 4 to update, 1 to delete.');
    // While grantsync ran the key file was there, readable by its owner only.
    expect(result.stderr).toMatch(/^-rw------- .*grantsync-key\./m);
    expect(readdirSync(runnerTemp)).toEqual([]);
    expectNoKey(result);
  });

  const refusals: { name: string; files?: Record<string, string>; env: (work: string) => Record<string, string>; message: RegExp }[] = [
    {
      name: 'a file that is not a PEM private key',
      files: { 'key.pem': '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbCwganVzdCB0ZXh0\n-----END PRIVATE KEY-----\n' },
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'key.pem' }),
      message: /AUTH0_CLIENT_SIGNING_KEY_PATH "key\.pem" is not a PEM private key/,
    },
    {
      name: 'the public key instead of the private one',
      files: { 'key.pem': registered.publicKey },
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'key.pem' }),
      message: /"key\.pem" holds a public key or a certificate, not the private key/,
    },
    {
      name: 'a 1024-bit key',
      files: { 'key.pem': rsa('rsa', 1024).privateKey },
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'key.pem' }),
      message: /holds a 1024-bit RSA key; Auth0 needs at least 2048 bits/,
    },
    {
      name: 'an RSA-PSS-only key',
      files: { 'key.pem': rsa('rsa-pss').privateKey },
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'key.pem', AUTH0_CLIENT_SIGNING_ALGORITHM: 'PS256' }),
      message: /"key\.pem" holds an RSA-PSS-only key\n.*Use a plain RSA key/,
    },
    {
      name: 'an EC key',
      files: { 'key.pem': generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey },
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'key.pem' }),
      message: /"key\.pem" holds an ec key; RS256 needs an RSA key/,
    },
    {
      name: 'a valid key that is not the registered one',
      files: { 'key.pem': stranger.privateKey },
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'key.pem' }),
      message: /the tenant refused the client assertion signed with AUTH0_CLIENT_SIGNING_KEY_PATH "key\.pem" \(RS256\): POST \/oauth\/token → 401 "access_denied"/,
    },
    {
      name: 'a client secret and a key both set',
      files: { 'key.pem': registered.privateKey },
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'key.pem', AUTH0_CLIENT_SECRET: DEMO_DEPLOYER.clientSecret }),
      message: /both AUTH0_CLIENT_SECRET and AUTH0_CLIENT_SIGNING_KEY_PATH are set/,
    },
    {
      name: 'a missing key file',
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'missing.pem' }),
      message: /AUTH0_CLIENT_SIGNING_KEY_PATH "missing\.pem": cannot read it: it does not exist/,
    },
    {
      name: 'a directory',
      env: (work) => (mkdirSync(path.join(work, 'keys')), { AUTH0_CLIENT_SIGNING_KEY_PATH: 'keys' }),
      message: /"keys": not a regular file/,
    },
    {
      name: 'a device',
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: '/dev/zero' }),
      message: /"\/dev\/zero": not a regular file/,
    },
    {
      name: 'a file larger than any key',
      files: { 'key.pem': registered.privateKey + 'x'.repeat(70_000) },
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'key.pem' }),
      message: /"key\.pem": larger than 64 KB, which no PEM private key is/,
    },
    {
      name: 'an unsupported algorithm',
      files: { 'key.pem': registered.privateKey },
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'key.pem', AUTH0_CLIENT_SIGNING_ALGORITHM: 'HS256' }),
      message: /AUTH0_CLIENT_SIGNING_ALGORITHM "HS256" is not supported/,
    },
    {
      name: 'an algorithm the credential does not use',
      files: { 'key.pem': registered.privateKey },
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'key.pem', AUTH0_CLIENT_SIGNING_ALGORITHM: 'RS384' }),
      message: /the tenant refused the client assertion .* \(RS384\)/,
    },
    {
      name: 'a key without AUTH0_CLIENT_ID',
      files: { 'key.pem': registered.privateKey },
      env: () => ({ AUTH0_CLIENT_SIGNING_KEY_PATH: 'key.pem', AUTH0_CLIENT_ID: '' }),
      message: /AUTH0_CLIENT_SIGNING_KEY_PATH is set but AUTH0_CLIENT_ID is not/,
    },
  ];

  it.each(refusals)('$name: exit 1 with a clear message, nothing written', { timeout: 60_000 }, async ({ files, env: extra, message }) => {
    const { emulator, env } = await start();
    const { work, dir } = workspace(files);
    const result = await runCli(['apply', '--dir', dir], { env: { ...env, ...extra(work) }, cwd: work });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('nothing was changed');
    expect(result.stderr).not.toContain('this is a bug');
    expect(result.stdout).toBe('');
    expect(writeRequests(emulator)).toBe(0);
    expectNoKey(result);
  });
});

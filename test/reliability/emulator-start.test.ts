// `grantsync emulator` started wrongly (a port in use, a certificate that is not there or not PEM, a state
// file it cannot use) is the user's mistake: exit 1 with a message naming the port or the file, not
// "unexpected failure (this is a bug in grantsync)".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulatorCommand } from '../../src/cli/commands/emulator.js';
import type { Io } from '../../src/cli/io.js';
import { InputError } from '../../src/errors.js';
import { DEMO_DEPLOYER } from '../../src/demo/tenant.js';
import { runCli } from '../helpers/cli.js';

async function expectUserError(args: string[], ...named: string[]): Promise<void> {
  const result = await runCli(['emulator', ...args], { timeoutMs: 10_000 });
  expect(result.code).toBe(1);
  expect(result.stderr).not.toContain('this is a bug');
  expect(result.stderr).toContain('1 problem found');
  for (const text of named) expect(result.stderr).toContain(text);
}

describe('grantsync emulator start-up mistakes', () => {
  it('a port already in use is named', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expectUserError(['--port', String(port)], `--port ${port}`, `port ${port} is already in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('keeps the original error as the cause', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const io: Io = { out: () => undefined, err: () => undefined, command: () => undefined, redact: (t) => t, redactValues: (v) => v, stdoutIsTTY: false, stderrIsTTY: false };
    try {
      const inUse = await emulatorCommand({ port }, io, Promise.resolve()).catch((e: unknown) => e);
      expect(inUse).toBeInstanceOf(InputError);
      expect(((inUse as Error).cause as Error).cause).toMatchObject({ code: 'EADDRINUSE' });
      const missing = await emulatorCommand({ port: 0, tlsCert: '/nope.pem', tlsKey: '/nope.pem' }, io, Promise.resolve()).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(InputError);
      expect((missing as Error).cause).toMatchObject({ code: 'ENOENT', path: '/nope.pem' });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('a certificate or key file that is missing is named', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grantsync-tls-'));
    const key = path.join(dir, 'key.pem');
    writeFileSync(key, 'x');
    await expectUserError(['--port', '0', '--tls-cert', '/nope.pem', '--tls-key', key], '--tls-cert /nope.pem', 'does not exist');
    await expectUserError(['--port', '0', '--tls-cert', key, '--tls-key', path.join(dir, 'missing.pem')], `--tls-key ${path.join(dir, 'missing.pem')}`);
    await expectUserError(['--port', '0', '--tls-cert', key], '--tls-cert and --tls-key go together');
  });

  it('a certificate that is not PEM is named', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grantsync-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    writeFileSync(cert, 'not a certificate');
    writeFileSync(key, 'not a key');
    await expectUserError(['--port', '0', '--tls-cert', cert, '--tls-key', key], cert, key, 'cannot be used');
  });

  it('a state file in a missing directory, or not JSON, is named', async () => {
    await expectUserError(['--port', '0', '--state', '/no/such/dir/tenant.json'], '/no/such/dir/tenant.json', 'does not exist or is not writable');
    const state = path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-state-')), 'tenant.json');
    writeFileSync(state, '{ not json');
    await expectUserError(['--port', '0', '--state', state], state, 'invalid JSON');
  });
});

describe('grantsync emulator --organization-rate-limit', () => {
  it('gives the organization client-grant endpoints their own bucket, as Auth0 does', async () => {
    let out = '';
    const io: Io = { out: (t) => void (out += t), err: () => undefined, command: () => undefined, redact: (t) => t, redactValues: (v) => v, stdoutIsTTY: false, stderrIsTTY: false };
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = emulatorCommand({ port: 0, organizationRateLimit: '2:0.01' }, io, stopped, () => undefined);
    try {
      await expect.poll(() => out, { timeout: 10_000 }).toContain('export AUTH0_DOMAIN=');
      const url = /export AUTH0_DOMAIN=(\S+)/.exec(out)![1]!;
      const token = ((await (
        await fetch(`${url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credentials', client_id: DEMO_DEPLOYER.clientId, client_secret: DEMO_DEPLOYER.clientSecret, audience: `${url}/api/v2/` }),
        })
      ).json()) as { access_token: string }).access_token;
      const get = (p: string): Promise<Response> => fetch(`${url}${p}`, { headers: { authorization: `Bearer ${token}` } });
      const organization = '/api/v2/organizations/org_AcmeDemo00000001/client-grants';
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await get(organization)).status);
      // A burst of 2, refilled far too slowly for a third request in this test.
      expect(statuses).toEqual([200, 200, 429]);
      const grants = await get('/api/v2/client-grants');
      expect(grants.status).toBe(200);
      expect(grants.headers.get('x-ratelimit-remaining')).not.toBe('0');
    } finally {
      stop();
      await running;
    }
  });

  it('a value that is not <burst>:<per-second> is named', async () => {
    await expectUserError(['--port', '0', '--organization-rate-limit', '10'], '--organization-rate-limit "10" is not <burst>:<per-second>');
    await expectUserError(['--port', '0', '--organization-rate-limit', '0:5'], '--organization-rate-limit "0:5"');
    await expectUserError(['--port', '0', '--rate-limit', '5:0'], '--rate-limit "5:0"');
  });
});

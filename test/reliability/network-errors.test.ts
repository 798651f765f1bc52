// A wrong AUTH0_DOMAIN or a missing emulator is said in one line plus a hint, at once: no retries for
// what retrying cannot fix, no progress lines before the error. Each case against a real socket on
// 127.0.0.1; the unknown host is answered by an injected lookup, so no DNS query leaves the machine.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ManagementClient } from '../../src/api/http.js';
import { Redactor } from '../../src/api/redact.js';
import { parseDomain } from '../../src/api/domain.js';
import { ApiError } from '../../src/errors.js';
import { reportError } from '../../src/cli/exit.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { withEmulator, DEMO_DEPLOYER } from '../helpers/emulator.js';

const TLS_DIR = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const CERT = `${TLS_DIR}cert.pem`;
const GRANTS = fileURLToPath(new URL('../../grants', import.meta.url));
const LOGIN = { AUTH0_CLIENT_ID: DEMO_DEPLOYER.clientId, AUTH0_CLIENT_SECRET: DEMO_DEPLOYER.clientSecret };

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

/** Starts `server` on 127.0.0.1, counting its connections; closed after the test. */
async function listen(server: Server): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

function plan(env: Record<string, string>): Promise<CliResult> {
  return runCli(['plan', '--dir', GRANTS], { env: { ...LOGIN, GRANTSYNC_RETRY_BASE_MS: '1', GRANTSYNC_RETRY_MAX_MS: '5', ...env } });
}

/** One line saying what is wrong, one hint, nothing else on stderr (no progress, no stack). */
function expectOneLineAndHint(result: CliResult, message: string | RegExp, hint: string | RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: Management API: /);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^hint: /);
  expect(lines[1]).toMatch(hint);
  expect(result.stderr).not.toContain('pages (');
}

describe('network errors say what to check', () => {
  it('connection refused: is the emulator running, on which port; not retried when nothing ever answered', async () => {
    // A port that was just free: listen, note it, close.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const result = await runCli(['plan', '--dir', GRANTS, '--verbose'], { env: { ...LOGIN, AUTH0_DOMAIN: `http://127.0.0.1:${port}` } });
    expect(result.code).toBe(1);
    const attempts = result.stderr.split('\n').filter((line) => line.startsWith('POST /oauth/token ECONNREFUSED'));
    expect(attempts).toHaveLength(1);
    const withoutRequests = { ...result, stderr: result.stderr.split('\n').filter((line) => !line.startsWith('POST ')).join('\n') };
    expectOneLineAndHint(
      withoutRequests,
      `cannot reach 127.0.0.1:${port} (POST /oauth/token): connection refused, nothing is listening on port ${port}`,
      `Is the emulator running, and on port ${port}? Start it with \`grantsync emulator\``,
    );
  });

  it('https to a plain-http server: use http:// for a local emulator', async () => {
    const http = await listen(createHttpServer((_req, res) => res.end('{}')));
    const result = await plan({ AUTH0_DOMAIN: `https://127.0.0.1:${http.port}` });
    expectOneLineAndHint(
      result,
      `cannot talk https to 127.0.0.1:${http.port} (POST /oauth/token): the server answered in plain http, not TLS`,
      `For a local emulator use AUTH0_DOMAIN=http://127.0.0.1:${http.port}.`,
    );
    expect(http.connections()).toBe(1);
  });

  it('a certificate this machine does not trust: NODE_EXTRA_CA_CERTS, which then works', async () => {
    const { emulator, env } = await withEmulator({ tls: { cert: readFileSync(CERT, 'utf8'), key: readFileSync(`${TLS_DIR}key.pem`, 'utf8') } });
    cleanup.push(() => emulator.close());
    expect(env.AUTH0_DOMAIN).toMatch(/^https:/);
    const untrusted = await plan({ AUTH0_DOMAIN: env.AUTH0_DOMAIN! });
    expectOneLineAndHint(
      untrusted,
      /cannot talk https to 127\.0\.0\.1:\d+ \(POST \/oauth\/token\): its TLS certificate is not trusted by this machine \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
      'set NODE_EXTRA_CA_CERTS to that CA\'s PEM file',
    );
    expect(emulator.stats().requests).toBe(0);
    const trusted = await plan({ AUTH0_DOMAIN: env.AUTH0_DOMAIN!, NODE_EXTRA_CA_CERTS: CERT });
    expect(trusted.stderr).toBe('');
    expect(trusted.code).toBe(0);
  });

  it('a server that never answers: how long it waited, how many times, and how to raise it', async () => {
    const silent = await listen(createServer(() => {}));
    const result = await plan({ AUTH0_DOMAIN: `http://127.0.0.1:${silent.port}`, GRANTSYNC_TIMEOUT_MS: '200' });
    expectOneLineAndHint(
      result,
      `no answer from 127.0.0.1:${silent.port} (POST /oauth/token) within 0.2 s, on each of 5 attempts (ETIMEDOUT)`,
      'to wait longer for each request, set GRANTSYNC_TIMEOUT_MS (now 200)',
    );
    expect(silent.connections()).toBe(5);
  });

  it('a host that does not exist: check AUTH0_DOMAIN; looked up once, never retried, nothing sent', async () => {
    const looked: string[] = [];
    // Answers as getaddrinfo does for a name under .invalid (RFC 6761), without asking any DNS server.
    const dnsLookup = ((hostname: string, options: unknown, callback?: (error: Error | null) => void) => {
      looked.push(hostname);
      const done = typeof options === 'function' ? (options as (error: Error) => void) : callback!;
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname });
      process.nextTick(() => done(error));
    }) as unknown as ConstructorParameters<typeof ManagementClient>[0]['dnsLookup'];
    const client = new ManagementClient({
      endpoint: parseDomain('acme-tenant.invalid'),
      credentials: { clientId: 'id', clientSecret: 'secret-0123456789' },
      redactor: new Redactor(),
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      dnsLookup,
    });
    const error = await client.listClients().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(looked).toEqual(['acme-tenant.invalid']);
    expect((error as ApiError).cause).toMatchObject({ code: 'ENOTFOUND' });
    let stderr = '';
    const code = reportError(error, { out: () => {}, err: (text: string) => (stderr += text), stdoutIsTTY: false, stderrIsTTY: false } as never, false);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'error: Management API: cannot reach acme-tenant.invalid (POST /oauth/token): there is no host named acme-tenant.invalid (DNS: ENOTFOUND)\n' +
        "hint: Check AUTH0_DOMAIN: it must be your tenant's domain (e.g. acme.eu.auth0.com, under Settings in the Auth0 Dashboard), or http://127.0.0.1:<port> for the local emulator.\n",
    );
  });
});

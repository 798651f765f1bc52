// A Management API or token endpoint that answers with a redirect must not get grantsync to send the
// client secret or the bearer token anywhere else: the redirect is reported, never followed.
import { cpSync, mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const SECRET = 'redirect-test-client-secret-0123456789';
const TOKEN = 'opaque-management-token-0123456789';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

/** An HTTP server on 127.0.0.1 that records every request it receives. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; port: number; received: string[] }> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`);
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, received };
}

function grantsDir(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-redirect-')), 'grants');
  cpSync(path.resolve('grants'), dir, { recursive: true });
  return dir;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('redirects are never followed', () => {
  it('a 307 from the token endpoint: the secret is not re-sent to the other host; exit 1 naming the status and host', async () => {
    const elsewhere = await serve((_req, res) => json(res, 200, { access_token: 'stolen', expires_in: 86400 }));
    const tenant = await serve((_req, res) => {
      res.writeHead(307, { location: `http://mallory:pa55word@127.0.0.1:${elsewhere.port}/collect?secret=${SECRET}` });
      res.end();
    });
    const result = await runCli(['plan', '--dir', grantsDir()], { env: { AUTH0_DOMAIN: tenant.url, AUTH0_CLIENT_ID: 'redirect-test-client', AUTH0_CLIENT_SECRET: SECRET } });

    expect(elsewhere.received).toEqual([]);
    expect(tenant.received).toHaveLength(1); // no retry
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`POST /oauth/token → 307 redirect to http://127.0.0.1:${elsewhere.port}: refused, grantsync never follows redirects`);
    for (const leak of [SECRET, 'mallory', 'pa55word', '/collect']) expect(result.stderr + result.stdout).not.toContain(leak);
  });

  it('a 302 from a Management API GET: the token is not sent to the other host; exit 1', async () => {
    const elsewhere = await serve((_req, res) => json(res, 200, []));
    const tenant = await serve((req, res) => {
      if (req.url === '/oauth/token') return json(res, 200, { access_token: TOKEN, expires_in: 86400 });
      res.writeHead(302, { location: `http://127.0.0.1:${elsewhere.port}${req.url ?? '/'}` });
      res.end();
    });
    const result = await runCli(['plan', '--dir', grantsDir()], { env: { AUTH0_DOMAIN: tenant.url, AUTH0_CLIENT_ID: 'redirect-test-client', AUTH0_CLIENT_SECRET: SECRET } });

    expect(elsewhere.received).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`error: Management API: GET /api/v2/\\S+ → 302 redirect to http://127\\.0\\.0\\.1:${elsewhere.port}: refused`));
    // Each GET was asked once: a redirect is not retried.
    const gets = tenant.received.filter((r) => r.startsWith('GET '));
    expect(new Set(gets.map((r) => r.split(' ')[1])).size).toBe(gets.length);
    for (const leak of [SECRET, TOKEN]) expect(result.stderr + result.stdout).not.toContain(leak);
  });
});

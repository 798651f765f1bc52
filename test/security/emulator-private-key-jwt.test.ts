// Issue 11: the emulator's token endpoint verifies Private Key JWT client assertions as Auth0 does:
// signature by the registered key and algorithm, iss = sub = the client, aud the
// tenant's origin, not expired, at most 5 minutes of lifetime, each jti once. Refusals are Auth0's
// 401 for bad client credentials. Every answer carries x-ratelimit-* headers.
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDomain } from '../../src/api/domain.js';
import { ManagementClient } from '../../src/api/http.js';
import { Redactor } from '../../src/api/redact.js';
import { parseSigningKey } from '../../src/api/signing-key.js';
import type { Emulator } from '../../src/emulator/server.js';
import { DEMO_DEPLOYER, DEMO_SEED, withEmulator } from '../helpers/emulator.js';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const other = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CLIENT = DEMO_DEPLOYER.clientId;
/** A second client whose credential is a JWK and RS384. */
const JWK_CLIENT = 'gsJwkClient000000000000000000000';

let emulator: Emulator;
let audience: string;
beforeAll(async () => {
  ({ emulator } = await withEmulator({
    seed: {
      ...DEMO_SEED,
      clients: [
        ...DEMO_SEED.clients!.map((c) => (c.client_id === CLIENT ? { ...c, public_keys: [{ pem: keys.publicKey }] } : c)),
        { client_id: JWK_CLIENT, name: 'jwk-client', app_type: 'non_interactive', public_keys: [{ jwk: createPublicKey(keys.publicKey).export({ format: 'jwk' }), alg: 'RS384' }] },
      ],
      client_grants: [...DEMO_SEED.client_grants!, { client: 'jwk-client', audience: 'https://demo.grantsync.local/api/v2/', scope: ['read:clients'] }],
    },
  }));
  audience = `${emulator.url}/`;
  return () => emulator.close();
});

interface Claims {
  iss?: string;
  sub?: string;
  aud?: string;
  jti?: string;
  iat?: number;
  exp?: number;
}

async function assertion(overrides: Claims = {}, opts: { key?: string; alg?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Claims = { iss: CLIENT, sub: CLIENT, aud: audience, jti: randomUUID(), iat: now, exp: now + 60, ...overrides };
  const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: opts.alg ?? 'RS256' });
  return jwt.sign(createPrivateKeyObject(opts.key ?? keys.privateKey));
}

const createPrivateKeyObject = (pem: string) => parseSigningKey(pem, 'RS256', 'test').key;

async function token(fields: Record<string, string>, form = false): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const body = { grant_type: 'client_credentials', audience: 'https://demo.grantsync.local/api/v2/', client_assertion_type: JWT_BEARER, ...fields };
  const res = await fetch(`${emulator.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const REFUSED = { error: 'access_denied', error_description: 'Unauthorized' };

describe('the emulator verifies client assertions', () => {
  it('issues a token for a good assertion, as JSON or form-encoded, with or without client_id', async () => {
    const json = await token({ client_id: CLIENT, client_assertion: await assertion() });
    expect(json.status, JSON.stringify(json.body)).toBe(200);
    expect(json.body).toMatchObject({ token_type: 'Bearer', expires_in: 86_400 });
    const form = await token({ client_assertion: await assertion() }, true);
    expect(form.status, JSON.stringify(form.body)).toBe(200);
    // The canonical tenant domain is an accepted audience too.
    expect((await token({ client_assertion: await assertion({ aud: 'https://demo.grantsync.local/' }) })).status).toBe(200);
  });

  it.each([
    ['a wrong signature', async () => assertion({}, { key: other.privateKey })],
    ['a wrong aud', async () => assertion({ aud: 'https://evil.example.com/' })],
    ['the API as aud', async () => assertion({ aud: 'https://demo.grantsync.local/api/v2/' })],
    ['a wrong iss', async () => assertion({ iss: 'someone-else' })],
    ['a wrong sub', async () => assertion({ sub: 'someone-else' })],
    ['an expired assertion', async () => assertion({ iat: Math.floor(Date.now() / 1000) - 120, exp: Math.floor(Date.now() / 1000) - 60 })],
    ['a lifetime over 5 minutes', async () => assertion({ exp: Math.floor(Date.now() / 1000) + 600 })],
    ['no jti', async () => assertion({ jti: undefined })],
    ['an algorithm other than the credential’s', async () => assertion({}, { alg: 'RS384' })],
  ])('refuses %s with 401 access_denied', async (_name, make) => {
    const result = await token({ client_id: CLIENT, client_assertion: await make() });
    expect(result.status).toBe(401);
    expect(result.body).toEqual(REFUSED);
  });

  it('refuses a reused jti, even re-signed with another iat', async () => {
    const jti = randomUUID();
    const first = await assertion({ jti });
    expect((await token({ client_id: CLIENT, client_assertion: first })).status).toBe(200);
    const replay = await token({ client_id: CLIENT, client_assertion: first });
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual(REFUSED);
    // Re-signed with the same jti (a new iat gives a different token): still refused.
    const resigned = await token({ client_id: CLIENT, client_assertion: await assertion({ jti, iat: Math.floor(Date.now() / 1000) - 1 }) });
    expect(resigned.status).toBe(401);
  });

  it('refuses the assertion of a client without a key, a client_id that is not the issuer, a secret alongside, and a wrong assertion type', async () => {
    const noKey = await token({ client_id: 'bilW0rker1111111111111111111111A', client_assertion: await assertion({ iss: 'bilW0rker1111111111111111111111A', sub: 'bilW0rker1111111111111111111111A' }) });
    expect(noKey).toMatchObject({ status: 401, body: REFUSED });
    const mismatch = await token({ client_id: JWK_CLIENT, client_assertion: await assertion() });
    expect(mismatch).toMatchObject({ status: 401, body: REFUSED });
    const both = await token({ client_id: CLIENT, client_secret: DEMO_DEPLOYER.clientSecret, client_assertion: await assertion() });
    expect(both).toMatchObject({ status: 401, body: REFUSED });
    const wrongType = await token({ client_id: CLIENT, client_assertion: await assertion(), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' });
    expect(wrongType).toMatchObject({ status: 401, body: REFUSED });
    // A secret still works for a client that has one.
    const secret = await fetch(`${emulator.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: DEMO_DEPLOYER.clientSecret, audience: 'https://demo.grantsync.local/api/v2/' }),
    });
    expect(secret.status).toBe(200);
  });

  it('verifies a JWK credential with its own algorithm (RS384)', async () => {
    const claims = { iss: JWK_CLIENT, sub: JWK_CLIENT };
    expect((await token({ client_assertion: await assertion(claims, { alg: 'RS384' }) })).status).toBe(200);
    expect((await token({ client_assertion: await assertion(claims, { alg: 'RS256' }) })).status).toBe(401);
  });
});

describe('rate-limit headers on every answer', () => {
  it('come on token answers, API answers, errors and unknown paths without --rate-limit', async () => {
    const tokenAnswer = await token({ client_id: CLIENT, client_assertion: await assertion() });
    const refused = await token({ client_id: CLIENT, client_assertion: 'not-a-jwt' });
    const bearer = { authorization: `Bearer ${String(tokenAnswer.body.access_token)}` };
    const answers = [
      tokenAnswer.headers,
      refused.headers,
      (await fetch(`${emulator.url}/api/v2/client-grants`, { headers: bearer })).headers,
      (await fetch(`${emulator.url}/api/v2/client-grants`)).headers,
      (await fetch(`${emulator.url}/api/v2/no-such-thing`, { headers: bearer })).headers,
    ];
    for (const headers of answers) {
      expect(Number(headers.get('x-ratelimit-limit'))).toBeGreaterThanOrEqual(1000);
      expect(Number(headers.get('x-ratelimit-remaining'))).toBeGreaterThan(900);
      // Epoch seconds, within a second of now.
      expect(Math.abs(Number(headers.get('x-ratelimit-reset')) - Date.now() / 1000)).toBeLessThan(2);
    }
  });
});

describe('the client side', () => {
  it('registers the key text with the redactor: any line of it is masked in messages', () => {
    const redactor = new Redactor();
    new ManagementClient({
      endpoint: parseDomain(emulator.url),
      credentials: { clientId: CLIENT, signingKey: parseSigningKey(keys.privateKey, 'RS256', 'key.pem') },
      redactor,
    });
    const line = keys.privateKey.split('\n')[3]!;
    expect(redactor.redact(`bad line: ${line}`)).toBe('bad line: [REDACTED]');
    expect(redactor.redact(keys.privateKey)).not.toMatch(/[A-Za-z0-9+/]{40}/);
  });

  it('sends a fresh assertion for each token request: renewing the token is not a replay', async () => {
    const client = new ManagementClient({
      endpoint: parseDomain(emulator.url),
      credentials: { clientId: CLIENT, signingKey: parseSigningKey(keys.privateKey, 'RS256', 'key.pem') },
      redactor: new Redactor(),
    });
    const first = await client.tokens.get();
    expect(client.tokens.invalidate(first)).toBe(true);
    const second = await client.tokens.get();
    expect(second).not.toBe(first);
    expect(await client.listClients()).not.toHaveLength(0);
  });
});

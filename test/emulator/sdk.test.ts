// The emulator driven by the official auth0 Node SDK (v7, generated from Auth0's spec) as a real client,
// plus raw HTTP for the shapes the SDK does not expose. Expected shapes are Auth0's recorded answers.
import { ManagementClient, ManagementError } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import type { Seed } from '../../src/emulator/seed.js';
import { fakeClock } from '../helpers/clock.js';

const TENANT = 'sdk.example.com';
const MAPI = `https://${TENANT}/api/v2/`;
const ADMIN = { id: 'adminClient0000000000000000000000', secret: 'admin-secret-for-tests-only' };
const READER = { id: 'readerClient000000000000000000000', secret: 'reader-secret-for-tests-only' };
const API = 'https://api.example.com/';

const seed: Seed = {
  tenant: TENANT,
  clients: [
    { client_id: ADMIN.id, name: 'admin', app_type: 'non_interactive', client_secret: ADMIN.secret },
    { client_id: READER.id, name: 'reader', app_type: 'non_interactive', client_secret: READER.secret },
    ...Array.from({ length: 60 }, (_, i) => ({ client_id: `app${String(i).padStart(3, '0')}${'x'.repeat(26)}`, name: `app-${i}`, app_type: 'non_interactive' })),
    { client_id: 'expressCfg0000000000000000000000', name: 'express', app_type: 'express_configuration' },
  ],
  resource_servers: [{ identifier: API, name: 'Example API', scopes: ['create:resource'] }],
  client_grants: [
    { client_id: ADMIN.id, audience: MAPI, scope: ['read:client_grants', 'create:client_grants', 'update:client_grants', 'delete:client_grants', 'read:clients', 'read:resource_servers'] },
    { client_id: READER.id, audience: MAPI, scope: ['read:clients'] },
    ...Array.from({ length: 60 }, (_, i) => ({ client_id: `app${String(i).padStart(3, '0')}${'x'.repeat(26)}`, audience: API, scope: ['create:resource'] })),
  ],
};

let emulator: Emulator;
let adminToken: string;
let readerToken: string;

async function token(client: { id: string; secret: string }, form = false): Promise<Response> {
  const body = { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret, audience: MAPI };
  return fetch(`${emulator.url}/oauth/token`, form
    ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() }
    : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function sdk(accessToken: string): ManagementClient {
  return new ManagementClient({
    domain: TENANT,
    token: accessToken,
    telemetry: false,
    maxRetries: 0,
    // The SDK always speaks https to the domain; send it to the emulator instead.
    fetch: (input, init) => fetch(String(input instanceof Request ? input.url : input).replace(`https://${TENANT}`, emulator.url), init),
  });
}

async function raw(path: string, init: RequestInit = {}, bearer = adminToken): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${emulator.url}${path}`, { ...init, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...init.headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function failure(promise: Promise<unknown>): Promise<ManagementError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ManagementError);
  return error as ManagementError;
}

beforeAll(async () => {
  emulator = await startEmulator({ seed, randomSeed: 3 });
  adminToken = ((await (await token(ADMIN)).json()) as { access_token: string }).access_token;
  readerToken = ((await (await token(READER, true)).json()) as { access_token: string }).access_token;
});
afterAll(() => emulator.close());

describe('tokens', () => {
  it('issues client-credentials tokens for JSON and form bodies, with the grant\'s scopes', async () => {
    const res = await token(READER, true);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(body).toMatchObject({ expires_in: 86400, scope: 'read:clients', token_type: 'Bearer' });
  });

  it('refuses a wrong secret (401 access_denied) and a client without a Management API grant (403)', async () => {
    const wrong = await token({ id: ADMIN.id, secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
    emulator.store.state.clients.push({ client_id: 'noGrant', name: 'no-grant', is_first_party: true, global: false, client_secret: 'no-grant-secret', grant_types: ['client_credentials'] });
    const denied = await token({ id: 'noGrant', secret: 'no-grant-secret' });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error_description: string }).error_description).toMatch(/^Client is not authorized to access "https:\/\/sdk\.example\.com\/api\/v2\/"/);
  });

  it('answers 401 for a missing, forged or expired token, and 403 insufficient_scope', async () => {
    const missing = await fetch(`${emulator.url}/api/v2/client-grants`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication' });
    const forged = await raw('/api/v2/client-grants', {}, `${adminToken.slice(0, -2)}xx`);
    expect(forged.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token', attributes: { error: 'Invalid token' } });

    const e = await failure(sdk(readerToken).clientGrants.list());
    expect(e.statusCode).toBe(403);
    expect(e.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: read:client_grants', errorCode: 'insufficient_scope' });

    const short = await startEmulator({ seed, tokenLifetimeSeconds: 0, randomSeed: 4 });
    try {
      const t = ((await (await fetch(`${short.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: ADMIN.id, client_secret: ADMIN.secret, audience: MAPI }) })).json()) as { access_token: string }).access_token;
      const expired = await fetch(`${short.url}/api/v2/client-grants`, { headers: { authorization: `Bearer ${t}` } });
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as { message: string }).message).toBe('Expired token received for JSON Web Token validation');
    } finally {
      await short.close();
    }
  });
});

describe('listing client grants', () => {
  it('pages with take/from through the SDK, sorted by id in code-unit order', async () => {
    const page = await sdk(adminToken).clientGrants.list({ take: 25 });
    expect(page.data).toHaveLength(25);
    const all = [];
    for await (const grant of page) all.push(grant);
    expect(all).toHaveLength(62);
    const ids = all.map((g) => g.id!);
    expect(ids.every((id) => /^cgr_[A-Za-z0-9]{16}$/.test(id))).toBe(true);
    expect([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ids);
  });

  it('has three shapes: checkpoint (next only when more remain), offset with totals, bare array of at most 50', async () => {
    const first = (await raw('/api/v2/client-grants?take=60&include_totals=true&per_page=5')).body as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['client_grants', 'next']);
    const last = (await raw(`/api/v2/client-grants?take=60&from=${first.next as string}`)).body as Record<string, unknown>;
    expect(Object.keys(last)).toEqual(['client_grants']);
    expect((last.client_grants as unknown[]).length).toBe(2);

    const offset = (await raw('/api/v2/client-grants?per_page=10&page=2&include_totals=true')).body as Record<string, unknown>;
    expect(Object.keys(offset)).toEqual(['total', 'start', 'limit', 'client_grants']);
    expect(offset).toMatchObject({ total: 62, start: 20, limit: 10 });

    const bare = (await raw('/api/v2/client-grants')).body as unknown[];
    expect(Array.isArray(bare)).toBe(true);
    expect(bare).toHaveLength(50);
  });

  it('filters by audience and client_id, and rejects unknown parameters and a take over 100', async () => {
    const page = await sdk(adminToken).clientGrants.list({ audience: MAPI, take: 100 });
    expect(page.data.map((g) => g.client_id).sort()).toEqual([ADMIN.id, READER.id]);
    const one = await sdk(adminToken).clientGrants.list({ client_id: READER.id, take: 100 });
    expect(one.data).toHaveLength(1);
    expect((await raw('/api/v2/client-grants?sort=id')).status).toBe(400);
    expect((await raw('/api/v2/client-grants?take=101')).status).toBe(400);
    expect((await raw(`/api/v2/client-grants?client_id=x&default_for=third_party_clients`)).status).toBe(400);
  });

  it('sends x-ratelimit-* headers and the JSON content type', async () => {
    const limited = await startEmulator({ seed, rateLimit: { burst: 2, perSecond: 1 }, randomSeed: 5 });
    try {
      const t = ((await (await fetch(`${limited.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: ADMIN.id, client_secret: ADMIN.secret, audience: MAPI }) })).json()) as { access_token: string }).access_token;
      const call = () => fetch(`${limited.url}/api/v2/client-grants?take=1`, { headers: { authorization: `Bearer ${t}` } });
      const a = await call();
      expect(a.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(a.headers.get('x-ratelimit-limit')).toBe('2');
      expect(a.headers.get('x-ratelimit-remaining')).toBe('1');
      expect(Number(a.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
      await call();
      const refused = await call();
      expect(refused.status).toBe(429);
      expect(await refused.json()).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'Global limit has been reached', errorCode: 'too_many_requests' });
      expect(limited.stats().rateLimited).toBe(1);
    } finally {
      await limited.close();
    }
  });

  it('with lumps, refills the whole second\'s tokens at the top of the next second, which x-ratelimit-reset names', async () => {
    // 100 ms into a second, on a clock that moves only when told: the three calls share that second.
    const second = 1_700_000_000;
    const clock = fakeClock(second * 1000 + 100);
    const limited = await startEmulator({ seed, rateLimit: { burst: 2, perSecond: 2, lumps: true }, randomSeed: 5, clock });
    try {
      const t = ((await (await fetch(`${limited.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: ADMIN.id, client_secret: ADMIN.secret, audience: MAPI }) })).json()) as { access_token: string }).access_token;
      const call = () => fetch(`${limited.url}/api/v2/client-grants?take=1`, { headers: { authorization: `Bearer ${t}` } });
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(200);
      const refused = await call();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(refused.headers.get('x-ratelimit-reset'))).toBe(second + 1);
      clock.advance(850); // still the same second: no lump yet
      expect((await call()).status).toBe(429);
      clock.advance(70); // 20 ms into the next second
      const after = await call();
      expect(after.status).toBe(200);
      expect(after.headers.get('x-ratelimit-remaining')).toBe('1');
    } finally {
      await limited.close();
    }
  });
});

describe('writing client grants', () => {
  it('creates (201, recorded key order, unset keys omitted), reads, updates (arrays replaced) and deletes (204 twice)', async () => {
    const client = sdk(adminToken);
    const created = await client.clientGrants.create({ client_id: READER.id, audience: API, scope: ['create:resource', 'update:resource'] });
    expect(Object.keys(created)).toEqual(['id', 'client_id', 'audience', 'scope', 'subject_type']);
    expect(created).toMatchObject({ client_id: READER.id, audience: API, scope: ['create:resource', 'update:resource'], subject_type: 'client' });
    const read = await client.clientGrants.get(created.id!);
    expect(read).toEqual(created);
    const updated = await client.clientGrants.update(created.id!, { scope: ['update:resource'], organization_usage: 'allow', allow_any_organization: true });
    expect(Object.keys(updated)).toEqual(['id', 'client_id', 'audience', 'scope', 'organization_usage', 'allow_any_organization', 'subject_type']);
    expect(updated.scope).toEqual(['update:resource']);
    await client.clientGrants.delete(created.id!);
    const gone = await failure(client.clientGrants.get(created.id!));
    expect(gone.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The grant does not exist.', errorCode: 'inexistent_client_grant' });
    await client.clientGrants.delete(created.id!); // idempotent: 204 again
    const again = await raw(`/api/v2/client-grants/${created.id!}`, { method: 'DELETE' });
    expect(again.status).toBe(204);
    expect(again.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('allows a client and a user grant for the same API, and 409s a duplicate', async () => {
    const client = sdk(adminToken);
    const user = await client.clientGrants.create({ client_id: 'app001xxxxxxxxxxxxxxxxxxxxxxxxxx', audience: API, scope: [], subject_type: 'user' });
    expect(user.subject_type).toBe('user');
    const dup = await failure(client.clientGrants.create({ client_id: 'app001xxxxxxxxxxxxxxxxxxxxxxxxxx', audience: API, scope: [] }));
    expect(dup.statusCode).toBe(409);
    expect(dup.body).toMatchObject({ statusCode: 409, error: 'Conflict', message: `A client grant already exists between app001xxxxxxxxxxxxxxxxxxxxxxxxxx and ${API}` });
    await client.clientGrants.delete(user.id!);
  });

  it('rejects unknown clients and APIs (404), express_configuration clients, and bad bodies (400)', async () => {
    const client = sdk(adminToken);
    expect((await failure(client.clientGrants.create({ client_id: 'nobody', audience: API, scope: [] }))).body).toMatchObject({ statusCode: 404, message: 'Client not found' });
    expect((await failure(client.clientGrants.create({ client_id: READER.id, audience: 'https://nowhere', scope: [] }))).body).toMatchObject({ statusCode: 404, message: 'Resource server not found' });
    expect((await failure(client.clientGrants.create({ client_id: 'expressCfg0000000000000000000000', audience: API, scope: [] }))).body).toEqual({
      statusCode: 400, error: 'Bad Request', message: 'Client of type express_configuration cannot be used', errorCode: 'validation_error',
    });
    const extra = await raw('/api/v2/client-grants', { method: 'POST', body: JSON.stringify({ client_id: READER.id, audience: API, scope: [], scopes: [] }) });
    expect(extra.body).toEqual({ statusCode: 400, error: 'Bad Request', message: "Payload validation error: 'Additional properties not allowed: scopes'.", errorCode: 'invalid_body' });
    const noAudience = await raw('/api/v2/client-grants', { method: 'POST', body: JSON.stringify({ client_id: READER.id, scope: [] }) });
    expect((noAudience.body as { message: string }).message).toBe("Payload validation error: 'Missing required property: audience'.");
  });

  it('does not validate scopes against the API (Auth0 stores them verbatim)', async () => {
    const created = await sdk(adminToken).clientGrants.create({ client_id: 'app002xxxxxxxxxxxxxxxxxxxxxxxxxx', audience: API, scope: ['not:defined'], subject_type: 'user' });
    expect(created.scope).toEqual(['not:defined']);
    await sdk(adminToken).clientGrants.delete(created.id!);
  });

  it('rejects PATCH of immutable fields and an empty PATCH', async () => {
    const grant = (await sdk(adminToken).clientGrants.list({ audience: API, take: 1 })).data[0]!;
    for (const field of ['client_id', 'audience', 'subject_type', 'id', 'default_for', 'is_system']) {
      const res = await raw(`/api/v2/client-grants/${grant.id!}`, { method: 'PATCH', body: JSON.stringify({ [field]: 'x' }) });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: `Payload validation error: 'Additional properties not allowed: ${field}'.`, errorCode: 'invalid_body' });
    }
    const empty = await raw(`/api/v2/client-grants/${grant.id!}`, { method: 'PATCH', body: '{}' });
    expect((empty.body as { message: string }).message).toBe("Payload validation error: 'Too few properties defined (0), minimum 1'.");
    const missing = await failure(sdk(adminToken).clientGrants.update('cgr_doesNotExist0000', { scope: [] }));
    expect(missing.statusCode).toBe(404);
  });

  it('counts requests and writes', () => {
    const stats = emulator.stats();
    expect(stats.writes).toBeGreaterThan(5);
    expect(stats.byRoute['POST /api/v2/client-grants']).toBeGreaterThan(3);
    expect(stats.byStatus['409']).toBeGreaterThanOrEqual(1);
  });
});

describe('clients and resource servers', () => {
  it('lists clients with fields, excludes the global client on request, and hides secrets without read:client_keys', async () => {
    const page = await sdk(adminToken).clients.list({ fields: 'client_id,name', include_fields: true, is_global: false, per_page: 100 });
    const clients = page.data;
    expect(clients.length).toBe(64);
    expect(Object.keys(clients[0]!).sort()).toEqual(['client_id', 'name']);
    const everything = (await raw('/api/v2/clients?take=100')).body as { clients: Record<string, unknown>[] };
    expect(everything.clients.some((c) => c.global === true && c.name === 'All Applications')).toBe(true);
    expect(everything.clients.some((c) => 'client_secret' in c)).toBe(false);
  });

  it('lists resource servers with the Management API marked is_system, offset-paged', async () => {
    const res = (await raw('/api/v2/resource-servers?include_totals=true&per_page=100&page=0&fields=identifier,is_system&include_fields=true')).body as Record<string, unknown>;
    expect(Object.keys(res)).toEqual(['total', 'start', 'limit', 'resource_servers']);
    expect(res.resource_servers).toEqual([{ identifier: MAPI, is_system: true }, { identifier: API }]);
  });
});

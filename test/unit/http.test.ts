// The got client's edge cases against nock: paging, retries, tokens, errors, secrets.
import nock from 'nock';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { parseDomain } from '../../src/api/domain.js';
import { ManagementClient } from '../../src/api/http.js';
import { Redactor } from '../../src/api/redact.js';
import { applyChanges } from '../../src/apply/apply.js';
import { ApiError } from '../../src/errors.js';
import type { LiveGrant } from '../../src/model/types.js';
import { fakeClock as fakeClockAt, type FakeClock } from '../helpers/clock.js';

const BASE = 'https://tenant.test';
const SECRET = 'super-secret-client-secret-value';

const fakeClock = () => fakeClockAt(1_700_000_000_000);

function client(opts: { credentials?: 'secret' | 'token'; clock?: FakeClock; redactor?: Redactor } = {}) {
  return new ManagementClient({
    endpoint: parseDomain('tenant.test'),
    credentials: opts.credentials === 'token' ? { accessToken: 'static-token-value-123' } : { clientId: 'deployer', clientSecret: SECRET },
    redactor: opts.redactor ?? new Redactor(),
    clock: opts.clock ?? fakeClock(),
    random: () => 0.5,
  });
}

function tokenEndpoint(times = 1, token = 'token-1') {
  return nock(BASE)
    .post('/oauth/token', (body) => body.client_secret === SECRET && body.audience === 'https://tenant.test/api/v2/' && body.grant_type === 'client_credentials')
    .times(times)
    .reply(200, { access_token: token, expires_in: 86400, token_type: 'Bearer' });
}

const grant = (n: number) => ({ id: `cgr_${String(n).padStart(16, '0')}`, client_id: 'c', audience: `https://api/${n}`, scope: [] as string[], subject_type: 'client' as const });

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('pagination', () => {
  it('follows checkpoint cursors across pages with take=100 until next is absent', async () => {
    tokenEndpoint();
    nock(BASE).get('/api/v2/client-grants').query({ take: 100 }).reply(200, { client_grants: [grant(1), grant(2)], next: 'cursor-a' });
    nock(BASE).get('/api/v2/client-grants').query({ take: 100, from: 'cursor-a' }).reply(200, { client_grants: [grant(3)], next: 'cursor-b' });
    nock(BASE).get('/api/v2/client-grants').query({ take: 100, from: 'cursor-b' }).reply(200, { client_grants: [grant(4)] });
    const grants = await client().listGrants();
    expect(grants.map((g) => g.id)).toEqual([grant(1).id, grant(2).id, grant(3).id, grant(4).id]);
  });

  it('tells each page\'s grants as it is read, the same objects the listing returns', async () => {
    tokenEndpoint();
    nock(BASE).get('/api/v2/client-grants').query({ take: 100 }).reply(200, { client_grants: [grant(1), grant(2)], next: 'cursor-a' });
    nock(BASE).get('/api/v2/client-grants').query({ take: 100, from: 'cursor-a' }).reply(200, { client_grants: [grant(3)] });
    const pages: (readonly LiveGrant[])[] = [];
    const grants = await client().listGrants({}, { onItems: (page) => pages.push(page) });
    expect(pages.map((page) => page.map((g) => g.id))).toEqual([[grant(1).id, grant(2).id], [grant(3).id]]);
    expect(pages.flat()).toEqual(grants);
    pages.flat().forEach((g, i) => expect(g).toBe(grants[i]));
  });

  it('lists to the end, and returns the same, whatever the page callback throws', async () => {
    tokenEndpoint();
    nock(BASE).get('/api/v2/client-grants').query({ take: 100 }).reply(200, { client_grants: [grant(1)], next: 'cursor-a' });
    nock(BASE).get('/api/v2/client-grants').query({ take: 100, from: 'cursor-a' }).reply(200, { client_grants: [grant(2)] });
    const grants = await client().listGrants({}, { onItems: () => { throw new Error('a head start that failed'); } });
    expect(grants.map((g) => g.id)).toEqual([grant(1).id, grant(2).id]);
  });

  it('lists one audience with the same cursors, and reports what its reads cost', async () => {
    tokenEndpoint();
    const audience = 'https://api/1';
    // Each page takes 100 ms and the next 300 ms, on the fake clock.
    const clock = fakeClock();
    const page = (ms: number, body: object) => () => (clock.advance(ms), [200, body] as [number, object]);
    nock(BASE).get('/api/v2/client-grants').query({ audience, take: 100 }).reply(page(100, { client_grants: [grant(1)], next: 'cursor-a' }));
    nock(BASE).get('/api/v2/client-grants').query({ audience, take: 100, from: 'cursor-a' }).reply(page(300, { client_grants: [grant(2)] }));
    const api = client({ clock });
    expect((await api.listGrants({ audience })).map((g) => g.id)).toEqual([grant(1).id, grant(2).id]);
    // The moving average of the two (0.8 × 100 + 0.2 × 300); no x-ratelimit-* header came, so no limit is known.
    expect(api.readProfile()).toEqual({ latencyMs: 140, requestsPerSecond: Infinity, readConcurrency: 16, pageSize: 100 });
  });

  it('refuses a cursor that repeats instead of looping forever', async () => {
    tokenEndpoint();
    nock(BASE).get('/api/v2/client-grants').query({ take: 100 }).reply(200, { client_grants: [grant(1)], next: 'same' });
    nock(BASE).get('/api/v2/client-grants').query({ take: 100, from: 'same' }).reply(200, { client_grants: [grant(2)], next: 'same' });
    await expect(client().listGrants()).rejects.toThrow(/same page cursor twice/);
  });

  it('reads offset pages until a short one, whatever total says', async () => {
    tokenEndpoint();
    const rs = (n: number) => ({ id: `rs${n}`, identifier: `https://api/${n}`, scopes: [{ value: 'read' }] });
    const full = Array.from({ length: 100 }, (_, i) => rs(i));
    const fields = { fields: 'id,identifier,name,is_system,scopes,token_lifetime,subject_type_authorization', include_fields: 'true', per_page: '100', include_totals: 'true' };
    nock(BASE).get('/api/v2/resource-servers').query({ ...fields, page: '0' }).reply(200, { total: 100, start: 0, limit: 100, resource_servers: full });
    nock(BASE).get('/api/v2/resource-servers').query({ ...fields, page: '1' }).reply(200, { total: 100, start: 100, limit: 100, resource_servers: [rs(100)] });
    const servers = await client().listResourceServers();
    expect(servers).toHaveLength(101);
    expect(servers[0]).toEqual({ id: 'rs0', identifier: 'https://api/0', name: undefined, scopes: ['read'] });
  });

  it('lists clients with limited fields, excluding the global client', async () => {
    tokenEndpoint();
    nock(BASE)
      .get('/api/v2/clients')
      .query({ fields: 'client_id,name,app_type,global,grant_types', include_fields: 'true', is_global: 'false', take: '100' })
      .reply(200, { clients: [{ client_id: 'a', name: 'A', global: false }, { client_id: 'g', name: 'All Applications', global: true }] });
    expect(await client().listClients()).toEqual([{ client_id: 'a', name: 'A', global: false }]);
  });
});

describe('retries', () => {
  it('waits for Retry-After after a 429, then succeeds', async () => {
    const clock = fakeClock();
    const { sleeps } = clock;
    tokenEndpoint();
    nock(BASE).get('/api/v2/client-grants').query(true).reply(429, { statusCode: 429, error: 'Too Many Requests', message: 'Global limit has been reached', errorCode: 'too_many_requests' }, { 'retry-after': '2' });
    nock(BASE).get('/api/v2/client-grants').query(true).reply(200, { client_grants: [grant(1)] });
    expect(await client({ clock }).listGrants()).toHaveLength(1);
    expect(sleeps).toContain(2000);
  });

  it('without Retry-After, waits until x-ratelimit-reset', async () => {
    const clock = fakeClock();
    const { sleeps } = clock;
    const reset = Math.ceil(clock.now() / 1000) + 3;
    tokenEndpoint();
    nock(BASE)
      .get('/api/v2/client-grants')
      .query(true)
      .reply(429, { statusCode: 429, error: 'Too Many Requests', message: 'Global limit has been reached' }, { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    nock(BASE).get('/api/v2/client-grants').query(true).reply(200, { client_grants: [] });
    await client({ clock }).listGrants();
    const expected = reset * 1000 - 1_700_000_000_000 + 50; // + half of the 100 ms jitter (random() = 0.5)
    expect(sleeps[0]).toBe(expected);
  });

  it('without either header, backs off exponentially', async () => {
    const clock = fakeClock();
    const { sleeps } = clock;
    tokenEndpoint();
    nock(BASE).get('/api/v2/client-grants').query(true).times(2).reply(429, {});
    nock(BASE).get('/api/v2/client-grants').query(true).reply(200, { client_grants: [] });
    await client({ clock }).listGrants();
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('retries a GET after a 503 and after a reset connection', async () => {
    tokenEndpoint();
    nock(BASE).get('/api/v2/client-grants').query(true).reply(503, { statusCode: 503, error: 'Service Unavailable', message: 'down' });
    nock(BASE).get('/api/v2/client-grants').query(true).replyWithError('socket hang up');
    nock(BASE).get('/api/v2/client-grants').query(true).reply(200, { client_grants: [grant(1)] });
    expect(await client().listGrants()).toHaveLength(1);
  });

  it('gives up on a GET after the retry budget, with the API message', async () => {
    tokenEndpoint();
    nock(BASE).get('/api/v2/client-grants').query(true).times(5).reply(500, { statusCode: 500, error: 'Internal Server Error', message: 'boom' });
    await expect(client().listGrants()).rejects.toThrow('GET /api/v2/client-grants?take=100 → 500 boom');
  });

  it('never repeats a POST after a 5xx or a lost reply: the outcome is unknown', async () => {
    tokenEndpoint();
    nock(BASE).post('/api/v2/client-grants').reply(503, { statusCode: 503, error: 'Service Unavailable', message: 'down' });
    nock(BASE).post('/api/v2/client-grants').replyWithError('socket hang up');
    const api = client();
    const body = { client_id: 'c', audience: 'https://api', scope: [], subject_type: 'client' as const };
    const first = await api.createGrant(body).catch((e: unknown) => e);
    const second = await api.createGrant(body).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ApiError);
    expect((first as ApiError).outcomeUnknown).toBe(true);
    expect((second as ApiError).outcomeUnknown).toBe(true);
  });

  it('retries a POST refused with 429 (it did not run)', async () => {
    tokenEndpoint();
    nock(BASE).post('/api/v2/client-grants').reply(429, {});
    nock(BASE).post('/api/v2/client-grants').reply(201, grant(1));
    const created = await client().createGrant({ client_id: 'c', audience: 'https://api/1', scope: [], subject_type: 'client' });
    expect(created.id).toBe(grant(1).id);
  });
});

describe('tokens', () => {
  it('fetches one token for many requests', async () => {
    tokenEndpoint(1);
    nock(BASE).get('/api/v2/client-grants').query(true).times(3).matchHeader('authorization', 'Bearer token-1').reply(200, { client_grants: [] });
    const api = client();
    await Promise.all([api.listGrants(), api.listGrants(), api.listGrants()]);
  });

  it('on a 401, gets a new token and retries once', async () => {
    tokenEndpoint(1, 'token-1');
    tokenEndpoint(1, 'token-2');
    nock(BASE).get('/api/v2/client-grants').query(true).matchHeader('authorization', 'Bearer token-1').reply(401, { statusCode: 401, error: 'Unauthorized', message: 'Expired token received for JSON Web Token validation' });
    nock(BASE).get('/api/v2/client-grants').query(true).matchHeader('authorization', 'Bearer token-2').reply(200, { client_grants: [grant(7)] });
    expect((await client().listGrants())[0]!.id).toBe(grant(7).id);
  });

  it('a request refused with a token another request already renewed does not spend its one renewal', async () => {
    tokenEndpoint(1, 'token-1');
    tokenEndpoint(1, 'token-2');
    tokenEndpoint(1, 'token-3');
    const expired = { statusCode: 401, error: 'Unauthorized', message: 'Expired token received for JSON Web Token validation' };
    const q = (audience: string) => ({ client_id: 'c', audience, take: '100' });
    // a: token-1 refused, renews to token-2, succeeds.
    let renewedByA: () => void = () => undefined;
    const aRenewed = new Promise<void>((resolve) => (renewedByA = resolve));
    nock(BASE).get('/api/v2/client-grants').query(q('a')).matchHeader('authorization', 'Bearer token-1').reply(401, expired);
    nock(BASE)
      .get('/api/v2/client-grants')
      .query(q('a'))
      .matchHeader('authorization', 'Bearer token-2')
      .reply(() => (renewedByA(), [200, { client_grants: [] }]));
    // b: token-1 refused once a has renewed it; token-2 refused too (it stopped working); its own renewal gets token-3.
    nock(BASE)
      .get('/api/v2/client-grants')
      .query(q('b'))
      .matchHeader('authorization', 'Bearer token-1')
      .reply((_uri, _body, reply) => void aRenewed.then(() => reply(null, [401, expired])));
    nock(BASE).get('/api/v2/client-grants').query(q('b')).matchHeader('authorization', 'Bearer token-2').reply(401, expired);
    nock(BASE).get('/api/v2/client-grants').query(q('b')).matchHeader('authorization', 'Bearer token-3').reply(200, { client_grants: [] });
    const api = client();
    const find = (audience: string) => api.findGrant({ client_id: 'c', audience, subject_type: 'client' });
    await expect(Promise.all([find('a'), find('b')])).resolves.toEqual([undefined, undefined]);
  });

  it('does not loop when the new token is refused too', async () => {
    tokenEndpoint(2);
    nock(BASE).get('/api/v2/client-grants').query(true).times(2).reply(401, { statusCode: 401, error: 'Unauthorized', message: 'Invalid token' });
    await expect(client().listGrants()).rejects.toThrow(/401 Invalid token\. The token was refused/);
  });

  it('explains a refused client secret without showing it', async () => {
    nock(BASE).post('/oauth/token').reply(401, { error: 'access_denied', error_description: 'Unauthorized' });
    const error = (await client().listGrants().catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('POST /oauth/token → 401 Unauthorized (access_denied). Check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET');
  });

  it('asks for the token again after a reset, a 503 and a 429 (asking twice is harmless), without touching the Management API limiter', async () => {
    nock(BASE).post('/oauth/token').replyWithError('socket hang up');
    nock(BASE).post('/oauth/token').reply(503, 'busy');
    // The Authentication API's own limit: an empty bucket there must not pause Management API calls.
    nock(BASE).post('/oauth/token').reply(429, { error: 'too_many_requests' }, { 'retry-after': '1', 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0' });
    tokenEndpoint();
    nock(BASE).get('/api/v2/client-grants').query(true).reply(200, { client_grants: [grant(1)] });
    const clock = fakeClock();
    const { sleeps } = clock;
    const api = client({ clock });
    expect(await api.listGrants()).toHaveLength(1);
    expect(sleeps).toHaveLength(3);
    expect(sleeps[2]).toBe(1000); // Retry-After
    expect(api.readProfile().requestsPerSecond).toBe(Infinity);
  });

  it('reads the client id from the azp claim of a JWT access token', () => {
    const payload = Buffer.from(JSON.stringify({ azp: 'clientFromJwt', scope: 'read:client_grants' })).toString('base64url');
    const api = new ManagementClient({ endpoint: parseDomain('tenant.test'), credentials: { accessToken: `eyJhbGciOiJIUzI1NiJ9.${payload}.sig` }, redactor: new Redactor() });
    expect(api.tokens.clientId).toBe('clientFromJwt');
    expect(client({ credentials: 'token' }).tokens.clientId).toBeUndefined();
  });
});

describe('errors', () => {
  it('carry Auth0\'s status, errorCode and message, and a hint', async () => {
    tokenEndpoint();
    nock(BASE).get('/api/v2/client-grants').query(true).reply(403, { statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: read:client_grants', errorCode: 'insufficient_scope' });
    const error = (await client().listGrants().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(403);
    expect(error.errorCode).toBe('insufficient_scope');
    expect(error.message).toBe(
      'GET /api/v2/client-grants?take=100 → 403 Insufficient scope, expected any of: read:client_grants (insufficient_scope). Grant the missing scope to the client grantsync runs as',
    );
  });

  it('name the token request as the POST it is', async () => {
    nock(BASE).post('/oauth/token').reply(200, { token_type: 'Bearer' });
    await expect(client().listGrants()).rejects.toThrow(/^POST \/oauth\/token: unexpected answer: no access_token in the answer$/);
    nock(BASE).post('/oauth/token').reply(200, '<html>a proxy</html>');
    await expect(client().listGrants()).rejects.toThrow(/^POST \/oauth\/token: the answer is not JSON \(status 200\)$/);
  });

  it('never contain the secret or a token, even when the API echoes them', async () => {
    const redactor = new Redactor();
    tokenEndpoint(1, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl');
    nock(BASE)
      .get('/api/v2/client-grants')
      .query(true)
      .reply(400, { statusCode: 400, error: 'Bad Request', message: `bad request with ${SECRET} and Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl` });
    const error = (await client({ redactor }).listGrants().catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('c2lnbmF0dXJl');
    expect(error.message).toContain('[REDACTED]');
  });
});

describe('apply over HTTP', () => {
  it('adopts the grant that a 409 says exists, patching it to the wanted scopes', async () => {
    tokenEndpoint();
    nock(BASE).post('/api/v2/client-grants').reply(409, { statusCode: 409, error: 'Conflict', message: 'A client grant already exists between c and https://api/1' });
    nock(BASE).get('/api/v2/client-grants').query({ client_id: 'c', audience: 'https://api/1', take: '100' }).reply(200, { client_grants: [{ ...grant(1), scope: ['old'] }] });
    nock(BASE).patch(`/api/v2/client-grants/${grant(1).id}`, { scope: ['new'] }).reply(200, { ...grant(1), scope: ['new'] });
    const outcomes = await applyChanges(
      [{ action: 'create', client_id: 'c', audience: 'https://api/1', subject_type: 'client', before: null, after: { scope: ['new'] }, flags: [] }],
      client(),
      { live: [] },
    );
    expect(outcomes.map((o) => [o.kind, o.kind === 'failed' ? o.error : o.note])).toEqual([['patched', 'patched an existing grant (409)']]);
  });

  it.each([
    ['not JSON', '<html>created</html>'],
    ['JSON without an id', JSON.stringify({ ok: true })],
  ])('a 201 whose answer is no grant (%s) leaves the outcome unknown: the key is read back and the grant there adopted', async (_kind, body) => {
    tokenEndpoint();
    nock(BASE).post('/api/v2/client-grants').reply(201, body);
    nock(BASE).get('/api/v2/client-grants').query({ client_id: 'c', audience: 'https://api/1', take: '100' }).reply(200, { client_grants: [{ ...grant(1), scope: ['new'] }] });
    const outcomes = await applyChanges(
      [{ action: 'create', client_id: 'c', audience: 'https://api/1', subject_type: 'client', before: null, after: { scope: ['new'] }, flags: [] }],
      client(),
      { live: [] },
    );
    expect(outcomes.map((o) => [o.kind, o.kind === 'failed' ? o.error : o.note])).toEqual([['adopted', 'adopted: the create had landed']]);
    expect(nock.isDone()).toBe(true);
  });

  it('a PATCH answered 200 with a body that is not JSON is done: the answer is not read (apply verifies by reading again)', async () => {
    tokenEndpoint();
    nock(BASE).patch(`/api/v2/client-grants/${grant(1).id}`, { scope: ['new'] }).reply(200, 'ok');
    await expect(client().updateGrant(grant(1).id, { scope: ['new'] })).resolves.toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it('treats DELETE of a grant that is already gone as success', async () => {
    tokenEndpoint();
    nock(BASE).delete(`/api/v2/client-grants/${grant(1).id}`).reply(404, { statusCode: 404, error: 'Not Found', message: 'The grant does not exist.' });
    const live = [grant(1)];
    const outcomes = await applyChanges(
      [{ action: 'delete', client_id: 'c', audience: 'https://api/1', subject_type: 'client', before: { scope: [] }, after: null, flags: [] }],
      client(),
      { live },
    );
    expect(outcomes.map((o) => [o.kind, o.kind === 'failed' ? o.error : o.note])).toEqual([['deleted', undefined]]);
  });
});

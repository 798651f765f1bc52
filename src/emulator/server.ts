// The emulator's HTTP face: routes, tokens and scopes, list shapes and paging, rate limits, faults, counters.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Seed } from './seed.js';
import { error, present, REASONS, TenantStore, type Reply, type StoredClient, type TenantState } from './store.js';

export interface RateLimitOptions {
  /** Bucket size. */
  burst: number;
  /** Tokens added per second: continuously, or in one lump at the top of each second (`lumps`). */
  perSecond: number;
  /** Refill at the top of each second, as Auth0's rate-limit policy page describes; default continuous. */
  lumps?: boolean;
  /** Also send Retry-After on 429 (Auth0 does not document it; off by default). */
  retryAfter?: boolean;
}

export interface FaultOptions {
  /** Seed of the fault dice, for reproducible runs. */
  seed?: number;
  /** Share of API requests answered 503 before they run. */
  serverErrorRate?: number;
  /** Share of API requests whose connection is reset before they run. */
  resetRate?: number;
  /** Share of writes that are applied but whose reply is dropped (connection destroyed). */
  lostReplyRate?: number;
  /** Tokens stop working (401 expired) after this many API requests each, whatever their exp says. */
  tokenMaxUses?: number;
}

export interface EmulatorOptions {
  seed: Seed;
  host?: string;
  port?: number;
  /** Persist the tenant here after every write; loaded instead of the seed when it exists. */
  statePath?: string;
  rateLimit?: RateLimitOptions;
  /** Added to every API request: a fixed delay, or a range. */
  latencyMs?: number | { min: number; max: number };
  faults?: FaultOptions;
  tokenLifetimeSeconds?: number;
  /** Seed for ids, so runs are reproducible. */
  randomSeed?: number;
  /** Serve HTTPS with this certificate (PEM), for clients that only speak https (auth0-deploy-cli). */
  tls?: { cert: string; key: string };
}

export interface EmulatorStats {
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** Successful client-grant writes (POST 201, PATCH 200, DELETE 204). */
  writes: number;
  rateLimited: number;
  tokensIssued: number;
  maxConcurrency: number;
  faults: { serverErrors: number; resets: number; lostReplies: number; expiredTokens: number };
}

export interface Emulator {
  url: string;
  port: number;
  store: TenantStore;
  stats(): EmulatorStats;
  resetStats(): void;
  setFaults(faults: FaultOptions): void;
  setRateLimit(rateLimit: RateLimitOptions | undefined): void;
  close(): Promise<void>;
}

/** A small, seedable PRNG (mulberry32), so fault runs can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';
const ROUTE_SCOPES: Record<string, string[]> = {
  'GET /api/v2/client-grants': ['read:client_grants'],
  'GET /api/v2/client-grants/{id}': ['read:client_grants'],
  'POST /api/v2/client-grants': ['create:client_grants'],
  'PATCH /api/v2/client-grants/{id}': ['update:client_grants'],
  'DELETE /api/v2/client-grants/{id}': ['delete:client_grants'],
  'GET /api/v2/clients': ['read:clients', 'read:client_summary'],
  'GET /api/v2/resource-servers': ['read:resource_servers'],
};

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const random = seededRandom(options.randomSeed ?? (Date.now() & 0xffffffff));
  const store = loadStore(options, random);
  const signingKey = randomBytes(32);
  const tokenLifetime = options.tokenLifetimeSeconds ?? 86_400;
  let faults: FaultOptions = { ...options.faults };
  let dice = seededRandom(faults.seed ?? 1);
  let rateLimit = options.rateLimit;
  let bucket = rateLimit ? { tokens: rateLimit.burst, at: Date.now() } : undefined;
  const tokenUses = new Map<string, number>();
  let inFlight = 0;
  let stats = emptyStats();
  let persistedVersion = store.version;

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    stats.maxConcurrency = Math.max(stats.maxConcurrency, inFlight);
    res.on('close', () => inFlight--);
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, error(500, `emulator error: ${(err as Error).message}`));
    });
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createServer(listener);
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const route = routeOf(method, url.pathname);
    const body = await readBody(req);

    if (url.pathname.startsWith('/__emulator/')) return admin(method, url.pathname, body, res);
    stats.requests++;
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
    const reply = (r: Reply, headers: Record<string, string> = {}): void => {
      stats.byStatus[String(r.status)] = (stats.byStatus[String(r.status)] ?? 0) + 1;
      send(res, r, headers);
    };

    if (route === 'POST /oauth/token') return reply(issueToken(req, body));
    if (!(route in ROUTE_SCOPES)) return reply(error(404, 'Not Found'));

    const limited = takeToken();
    if (limited.headers && limited.exhausted) {
      stats.rateLimited++;
      return reply(error(429, 'Global limit has been reached', 'too_many_requests'), limited.headers);
    }
    const headers = limited.headers ?? {};
    await delay();
    if (faults.resetRate && dice() < faults.resetRate) {
      stats.faults.resets++;
      req.socket.destroy();
      return;
    }
    if (faults.serverErrorRate && dice() < faults.serverErrorRate) {
      stats.faults.serverErrors++;
      return reply(error(503, 'The service is unavailable (injected fault)'), headers);
    }
    const auth = authorize(req, ROUTE_SCOPES[route]!);
    if (auth) return reply(auth, headers);

    const result = await run(route, method, url, body);
    if (result.status < 300 && method !== 'GET') {
      stats.writes++;
      persist();
      if (faults.lostReplyRate && dice() < faults.lostReplyRate) {
        stats.faults.lostReplies++;
        req.socket.destroy();
        return;
      }
    }
    reply(result, headers);
  }

  async function run(route: string, method: string, url: URL, rawBody: string): Promise<Reply> {
    const id = decodeURIComponent(url.pathname.split('/')[4] ?? '');
    const parsed = parseJson(rawBody);
    switch (route) {
      case 'GET /api/v2/client-grants':
        return listGrants(url.searchParams);
      case 'GET /api/v2/client-grants/{id}': {
        const grant = store.grantById(id);
        return grant ? { status: 200, body: present(grant) } : error(404, 'The grant does not exist.', 'inexistent_client_grant');
      }
      case 'POST /api/v2/client-grants':
        return parsed.ok ? store.createGrant(parsed.value) : error(400, 'Invalid request payload JSON format', 'invalid_body');
      case 'PATCH /api/v2/client-grants/{id}':
        return parsed.ok ? store.updateGrant(id, parsed.value) : error(400, 'Invalid request payload JSON format', 'invalid_body');
      case 'DELETE /api/v2/client-grants/{id}':
        return store.deleteGrant(id);
      case 'GET /api/v2/clients':
        return listClients(url.searchParams);
      case 'GET /api/v2/resource-servers':
        return listResourceServers(url.searchParams);
      default:
        return error(404, `Not Found: ${method} ${url.pathname}`);
    }
  }

  function listGrants(query: URLSearchParams): Reply {
    const bad = checkQuery(query, ['audience', 'client_id', 'subject_type', 'default_for', 'allow_any_organization', 'page', 'per_page', 'include_totals', 'from', 'take']);
    if (bad) return bad;
    if (query.has('client_id') && query.has('default_for')) return error(400, 'client_id and default_for cannot be used together', 'invalid_query_string');
    const anyOrg = query.get('allow_any_organization');
    if (anyOrg !== null && anyOrg !== 'true') return queryError(`No enum match for: "${anyOrg}" on property allow_any_organization`);
    const items = store.listGrants({
      audience: query.get('audience') ?? undefined,
      client_id: query.get('client_id') ?? undefined,
      subject_type: query.get('subject_type') ?? undefined,
      default_for: query.get('default_for') ?? undefined,
      allow_any_organization: anyOrg === 'true' ? true : undefined,
    });
    return paginate(query, items, 'client_grants', (g) => g.id, present);
  }

  function listClients(query: URLSearchParams): Reply {
    const bad = checkQuery(query, ['fields', 'include_fields', 'page', 'per_page', 'include_totals', 'from', 'take', 'is_global', 'is_first_party', 'app_type']);
    if (bad) return bad;
    const isGlobal = query.get('is_global');
    const firstParty = query.get('is_first_party');
    const appTypes = query.get('app_type')?.split(',');
    const items = sortedClients().filter(
      (c) =>
        (isGlobal === null || String(c.global) === isGlobal) &&
        (firstParty === null || String(c.is_first_party) === firstParty) &&
        (!appTypes || (c.app_type !== undefined && appTypes.includes(c.app_type))),
    );
    const fields = selectFields(query);
    return paginate(query, items, 'clients', (c) => c.client_id, (c) => fields(presentClient(c, lastScopes)));
  }

  // The API never changes clients, so they are sorted once (again only if a test adds one).
  let clientsInOrder: StoredClient[] = [];
  function sortedClients(): StoredClient[] {
    if (clientsInOrder.length !== store.state.clients.length) {
      clientsInOrder = [...store.state.clients].sort((a, b) => (a.client_id < b.client_id ? -1 : a.client_id > b.client_id ? 1 : 0));
    }
    return clientsInOrder;
  }

  function listResourceServers(query: URLSearchParams): Reply {
    const bad = checkQuery(query, ['fields', 'include_fields', 'page', 'per_page', 'include_totals', 'identifiers']);
    if (bad) return bad;
    const identifiers = query.getAll('identifiers');
    const items = store.state.resourceServers.filter((rs) => identifiers.length === 0 || identifiers.includes(rs.identifier));
    const fields = selectFields(query);
    return paginate(query, items, 'resource_servers', (rs) => rs.id, (rs) => fields({ ...rs, scopes: rs.scopes.map((s) => ({ ...s })) }));
  }

  // The scopes of the request being served, for fields that depend on them (client_secret).
  let lastScopes = new Set<string>();

  function authorize(req: IncomingMessage, needed: string[]): Reply | undefined {
    const header = req.headers.authorization;
    if (!header) return error(401, 'Missing authentication');
    const match = /^Bearer (.+)$/i.exec(header);
    const claims = match ? verifyJwt(match[1]!) : undefined;
    const unauthorized = (message: string): Reply => ({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message, attributes: { error: message } } });
    if (!claims) return unauthorized('Invalid token');
    const expired = 'Expired token received for JSON Web Token validation';
    if (claims.exp * 1000 <= Date.now()) return unauthorized(expired);
    if (faults.tokenMaxUses !== undefined) {
      const uses = (tokenUses.get(claims.jti) ?? 0) + 1;
      tokenUses.set(claims.jti, uses);
      if (uses > faults.tokenMaxUses) {
        stats.faults.expiredTokens++;
        return unauthorized(expired);
      }
    }
    const scopes = new Set(claims.scope.split(' ').filter(Boolean));
    lastScopes = scopes;
    if (!needed.some((s) => scopes.has(s))) {
      return error(403, `Insufficient scope, expected any of: ${needed.join(',')}`, 'insufficient_scope');
    }
    return undefined;
  }

  function issueToken(req: IncomingMessage, raw: string): Reply {
    const type = req.headers['content-type'] ?? '';
    const params: Record<string, unknown> = type.includes('application/x-www-form-urlencoded')
      ? Object.fromEntries(new URLSearchParams(raw))
      : (parseJson(raw).value as Record<string, unknown> | undefined) ?? {};
    const oauth = (status: number, code: string, description: string): Reply => ({ status, body: { error: code, error_description: description } });
    if (params.grant_type !== 'client_credentials') {
      return oauth(400, 'unsupported_grant_type', `Unsupported grant type: ${String(params.grant_type)}`);
    }
    const client = store.client(String(params.client_id ?? ''));
    if (!client || !client.client_secret || !safeEqual(client.client_secret, String(params.client_secret ?? ''))) {
      return oauth(401, 'access_denied', 'Unauthorized');
    }
    if (!client.grant_types.includes('client_credentials')) {
      return { status: 403, body: { error: 'unauthorized_client', error_description: "Grant type 'client_credentials' not allowed for the client.", error_uri: 'https://auth0.com/docs/clients/client-grant-types' } };
    }
    const audience = String(params.audience ?? '');
    const accepted = [store.managementApiIdentifier, `https://${req.headers.host}/api/v2/`, `http://${req.headers.host}/api/v2/`];
    if (!accepted.includes(audience)) return oauth(403, 'access_denied', `Service not found: ${audience}`);
    const grant = store.grantFor(client.client_id, store.managementApiIdentifier);
    if (!grant) {
      return oauth(
        403,
        'access_denied',
        `Client is not authorized to access "${store.managementApiIdentifier}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
      );
    }
    const scope = (grant.scope ?? []).join(' ');
    stats.tokensIssued++;
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt({
      iss: `https://${store.state.tenant}/`,
      sub: `${client.client_id}@clients`,
      aud: store.managementApiIdentifier,
      iat: now,
      exp: now + tokenLifetime,
      scope,
      gty: 'client-credentials',
      azp: client.client_id,
      jti: randomBytes(8).toString('hex'),
    });
    return { status: 200, body: { access_token: token, expires_in: tokenLifetime, scope, token_type: 'Bearer' } };
  }

  interface Claims {
    exp: number;
    scope: string;
    jti: string;
  }

  function signJwt(claims: Record<string, unknown>): string {
    const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signature = createHmac('sha256', signingKey).update(`${head}.${payload}`).digest('base64url');
    return `${head}.${payload}.${signature}`;
  }

  function verifyJwt(token: string): Claims | undefined {
    const [head, payload, signature] = token.split('.');
    if (!head || !payload || !signature) return undefined;
    const expected = createHmac('sha256', signingKey).update(`${head}.${payload}`).digest('base64url');
    if (!safeEqual(expected, signature)) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
    } catch {
      return undefined;
    }
  }

  function takeToken(): { headers?: Record<string, string>; exhausted: boolean } {
    if (!rateLimit || !bucket) return { exhausted: false };
    const now = Date.now();
    const refill = rateLimit.lumps
      ? (Math.floor(now / 1000) - Math.floor(bucket.at / 1000)) * rateLimit.perSecond
      : ((now - bucket.at) / 1000) * rateLimit.perSecond;
    bucket.tokens = Math.min(rateLimit.burst, bucket.tokens + refill);
    bucket.at = now;
    const exhausted = bucket.tokens < 1;
    if (!exhausted) bucket.tokens -= 1;
    // With lumps, more tokens come at the next whole second, whatever is left now.
    const msToNext = rateLimit.lumps ? 1000 - (now % 1000) : bucket.tokens >= 1 ? 0 : ((1 - bucket.tokens) / rateLimit.perSecond) * 1000;
    const resetSeconds = Math.ceil((now + msToNext) / 1000);
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(rateLimit.burst),
      'x-ratelimit-remaining': String(Math.floor(bucket.tokens)),
      'x-ratelimit-reset': String(resetSeconds),
    };
    if (exhausted && rateLimit.retryAfter) headers['retry-after'] = String(Math.max(1, Math.ceil(msToNext / 1000)));
    return { headers, exhausted };
  }

  async function delay(): Promise<void> {
    const latency = options.latencyMs;
    if (!latency) return;
    const ms = typeof latency === 'number' ? latency : latency.min + dice() * (latency.max - latency.min);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  function persist(): void {
    if (!options.statePath || store.version === persistedVersion) return;
    persistedVersion = store.version;
    const temp = `${options.statePath}.tmp`;
    writeFileSync(temp, JSON.stringify(store.state));
    renameSync(temp, options.statePath);
  }

  function admin(method: string, path: string, raw: string, res: ServerResponse): void {
    if (method === 'GET' && path === '/__emulator/stats') return send(res, { status: 200, body: stats });
    if (method === 'GET' && path === '/__emulator/state') return send(res, { status: 200, body: { ...store.state, grants: store.state.grants.map(present) } });
    if (method === 'POST' && path === '/__emulator/faults') {
      const parsed = parseJson(raw);
      api.setFaults((parsed.value ?? {}) as FaultOptions);
      return send(res, { status: 200, body: faults });
    }
    if (method === 'POST' && path === '/__emulator/reset-stats') {
      api.resetStats();
      return send(res, { status: 204 });
    }
    send(res, error(404, 'Not Found'));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const api: Emulator = {
    url: `${options.tls ? 'https' : 'http'}://${address.address}:${address.port}`,
    port: address.port,
    store,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    setFaults(next) {
      faults = { ...next };
      dice = seededRandom(faults.seed ?? 1);
      tokenUses.clear();
    },
    setRateLimit(next) {
      rateLimit = next;
      bucket = next ? { tokens: next.burst, at: Date.now() } : undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return api;
}

function loadStore(options: EmulatorOptions, random: () => number): TenantStore {
  if (options.statePath && existsSync(options.statePath)) {
    return new TenantStore(JSON.parse(readFileSync(options.statePath, 'utf8')) as TenantState, random);
  }
  return new TenantStore(options.seed, random);
}

function emptyStats(): EmulatorStats {
  return {
    requests: 0,
    byRoute: {},
    byStatus: {},
    writes: 0,
    rateLimited: 0,
    tokensIssued: 0,
    maxConcurrency: 0,
    faults: { serverErrors: 0, resets: 0, lostReplies: 0, expiredTokens: 0 },
  };
}

function routeOf(method: string, pathname: string): string {
  if (/^\/api\/v2\/client-grants\/[^/]+$/.test(pathname)) return `${method} /api/v2/client-grants/{id}`;
  return `${method} ${pathname.replace(/\/$/, '')}`;
}

function send(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  // Auth0 sends the JSON content type even on 204 (recorded).
  res.writeHead(reply.status, REASONS[reply.status], { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) break; // Auth0's payload limit is 1 MB.
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): { ok: boolean; value?: unknown } {
  if (raw === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

function queryError(detail: string): Reply {
  return error(400, `Query validation error: '${detail}'.`, 'invalid_query_string');
}

function checkQuery(query: URLSearchParams, allowed: string[]): Reply | undefined {
  for (const key of query.keys()) if (!allowed.includes(key)) return queryError(`Additional properties not allowed: ${key}`);
  for (const key of ['per_page', 'take']) {
    const value = query.get(key);
    if (value !== null && !(Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 100)) {
      return queryError(`Expected ${key} to be an integer between 1 and 100 but found ${value}`);
    }
  }
  const page = query.get('page');
  if (page !== null && !(Number.isInteger(Number(page)) && Number(page) >= 0)) return queryError(`Expected page to be a non-negative integer but found ${page}`);
  return undefined;
}

/**
 * Auth0's three list shapes: `take`/`from` → checkpoint `{items, next?}`;
 * `include_totals=true` → `{total, start, limit, items}`; otherwise a bare array.
 * Without paging parameters at most 50 items come back.
 */
function paginate<T>(query: URLSearchParams, items: T[], key: string, idOf: (item: T) => string, show: (item: T) => unknown): Reply {
  if (query.has('take') || query.has('from')) {
    const take = Number(query.get('take') ?? 50);
    const from = query.get('from');
    let start = 0;
    if (from) {
      // Items are in id order: binary-search the first one after the cursor.
      const after = Buffer.from(from, 'base64url').toString('utf8');
      let lo = 0;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (idOf(items[mid]!) > after) hi = mid;
        else lo = mid + 1;
      }
      start = lo;
    }
    const page = items.slice(start, start + take);
    const body: Record<string, unknown> = { [key]: page.map(show) };
    if (start + take < items.length) body.next = Buffer.from(idOf(page[page.length - 1]!)).toString('base64url');
    return { status: 200, body };
  }
  const perPage = Number(query.get('per_page') ?? 50);
  const page = Number(query.get('page') ?? 0);
  const slice = items.slice(page * perPage, page * perPage + perPage).map(show);
  if (query.get('include_totals') === 'true') {
    return { status: 200, body: { total: items.length, start: page * perPage, limit: perPage, [key]: slice } };
  }
  return { status: 200, body: slice };
}

function selectFields(query: URLSearchParams): (item: Record<string, unknown>) => Record<string, unknown> {
  const fields = query.get('fields')?.split(',').filter(Boolean);
  if (!fields) return (item) => item;
  const include = query.get('include_fields') !== 'false';
  return (item) => Object.fromEntries(Object.entries(item).filter(([k]) => fields.includes(k) === include));
}

function presentClient(client: StoredClient, scopes: Set<string>): Record<string, unknown> {
  const { client_secret, ...rest } = client;
  // The secret comes back only to tokens with read:client_keys (recorded in deploy-cli traffic).
  return scopes.has('read:client_keys') && client_secret ? { ...rest, client_secret } : rest;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

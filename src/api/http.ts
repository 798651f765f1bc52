// The Management API over HTTP with got: tokens, pagination, retries, rate limiting, two pools.
import { got, RequestError, type Got, type Options, type Response } from 'got';
import pLimit, { type LimitFunction } from 'p-limit';
import { ApiError } from '../errors.js';
import type { ClientSummary, GrantKey, LiveGrant, OrganizationSummary, ResourceServerSummary } from '../model/types.js';
import { systemClock, type Clock } from './clock.js';
import type { Endpoint } from './domain.js';
import { explainNetworkError } from './network-error.js';
import type { ReadProfile } from '../model/types.js';
import type { CreateGrantBody, GrantFilter, ManagementApi, UpdateGrantBody } from './port.js';
import { RateLimiter, readRateLimitHeaders } from './ratelimit.js';
import { assertionAudience, clientAssertion, CLIENT_ASSERTION_TYPE, explainRefusedAssertion, type SigningKey } from './signing-key.js';
import type { Redactor } from './redact.js';
import { DEFAULT_RETRY_POLICY, retryDelay, type RetryPolicy } from './retry.js';
import { ClientCredentialsToken, StaticToken, type FetchedToken, type TokenSource } from './token.js';

/** Largest page the API accepts (recordings show 100 accepted on public cloud). */
export const PAGE_SIZE = 100;

export interface RequestEvent {
  method: string;
  /** Path and query; never carries a secret. */
  path: string;
  status: number | string;
  ms: number;
  attempt: number;
}

export interface ClientOptions {
  endpoint: Endpoint;
  credentials:
    | { clientId: string; clientSecret: string; audience?: string }
    /** Private Key JWT: a client assertion signed with this key instead of a secret (auth0-api.md §14). */
    | { clientId: string; signingKey: SigningKey; audience?: string }
    | { accessToken: string };
  redactor: Redactor;
  readConcurrency?: number;
  writeConcurrency?: number;
  maxRequestsPerSecond?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  random?: () => number;
  onRequest?: (event: RequestEvent) => void;
  onPage?: (resource: string, items: number) => void;
  /** How host names are looked up (tests answer for names under `.invalid` without asking DNS). */
  dnsLookup?: Options['dnsLookup'];
  /** True once retrying cannot help (apply's circuit breaker is open): network errors and 5xx then fail at once. */
  stopRetrying?: () => boolean;
  /** Cancels every request, in flight or not yet sent (a plan whose files turned out bad). Waits use `clock`. */
  signal?: AbortSignal;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Call {
  method: Method;
  path: string;
  searchParams?: Record<string, string | number | boolean>;
  /** The body; a function is called again for each attempt (a client assertion is accepted once). */
  json?: unknown;
  /** Statuses that are answers rather than errors (e.g. 404 when looking up). */
  accept?: number[];
  /** The token request itself: no bearer token, and repeating it is harmless (it is not a write). */
  tokenRequest?: boolean;
  /** The organization client-grant endpoints: their own, much smaller rate limit (auth0-api.md §7, §13). */
  organizationLimit?: boolean;
}

export class ManagementClient implements ManagementApi {
  readonly tokens: TokenSource;
  private readonly http: Got;
  private readonly reads: LimitFunction;
  private readonly writes: LimitFunction;
  private readonly limiter: RateLimiter;
  private readonly organizationLimiter: RateLimiter;
  private readonly policy: RetryPolicy;
  private readonly clock: Clock;
  private readonly random: () => number;
  /** Moving average of successful GET round trips (ms); undefined until the first one. */
  private readLatencyMs: number | undefined;
  /** Whether the server has answered any request (a refused connection is then worth retrying). */
  private answered = false;
  private readonly timeoutMs: number;

  constructor(private readonly options: ClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.limiter = new RateLimiter(this.clock, options.maxRequestsPerSecond);
    this.organizationLimiter = new RateLimiter(this.clock, options.maxRequestsPerSecond);
    this.reads = pLimit(options.readConcurrency ?? 16);
    this.writes = pLimit(options.writeConcurrency ?? 8);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.http = got.extend({
      prefixUrl: options.endpoint.baseUrl,
      throwHttpErrors: false,
      // Retries are ours: got would retry a POST after a lost reply, and it knows nothing of x-ratelimit-*.
      retry: { limit: 0 },
      // Never follow a redirect: a 307 would re-send the token request's body (the client secret) or the
      // bearer token to wherever the Location points. A 3xx is reported by call(), not retried.
      followRedirect: false,
      timeout: { request: this.timeoutMs },
      ...(options.dnsLookup ? { dnsLookup: options.dnsLookup } : {}),
      responseType: 'text',
      headers: { 'user-agent': 'grantsync', accept: 'application/json' },
    });
    const creds = options.credentials;
    if ('accessToken' in creds) {
      options.redactor.add(creds.accessToken);
      this.tokens = new StaticToken(creds.accessToken);
    } else {
      const audience = creds.audience ?? `https://${options.endpoint.host}/api/v2/`;
      const authenticate = this.clientAuthentication(creds);
      const fetch = (): Promise<FetchedToken> => this.fetchToken(async () => ({ client_id: creds.clientId, ...(await authenticate()), audience }));
      const signingKey = 'signingKey' in creds ? creds.signingKey : undefined;
      const fetchExplained = signingKey ? () => fetch().catch((error: unknown) => Promise.reject(explainRefusedAssertion(error, signingKey))) : fetch;
      this.tokens = new ClientCredentialsToken(creds.clientId, fetchExplained, this.clock.now);
    }
  }

  // ---- the port ----

  async listGrants(filter: GrantFilter = {}): Promise<LiveGrant[]> {
    return this.checkpointList<LiveGrant>('api/v2/client-grants', 'client_grants', filter.audience === undefined ? {} : { audience: filter.audience });
  }

  readProfile(): ReadProfile {
    return {
      latencyMs: this.readLatencyMs ?? 0,
      requestsPerSecond: this.limiter.requestsPerSecond(),
      readConcurrency: this.options.readConcurrency ?? 16,
      pageSize: PAGE_SIZE,
    };
  }

  async listClients(): Promise<ClientSummary[]> {
    const clients = await this.checkpointList<ClientSummary>('api/v2/clients', 'clients', {
      fields: 'client_id,name,app_type,global',
      include_fields: true,
      is_global: false,
    });
    return clients.filter((c) => !c.global);
  }

  async listResourceServers(): Promise<ResourceServerSummary[]> {
    type Raw = { id?: string; identifier: string; name?: string; is_system?: boolean; scopes?: { value: string }[]; token_lifetime?: number };
    const raw = await this.offsetList<Raw>('api/v2/resource-servers', 'resource_servers', {
      fields: 'id,identifier,name,is_system,scopes,token_lifetime',
      include_fields: true,
    });
    return raw.map((rs) => ({
      id: rs.id,
      identifier: rs.identifier,
      name: rs.name,
      ...(rs.is_system ? { is_system: true } : {}),
      scopes: (rs.scopes ?? []).map((s) => s.value),
      ...(typeof rs.token_lifetime === 'number' ? { token_lifetime: rs.token_lifetime } : {}),
    }));
  }

  async findGrant(key: GrantKey): Promise<LiveGrant | undefined> {
    const filter: Record<string, string> = key.default_for ? { default_for: key.default_for } : { client_id: key.client_id };
    const grants = await this.checkpointList<LiveGrant>('api/v2/client-grants', 'client_grants', { ...filter, audience: key.audience });
    return grants.find((g) => (key.default_for ? g.default_for === key.default_for : (g.subject_type ?? 'client') === key.subject_type));
  }

  // ---- organizations (auth0-api.md §13) ----

  async listOrganizations(): Promise<OrganizationSummary[]> {
    const organizations = await this.checkpointList<OrganizationSummary>('api/v2/organizations', 'organizations', {});
    return organizations.map((o) => ({ id: o.id, name: o.name }));
  }

  async listOrganizationGrants(organizationId: string): Promise<string[]> {
    const path = `api/v2/organizations/${encodeURIComponent(organizationId)}/client-grants`;
    // 100 per page: an organization holds at most 100 grants on public cloud, so one request each.
    const grants = await this.offsetList<{ id: string }>(path, 'client_grants', {}, { organizationLimit: true });
    return grants.map((g) => g.id);
  }

  async listGrantOrganizations(grantId: string): Promise<string[]> {
    const path = `api/v2/client-grants/${encodeURIComponent(grantId)}/organizations`;
    const organizations = await this.offsetList<{ id: string }>(path, 'organizations', {}, { organizationLimit: true });
    return organizations.map((o) => o.id);
  }

  async associateOrganization(organizationId: string, grantId: string): Promise<void> {
    const path = `api/v2/organizations/${encodeURIComponent(organizationId)}/client-grants`;
    await this.writes(() => this.call({ method: 'POST', path, json: { grant_id: grantId }, accept: [409], organizationLimit: true }));
  }

  async dissociateOrganization(organizationId: string, grantId: string): Promise<void> {
    const path = `api/v2/organizations/${encodeURIComponent(organizationId)}/client-grants/${encodeURIComponent(grantId)}`;
    await this.writes(() => this.call({ method: 'DELETE', path, accept: [404], organizationLimit: true }));
  }

  async createGrant(body: CreateGrantBody): Promise<LiveGrant> {
    const res = await this.writes(() => this.call({ method: 'POST', path: 'api/v2/client-grants', json: body }));
    return JSON.parse(res.body) as LiveGrant;
  }

  async updateGrant(id: string, body: UpdateGrantBody): Promise<LiveGrant> {
    const res = await this.writes(() => this.call({ method: 'PATCH', path: `api/v2/client-grants/${encodeURIComponent(id)}`, json: body }));
    return JSON.parse(res.body) as LiveGrant;
  }

  async deleteGrant(id: string): Promise<void> {
    await this.writes(() => this.call({ method: 'DELETE', path: `api/v2/client-grants/${encodeURIComponent(id)}`, accept: [404] }));
  }

  // ---- pagination ----

  /** Checkpoint pagination (`take`/`from`): follows `next` until it is absent. Never trusts a default page. */
  private async checkpointList<T>(path: string, key: string, params: Record<string, string | number | boolean>): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let from: string | undefined;
    for (;;) {
      const { body, list } = await this.readPage<T>(path, key, { ...params, take: PAGE_SIZE, ...(from ? { from } : {}) });
      items.push(...list);
      const next = Array.isArray(body) ? undefined : body.next;
      if (typeof next !== 'string' || next === '' || list.length === 0) return items;
      if (seen.has(next)) throw this.shapeError(path, 'the API returned the same page cursor twice');
      seen.add(next);
      from = next;
    }
  }

  /** Offset pagination: reads pages until one comes back short. `total` is advisory only. */
  private async offsetList<T>(path: string, key: string, params: Record<string, string | number | boolean>, how: Pick<Call, 'organizationLimit'> = {}): Promise<T[]> {
    const items: T[] = [];
    for (let page = 0; ; page++) {
      const { list } = await this.readPage<T>(path, key, { ...params, page, per_page: PAGE_SIZE, include_totals: true }, how);
      items.push(...list);
      if (list.length < PAGE_SIZE) return items;
      if (page > 10_000) throw this.shapeError(path, 'too many pages');
    }
  }

  /** One page of a list, in any of Auth0's shapes (a bare array, or an object holding it under `key`). */
  private async readPage<T>(
    path: string,
    key: string,
    searchParams: Record<string, string | number | boolean>,
    how: Pick<Call, 'organizationLimit'> = {},
  ): Promise<{ body: Record<string, unknown> | unknown[]; list: T[] }> {
    const res = await this.reads(() => this.call({ method: 'GET', path, searchParams, ...how }));
    const body = parseBody(res, path) as Record<string, unknown> | unknown[];
    const list = (Array.isArray(body) ? body : body[key]) as T[] | undefined;
    if (!Array.isArray(list)) throw this.shapeError(path, `expected a list under "${key}"`);
    this.options.onPage?.(key, list.length);
    return { body, list };
  }

  // ---- one request, with retries ----

  private async call(call: Call, tokenRetried = false): Promise<Response<string>> {
    let rateLimited = 0;
    let staleTokens = 0;
    let serverErrors = 0;
    // A POST that got no answer, or a 5xx, may have been applied: the caller re-reads instead of repeating it.
    const repeatable = call.method !== 'POST' || call.tokenRequest === true;
    // The token endpoint is the Authentication API, with limits of its own: it neither waits for
    // nor feeds the Management API's limiter.
    const limiter = call.tokenRequest ? undefined : call.organizationLimit ? this.organizationLimiter : this.limiter;
    for (let attempt = 0; ; attempt++) {
      this.options.signal?.throwIfAborted();
      const token = call.tokenRequest ? undefined : await this.tokens.get();
      // Built before the request, not inside its try: a body that cannot be built is not a network error.
      const json: unknown = typeof call.json === 'function' ? await (call.json as () => Promise<unknown>)() : call.json;
      await limiter?.acquire();
      const started = this.clock.now();
      const shownPath = showPath(call);
      let res: Response<string>;
      try {
        res = await this.http(call.path, {
          method: call.method,
          searchParams: call.searchParams,
          json,
          headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
          signal: this.options.signal,
        });
      } catch (error) {
        limiter?.settle();
        this.options.signal?.throwIfAborted();
        const code = error instanceof RequestError ? error.code : 'ERROR';
        this.options.onRequest?.({ method: call.method, path: shownPath, status: code, ms: this.clock.now() - started, attempt });
        const problem = explainNetworkError(error, {
          baseUrl: this.options.endpoint.baseUrl,
          request: `${call.method} /${call.path}`,
          timeoutMs: this.timeoutMs,
          attempts: serverErrors + 1,
          answeredBefore: this.answered,
        });
        if (!repeatable || serverErrors >= this.policy.maxServerRetries || problem?.permanent || this.options.stopRetrying?.()) {
          throw new ApiError({
            message: this.options.redactor.redact(problem?.message ?? `${call.method} /${shownPath} failed: ${code} (${(error as Error).message})`),
            ...(problem?.hint ? { hint: this.options.redactor.redact(problem.hint) } : {}),
            method: call.method,
            path: `/${shownPath}`,
            // A request that never reached the server (no such host, refused, not TLS) did nothing.
            outcomeUnknown: call.method !== 'GET' && !call.tokenRequest && !problem?.permanent,
            errorCode: code,
            cause: error,
          });
        }
        serverErrors++;
        await this.clock.sleep(retryDelay({ attempt: serverErrors, headers: {}, now: this.clock.now(), random: this.random, policy: this.policy }));
        continue;
      }
      this.answered = true;
      limiter?.settle(readRateLimitHeaders(res.headers), res.statusCode !== 429);
      this.options.onRequest?.({ method: call.method, path: shownPath, status: res.statusCode, ms: this.clock.now() - started, attempt });
      const status = res.statusCode;
      if (status >= 300 && status < 400) throw this.redirectError(call, res);
      if (call.method === 'GET' && status < 400) this.observeReadLatency(this.clock.now() - started);
      if (status < 400 || call.accept?.includes(status)) return res;

      if (status === 401 && token !== undefined) {
        // Another request already replaced this token: try the new one; that is not our one renewal.
        if (this.tokens.isReplaced(token) && staleTokens++ < 3) continue;
        if (!tokenRetried && this.tokens.invalidate(token)) return this.call(call, true);
      }
      if (status === 429 && rateLimited < this.policy.maxRateLimitRetries) {
        rateLimited++;
        const delay = retryDelay({ attempt: rateLimited, headers: res.headers, now: this.clock.now(), random: this.random, policy: this.policy });
        limiter?.exhausted(this.clock.now() + delay);
        await this.clock.sleep(delay);
        continue;
      }
      if (status >= 500 && repeatable && serverErrors < this.policy.maxServerRetries && !this.options.stopRetrying?.()) {
        serverErrors++;
        await this.clock.sleep(retryDelay({ attempt: serverErrors, headers: res.headers, now: this.clock.now(), random: this.random, policy: this.policy }));
        continue;
      }
      throw this.httpError(call, res, status >= 500 && !repeatable);
    }
  }

  private observeReadLatency(ms: number): void {
    this.readLatencyMs = this.readLatencyMs === undefined ? ms : 0.8 * this.readLatencyMs + 0.2 * ms;
  }

  /**
   * The fields that authenticate a token request: the client secret, or a fresh client assertion
   * (a new jti and lifetime for each request, since Auth0 accepts each assertion once).
   */
  private clientAuthentication(creds: Exclude<ClientOptions['credentials'], { accessToken: string }>): () => Promise<Record<string, string>> {
    if ('clientSecret' in creds) {
      this.options.redactor.add(creds.clientSecret);
      return async () => ({ client_secret: creds.clientSecret });
    }
    const { signingKey } = creds;
    for (const secret of signingKey.secrets) this.options.redactor.add(secret);
    const { clientId } = creds;
    const audience = assertionAudience(this.options.endpoint.baseUrl);
    return async () => {
      const assertion = await clientAssertion(clientId, signingKey, audience, this.clock.now());
      this.options.redactor.add(assertion);
      return { client_assertion: assertion, client_assertion_type: CLIENT_ASSERTION_TYPE };
    };
  }

  private async fetchToken(fields: () => Promise<Record<string, string>>): Promise<FetchedToken> {
    const res = await this.call({
      method: 'POST',
      path: 'oauth/token',
      // Built again for each attempt: a retried request carries a fresh assertion.
      json: async () => ({ grant_type: 'client_credentials', ...(await fields()) }),
      tokenRequest: true,
    });
    const body = parseBody(res, 'oauth/token') as { access_token?: unknown; expires_in?: unknown; scope?: unknown };
    if (typeof body.access_token !== 'string') throw this.shapeError('oauth/token', 'no access_token in the answer');
    this.options.redactor.add(body.access_token);
    return {
      accessToken: body.access_token,
      expiresInSeconds: typeof body.expires_in === 'number' ? body.expires_in : 86_400,
      ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
    };
  }

  private httpError(call: Pick<Call, 'method' | 'path' | 'searchParams'>, res: Response<string>, outcomeUnknown: boolean): ApiError {
    let detail = res.statusMessage ?? '';
    let errorCode: string | undefined;
    try {
      const body = JSON.parse(res.body) as { statusCode?: unknown; message?: unknown; error?: unknown; error_description?: unknown; errorCode?: unknown };
      const message = body.message ?? body.error_description;
      if (typeof message === 'string') detail = message;
      // Management API errors carry `errorCode` (optional; `error` is only the reason phrase);
      // OAuth errors from /oauth/token carry the code in `error`.
      if (typeof body.errorCode === 'string') errorCode = body.errorCode;
      else if (body.statusCode === undefined && typeof body.error === 'string') errorCode = body.error;
    } catch {
      // Not JSON (a proxy's HTML page, say): the status line is all we show.
    }
    const hint = hintFor(res.statusCode, call.path, errorCode);
    return new ApiError({
      message: this.options.redactor.redact(
        `${call.method} /${showPath(call)} → ${res.statusCode} ${detail}${errorCode ? ` (${errorCode})` : ''}${hint ? `. ${hint}` : ''}`,
      ),
      method: call.method,
      path: `/${call.path}`,
      status: res.statusCode,
      errorCode,
      outcomeUnknown,
    });
  }

  private redirectError(call: Call, res: Response<string>): ApiError {
    return new ApiError({
      message: this.options.redactor.redact(
        `${call.method} /${showPath(call)} → ${res.statusCode} redirect to ${redirectTarget(res.headers.location, this.options.endpoint.baseUrl)}: ` +
          'refused, grantsync never follows redirects (nothing was sent there). Check AUTH0_DOMAIN' +
          (call.tokenRequest ? ' and AUTH0_AUDIENCE' : '') +
          ': it must name the tenant itself, not a host that forwards to it',
      ),
      method: call.method,
      path: `/${call.path}`,
      status: res.statusCode,
      // A redirect should mean the write was not done, but a server that redirects writes is not to be
      // trusted on that: treat a write's outcome as unknown, like a lost reply.
      outcomeUnknown: call.method !== 'GET' && !call.tokenRequest,
    });
  }

  private shapeError(path: string, what: string): ApiError {
    return new ApiError({ message: `GET /${path}: unexpected answer: ${what}`, method: 'GET', path: `/${path}` });
  }
}

function parseBody(res: Response<string>, path: string): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    throw new ApiError({ message: `/${path}: the answer is not JSON (status ${res.statusCode})`, method: 'GET', path: `/${path}`, status: res.statusCode });
  }
}

/** Where a Location header points, as scheme://host[:port] only: no user, password, path or query, which may carry secrets. */
export function redirectTarget(location: string | undefined, base: string): string {
  if (!location) return 'nowhere (no Location header)';
  try {
    const url = new URL(location, base);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'an unreadable Location';
  }
}

function showPath(call: Pick<Call, 'path' | 'searchParams'>): string {
  if (!call.searchParams) return call.path;
  const query = new URLSearchParams(Object.entries(call.searchParams).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return query ? `${call.path}?${query}` : call.path;
}

function hintFor(status: number, path: string, errorCode: string | undefined): string | undefined {
  if (path === 'oauth/token' && status === 401) return 'Check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET';
  if (path === 'oauth/token' && status === 403) return 'The client needs a grant to the Management API (APIs → Auth0 Management API → Machine to Machine Applications)';
  if (status === 401) return 'The token was refused; check the credentials';
  if (errorCode === 'insufficient_scope') return 'Grant the missing scope to the client grantsync runs as';
  return undefined;
}

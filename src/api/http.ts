// The Management API over HTTP: the ManagementApi port as requests. How a request is sent and
// retried is requests.ts (with the rules in retry.ts), lists are read by pages.ts, tokens come from
// credentials.ts, and failures are worded by failures.ts. Reads and writes have pools of their own.
import type { Options, Response } from 'got';
import pLimit, { type LimitFunction } from 'p-limit';
import type { ClientSummary, GrantKey, LiveGrant, OrganizationSummary, ReadProfile, ResourceServerSummary } from '../model/types.js';
import { systemClock, type Clock } from './clock.js';
import { tokenSource, type Credentials } from './credentials.js';
import type { Endpoint } from './domain.js';
import { writtenGrant } from './failures.js';
import { checkpointList, offsetList, PAGE_SIZE, type GetPage, type SearchParams } from './pages.js';
import type { CreateGrantBody, GrantFilter, ListingHint, ManagementApi, UpdateGrantBody } from './port.js';
import type { Redactor } from './redact.js';
import { Requests, type Call, type RequestEvent } from './requests.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import type { TokenSource } from './token.js';

export { PAGE_SIZE } from './pages.js';
export { redirectTarget } from './failures.js';
export type { RequestEvent } from './requests.js';

export interface ClientOptions {
  endpoint: Endpoint;
  credentials: Credentials;
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

export class ManagementClient implements ManagementApi {
  readonly tokens: TokenSource;
  private readonly requests: Requests;
  private readonly reads: LimitFunction;
  private readonly writes: LimitFunction;

  constructor(private readonly options: ClientOptions) {
    const clock = options.clock ?? systemClock;
    this.reads = pLimit(options.readConcurrency ?? 16);
    this.writes = pLimit(options.writeConcurrency ?? 8);
    this.requests = new Requests(
      {
        endpoint: options.endpoint,
        redactor: options.redactor,
        timeoutMs: options.timeoutMs ?? 30_000,
        policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
        clock,
        random: options.random ?? Math.random,
        maxRequestsPerSecond: options.maxRequestsPerSecond,
        dnsLookup: options.dnsLookup,
        onRequest: options.onRequest,
        stopRetrying: options.stopRetrying,
        signal: options.signal,
      },
      (send) => tokenSource(options.credentials, { endpoint: options.endpoint, redactor: options.redactor, clock, send }),
    );
    this.tokens = this.requests.tokens;
  }

  // ---- the port ----

  async listGrants(filter: GrantFilter = {}, hint: ListingHint = {}): Promise<LiveGrant[]> {
    return this.checkpointList<LiveGrant>('api/v2/client-grants', 'client_grants', filter.audience === undefined ? {} : { audience: filter.audience }, hint);
  }

  readProfile(): ReadProfile {
    return {
      latencyMs: this.requests.readLatencyMs,
      requestsPerSecond: this.requests.limiter.requestsPerSecond(),
      readConcurrency: this.options.readConcurrency ?? 16,
      pageSize: PAGE_SIZE,
    };
  }

  async listClients(): Promise<ClientSummary[]> {
    const clients = await this.checkpointList<ClientSummary>('api/v2/clients', 'clients', {
      fields: 'client_id,name,app_type,global,grant_types',
      include_fields: true,
      is_global: false,
    });
    return clients.filter((c) => !c.global);
  }

  async listResourceServers(): Promise<ResourceServerSummary[]> {
    type Raw = Omit<ResourceServerSummary, 'scopes'> & { scopes?: { value: string }[] };
    // The same one listing as before, asking for the fields the review and the least-privilege checks need.
    const raw = await this.offsetList<Raw>('api/v2/resource-servers', 'resource_servers', {
      fields: 'id,identifier,name,is_system,scopes,token_lifetime,subject_type_authorization',
      include_fields: true,
    });
    return raw.map((rs) => ({
      id: rs.id,
      identifier: rs.identifier,
      name: rs.name,
      ...(rs.is_system ? { is_system: true } : {}),
      scopes: (rs.scopes ?? []).map((s) => s.value),
      ...(typeof rs.token_lifetime === 'number' ? { token_lifetime: rs.token_lifetime } : {}),
      ...(typeof rs.subject_type_authorization === 'object' && rs.subject_type_authorization !== null ? { subject_type_authorization: rs.subject_type_authorization } : {}),
    }));
  }

  async findGrant(key: GrantKey): Promise<LiveGrant | undefined> {
    const filter: Record<string, string> = key.default_for ? { default_for: key.default_for } : { client_id: key.client_id };
    const grants = await this.checkpointList<LiveGrant>('api/v2/client-grants', 'client_grants', { ...filter, audience: key.audience });
    return grants.find((g) => (key.default_for ? g.default_for === key.default_for : (g.subject_type ?? 'client') === key.subject_type));
  }

  // ---- organizations: their client-grant endpoints have their own, much smaller rate limit ----

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
    return writtenGrant(res, { method: 'POST', path: 'api/v2/client-grants' });
  }

  async updateGrant(id: string, body: UpdateGrantBody): Promise<void> {
    await this.writes(() => this.call({ method: 'PATCH', path: `api/v2/client-grants/${encodeURIComponent(id)}`, json: body }));
  }

  async deleteGrant(id: string): Promise<void> {
    await this.writes(() => this.call({ method: 'DELETE', path: `api/v2/client-grants/${encodeURIComponent(id)}`, accept: [404] }));
  }

  // ---- the means: lists (through the read pool) and single requests ----

  /** Checkpoint pagination (`take`/`from`), for the endpoints that have it. */
  private checkpointList<T>(path: string, key: string, params: SearchParams, hint: { expectedItems?: number; onItems?: (items: readonly T[]) => void } = {}): Promise<T[]> {
    return checkpointList<T>(this.getPage(), path, key, params, this.options.onPage, hint.expectedItems, hint.onItems);
  }

  /** Offset pagination (`page`/`per_page`). */
  private offsetList<T>(path: string, key: string, params: SearchParams, how: Pick<Call, 'organizationLimit'> = {}): Promise<T[]> {
    return offsetList<T>(this.getPage(how), path, key, params, this.options.onPage);
  }

  private getPage(how: Pick<Call, 'organizationLimit'> = {}): GetPage {
    return (path, searchParams, priority) => this.reads(() => this.call({ method: 'GET', path, searchParams, priority, ...how }));
  }

  /** One request with the client's retries (see retry.ts). */
  private call(call: Call): Promise<Response<string>> {
    return this.requests.send(call);
  }
}

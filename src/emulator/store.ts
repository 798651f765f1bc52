// The emulated tenant in memory, with Auth0's rules for client grants (auth0-api.md §1–§5, §11).
// Handlers return a Reply; HTTP, auth, rate limits and faults live in server.ts.
import { managementApi, managementApiIdentifier, type Seed, type SeedClient, type SeedGrant } from './seed.js';

export interface Reply {
  status: number;
  body?: unknown;
}

export interface StoredClient {
  client_id: string;
  name: string;
  app_type?: string;
  is_first_party: boolean;
  global: boolean;
  client_secret?: string;
  grant_types: string[];
}

export interface StoredResourceServer {
  id: string;
  name: string;
  identifier: string;
  is_system?: true;
  scopes: { value: string; description: string }[];
}

/** A grant exactly as Auth0 stores it: unset keys are absent. */
export interface StoredGrant {
  id: string;
  client_id?: string;
  audience: string;
  scope?: string[];
  organization_usage?: string;
  allow_any_organization?: boolean;
  is_system?: true;
  subject_type: string;
  authorization_details_types?: string[];
  allow_all_scopes?: boolean;
  default_for?: string;
}

export interface TenantState {
  tenant: string;
  clients: StoredClient[];
  resourceServers: StoredResourceServer[];
  grants: StoredGrant[];
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomId(length: number, random: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[Math.floor(random() * ALPHANUMERIC.length)];
  return out;
}

export const error = (status: number, message: string, errorCode?: string): Reply => ({
  status,
  body: { statusCode: status, error: REASONS[status] ?? 'Error', message, ...(errorCode ? { errorCode } : {}) },
});

export const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const invalidBody = (detail: string): Reply => error(400, `Payload validation error: '${detail}'.`, 'invalid_body');

/** Plain code-unit order, as Auth0 lists ids. */
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const POST_FIELDS = new Set([
  'client_id', 'audience', 'scope', 'subject_type', 'organization_usage', 'allow_any_organization',
  'authorization_details_types', 'allow_all_scopes', 'default_for',
]);
const PATCH_FIELDS = new Set(['scope', 'organization_usage', 'allow_any_organization', 'authorization_details_types', 'allow_all_scopes']);
const ORGANIZATION_USAGE = new Set(['deny', 'allow', 'require']);

export class TenantStore {
  readonly state: TenantState;
  /** Bumped on every successful write; the server persists when it changes. */
  version = 0;
  private readonly keys = new Map<string, string>();

  constructor(
    seed: Seed | TenantState,
    private readonly random: () => number = Math.random,
  ) {
    this.state = 'resourceServers' in seed ? structuredClone(seed) : this.fromSeed(seed);
    this.state.grants.sort(byId);
    for (const grant of this.state.grants) this.keys.set(uniqueKey(grant), grant.id);
  }

  get managementApiIdentifier(): string {
    return managementApiIdentifier(this.state.tenant);
  }

  client(clientId: string): StoredClient | undefined {
    return this.state.clients.find((c) => c.client_id === clientId);
  }

  resourceServer(identifier: string): StoredResourceServer | undefined {
    return this.state.resourceServers.find((rs) => rs.identifier === identifier);
  }

  grantById(id: string): StoredGrant | undefined {
    const grants = this.state.grants;
    // Grants are kept sorted by id: binary search.
    let lo = 0;
    let hi = grants.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const g = grants[mid]!;
      if (g.id === id) return g;
      if (g.id < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The grant of a client to an audience (the scopes a token for it gets). */
  grantFor(clientId: string, audience: string): StoredGrant | undefined {
    const id = this.keys.get(`c\u0000${clientId}\u0000${audience}\u0000client`);
    return id ? this.grantById(id) : undefined;
  }

  listGrants(filter: { audience?: string; client_id?: string; subject_type?: string; default_for?: string; allow_any_organization?: boolean }): StoredGrant[] {
    if (Object.values(filter).every((v) => v === undefined)) return this.state.grants;
    return this.state.grants.filter(
      (g) =>
        (filter.audience === undefined || g.audience === filter.audience) &&
        (filter.client_id === undefined || g.client_id === filter.client_id) &&
        (filter.subject_type === undefined || g.subject_type === filter.subject_type) &&
        (filter.default_for === undefined || g.default_for === filter.default_for) &&
        (filter.allow_any_organization === undefined || g.allow_any_organization === true),
    );
  }

  createGrant(body: unknown): Reply {
    if (!isObject(body)) return invalidBody('Expected type object but found type ' + typeName(body));
    for (const key of Object.keys(body)) if (!POST_FIELDS.has(key)) return invalidBody(`Additional properties not allowed: ${key}`);
    if (body.audience === undefined) return invalidBody('Missing required property: audience');
    if (typeof body.audience !== 'string' || body.audience.length === 0) return invalidBody('Expected type string but found type ' + typeName(body.audience) + ' on property audience');
    const hasClient = body.client_id !== undefined;
    const hasDefault = body.default_for !== undefined;
    if (hasClient === hasDefault) return error(400, 'Exactly one of client_id or default_for must be provided.', 'invalid_body');
    if (hasClient && typeof body.client_id !== 'string') return invalidBody('Expected type string but found type ' + typeName(body.client_id) + ' on property client_id');
    if (hasDefault && body.default_for !== 'third_party_clients') return invalidBody('No enum match for: ' + JSON.stringify(body.default_for) + ' on property default_for');
    const fieldError = validateMutable(body);
    if (fieldError) return fieldError;
    if (body.subject_type !== undefined && body.subject_type !== 'client' && body.subject_type !== 'user') {
      return invalidBody(`No enum match for: ${JSON.stringify(body.subject_type)} on property subject_type`);
    }
    if (body.allow_all_scopes === true && body.scope !== undefined) {
      return error(400, 'scope cannot be provided when allow_all_scopes is true', 'invalid_body');
    }
    if (body.allow_all_scopes !== true && (body.scope === undefined || body.scope === null)) {
      return invalidBody('Missing required property: scope');
    }
    const client = hasClient ? this.client(body.client_id as string) : undefined;
    if (hasClient && (!client || client.global)) return error(404, 'Client not found', 'inexistent_client');
    const api = this.resourceServer(body.audience);
    if (!api) return error(404, 'Resource server not found', 'inexistent_resource_server');
    if (client?.app_type === 'express_configuration') return error(400, 'Client of type express_configuration cannot be used', 'validation_error');
    if (api.is_system && body.allow_all_scopes !== undefined) {
      return error(400, '`allow_all_scopes` cannot be provided when `audience` is a system API', 'invalid_body');
    }
    if (body.allow_any_organization === true && body.organization_usage !== 'allow' && body.organization_usage !== 'require') {
      return error(400, 'allow_any_organization can only be true when organization_usage is allow or require', 'invalid_body');
    }
    const grant: StoredGrant = {
      id: this.newGrantId(),
      ...(hasClient ? { client_id: body.client_id as string } : {}),
      audience: body.audience,
      ...(body.allow_all_scopes === true ? {} : { scope: [...(body.scope as string[])] }),
      ...(body.organization_usage ? { organization_usage: body.organization_usage as string } : {}),
      ...(typeof body.allow_any_organization === 'boolean' ? { allow_any_organization: body.allow_any_organization } : {}),
      subject_type: (body.subject_type as string | undefined) ?? 'client',
      ...(Array.isArray(body.authorization_details_types) ? { authorization_details_types: [...(body.authorization_details_types as string[])] } : {}),
      ...(typeof body.allow_all_scopes === 'boolean' ? { allow_all_scopes: body.allow_all_scopes } : {}),
      ...(hasDefault ? { default_for: body.default_for as string } : {}),
    };
    const key = uniqueKey(grant);
    if (this.keys.has(key)) {
      // The real errorCode is unknown (auth0-api.md §12): "conflict" is our guess.
      return error(409, `A client grant already exists between ${grant.client_id ?? grant.default_for} and ${grant.audience}`, 'conflict');
    }
    this.insert(grant);
    return { status: 201, body: present(grant) };
  }

  updateGrant(id: string, body: unknown): Reply {
    const grant = this.grantById(id);
    if (!grant) return error(404, 'The grant does not exist.', 'inexistent_client_grant');
    if (!isObject(body)) return invalidBody('Expected type object but found type ' + typeName(body));
    for (const key of Object.keys(body)) if (!PATCH_FIELDS.has(key)) return invalidBody(`Additional properties not allowed: ${key}`);
    if (Object.keys(body).length === 0) return invalidBody('Too few properties defined (0), minimum 1');
    // Status and body for system grants were never captured (auth0-api.md §12): 403 is our guess.
    if (grant.is_system) return error(403, 'System grants cannot be modified directly.', 'operation_not_supported');
    const fieldError = validateMutable(body);
    if (fieldError) return fieldError;
    const usage = 'organization_usage' in body ? body.organization_usage : grant.organization_usage;
    const anyOrg = 'allow_any_organization' in body ? body.allow_any_organization : grant.allow_any_organization;
    if (anyOrg === true && usage !== 'allow' && usage !== 'require') {
      return error(400, 'allow_any_organization can only be true when organization_usage is allow or require', 'invalid_body');
    }
    const next: StoredGrant = { ...grant };
    if ('scope' in body) setOrDelete(next, 'scope', body.scope === null ? undefined : [...(body.scope as string[])]);
    if ('organization_usage' in body) setOrDelete(next, 'organization_usage', body.organization_usage ?? undefined);
    if ('allow_any_organization' in body) setOrDelete(next, 'allow_any_organization', body.allow_any_organization ?? undefined);
    if ('authorization_details_types' in body) setOrDelete(next, 'authorization_details_types', body.authorization_details_types ?? undefined);
    if ('allow_all_scopes' in body) setOrDelete(next, 'allow_all_scopes', body.allow_all_scopes ?? undefined);
    if (next.allow_all_scopes === true) delete next.scope;
    else next.scope ??= [];
    Object.assign(grant, next);
    for (const key of Object.keys(grant) as (keyof StoredGrant)[]) if (!(key in next)) delete grant[key];
    this.version++;
    return { status: 200, body: present(grant) };
  }

  deleteGrant(id: string): Reply {
    const grant = this.grantById(id);
    // Deleting a grant that does not exist is a success: the endpoint is idempotent (recorded).
    if (!grant) return { status: 204 };
    if (grant.is_system) return error(403, 'System grants cannot be deleted directly.', 'operation_not_supported');
    const index = this.state.grants.indexOf(grant);
    this.state.grants.splice(index, 1);
    this.keys.delete(uniqueKey(grant));
    this.version++;
    return { status: 204 };
  }

  private insert(grant: StoredGrant): void {
    const grants = this.state.grants;
    let lo = 0;
    let hi = grants.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (grants[mid]!.id < grant.id) lo = mid + 1;
      else hi = mid;
    }
    grants.splice(lo, 0, grant);
    this.keys.set(uniqueKey(grant), grant.id);
    this.version++;
  }

  private newGrantId(): string {
    for (;;) {
      const id = `cgr_${randomId(16, this.random)}`;
      if (!this.grantById(id)) return id;
    }
  }

  private fromSeed(seed: Seed): TenantState {
    const clients: StoredClient[] = (seed.clients ?? []).map((c: SeedClient) => ({
      client_id: c.client_id,
      name: c.name,
      ...(c.app_type ? { app_type: c.app_type } : {}),
      is_first_party: c.is_first_party ?? true,
      global: c.global ?? false,
      ...(c.client_secret ? { client_secret: c.client_secret } : {}),
      grant_types: c.grant_types ?? (c.app_type === 'non_interactive' ? ['client_credentials'] : ['authorization_code', 'refresh_token']),
    }));
    if (!clients.some((c) => c.global)) {
      // Every tenant has the legacy global client "All Applications" (recorded).
      clients.push({ client_id: randomId(32, this.random), name: 'All Applications', is_first_party: true, global: true, grant_types: [] });
    }
    const apis = [...(seed.resource_servers ?? [])];
    if (!apis.some((rs) => rs.is_system)) apis.unshift(managementApi(seed.tenant));
    const resourceServers: StoredResourceServer[] = apis.map((rs) => ({
      id: rs.id ?? randomHex(24, this.random),
      name: rs.name ?? rs.identifier,
      identifier: rs.identifier,
      ...(rs.is_system ? { is_system: true as const } : {}),
      scopes: (rs.scopes ?? []).map((s) => (typeof s === 'string' ? { value: s, description: s } : { value: s.value, description: s.description ?? s.value })),
    }));
    const nameToId = new Map(clients.map((c) => [c.name, c.client_id]));
    const grants: StoredGrant[] = (seed.client_grants ?? []).map((g: SeedGrant) => {
      const clientId = g.client_id ?? (g.client !== undefined ? nameToId.get(g.client) : undefined);
      if (g.client !== undefined && clientId === undefined) throw new Error(`seed grant names unknown client "${g.client}"`);
      return {
        id: g.id ?? `cgr_${randomId(16, this.random)}`,
        ...(clientId ? { client_id: clientId } : {}),
        audience: g.audience,
        ...(g.allow_all_scopes ? {} : { scope: [...(g.scope ?? [])] }),
        ...(g.organization_usage ? { organization_usage: g.organization_usage } : {}),
        ...(g.allow_any_organization !== undefined ? { allow_any_organization: g.allow_any_organization } : {}),
        ...(g.is_system ? { is_system: true as const } : {}),
        subject_type: g.subject_type ?? 'client',
        ...(g.allow_all_scopes !== undefined ? { allow_all_scopes: g.allow_all_scopes } : {}),
        ...(g.default_for ? { default_for: g.default_for } : {}),
      };
    });
    return { tenant: seed.tenant, clients, resourceServers, grants };
  }
}

function randomHex(length: number, random: () => number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

function uniqueKey(grant: StoredGrant): string {
  return grant.default_for !== undefined
    ? `d\u0000${grant.default_for}\u0000${grant.audience}`
    : `c\u0000${grant.client_id}\u0000${grant.audience}\u0000${grant.subject_type}`;
}

/** Response key order as recorded: id, client_id, audience, scope, organization_usage, allow_any_organization, is_system, subject_type, … */
export function present(grant: StoredGrant): Record<string, unknown> {
  const out: Record<string, unknown> = { id: grant.id };
  if (grant.client_id !== undefined) out.client_id = grant.client_id;
  out.audience = grant.audience;
  if (grant.scope !== undefined && grant.allow_all_scopes !== true) out.scope = [...grant.scope];
  if (grant.organization_usage !== undefined) out.organization_usage = grant.organization_usage;
  if (grant.allow_any_organization !== undefined) out.allow_any_organization = grant.allow_any_organization;
  if (grant.is_system) out.is_system = true;
  out.subject_type = grant.subject_type;
  if (grant.authorization_details_types !== undefined) out.authorization_details_types = [...grant.authorization_details_types];
  if (grant.allow_all_scopes !== undefined) out.allow_all_scopes = grant.allow_all_scopes;
  if (grant.default_for !== undefined) out.default_for = grant.default_for;
  return out;
}

function validateMutable(body: Record<string, unknown>): Reply | undefined {
  if (body.scope !== undefined && body.scope !== null) {
    if (!Array.isArray(body.scope)) return invalidBody(`Expected type array but found type ${typeName(body.scope)} on property scope`);
    for (const item of body.scope) {
      if (typeof item !== 'string') return invalidBody(`Expected type string but found type ${typeName(item)} on property scope`);
      if (item.length < 1 || item.length > 280) return invalidBody(`String is too ${item.length < 1 ? 'short' : 'long'} on property scope`);
    }
  }
  if (body.organization_usage !== undefined && body.organization_usage !== null && !ORGANIZATION_USAGE.has(body.organization_usage as string)) {
    return invalidBody(`No enum match for: ${JSON.stringify(body.organization_usage)} on property organization_usage`);
  }
  for (const flag of ['allow_any_organization', 'allow_all_scopes'] as const) {
    if (body[flag] !== undefined && body[flag] !== null && typeof body[flag] !== 'boolean') {
      return invalidBody(`Expected type boolean but found type ${typeName(body[flag])} on property ${flag}`);
    }
  }
  if (body.authorization_details_types !== undefined && !Array.isArray(body.authorization_details_types)) {
    return invalidBody(`Expected type array but found type ${typeName(body.authorization_details_types)} on property authorization_details_types`);
  }
  return undefined;
}

function setOrDelete<K extends keyof StoredGrant>(grant: StoredGrant, key: K, value: unknown): void {
  if (value === undefined) delete grant[key];
  else grant[key] = value as StoredGrant[K];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

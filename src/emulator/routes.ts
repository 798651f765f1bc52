// The Management API routes the emulator serves, as a table: method, path pattern, the scopes a token
// needs (any one of them) and a handler from request to Reply. New resources add rows.
import { checkQuery, paginate, queryError, selectFields } from './listing.js';
import { present } from './grant-rules.js';
import { associate, dissociate, grantOrganizations, listOrganizationGrants, listOrganizations } from './organizations.js';
import { error, type Reply } from './reply.js';
import type { TenantStore } from './store.js';
import type { StoredClient } from './tenant-state.js';
import { parseJson } from './wire.js';

export interface RouteContext {
  store: TenantStore;
  query: URLSearchParams;
  /** Path parameters by name, as sent (still percent-encoded). */
  params: Record<string, string>;
  body: string;
  /** The scopes of the caller's token, for fields that depend on them (client_secret). */
  scopes: Set<string>;
}

export interface Route {
  method: string;
  /** The path, with `{name}` for a parameter, e.g. `/api/v2/client-grants/{id}`. */
  path: string;
  scopes: readonly string[];
  /** `organizations`: the organization client-grant endpoints, which Auth0 limits separately (and far lower). */
  rateLimit?: 'organizations';
  handle(context: RouteContext): Reply;
}

export interface RouteMatch {
  /** The name requests are counted under: `GET /api/v2/client-grants/{id}`, or method and path for unknown routes. */
  key: string;
  route?: Route;
  params: Record<string, string>;
}

export class RouteTable {
  private readonly compiled: { route: Route; pattern: RegExp; names: string[] }[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      // A trailing slash is ignored on collection paths only (`/client-grants/` lists; `/client-grants/x/` is unknown).
      const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '([^/]+)');
      return { route, names, pattern: new RegExp(`^${source}${names.length === 0 ? '/?' : ''}$`) };
    });
  }

  match(method: string, pathname: string): RouteMatch {
    let known: Route | undefined;
    for (const { route, pattern, names } of this.compiled) {
      const m = pattern.exec(pathname);
      if (!m) continue;
      if (route.method === method) return { key: `${method} ${route.path}`, route, params: Object.fromEntries(names.map((name, i) => [name, m[i + 1]!])) };
      known ??= route;
    }
    // A known path with another method is counted under its pattern; it is answered 404 like any unknown route.
    return { key: `${method} ${known ? known.path : pathname.replace(/\/$/, '')}`, params: {} };
  }
}

const invalidJson = (): Reply => error(400, 'Invalid request payload JSON format', 'invalid_body');
const grantId = (context: RouteContext): string => decodeURIComponent(context.params.id ?? '');

/** Client grants, clients and resource servers. */
export function managementRoutes(): Route[] {
  const clientsInOrder = sortedClientsCache();
  return [
    { method: 'GET', path: '/api/v2/client-grants', scopes: ['read:client_grants'], handle: listGrants },
    {
      method: 'GET',
      path: '/api/v2/client-grants/{id}',
      scopes: ['read:client_grants'],
      handle: (c) => {
        const grant = c.store.grantById(grantId(c));
        return grant ? { status: 200, body: present(grant) } : error(404, 'The grant does not exist.', 'inexistent_client_grant');
      },
    },
    {
      method: 'POST',
      path: '/api/v2/client-grants',
      scopes: ['create:client_grants'],
      handle: (c) => {
        const parsed = parseJson(c.body);
        return parsed.ok ? c.store.createGrant(parsed.value) : invalidJson();
      },
    },
    {
      method: 'PATCH',
      path: '/api/v2/client-grants/{id}',
      scopes: ['update:client_grants'],
      handle: (c) => {
        const parsed = parseJson(c.body);
        return parsed.ok ? c.store.updateGrant(grantId(c), parsed.value) : invalidJson();
      },
    },
    { method: 'DELETE', path: '/api/v2/client-grants/{id}', scopes: ['delete:client_grants'], handle: (c) => c.store.deleteGrant(grantId(c)) },
    { method: 'GET', path: '/api/v2/clients', scopes: ['read:clients', 'read:client_summary'], handle: (c) => listClients(c, clientsInOrder(c.store)) },
    { method: 'GET', path: '/api/v2/resource-servers', scopes: ['read:resource_servers'], handle: listResourceServers },
    ...organizationRoutes(),
  ];
}

const param = (context: RouteContext, name: string): string => decodeURIComponent(context.params[name] ?? '');

/** Organizations and their client grants. */
function organizationRoutes(): Route[] {
  const limited = { rateLimit: 'organizations' as const };
  return [
    { method: 'GET', path: '/api/v2/organizations', scopes: ['read:organizations'], handle: (c) => listOrganizations(c.store, c.query) },
    {
      method: 'GET',
      path: '/api/v2/organizations/{id}/client-grants',
      scopes: ['read:organization_client_grants'],
      ...limited,
      handle: (c) => listOrganizationGrants(c.store, param(c, 'id'), c.query),
    },
    {
      method: 'POST',
      path: '/api/v2/organizations/{id}/client-grants',
      scopes: ['create:organization_client_grants'],
      ...limited,
      handle: (c) => {
        const parsed = parseJson(c.body);
        return parsed.ok ? associate(c.store, param(c, 'id'), parsed.value) : invalidJson();
      },
    },
    {
      method: 'DELETE',
      path: '/api/v2/organizations/{id}/client-grants/{grant_id}',
      scopes: ['delete:organization_client_grants'],
      ...limited,
      handle: (c) => dissociate(c.store, param(c, 'id'), param(c, 'grant_id')),
    },
    {
      method: 'GET',
      path: '/api/v2/client-grants/{id}/organizations',
      scopes: ['read:organization_client_grants'],
      ...limited,
      handle: (c) => grantOrganizations(c.store, param(c, 'id'), c.query),
    },
  ];
}

function listGrants({ store, query }: RouteContext): Reply {
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

function listClients({ query, scopes }: RouteContext, clients: StoredClient[]): Reply {
  const bad = checkQuery(query, ['fields', 'include_fields', 'page', 'per_page', 'include_totals', 'from', 'take', 'is_global', 'is_first_party', 'app_type']);
  if (bad) return bad;
  const isGlobal = query.get('is_global');
  const firstParty = query.get('is_first_party');
  const appTypes = query.get('app_type')?.split(',');
  const items = clients.filter(
    (c) =>
      (isGlobal === null || String(c.global) === isGlobal) &&
      (firstParty === null || String(c.is_first_party) === firstParty) &&
      (!appTypes || (c.app_type !== undefined && appTypes.includes(c.app_type))),
  );
  const fields = selectFields(query);
  return paginate(query, items, 'clients', (c) => c.client_id, (c) => fields(presentClient(c, scopes)));
}

function listResourceServers({ store, query }: RouteContext): Reply {
  const bad = checkQuery(query, ['fields', 'include_fields', 'page', 'per_page', 'include_totals', 'identifiers']);
  if (bad) return bad;
  const identifiers = query.getAll('identifiers');
  const items = store.state.resourceServers.filter((rs) => identifiers.length === 0 || identifiers.includes(rs.identifier));
  const fields = selectFields(query);
  return paginate(query, items, 'resource_servers', (rs) => rs.id, (rs) => fields({ ...rs, scopes: rs.scopes.map((s) => ({ ...s })) }));
}

/** The API never changes clients, so they are sorted once (again only if a test adds one). */
function sortedClientsCache(): (store: TenantStore) => StoredClient[] {
  let sorted: StoredClient[] = [];
  return (store) => {
    if (sorted.length !== store.state.clients.length) {
      sorted = [...store.state.clients].sort((a, b) => (a.client_id < b.client_id ? -1 : a.client_id > b.client_id ? 1 : 0));
    }
    return sorted;
  };
}

function presentClient(client: StoredClient, scopes: Set<string>): Record<string, unknown> {
  const { client_secret, ...rest } = client;
  // The secret comes back only to tokens with read:client_keys (recorded in deploy-cli traffic).
  return scopes.has('read:client_keys') && client_secret ? { ...rest, client_secret } : rest;
}

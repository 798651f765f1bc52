// Organizations and their client-grant associations: the listing, the three
// organization client-grant endpoints and a grant's organizations, with the recorded shapes.
import { checkQuery, paginate } from './listing.js';
import { error, type Reply } from './reply.js';
import type { TenantStore } from './store.js';
import type { StoredGrant, StoredOrganization } from './tenant-state.js';
import { isObject } from './grant-rules.js';

/** M2M client grants per organization on public cloud. */
export const MAX_GRANTS_PER_ORGANIZATION = 100;

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const noOrganization = (): Reply => error(404, 'No organization found by that id or name', 'inexistent_organization');

export function organizationsOf(store: TenantStore): StoredOrganization[] {
  return [...(store.state.organizations ?? [])].sort(byId);
}

function associations(store: TenantStore): Record<string, string[]> {
  return (store.state.organizationGrants ??= {});
}

function organization(store: TenantStore, id: string): StoredOrganization | undefined {
  return store.state.organizations?.find((o) => o.id === id);
}

export function listOrganizations(store: TenantStore, query: URLSearchParams): Reply {
  const bad = checkQuery(query, ['page', 'per_page', 'include_totals', 'from', 'take', 'sort']);
  if (bad) return bad;
  return paginate(query, organizationsOf(store), 'organizations', (o) => o.id, (o) => ({ ...o }));
}

/** GET /organizations/{id}/client-grants: items `{id, client_id, audience, scope, organization_usage, allow_any_organization}`. */
export function listOrganizationGrants(store: TenantStore, organizationId: string, query: URLSearchParams): Reply {
  const bad = checkQuery(query, ['audience', 'client_id', 'grant_ids', 'page', 'per_page', 'include_totals']);
  if (bad) return bad;
  if (!organization(store, organizationId)) return noOrganization();
  const wanted = query.getAll('grant_ids');
  const grants = (associations(store)[organizationId] ?? [])
    .map((id) => store.grantById(id))
    .filter((g): g is StoredGrant => g !== undefined)
    .filter((g) => (query.get('audience') ?? g.audience) === g.audience && (query.get('client_id') ?? g.client_id) === g.client_id)
    .filter((g) => wanted.length === 0 || wanted.includes(g.id));
  return paginate(query, grants, 'client_grants', (g) => g.id, (g) => ({
    id: g.id,
    client_id: g.client_id,
    audience: g.audience,
    scope: [...(g.scope ?? [])],
    ...(g.organization_usage ? { organization_usage: g.organization_usage } : {}),
    ...(g.allow_any_organization !== undefined ? { allow_any_organization: g.allow_any_organization } : {}),
  }));
}

/** POST /organizations/{id}/client-grants `{grant_id}` → 201 `{grant_id, client_id, audience, scope}`. */
export function associate(store: TenantStore, organizationId: string, body: unknown): Reply {
  if (!isObject(body) || typeof body.grant_id !== 'string') return error(400, "Payload validation error: 'Missing required property: grant_id'.", 'invalid_body');
  for (const key of Object.keys(body)) if (key !== 'grant_id') return error(400, `Payload validation error: 'Additional properties not allowed: ${key}'.`, 'invalid_body');
  if (!organization(store, organizationId)) return noOrganization();
  const grant = store.grantById(body.grant_id);
  if (!grant) return error(404, 'The client grant does not exist.', 'inexistent_client_grant');
  const list = (associations(store)[organizationId] ??= []);
  // The real status and code for these two were never captured: ours are guesses.
  if (list.includes(grant.id)) return error(409, 'The client grant is already associated with this organization.', 'conflict');
  if (list.length >= MAX_GRANTS_PER_ORGANIZATION) {
    return error(400, `An organization can have at most ${MAX_GRANTS_PER_ORGANIZATION} client grants.`, 'too_many_entities');
  }
  list.push(grant.id);
  store.version++;
  return { status: 201, body: { grant_id: grant.id, client_id: grant.client_id, audience: grant.audience, scope: [...(grant.scope ?? [])] } };
}

/** DELETE /organizations/{id}/client-grants/{grant_id} → 204, also when it was not associated. */
export function dissociate(store: TenantStore, organizationId: string, grantId: string): Reply {
  if (!organization(store, organizationId)) return noOrganization();
  const list = associations(store)[organizationId] ?? [];
  const at = list.indexOf(grantId);
  if (at !== -1) {
    list.splice(at, 1);
    store.version++;
  }
  return { status: 204 };
}

/** GET /client-grants/{id}/organizations → `{organizations, start, limit, total}` (or checkpoint pages). */
export function grantOrganizations(store: TenantStore, grantId: string, query: URLSearchParams): Reply {
  const bad = checkQuery(query, ['page', 'per_page', 'include_totals', 'from', 'take']);
  if (bad) return bad;
  if (!store.grantById(grantId)) return error(404, 'The grant does not exist.', 'inexistent_client_grant');
  const all = associations(store);
  const orgs = organizationsOf(store).filter((o) => all[o.id]?.includes(grantId));
  return paginate(query, orgs, 'organizations', (o) => o.id, (o) => ({ ...o }));
}

/** A deleted grant leaves no association behind. */
export function forgetGrant(store: TenantStore, grantId: string): void {
  for (const list of Object.values(store.state.organizationGrants ?? {})) {
    const at = list.indexOf(grantId);
    if (at !== -1) list.splice(at, 1);
  }
}

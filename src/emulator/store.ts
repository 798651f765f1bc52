// The emulated tenant in memory: its client grants, written by Auth0's rules.
// Methods return a Reply; HTTP, tokens, rate limits and faults live in the other emulator modules.
import { checkCreateBody, invalidBody, isObject, PATCH_FIELDS, present, typeName, validateMutable } from './grant-rules.js';
import { error, type Reply } from './reply.js';
import { forgetGrant } from './organizations.js';
import { managementApiIdentifier, type Seed } from './seed.js';
import { randomId, stateFromSeed, type StoredClient, type StoredGrant, type StoredResourceServer, type TenantState } from './tenant-state.js';

// Callers used to find all of these here.
export { present } from './grant-rules.js';
export { error, REASONS, type Reply } from './reply.js';
export { randomId, type StoredClient, type StoredGrant, type StoredResourceServer, type TenantState } from './tenant-state.js';

/** Plain code-unit order, as Auth0 lists ids. */
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class TenantStore {
  readonly state: TenantState;
  /** Bumped on every successful write; the server persists when it changes. */
  version = 0;
  private readonly keys = new Map<string, string>();

  constructor(
    seed: Seed | TenantState,
    private readonly random: () => number = Math.random,
  ) {
    this.state = 'resourceServers' in seed ? structuredClone(seed) : stateFromSeed(seed, random);
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

  createGrant(raw: unknown): Reply {
    const checked = checkCreateBody(raw);
    if ('reply' in checked) return checked.reply;
    const body = checked.body;
    const hasClient = body.client_id !== undefined;
    const hasDefault = body.default_for !== undefined;
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
      // The real errorCode is unknown: "conflict" is our guess.
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
    // Status and body for system grants were never captured: 403 is our guess.
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
    forgetGrant(this, id);
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

}

function uniqueKey(grant: StoredGrant): string {
  return grant.default_for !== undefined
    ? `d\u0000${grant.default_for}\u0000${grant.audience}`
    : `c\u0000${grant.client_id}\u0000${grant.audience}\u0000${grant.subject_type}`;
}


function setOrDelete<K extends keyof StoredGrant>(grant: StoredGrant, key: K, value: unknown): void {
  if (value === undefined) delete grant[key];
  else grant[key] = value as StoredGrant[K];
}


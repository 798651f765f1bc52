// Organization access: which associations to read, and how. Reading them costs requests against the
// organization endpoints' own small rate limits, so a tenant that does not use them pays nothing, and
// one that does pays the cheaper of one listing per organization or one per grant.
import type { ManagementApi } from './api/port.js';
import type { DesiredState } from './config/load.js';
import { unmanagedReason } from './diff/ownership.js';
import { ApiError, InputError } from './errors.js';
import type { LiveGrant, OrganizationSummary, Ownership, TenantSnapshot } from './model/types.js';
import { resolveOwnership } from './resolve/ownership.js';
import { indexTenant } from './resolve/tenant-index.js';

/** The scopes reading organization access needs; writing it needs the create:/delete: pair too. */
export const ORGANIZATION_READ_SCOPES = ['read:organizations', 'read:organization_client_grants'] as const;

export interface AssociationReads {
  /** 'none': nothing can have associations, nothing was read. */
  by: 'none' | 'organizations-only' | 'organization' | 'grant';
  /** Managed live grants that can have associations (organization_usage allow or require). */
  candidates: number;
  organizations: number;
}

const usesOrganizations = (usage: string | undefined): boolean => usage === 'allow' || usage === 'require';

/** Managed live grants that can be associated with organizations. */
export function associationCandidates(grants: readonly LiveGrant[], ownership: Ownership): LiveGrant[] {
  return grants.filter((g) => usesOrganizations(g.organization_usage) && g.client_id !== undefined && !unmanagedReason(g, ownership));
}

/** How to read associations, by request count: one listing per organization, or one per candidate grant. */
export function chooseAssociationReads(organizations: number, candidates: number): 'organization' | 'grant' {
  return organizations <= candidates ? 'organization' : 'grant';
}

/**
 * The tenant with its organizations and, on each managed grant that can have them, the ids of its
 * associated organizations. Reads nothing when no desired or managed live grant can have associations.
 */
export async function readOrganizationAccess(
  api: ManagementApi,
  state: DesiredState,
  tenant: TenantSnapshot,
  opts: { ownClientId?: string; grantedScopes?: readonly string[] },
): Promise<{ tenant: TenantSnapshot; reads: AssociationReads }> {
  const desiredNeeds = state.grants.some((g) => (g.organizations?.length ?? 0) > 0);
  const mayHave = tenant.grants.some((g) => usesOrganizations(g.organization_usage));
  if (!desiredNeeds && !mayHave) return { tenant, reads: NO_READS };
  const { ownership, problems } = resolveOwnership(state.settings, indexTenant(tenant), opts.ownClientId);
  // Settings the tenant contradicts (a run as a client pipeline_clients does not list, say) stop the
  // run when resolved with everything else; reading associations first would only hide them.
  if (problems.length > 0) return { tenant, reads: NO_READS };
  const candidates = associationCandidates(tenant.grants, ownership);
  if (!desiredNeeds && candidates.length === 0) return { tenant, reads: NO_READS };
  const missing = ORGANIZATION_READ_SCOPES.filter((s) => opts.grantedScopes !== undefined && !opts.grantedScopes.includes(s));
  if (missing.length > 0) throw missingScopes(missing);
  const organizations = await guarded(() => api.listOrganizations());
  const attached = await attachAssociations(api, tenant.grants, candidates, organizations);
  return { tenant: { ...tenant, grants: attached.grants, organizations }, reads: attached.reads };
}

const NO_READS: AssociationReads = { by: 'none', candidates: 0, organizations: 0 };

/**
 * `grants` with the associations of `candidates` filled in, read the cheaper way (per grant when the
 * organizations are not known).
 */
export async function attachAssociations(
  api: ManagementApi,
  grants: readonly LiveGrant[],
  candidates: readonly LiveGrant[],
  organizations: readonly OrganizationSummary[] | undefined,
): Promise<{ grants: LiveGrant[]; reads: AssociationReads }> {
  const known = organizations?.length ?? Infinity;
  if (candidates.length === 0) return { grants: [...grants], reads: { by: 'organizations-only', candidates: 0, organizations: known === Infinity ? 0 : known } };
  const by = chooseAssociationReads(known, candidates.length);
  const byGrant = await guarded(() => (by === 'organization' ? perOrganization(api, organizations!) : perGrant(api, candidates)));
  const wanted = new Set(candidates);
  return {
    grants: grants.map((g) => (wanted.has(g) ? { ...g, organizations: [...(byGrant.get(g.id) ?? [])].sort() } : g)),
    reads: { by, candidates: candidates.length, organizations: known === Infinity ? 0 : known },
  };
}

async function perOrganization(api: ManagementApi, organizations: readonly OrganizationSummary[]): Promise<Map<string, string[]>> {
  const byGrant = new Map<string, string[]>();
  const lists = await Promise.all(organizations.map(async (o) => ({ id: o.id, grants: await api.listOrganizationGrants(o.id) })));
  for (const { id, grants } of lists) {
    for (const grantId of grants) {
      const list = byGrant.get(grantId);
      if (list) list.push(id);
      else byGrant.set(grantId, [id]);
    }
  }
  return byGrant;
}

async function perGrant(api: ManagementApi, grants: readonly LiveGrant[]): Promise<Map<string, string[]>> {
  const lists = await Promise.all(grants.map(async (g) => [g.id, await api.listGrantOrganizations(g.id)] as const));
  return new Map(lists);
}

/** A 403 on an organization endpoint is the missing-scope error, said once and plainly. */
async function guarded<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) throw missingScopes([...ORGANIZATION_READ_SCOPES], error);
    throw error;
  }
}

function missingScopes(missing: readonly string[], cause?: unknown): InputError {
  return new InputError(
    [
      {
        message: `some grants use organizations, and the credentials lack the scope${missing.length === 1 ? '' : 's'} ${missing.join(', ')} needed to read organization access`,
        hint: 'Grant the client grantsync runs as read:organizations and read:organization_client_grants on the Management API (and create:organization_client_grants, delete:organization_client_grants for apply).',
      },
    ],
    { cause },
  );
}

export function describeAssociationReads(reads: AssociationReads): string | undefined {
  switch (reads.by) {
    case 'none':
      return undefined;
    case 'organizations-only':
      return `organization access: listed ${reads.organizations} organization(s); no managed grant has associations yet`;
    case 'organization':
      return `organization access: one listing per organization (${reads.organizations}), fewer than one per grant (${reads.candidates} grants can have associations)`;
    case 'grant':
      return `organization access: one listing per grant (${reads.candidates} grants can have associations), fewer than one per organization (${reads.organizations})`;
  }
}

/**
 * For export: organizations and the associations of every grant that can have them and export would
 * write (all but system grants, unknown fields and the running client's), so adoption is an empty plan.
 */
export async function readExportOrganizations(api: ManagementApi, tenant: TenantSnapshot, ownClientId: string | undefined): Promise<TenantSnapshot> {
  const ownership: Ownership = { manage: 'all', excludedClientIds: [], ...(ownClientId ? { ownClientId } : {}) };
  const candidates = associationCandidates(tenant.grants, ownership);
  if (candidates.length === 0) return tenant;
  const organizations = await guarded(() => api.listOrganizations());
  const attached = await attachAssociations(api, tenant.grants, candidates, organizations);
  return { ...tenant, grants: attached.grants, organizations };
}

// Declared grants + what the tenant has → desired grants keyed by id, or Problems. Pure.
// The steps: index the tenant, resolve ownership from the settings, resolve each grant.
import { grantKeyString, liveKey, unknownField } from '../model/grant.js';
import type { DeclaredGrant, DesiredGrant, Ownership, Problem, Settings, TenantSnapshot } from '../model/types.js';
import { resolveGrant } from './grant.js';
import { resolveOwnership } from './ownership.js';
import { indexTenant } from './tenant-index.js';

export interface Resolution {
  desired: DesiredGrant[];
  ownership: Ownership;
  problems: Problem[];
  /** Worth telling, not worth stopping for. */
  warnings: Problem[];
}

export interface ResolveInput {
  settings: Settings;
  declared: DeclaredGrant[];
  tenant: TenantSnapshot;
  /** The client grantsync runs as, when known. */
  ownClientId?: string;
}

export function resolveDesiredState({ settings, declared, tenant, ownClientId }: ResolveInput): Resolution {
  const index = indexTenant(tenant);
  const { ownership, problems, warnings } = resolveOwnership(settings, index, ownClientId);
  const context = {
    index,
    ownership,
    untouchableKeys: untouchableKeys(tenant),
    allowUndefinedScopes: settings.allowUndefinedScopes,
    firstDeclaration: new Map<string, DeclaredGrant>(),
  };
  const desired: DesiredGrant[] = [];
  for (const grant of declared) {
    const resolved = resolveGrant(grant, context, problems);
    if (resolved) desired.push(resolved);
  }
  return { desired, ownership, problems, warnings };
}

/**
 * Whether a resolution made before the tenant's grants and organizations were read (from its clients
 * and APIs, with `grants: []`) is the one the whole tenant gives. The grants enter resolution only as
 * the identities nobody may change (system grants, grants with an unknown field), looked up by the
 * identity of each declared grant, and organizations only for grants that name some. So it stands
 * when it found no problem (every declared grant became a desired one, none named an organization
 * it could not find) and no desired grant has such an identity; otherwise resolve again, whole.
 */
export function resolutionStands(early: Resolution, tenant: TenantSnapshot): boolean {
  if (early.problems.length > 0) return false;
  const untouchable = untouchableKeys(tenant);
  if (untouchable.size === 0) return true;
  return early.desired.every((grant) => !untouchable.has(grantKeyString(grant)));
}

/** Identities of live grants nobody may change: system grants, and grants with a field grantsync does not know. */
function untouchableKeys(tenant: TenantSnapshot): Map<string, string> {
  const keys = new Map<string, string>();
  for (const grant of tenant.grants) {
    const unknown = grant.is_system ? undefined : unknownField(grant);
    if (!grant.is_system && unknown === undefined) continue;
    // A grant with an unknown field may still carry a recognisable identity (a new key on a client grant).
    const key = liveKey(grant) ?? (grant.client_id ? { client_id: grant.client_id, audience: grant.audience, subject_type: grant.subject_type ?? 'client' } : undefined);
    if (key) keys.set(grantKeyString(key), grant.is_system ? 'system' : unknown!);
  }
  return keys;
}

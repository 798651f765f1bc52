// Declared grants + what the tenant has → desired grants keyed by id, or Problems. Pure.
// The steps: index the tenant, resolve ownership from the settings, resolve each grant.
import { grantKeyString } from '../model/grant.js';
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
    systemGrantKeys: systemGrantKeys(tenant),
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

function systemGrantKeys(tenant: TenantSnapshot): Set<string> {
  const keys = new Set<string>();
  for (const grant of tenant.grants) {
    if (grant.is_system && grant.client_id) keys.add(grantKeyString({ client_id: grant.client_id, audience: grant.audience, subject_type: grant.subject_type ?? 'client' }));
  }
  return keys;
}

// Which live grants a directory owns. Declared, never guessed. Pure.
import type { LiveGrant, Ownership, UnmanagedReason } from '../model/types.js';

/** Why grantsync must leave this grant alone, or undefined when it is managed. */
export function unmanagedReason(grant: LiveGrant, ownership: Ownership): UnmanagedReason | undefined {
  if (grant.is_system) return 'system';
  if (grant.client_id === undefined || grant.default_for !== undefined) return 'default-for';
  // client_id is defined here, so an unknown own client (undefined) matches nothing.
  if (grant.client_id === ownership.ownClientId) return 'own-client';
  if (ownership.pipelineClientIds?.includes(grant.client_id)) return 'pipeline-client';
  if (ownership.excludedClientIds.includes(grant.client_id)) return 'excluded-client';
  if (ownership.manage !== 'all' && !ownership.manage.audiences.includes(grant.audience)) return 'outside-manage';
  return undefined;
}

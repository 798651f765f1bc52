// Which live grants a directory owns. Declared, never guessed. Pure.
import { unknownField } from '../model/grant.js';
import { excerpt } from '../util/excerpt.js';
import type { LiveGrant, Ownership, Problem, UnmanagedReason } from '../model/types.js';

/** Why grantsync must leave this grant alone, or undefined when it is managed. */
export function unmanagedReason(grant: LiveGrant, ownership: Ownership): UnmanagedReason | undefined {
  if (grant.is_system) return 'system';
  // Unknown must never mean destroy: a field grantsync cannot read could be the one that matters.
  if (unknownField(grant) !== undefined) return 'unknown-field';
  const outside = ownership.manage !== 'all' && !ownership.manage.audiences.includes(grant.audience);
  // A default grant has no client: it is owned by whoever owns its audience.
  if (grant.client_id === undefined) return outside ? 'outside-manage' : undefined;
  // client_id is defined here, so an unknown own client (undefined) matches nothing.
  if (grant.client_id === ownership.ownClientId) return 'own-client';
  if (ownership.pipelineClientIds?.includes(grant.client_id)) return 'pipeline-client';
  if (ownership.excludedClientIds.includes(grant.client_id)) return 'excluded-client';
  if (outside) return 'outside-manage';
  return undefined;
}

/** One warning per live grant left alone because of a field grantsync does not know, naming the field. */
export function unknownFieldWarnings(grants: readonly LiveGrant[]): Problem[] {
  const warnings: Problem[] = [];
  for (const grant of grants) {
    if (grant.is_system) continue;
    const field = unknownField(grant);
    if (field === undefined) continue;
    warnings.push({
      severity: 'warning',
      message: `grant ${grant.id} (${grant.client_id ?? grant.default_for ?? 'no client'} → ${grant.audience}) has ${excerpt(field)}, which grantsync does not know; it is left alone (unmanaged)`,
      hint: 'Manage this grant in the Dashboard, or upgrade grantsync if a newer version knows the field.',
    });
  }
  return warnings;
}

// A merge must not be able to lock the pipeline out of the tenant. The grants of the clients the
// pipeline runs as are never managed (pipeline_clients, or the running client without it), so a plan
// that takes their read access away should not exist; this rail checks it anyway, before the first
// write, in case ownership is ever computed differently (defence in depth).
import type { Change, Ownership } from '../model/types.js';

/** What plan and validate need on the Management API. */
export const PIPELINE_READ_SCOPES = ['read:client_grants', 'read:clients', 'read:resource_servers'] as const;

export interface Lockout {
  change: Change;
  /** The pipeline read scopes the change takes away. */
  lost: string[];
}

/** Changes that remove a pipeline read scope from a pipeline client's Management API grant. */
export function pipelineLockouts(changes: readonly Change[], ownership: Ownership, systemAudiences: ReadonlySet<string>): Lockout[] {
  // An unknown own client (undefined) matches no change: every change names a client ('' for a default grant).
  const pipeline = new Set<string | undefined>(ownership.pipelineClientIds).add(ownership.ownClientId);
  const lockouts: Lockout[] = [];
  for (const change of changes) {
    if (!pipeline.has(change.client_id) || !systemAudiences.has(change.audience) || !change.before) continue;
    const had = change.before.allow_all_scopes ? [...PIPELINE_READ_SCOPES] : PIPELINE_READ_SCOPES.filter((s) => change.before!.scope.includes(s));
    // A delete (no after) keeps nothing; a replace to a user grant leaves the client-credentials login nothing either.
    const keeps = change.subject_type !== 'client' || !change.after ? new Set<string>() : new Set(change.after.allow_all_scopes ? PIPELINE_READ_SCOPES : change.after.scope);
    const lost = had.filter((s) => !keeps.has(s));
    if (lost.length > 0) lockouts.push({ change, lost });
  }
  return lockouts;
}

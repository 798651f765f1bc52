// Desired vs live → changes. Pure.
import type {
  Change,
  DesiredGrant,
  GrantState,
  LiveGrant,
  Ownership,
  UnmanagedReason,
} from '../model/types.js';
import { unmanagedReason } from './ownership.js';
import { GrantIndex, liveKey, normalizeState, statesEqual } from '../model/grant.js';

export interface DiffResult {
  changes: Change[];
  unchanged: number;
  /** The live grants this directory owns (the input of the fingerprint). */
  managed: LiveGrant[];
  /** Their normalised states, as the diff worked them out: the fingerprint need not do it again. */
  managedStates?: ReadonlyMap<LiveGrant, GrantState>;
  unmanagedByReason: Partial<Record<UnmanagedReason, number>>;
}

export function liveState(grant: LiveGrant): GrantState {
  return normalizeState(grant);
}

export function diffGrants(desired: readonly DesiredGrant[], live: readonly LiveGrant[], ownership: Ownership): DiffResult {
  const managed: LiveGrant[] = [];
  const managedByKey = new GrantIndex<LiveGrant>();
  const unmanagedByReason: Partial<Record<UnmanagedReason, number>> = {};
  for (const grant of live) {
    const reason = unmanagedReason(grant, ownership);
    if (reason) {
      unmanagedByReason[reason] = (unmanagedByReason[reason] ?? 0) + 1;
      continue;
    }
    managed.push(grant);
    managedByKey.set(liveKey(grant)!, grant);
  }

  const changes: Change[] = [];
  const creates: Change[] = [];
  const declared = new Set<LiveGrant>();
  const managedStates = new Map<LiveGrant, GrantState>();
  let unchanged = 0;
  for (const want of desired) {
    const have = managedByKey.get(want);
    if (!have) {
      creates.push({ ...identityOf(want), action: 'create', before: null, after: want.state, flags: [] });
      continue;
    }
    declared.add(have);
    const before = liveState(have);
    managedStates.set(have, before);
    if (statesEqual(before, want.state)) unchanged++;
    else changes.push({ ...identityOf(want), action: 'update', before, after: want.state, flags: [] });
  }

  // A delete and a create of the same client and audience that differ only in
  // subject_type are one change of an immutable field: a replace.
  const deletes = new Map<string, Change>();
  for (const grant of managed) {
    if (declared.has(grant)) continue;
    const key = liveKey(grant)!;
    const pairKey = `${key.client_id}\u0000${key.audience}`;
    const before = liveState(grant);
    managedStates.set(grant, before);
    const change: Change = { ...key, action: 'delete', before, after: null, flags: [] };
    if (deletes.has(pairKey)) changes.push(change);
    else deletes.set(pairKey, change);
  }
  for (const create of creates) {
    const pairKey = `${create.client_id}\u0000${create.audience}`;
    const deleted = deletes.get(pairKey);
    if (deleted) {
      deletes.delete(pairKey);
      changes.push({ ...create, action: 'replace', before: deleted.before, replaces_subject_type: deleted.subject_type });
    } else {
      changes.push(create);
    }
  }
  changes.push(...deletes.values());
  return { changes, unchanged, managed, managedStates, unmanagedByReason };
}

function identityOf(want: DesiredGrant): Pick<Change, 'client_id' | 'audience' | 'subject_type' | 'client_name' | 'default_for'> {
  return {
    client_id: want.client_id,
    audience: want.audience,
    subject_type: want.subject_type,
    ...(want.default_for ? { default_for: want.default_for } : {}),
    client_name: want.client_name,
  };
}

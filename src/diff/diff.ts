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
  /** Their normalised states (by position in `managed`), as the diff worked them out: the fingerprint need not do it again. */
  managedStates?: readonly GrantState[];
  unmanagedByReason: Partial<Record<UnmanagedReason, number>>;
}

export function liveState(grant: LiveGrant): GrantState {
  return normalizeState(grant);
}

export function diffGrants(desired: readonly DesiredGrant[], live: readonly LiveGrant[], ownership: Ownership): DiffResult {
  const managed: LiveGrant[] = [];
  // Positions in `managed`, and below flags and states by position: no Map or Set keyed by the grant
  // objects themselves (giving 10,000 parsed objects an identity hash took ~8 ms of a plan's end).
  const managedByKey = new GrantIndex<number>();
  const unmanagedByReason: Partial<Record<UnmanagedReason, number>> = {};
  for (const grant of live) {
    const reason = unmanagedReason(grant, ownership);
    if (reason) {
      unmanagedByReason[reason] = (unmanagedByReason[reason] ?? 0) + 1;
      continue;
    }
    managedByKey.set(liveKey(grant)!, managed.push(grant) - 1);
  }

  const changes: Change[] = [];
  const creates: Change[] = [];
  const declared = new Uint8Array(managed.length);
  const managedStates: GrantState[] = new Array<GrantState>(managed.length);
  let unchanged = 0;
  for (const want of desired) {
    const at = managedByKey.get(want);
    if (at === undefined) {
      creates.push({ ...identityOf(want), action: 'create', before: null, after: want.state, flags: [] });
      continue;
    }
    declared[at] = 1;
    const before = liveState(managed[at]!);
    managedStates[at] = before;
    if (statesEqual(before, want.state)) unchanged++;
    else changes.push({ ...identityOf(want), action: 'update', before, after: want.state, flags: [] });
  }

  // A delete and a create of the same client and audience that differ only in
  // subject_type are one change of an immutable field: a replace.
  const deletes = new Map<string, Change>();
  managed.forEach((grant, at) => {
    if (declared[at]) return;
    const key = liveKey(grant)!;
    // The same grant object listed twice (a caller's merged listings) is one grant: declared if its
    // key's position is, as when the grants themselves were the marks.
    const mapped = managedByKey.get(key)!;
    if (declared[mapped] && managed[mapped] === grant) return;
    const pairKey = `${key.client_id}\u0000${key.audience}`;
    const before = liveState(grant);
    managedStates[at] = before;
    const change: Change = { ...key, action: 'delete', before, after: null, flags: [] };
    if (deletes.has(pairKey)) changes.push(change);
    else deletes.set(pairKey, change);
  });
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

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
  /** Their rows of the fingerprint as JSON (by position in `managed`), when worked out as the pages came in. */
  managedRows?: readonly string[];
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
  const managedStates = managed.map(liveState);
  const match = new Int32Array(desired.length);
  const declared = new Uint8Array(managed.length);
  desired.forEach((want, at) => {
    const found = managedByKey.get(want);
    match[at] = found ?? -1;
    if (found !== undefined) declared[found] = 1;
  });
  // The same grant object listed twice (a caller's merged listings) is one grant: declared if its
  // key's position is, as when the grants themselves were the marks.
  managed.forEach((grant, at) => {
    const mapped = managedByKey.get(liveKey(grant)!)!;
    if (!declared[at] && declared[mapped] && managed[mapped] === grant) declared[at] = 1;
  });
  return { ...assembleChanges({ desired, match, managed, managedStates, declared }), managed, managedStates, unmanagedByReason };
}

/** How the desired grants met the managed live ones: what assembleChanges turns into changes. */
export interface Matching {
  desired: readonly DesiredGrant[];
  /** By desired position: the position in `managed` of the live grant with its identity, or -1. */
  match: Int32Array;
  managed: readonly LiveGrant[];
  managedStates: readonly GrantState[];
  /** By managed position: 1 when a desired grant (or the same object at its identity's position) keeps it. */
  declared: Uint8Array;
  /** By desired position, when already known: whether its state equals its live grant's. */
  equal?: (at: number) => boolean;
}

/**
 * Updates in desired order, then each create, or a replace where a delete of the same client and
 * audience differs only in subject_type (an immutable field), then the remaining deletes.
 */
export function assembleChanges({ desired, match, managed, managedStates, declared, equal }: Matching): Pick<DiffResult, 'changes' | 'unchanged'> {
  const changes: Change[] = [];
  const creates: Change[] = [];
  let unchanged = 0;
  desired.forEach((want, at) => {
    const found = match[at]!;
    if (found < 0) {
      creates.push({ ...identityOf(want), action: 'create', before: null, after: want.state, flags: [] });
      return;
    }
    const before = managedStates[found]!;
    if (equal ? equal(at) : statesEqual(before, want.state)) unchanged++;
    else changes.push({ ...identityOf(want), action: 'update', before, after: want.state, flags: [] });
  });
  const deletes = new Map<string, Change>();
  managed.forEach((grant, at) => {
    if (declared[at]) return;
    const key = liveKey(grant)!;
    const pairKey = `${key.client_id}\u0000${key.audience}`;
    const change: Change = { ...key, action: 'delete', before: managedStates[at]!, after: null, flags: [] };
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
  return { changes, unchanged };
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

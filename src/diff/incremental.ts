// The diff of desired vs live, worked out page by page while the grants are still being listed. Pure.
//
// A plan of 10,000 grants waits ~5 s for the rate limit to let its pages in, then did all of its
// per-grant work after the last one: ownership, key, normalised state, comparison and the
// fingerprint's row, ~70 ms of cold code between the last answer and the plan. Done as each page
// arrives, what is left at the end is assembling the result in the listing's order.
//
// The result is diffGrants' own on the same inputs, always: whenever the pages could make it differ
// (two grants with one id or one identity, a grant not among the pages, a page that failed), the end
// computes it anew with diffGrants.
import type { DesiredGrant, GrantKey, GrantState, LiveGrant, Ownership, UnmanagedReason } from '../model/types.js';
import { GrantIndex, liveKey, statesEqual } from '../model/grant.js';
import { assembleChanges, diffGrants, liveState, type DiffResult } from './diff.js';
import { unmanagedReason } from './ownership.js';

/** What one live grant contributes, worked out as its page came in. */
interface Seen {
  grant: LiveGrant;
  /** Why it is left alone; undefined when the directory owns it. */
  reason: UnmanagedReason | undefined;
  /** For a managed grant: its normalised state, its row of the fingerprint, and whether it equals the desired grant with its identity. */
  state?: GrantState;
  row?: string;
  equal?: boolean;
}

export class IncrementalDiff {
  private readonly wanted = new GrantIndex<number>();
  private readonly seen: Seen[] = [];
  private readonly byId = new Map<string, number>();
  private readonly managedKeys = new GrantIndex<true>();
  /** Desired position → 1 + the position in `seen` of the live grant with its identity (0: none yet). */
  private readonly matchOf: Int32Array;
  /** Set when the pages could give another answer than diffGrants: the end then asks diffGrants. */
  private doubtful = false;

  constructor(
    private readonly desired: readonly DesiredGrant[],
    private readonly ownership: Ownership,
  ) {
    this.matchOf = new Int32Array(desired.length);
    desired.forEach((want, at) => {
      // Two desired grants with one identity (validation refuses them) would both match one live grant.
      if (this.wanted.get(want) !== undefined) this.doubtful = true;
      else this.wanted.set(want, at);
    });
  }

  /** Whether this is the diff of these very desired grants and ownership (not of a copy or another resolution). */
  isFor(desired: readonly DesiredGrant[], ownership: Ownership): boolean {
    return desired === this.desired && ownership === this.ownership;
  }

  /** One page of the listing, as read. Pages may come in any order, from one listing or several. */
  add(page: readonly LiveGrant[]): void {
    if (this.doubtful) return;
    try {
      for (const grant of page) this.see(grant);
    } catch {
      // A grant of a shape nothing expects: the end's diffGrants meets it too, and says so there.
      this.doubtful = true;
    }
  }

  /**
   * The diff of `live`, the whole listing: equal to `diffGrants(desired, live, ownership)`. From what
   * the pages gave when `live` holds exactly the grants they held, in any order; a copy of one (with
   * its organizations filled in, as a plan reads them) is worked out again, alone.
   */
  result(live: readonly LiveGrant[]): DiffResult {
    if (this.doubtful || live.length !== this.seen.length) return diffGrants(this.desired, live, this.ownership);
    const seen = this.seen;
    const order = new Int32Array(live.length);
    const used = new Uint8Array(seen.length);
    for (let i = 0; i < live.length; i++) {
      const grant = live[i]!;
      const at = this.byId.get(grant.id);
      // A grant the pages did not hold, or one listed twice.
      if (at === undefined || used[at]) return diffGrants(this.desired, live, this.ownership);
      if (seen[at]!.grant !== grant) {
        // A copy of a paged grant: its entry is worked out again and follows the copy from now on.
        const copy = this.copyOf(seen[at]!, grant);
        if (!copy) return diffGrants(this.desired, live, this.ownership);
        seen[at] = copy;
      }
      used[at] = 1;
      order[i] = at;
    }

    // From here on, what diffGrants does, in its order, with the per-grant work already done.
    const managed: LiveGrant[] = [];
    const managedStates: GrantState[] = [];
    const managedRows: string[] = [];
    const managedAt = new Int32Array(seen.length);
    const unmanagedByReason: DiffResult['unmanagedByReason'] = {};
    for (let i = 0; i < live.length; i++) {
      const entry = seen[order[i]!]!;
      if (entry.reason) {
        unmanagedByReason[entry.reason] = (unmanagedByReason[entry.reason] ?? 0) + 1;
        continue;
      }
      managedAt[order[i]!] = managed.push(entry.grant) - 1;
      managedStates.push(entry.state!);
      managedRows.push(entry.row!);
    }

    const match = new Int32Array(this.desired.length);
    const declared = new Uint8Array(managed.length);
    for (let at = 0; at < match.length; at++) {
      const found = this.matchOf[at]!;
      match[at] = found === 0 ? -1 : managedAt[found - 1]!;
      if (found !== 0) declared[match[at]!] = 1;
    }
    const equal = (at: number): boolean => seen[this.matchOf[at]! - 1]!.equal === true;
    const { changes, unchanged } = assembleChanges({ desired: this.desired, match, managed, managedStates, declared, equal });
    return { changes, unchanged, managed, managedStates, managedRows, unmanagedByReason };
  }

  private see(grant: LiveGrant): void {
    const index = this.seen.length;
    // Auth0 never lists one id twice; were it to, the earlier grant would not be found by its id at
    // the end, which then asks diffGrants.
    this.byId.set(grant.id, index);
    const { entry, key, wanted } = this.entryOf(grant);
    if (key) {
      // Two managed grants with one identity: diffGrants pairs them by their order in the listing.
      if (this.managedKeys.get(key)) this.doubtful = true;
      else this.managedKeys.set(key, true);
    }
    if (wanted !== undefined) this.matchOf[wanted] = index + 1;
    this.seen.push(entry);
  }

  /** What one grant contributes, with its identity and the desired grant's position when it is managed. */
  private entryOf(grant: LiveGrant): { entry: Seen; key?: GrantKey; wanted?: number } {
    const reason = unmanagedReason(grant, this.ownership);
    if (reason) return { entry: { grant, reason } };
    const key = liveKey(grant)!;
    const state = liveState(grant);
    const wanted = this.wanted.get(key);
    const entry: Seen = { grant, reason, state, row: fingerprintRow(grant.id, key, state) };
    if (wanted !== undefined) entry.equal = statesEqual(state, this.desired[wanted]!.state);
    return { entry, key, ...(wanted !== undefined ? { wanted } : {}) };
  }

  /** The entry of `copy`, a later copy of the grant `original` was made from, when it is the same grant (ownership and identity). */
  private copyOf(original: Seen, copy: LiveGrant): Seen | undefined {
    try {
      const { entry, key } = this.entryOf(copy);
      if (entry.reason !== original.reason) return undefined;
      if (!key) return entry;
      const was = liveKey(original.grant)!;
      return was.client_id === key.client_id && was.audience === key.audience && was.subject_type === key.subject_type && was.default_for === key.default_for ? entry : undefined;
    } catch {
      return undefined;
    }
  }
}

/** One managed grant's row of the fingerprint (src/plan/plan.ts fingerprintGrants), as JSON. */
export function fingerprintRow(id: string, key: GrantKey, state: GrantState): string {
  return JSON.stringify([id, key, state]);
}

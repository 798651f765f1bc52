// Property: the diff worked out page by page (src/diff/incremental.ts) is diffGrants' own, whatever
// the pages, their order and the listing's order, and so is the fingerprint made from its rows.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffGrants } from '../../src/diff/diff.js';
import { IncrementalDiff } from '../../src/diff/incremental.js';
import { fingerprintGrants } from '../../src/plan/plan.js';
import { liveKey, normalizeState } from '../../src/model/grant.js';
import type { DesiredGrant, LiveGrant, Ownership } from '../../src/model/types.js';

const CLIENTS = ['client0', 'client1', 'client2', 'client3'];
const AUDIENCES = ['https://a0', 'https://a1', 'https://mgmt/api/v2/'];
const SCOPES = ['s0', 's1', 's2'];

const keyArb = fc.record({
  client: fc.integer({ min: 0, max: CLIENTS.length - 1 }),
  audience: fc.integer({ min: 0, max: AUDIENCES.length - 1 }),
  subject: fc.constantFrom('client', 'user') as fc.Arbitrary<'client' | 'user'>,
});
const stateArb = fc.record({
  scope: fc.subarray(SCOPES),
  usage: fc.constantFrom(undefined, 'deny', 'allow') as fc.Arbitrary<'deny' | 'allow' | undefined>,
  allScopes: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});
const liveArb = fc.record({
  key: keyArb,
  state: stateArb,
  // Mostly plain grants; now and then a system grant, a default grant, or a field grantsync does not know.
  kind: fc.constantFrom('plain', 'plain', 'plain', 'plain', 'system', 'default', 'unknown'),
  // Mostly its own id; now and then the id of the grant before it (Auth0 never does that).
  sameIdAsPrevious: fc.integer({ min: 0, max: 30 }).map((n) => n === 0),
});

const scenarioArb = fc.record({
  live: fc.array(liveArb, { maxLength: 30 }),
  desired: fc.array(fc.record({ key: keyArb, state: stateArb }), { maxLength: 30 }),
  // Desired grants are unique by identity after validation; now and then let one through twice.
  desiredTwice: fc.integer({ min: 0, max: 10 }).map((n) => n === 0),
  manageAll: fc.boolean(),
  managed: fc.subarray(AUDIENCES, { minLength: 1 }),
  excluded: fc.subarray(CLIENTS.slice(1), { maxLength: 1 }),
  pipeline: fc.subarray(CLIENTS.slice(1), { maxLength: 1 }),
  own: fc.option(fc.constantFrom(...CLIENTS), { nil: undefined }),
  // How the listing came in: cut into pages of this size, in an order shuffled by these keys.
  pageSize: fc.integer({ min: 1, max: 7 }),
  pageOrder: fc.array(fc.integer(), { maxLength: 40 }),
  // The listing's own order (the final array) shuffled independently of the pages'.
  listOrder: fc.array(fc.integer(), { maxLength: 40 }),
  // What the listing holds that the pages did not: nothing, a copy of one grant (as read again, with
  // organizations filled in, or moved to another API), one object twice, or one grant fewer.
  mismatch: fc.constantFrom('none', 'none', 'none', 'copy', 'organizations', 'moved', 'twice', 'missing'),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function liveGrants(s: Scenario): LiveGrant[] {
  return s.live.map((g, i): LiveGrant => {
    const id = g.sameIdAsPrevious && i > 0 ? `cgr_${i - 1}` : `cgr_${i}`;
    const base: LiveGrant = { id, audience: AUDIENCES[g.key.audience]!, scope: g.state.scope, subject_type: g.key.subject };
    if (g.state.usage) base.organization_usage = g.state.usage;
    if (g.state.allScopes) base.allow_all_scopes = true;
    if (g.kind === 'system') return { ...base, client_id: CLIENTS[g.key.client]!, is_system: true };
    if (g.kind === 'default') return { id, audience: base.audience, scope: g.state.scope, default_for: 'third_party_clients' };
    if (g.kind === 'unknown') return { ...base, client_id: CLIENTS[g.key.client]!, ...({ token_exchange: { allow: true } } as object) };
    return { ...base, client_id: CLIENTS[g.key.client]! };
  });
}

function desiredGrants(s: Scenario): DesiredGrant[] {
  const seen = new Set<string>();
  const desired: DesiredGrant[] = [];
  for (const d of s.desired) {
    const key = `${d.key.client}/${d.key.audience}/${d.key.subject}`;
    if (seen.has(key) && !s.desiredTwice) continue;
    seen.add(key);
    const state: DesiredGrant['state'] = { scope: d.state.allScopes ? [] : [...d.state.scope].sort() };
    if (d.state.usage && d.state.usage !== 'deny') state.organization_usage = d.state.usage;
    if (d.state.allScopes) state.allow_all_scopes = true;
    desired.push({ client_id: CLIENTS[d.key.client]!, client_name: `name-${d.key.client}`, audience: AUDIENCES[d.key.audience]!, subject_type: d.key.subject, state });
  }
  return desired;
}

function ownershipOf(s: Scenario): Ownership {
  return {
    manage: s.manageAll ? 'all' : { audiences: s.managed },
    excludedClientIds: s.excluded,
    pipelineClientIds: s.pipeline,
    ...(s.own ? { ownClientId: s.own } : {}),
  };
}

/** `items` reordered by `keys` (a stable sort on the keys given, the rest keep their place after). */
function shuffled<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items.map((item, i) => ({ item, key: keys[i] ?? Number.MAX_SAFE_INTEGER, i })).sort((a, b) => a.key - b.key || a.i - b.i).map((x) => x.item);
}

function pagesOf<T>(items: readonly T[], size: number, order: readonly number[]): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < items.length; i += size) pages.push(items.slice(i, i + size));
  return shuffled(pages, order);
}

/** The listing as the end sees it: the paged grants in another order, with the scenario's mismatch. */
function listingOf(s: Scenario, paged: readonly LiveGrant[]): LiveGrant[] {
  const list = shuffled(paged, s.listOrder);
  if (list.length === 0) return list;
  if (s.mismatch === 'copy') list[0] = { ...list[0]! };
  if (s.mismatch === 'organizations') list[0] = { ...list[0]!, organizations: ['org_b', 'org_a'] };
  if (s.mismatch === 'moved') list[0] = { ...list[0]!, audience: AUDIENCES[(AUDIENCES.indexOf(list[0]!.audience) + 1) % AUDIENCES.length]! };
  if (s.mismatch === 'twice' && list.length > 1) list[1] = list[0]!;
  if (s.mismatch === 'missing') list.pop();
  return list;
}

/** The scenario's grants, and its diff fed the grants page by page. */
function fed(s: Scenario): { live: LiveGrant[]; desired: DesiredGrant[]; ownership: Ownership; differ: IncrementalDiff } {
  const live = liveGrants(s);
  const desired = desiredGrants(s);
  const ownership = ownershipOf(s);
  const differ = new IncrementalDiff(desired, ownership);
  for (const page of pagesOf(live, s.pageSize, s.pageOrder)) differ.add(page);
  return { live, desired, ownership, differ };
}

describe('IncrementalDiff', () => {
  it('gives diffGrants\' result and fingerprint, whatever the pages and the listing\'s order', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { live, desired, ownership, differ } = fed(s);
        const listing = listingOf(s, live);

        const expected = diffGrants(desired, listing, ownership);
        const got = differ.result(listing);
        expect({ ...got, managedRows: undefined }).toEqual(expected);
        // The fingerprint's text, built here from its definition: the managed grants' [id, identity, state] by id.
        const rows = expected.managed.map((g) => [g.id, liveKey(g), normalizeState(g)] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        const fingerprint = `sha256:${createHash('sha256').update(JSON.stringify(rows)).digest('hex')}`;
        expect(fingerprintGrants(got.managed, got.managedStates, got.managedRows)).toBe(fingerprint);
        expect(fingerprintGrants(expected.managed)).toBe(fingerprint);
      }),
      { numRuns: 2000 },
    );
  });

  it('works from the pages, not anew, when the listing holds exactly the paged grants with one id and one identity each', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { live, desired, ownership, differ } = fed(s);
        const ids = new Set(live.map((g) => g.id));
        const expected = diffGrants(desired, live, ownership);
        const keys = expected.managed.map((g) => `${g.client_id ?? ''}|${g.default_for ?? ''}|${g.audience}|${g.subject_type ?? 'client'}`);
        const desiredKeys = desired.map((g) => `${g.client_id}|${g.default_for ?? ''}|${g.audience}|${g.subject_type}`);
        const clean = ids.size === live.length && new Set(keys).size === keys.length && new Set(desiredKeys).size === desiredKeys.length;
        fc.pre(clean);
        // Only the result worked out from the pages carries the fingerprint's rows; a copy of a grant
        // with its organizations filled in, as a plan reads them, is worked out again on its own.
        expect(differ.result(shuffled(live, s.listOrder)).managedRows).toHaveLength(expected.managed.length);
        if (live.length > 0) {
          const withOrganizations = [{ ...live[0]!, organizations: ['org_a'] }, ...live.slice(1)];
          const got = differ.result(withOrganizations);
          expect(got.managedRows).toHaveLength(expected.managed.length);
          expect({ ...got, managedRows: undefined }).toEqual(diffGrants(desired, withOrganizations, ownership));
          // And the paged grants again, after their copy: the entry follows whichever object is listed.
          expect({ ...differ.result(live), managedRows: undefined }).toEqual(diffGrants(desired, live, ownership));
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each([1203, 800])('makes the fingerprint of %i grants (more than one hash update takes), in any listing order, as its definition says', (count) => {
    const live: LiveGrant[] = Array.from({ length: count }, (_, i) => ({ id: `cgr_${String((i * 7919) % count).padStart(5, '0')}`, client_id: `client${i}`, audience: AUDIENCES[i % 2]!, scope: SCOPES.slice(0, i % 3) }));
    const rows = [...live].sort((a, b) => (a.id < b.id ? -1 : 1)).map((g) => [g.id, liveKey(g), normalizeState(g)]);
    const fingerprint = `sha256:${createHash('sha256').update(JSON.stringify(rows)).digest('hex')}`;
    expect(fingerprintGrants(live)).toBe(fingerprint);
    const differ = new IncrementalDiff([], { manage: 'all', excludedClientIds: [] });
    for (let i = 0; i < live.length; i += 100) differ.add(live.slice(i, i + 100));
    const got = differ.result(live);
    expect(got.managedRows).toHaveLength(count);
    expect(fingerprintGrants(got.managed, got.managedStates, got.managedRows)).toBe(fingerprint);
  });

  it('answers anew when the listing holds a grant no page held in place of one that a page did', () => {
    const ownership: Ownership = { manage: 'all', excludedClientIds: [] };
    const want: DesiredGrant = { client_id: 'client1', client_name: 'one', audience: 'https://a0', subject_type: 'client', state: { scope: ['s0'] } };
    const paged: LiveGrant[] = [
      { id: 'cgr_1', client_id: 'client1', audience: 'https://a0', scope: ['s0'] },
      { id: 'cgr_2', client_id: 'client2', audience: 'https://a0', scope: ['s1'] },
    ];
    const differ = new IncrementalDiff([want], ownership);
    differ.add(paged);
    // As many grants as the pages held, but the second is another grant, with another id.
    const listing: LiveGrant[] = [paged[0]!, { id: 'cgr_3', client_id: 'client3', audience: 'https://a0', scope: ['s2'] }];
    expect(differ.result(listing)).toEqual(diffGrants([want], listing, ownership));
    expect(differ.result(listing).managedRows).toBeUndefined();
  });

  it('answers anew when a page held something no grant has (the end meets it again, and says so there)', () => {
    const ownership: Ownership = { manage: 'all', excludedClientIds: [] };
    const differ = new IncrementalDiff([], ownership);
    differ.add([null as unknown as LiveGrant]);
    const live: LiveGrant[] = [{ id: 'cgr_1', client_id: 'client1', audience: 'https://a0', scope: [] }];
    differ.add(live);
    expect(differ.result(live)).toEqual(diffGrants([], live, ownership));
    expect(differ.result(live).managedRows).toBeUndefined();
  });
});

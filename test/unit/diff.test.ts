// diffGrants, ownership and normalised state in-process: what changes, what is left alone and why.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffGrants, liveState } from '../../src/diff/diff.js';
import { unmanagedReason } from '../../src/diff/ownership.js';
import {
  addedScopes,
  compareStrings,
  GrantIndex,
  grantKeyString,
  liveKey,
  normalizeState,
  removedScopes,
  sortedUnique,
  statesEqual,
} from '../../src/model/grant.js';
import type { DesiredGrant, GrantState, LiveGrant, Ownership } from '../../src/model/types.js';

const ALL: Ownership = { manage: 'all', excludedClientIds: [] };
const want = (client_id: string, audience: string, scope: string[], subject_type: 'client' | 'user' = 'client', client_name?: string): DesiredGrant => ({
  client_id, audience, subject_type, state: { scope }, ...(client_name ? { client_name } : {}),
});

describe('unmanagedReason', () => {
  const ownership: Ownership = { manage: { audiences: ['https://a'] }, excludedClientIds: ['ex'], pipelineClientIds: ['pipe'], ownClientId: 'own' };
  const cases: [string, LiveGrant, Ownership, string | undefined][] = [
    ['system first', { id: '1', client_id: 'own', audience: 'https://z', is_system: true }, ownership, 'system'],
    // A default grant has no client: it is owned with its audience.
    ['no client_id, managed audience', { id: '1', audience: 'https://a', default_for: 'third_party_clients' }, ownership, undefined],
    ['no client_id, audience outside manage', { id: '1', audience: 'https://z', default_for: 'third_party_clients' }, ownership, 'outside-manage'],
    // A client and default_for together is a shape grantsync does not know: left alone.
    ['default_for with a client', { id: '1', client_id: 'c', audience: 'https://a', default_for: 'third_party_clients' }, ownership, 'unknown-field'],
    ['own before pipeline', { id: '1', client_id: 'own', audience: 'https://a' }, { ...ownership, pipelineClientIds: ['own'] }, 'own-client'],
    ['pipeline before excluded', { id: '1', client_id: 'pipe', audience: 'https://a' }, { ...ownership, excludedClientIds: ['pipe'] }, 'pipeline-client'],
    ['excluded before outside', { id: '1', client_id: 'ex', audience: 'https://z' }, ownership, 'excluded-client'],
    ['outside manage', { id: '1', client_id: 'c', audience: 'https://z' }, ownership, 'outside-manage'],
    ['managed', { id: '1', client_id: 'c', audience: 'https://a' }, ownership, undefined],
    ['managed under manage: all', { id: '1', client_id: 'c', audience: 'https://z' }, { ...ownership, manage: 'all' }, undefined],
    ['own client unknown', { id: '1', client_id: 'own', audience: 'https://a' }, { ...ownership, ownClientId: undefined }, undefined],
    ['no pipeline_clients', { id: '1', client_id: 'pipe', audience: 'https://a' }, { ...ownership, pipelineClientIds: undefined }, undefined],
  ];
  it.each(cases)('%s', (_name, grant, own, reason) => {
    expect(unmanagedReason(grant, own)).toBe(reason);
  });
});

describe('diffGrants', () => {
  it('creates, updates, deletes and counts the unchanged; keeps what it owns and counts the rest by reason', () => {
    const live: LiveGrant[] = [
      { id: 'same', client_id: 'c1', audience: 'https://a', scope: ['b', 'a'], organization_usage: 'deny', allow_any_organization: false },
      { id: 'upd', client_id: 'c2', audience: 'https://a', scope: ['a'] },
      { id: 'del', client_id: 'c3', audience: 'https://a', scope: ['a'] },
      { id: 'sys', client_id: 'c3', audience: 'https://m', is_system: true },
      { id: 'out1', client_id: 'c1', audience: 'https://z' },
      { id: 'out2', client_id: 'c2', audience: 'https://z' },
    ];
    const result = diffGrants(
      [want('c1', 'https://a', ['a', 'b'], 'client', 'one'), want('c2', 'https://a', ['a', 'c'], 'client', 'two'), want('c4', 'https://a', [])],
      live,
      { manage: { audiences: ['https://a', 'https://m'] }, excludedClientIds: [] },
    );
    expect(result.unchanged).toBe(1);
    expect(result.managed.map((g) => g.id)).toEqual(['same', 'upd', 'del']);
    expect(result.unmanagedByReason).toEqual({ system: 1, 'outside-manage': 2 });
    expect(result.changes).toEqual([
      { client_id: 'c2', audience: 'https://a', subject_type: 'client', client_name: 'two', action: 'update', before: { scope: ['a'] }, after: { scope: ['a', 'c'] }, flags: [] },
      { client_id: 'c4', audience: 'https://a', subject_type: 'client', client_name: undefined, action: 'create', before: null, after: { scope: [] }, flags: [] },
      { client_id: 'c3', audience: 'https://a', subject_type: 'client', action: 'delete', before: { scope: ['a'] }, after: null, flags: [] },
    ]);
  });

  it('pairs a delete and a create that differ only in subject_type into one replace', () => {
    const live: LiveGrant[] = [
      { id: 'u', client_id: 'c1', audience: 'https://a', subject_type: 'user', scope: ['x'] },
      { id: 'other', client_id: 'c1', audience: 'https://b', scope: ['x'] },
    ];
    const result = diffGrants([want('c1', 'https://a', ['y']), want('c2', 'https://b', ['x'])], live, ALL);
    expect(result.changes.map((c) => [c.action, c.client_id, c.audience, c.subject_type, c.replaces_subject_type, c.before, c.after])).toEqual([
      ['replace', 'c1', 'https://a', 'client', 'user', { scope: ['x'] }, { scope: ['y'] }],
      ['create', 'c2', 'https://b', 'client', undefined, null, { scope: ['x'] }],
      ['delete', 'c1', 'https://b', 'client', undefined, { scope: ['x'] }, null],
    ]);
  });

  it('with both subject types live and neither wanted, one delete pairs with the create and the other stays a delete', () => {
    const live: LiveGrant[] = [
      { id: 'c', client_id: 'c1', audience: 'https://a', scope: ['x'] },
      { id: 'u', client_id: 'c1', audience: 'https://a', subject_type: 'user', scope: ['y'] },
    ];
    // Wanting one of them: it is matched, the other is a plain delete.
    const keep = diffGrants([want('c1', 'https://a', ['x'])], live, ALL);
    expect(keep.changes.map((c) => [c.action, c.subject_type])).toEqual([['delete', 'user']]);
    expect(keep.unchanged).toBe(1);
    // Wanting neither: two deletes, in live order, none lost.
    const none = diffGrants([], live, ALL);
    expect(none.changes.map((c) => [c.action, c.subject_type, c.before])).toEqual([
      ['delete', 'user', { scope: ['y'] }],
      ['delete', 'client', { scope: ['x'] }],
    ]);
  });

  it('the same grant object listed twice is one grant; two objects with one identity, the last is matched', () => {
    const own = { manage: 'all' as const, excludedClientIds: [] };
    const want = [{ client_id: 'c1', audience: 'a1', subject_type: 'client' as const, state: { scope: ['read:x'] } }];
    const grant: LiveGrant = { id: 'g1', client_id: 'c1', audience: 'a1', scope: ['read:x'] };
    expect(diffGrants(want, [grant, grant], own).changes).toEqual([]);
    const twin: LiveGrant = { ...grant, id: 'g0' };
    expect(diffGrants(want, [twin, grant], own).changes.map((c) => [c.action, c.before])).toEqual([['delete', { scope: ['read:x'] }]]);
    // Undeclared, each listing of it is a delete, as before.
    expect(diffGrants([], [grant, grant], own).changes.map((c) => c.action)).toEqual(['delete', 'delete']);
  });

  it('a grant with every scope is a change towards listed scopes, and liveState normalises', () => {
    const live: LiveGrant[] = [{ id: 'all', client_id: 'c1', audience: 'https://a', scope: ['x'], allow_all_scopes: true }];
    expect(liveState(live[0]!)).toEqual({ scope: [], allow_all_scopes: true });
    const result = diffGrants([want('c1', 'https://a', [])], live, ALL);
    expect(result.changes.map((c) => c.action)).toEqual(['update']);
  });

  it('property: every managed live grant is matched, updated or deleted exactly once; every desired grant once', () => {
    const keyArb = fc.record({ c: fc.constantFrom('c1', 'c2'), a: fc.constantFrom('https://a', 'https://b'), s: fc.constantFrom('client', 'user') as fc.Arbitrary<'client' | 'user'> });
    const sel = (k: { c: string; a: string; s: string }) => `${k.c} ${k.a} ${k.s}`;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ key: keyArb, scope: fc.subarray(['x', 'y']) }), { selector: (g) => sel(g.key) }),
        fc.uniqueArray(fc.record({ key: keyArb, scope: fc.subarray(['x', 'y']) }), { selector: (g) => sel(g.key) }),
        (liveRows, wantRows) => {
          const live = liveRows.map((r, i): LiveGrant => ({ id: `g${i}`, client_id: r.key.c, audience: r.key.a, subject_type: r.key.s, scope: r.scope }));
          const desired = wantRows.map((r) => want(r.key.c, r.key.a, r.scope, r.key.s));
          const { changes, unchanged } = diffGrants(desired, live, ALL);
          const count = (a: string) => changes.filter((c) => c.action === a).length;
          expect(unchanged + count('update') + count('create') + count('replace')).toBe(desired.length);
          expect(unchanged + count('update') + count('delete') + count('replace')).toBe(live.length);
          for (const c of changes.filter((x) => x.action === 'replace')) expect(c.replaces_subject_type).not.toBe(c.subject_type);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('grant state', () => {
  it('compareStrings is code-unit order', () => {
    expect([compareStrings('a', 'b'), compareStrings('b', 'a'), compareStrings('a', 'a'), compareStrings('Z', 'a'), compareStrings('a', 'ab')]).toEqual([-1, 1, 0, -1, -1]);
  });

  it('property: sortedUnique equals a sort of the set, and leaves its input alone', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'B', 'aa')), (values) => {
        const copy = [...values];
        const out = sortedUnique(values);
        expect(out).toEqual([...new Set(values)].sort());
        expect(values).toEqual(copy);
        expect(out).not.toBe(values);
      }),
      { numRuns: 200 },
    );
  });

  it('normalizeState omits defaults and means every scope by allow_all_scopes', () => {
    const cases: [Parameters<typeof normalizeState>[0], GrantState][] = [
      [{}, { scope: [] }],
      [{ scope: ['b', 'a', 'b'] }, { scope: ['a', 'b'] }],
      [{ scope: ['a'], organization_usage: 'deny', allow_any_organization: false, allow_all_scopes: false }, { scope: ['a'] }],
      [{ scope: ['a'], organization_usage: null, allow_any_organization: null, allow_all_scopes: null }, { scope: ['a'] }],
      [{ scope: ['a'], organization_usage: 'allow' }, { scope: ['a'], organization_usage: 'allow' }],
      [{ scope: ['a'], organization_usage: 'require', allow_any_organization: true }, { scope: ['a'], organization_usage: 'require', allow_any_organization: true }],
      [{ scope: ['a'], allow_all_scopes: true }, { scope: [], allow_all_scopes: true }],
    ];
    for (const [input, expected] of cases) expect(normalizeState(input)).toStrictEqual(expected);
  });

  it('statesEqual treats absent and default alike and sees every field', () => {
    const base: GrantState = { scope: ['a', 'b'] };
    expect(statesEqual(base, { scope: ['a', 'b'], organization_usage: 'deny', allow_any_organization: false })).toBe(true);
    const different: GrantState[] = [
      { scope: ['a'] },
      { scope: ['a', 'c'] },
      { scope: ['b', 'a'] },
      { scope: ['a', 'b', 'c'] },
      { scope: ['a', 'b'], organization_usage: 'allow' },
      { scope: ['a', 'b'], allow_any_organization: true },
      { scope: ['a', 'b'], allow_all_scopes: true },
    ];
    for (const other of different) {
      expect(statesEqual(base, other)).toBe(false);
      expect(statesEqual(other, base)).toBe(false);
    }
    expect(statesEqual({ scope: [], allow_all_scopes: true }, { scope: [], allow_all_scopes: true })).toBe(true);
    expect(statesEqual({ scope: ['a'], organization_usage: 'allow' }, { scope: ['a'], organization_usage: 'require' })).toBe(false);
  });

  it('added and removed scopes', () => {
    expect(addedScopes(null, { scope: ['a'] })).toEqual(['a']);
    expect(addedScopes({ scope: ['a'] }, { scope: ['a', 'b'] })).toEqual(['b']);
    expect(addedScopes({ scope: ['a'] }, null)).toEqual([]);
    expect(addedScopes({ scope: [], allow_all_scopes: true }, { scope: ['a'] })).toEqual([]);
    expect(removedScopes(null, { scope: ['a'] })).toEqual([]);
    expect(removedScopes({ scope: ['a', 'b'] }, { scope: ['b'] })).toEqual(['a']);
    expect(removedScopes({ scope: ['a', 'b'] }, null)).toEqual(['a', 'b']);
  });

  it('keys and the grant index', () => {
    expect(liveKey({ id: '1', audience: 'https://a' })).toBeUndefined();
    expect(liveKey({ id: '1', client_id: 'c', audience: 'https://a' })).toEqual({ client_id: 'c', audience: 'https://a', subject_type: 'client' });
    expect(liveKey({ id: '1', client_id: 'c', audience: 'https://a', subject_type: 'user' })).toEqual({ client_id: 'c', audience: 'https://a', subject_type: 'user' });
    expect(grantKeyString({ client_id: 'c', audience: 'a', subject_type: 'user' })).toBe('c\u0000a\u0000user');
    const index = new GrantIndex<number>();
    const keys = [
      { client_id: 'c1', audience: 'a', subject_type: 'client' as const },
      { client_id: 'c2', audience: 'a', subject_type: 'client' as const },
      { client_id: 'c1', audience: 'b', subject_type: 'client' as const },
      { client_id: 'c1', audience: 'a', subject_type: 'user' as const },
    ];
    keys.forEach((k, i) => index.set(k, i));
    keys.forEach((k, i) => expect(index.get(k)).toBe(i));
    expect(index.get({ client_id: 'c3', audience: 'a', subject_type: 'client' })).toBeUndefined();
    index.set(keys[0]!, 9);
    expect(index.get(keys[0]!)).toBe(9);
    expect(index.get(keys[1]!)).toBe(1);
  });
});

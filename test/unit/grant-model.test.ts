// The grant model's small functions, table by table (src/model/grant.ts): what a live grant has that
// grantsync does not know, its identity, normalised states, scope and organization deltas.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addedScopes, compareStrings, grantKeyString, liveKey, normalizeState, organizationDelta, removedScopes, sortedUnique, unknownField } from '../../src/model/grant.js';
import type { GrantState, LiveGrant } from '../../src/model/types.js';

const grant = (extra: Record<string, unknown> = {}): LiveGrant => ({ id: 'g', client_id: 'c', audience: 'https://a', scope: ['s'], ...extra }) as LiveGrant;

describe('unknownField', () => {
  it.each<[string, LiveGrant, string | undefined]>([
    ['a plain grant', grant(), undefined],
    ['every known key', grant({ organization_usage: 'require', allow_any_organization: false, is_system: false, subject_type: 'user', authorization_details_types: ['t'], allow_all_scopes: true, organizations: ['o'] }), undefined],
    ['a default grant', { id: 'g', audience: 'https://a', default_for: 'third_party_clients', scope: [] }, undefined],
    ['a new key', grant({ zeta: 1, alpha: 2 }), 'key "alpha"'],
    ['a new subject type', grant({ subject_type: 'anonymous_user' }), 'subject_type "anonymous_user"'],
    ['a new key and a new value: the first in key order (the key)', grant({ subject_type: 'anonymous_user', aardvark: 1 }), 'key "aardvark"'],
    ['a new key and a new value: the first in key order (the value)', grant({ zebra: 1, subject_type: 'anonymous_user' }), 'subject_type "anonymous_user"'],
    ['a new usage', grant({ organization_usage: 'maybe' }), 'organization_usage "maybe"'],
    ['a new default_for', { id: 'g', audience: 'https://a', default_for: 'first_party_clients' } as LiveGrant, 'default_for "first_party_clients"'],
    ['a non-boolean flag', grant({ allow_all_scopes: 'yes' }), 'allow_all_scopes "yes"'],
    ['is_system not a boolean', grant({ is_system: 1 }), 'is_system 1'],
    ['allow_any_organization null', grant({ allow_any_organization: null }), 'allow_any_organization null'],
    ['scope not a list', grant({ scope: 'read' }), 'scope that is not a list of strings'],
    ['scope with a number', grant({ scope: ['a', 1] }), 'scope that is not a list of strings'],
    ['RAR types not a list', grant({ authorization_details_types: {} }), 'authorization_details_types that is not a list of strings'],
    ['no client id', { id: 'g', audience: 'https://a' }, 'no client_id'],
    ['both client and default', grant({ default_for: 'third_party_clients' }), 'both client_id and default_for'],
  ])('%s', (_name, g, expected) => {
    expect(unknownField(g)).toBe(expected);
  });
});

describe('identity', () => {
  it.each<[LiveGrant, ReturnType<typeof liveKey>]>([
    [grant(), { client_id: 'c', audience: 'https://a', subject_type: 'client' }],
    [grant({ subject_type: 'user' }), { client_id: 'c', audience: 'https://a', subject_type: 'user' }],
    [{ id: 'g', audience: 'https://a', default_for: 'third_party_clients' }, { client_id: '', audience: 'https://a', subject_type: 'client', default_for: 'third_party_clients' }],
    [{ id: 'g', audience: 'https://a', default_for: 'other' }, undefined],
    [grant({ default_for: 'third_party_clients' }), undefined],
    [{ id: 'g', audience: 'https://a' }, undefined],
  ])('liveKey %#', (g, key) => {
    expect(liveKey(g)).toEqual(key);
  });

  it('key strings differ in every part', () => {
    const k = { client_id: 'c', audience: 'a', subject_type: 'client' as const };
    const keys = new Set([k, { ...k, client_id: 'd' }, { ...k, audience: 'b' }, { ...k, subject_type: 'user' as const }, { client_id: 'c\u0000a', audience: '', subject_type: 'client' as const }].map(grantKeyString));
    expect(keys.size).toBe(4 + 1);
  });
});

describe('normal states', () => {
  it.each<[Parameters<typeof normalizeState>[0], GrantState]>([
    [{}, { scope: [] }],
    [{ scope: ['b', 'a', 'b'] }, { scope: ['a', 'b'] }],
    [{ scope: ['a'], allow_all_scopes: true }, { scope: [], allow_all_scopes: true }],
    [{ scope: [], allow_all_scopes: false, organization_usage: 'deny', allow_any_organization: false, authorization_details_types: [], organizations: [] }, { scope: [] }],
    [{ scope: [], organization_usage: null, allow_any_organization: null, authorization_details_types: null, organizations: null }, { scope: [] }],
    [{ scope: [], organization_usage: 'allow', allow_any_organization: true, authorization_details_types: ['y', 'x'], organizations: ['o2', 'o1', 'o2'] }, {
      scope: [], organization_usage: 'allow', allow_any_organization: true, authorization_details_types: ['x', 'y'], organizations: ['o1', 'o2'],
    }],
  ])('normalizeState %#', (input, state) => {
    expect(normalizeState(input)).toEqual(state);
  });

  it('sortedUnique: sorted by code unit, unique, a copy', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 8 }), (values) => {
        const out = sortedUnique(values);
        expect(out).toEqual([...new Set(values)].sort(compareStrings));
        expect(out).not.toBe(values);
      }),
    );
    expect([compareStrings('a', 'b'), compareStrings('b', 'a'), compareStrings('a', 'a'), compareStrings('B', 'a')]).toEqual([-1, 1, 0, -1]);
  });
});

describe('deltas', () => {
  const s = (scope: string[], extra: Partial<GrantState> = {}): GrantState => ({ scope, ...extra });
  it.each<[GrantState | null, GrantState | null, string[], string[]]>([
    [null, s(['a']), ['a'], []],
    [s(['a']), null, [], ['a']],
    [s(['a', 'b']), s(['b', 'c']), ['c'], ['a']],
    [s([], { allow_all_scopes: true }), s(['a']), [], []],
    [null, null, [], []],
  ])('scopes %#', (before, after, added, removed) => {
    expect(addedScopes(before, after)).toEqual(added);
    expect(removedScopes(before, after)).toEqual(removed);
  });

  it.each<[GrantState | null, GrantState | null, { added: string[]; removed: string[] }]>([
    [null, s([], { organizations: ['o1'] }), { added: ['o1'], removed: [] }],
    [s([], { organizations: ['o1', 'o2'] }), null, { added: [], removed: ['o1', 'o2'] }],
    [s([], { organizations: ['o1', 'o2'] }), s([], { organizations: ['o2', 'o3'] }), { added: ['o3'], removed: ['o1'] }],
    [s([]), s([]), { added: [], removed: [] }],
  ])('organizations %#', (before, after, delta) => {
    expect(organizationDelta(before, after)).toEqual(delta);
  });
});

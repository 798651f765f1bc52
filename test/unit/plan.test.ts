// buildPlan in-process: names, privilege flags, replace pairing through the diff, order, totals,
// the fingerprint of the live managed grants and the digest of the change set.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffGrants } from '../../src/diff/diff.js';
import type { Change, GrantState, LiveGrant } from '../../src/model/types.js';
import { buildPlan, compareChanges, digestChanges, ESCALATION_SCOPES, fingerprintGrants, privilegeFlags } from '../../src/plan/plan.js';

const MAPI = 'https://acme/api/v2/';
const SYSTEM = new Set([MAPI]);
const state = (scope: string[], extra: Partial<GrantState> = {}): GrantState => ({ scope, ...extra });
const change = (action: Change['action'], before: GrantState | null, after: GrantState | null, over: Partial<Change> = {}): Change => ({
  action, client_id: 'c1', audience: MAPI, subject_type: 'client', before, after, flags: [], ...over,
});

describe('privilege flags', () => {
  const cases: [string, Change, string[]][] = [
    ['create with a read scope', change('create', null, state(['read:users'])), ['privilege-increase']],
    ['create with an escalation scope', change('create', null, state(['read:users', 'create:clients'])), ['privilege-increase', 'self-escalation']],
    ['create with no scopes', change('create', null, state([])), []],
    ['update adding a read scope', change('update', state(['read:logs']), state(['read:logs', 'read:users'])), ['privilege-increase']],
    ['update adding an escalation scope', change('update', state(['read:logs']), state(['update:client_grants'])), ['privilege-increase', 'self-escalation']],
    ['update keeping an escalation scope, adding nothing', change('update', state(['create:clients', 'read:logs']), state(['create:clients'])), []],
    ['update from every scope (allow_all_scopes) to some', change('update', state([], { allow_all_scopes: true }), state(['create:clients'])), []],
    ['update of organization_usage only', change('update', state(['a']), state(['a'], { organization_usage: 'allow' })), []],
    ['delete', change('delete', state(['create:clients']), null), []],
    // A replace deletes the old grant: everything it keeps is granted anew.
    ['replace with the same scopes', change('replace', state(['read:users']), state(['read:users'])), ['privilege-increase']],
    ['replace with an escalation scope kept', change('replace', state(['create:clients']), state(['create:clients'])), ['privilege-increase', 'self-escalation']],
    ['replace with no scopes', change('replace', state(['read:users']), state([])), []],
    ['another API: never flagged', change('create', null, state(['create:clients']), { audience: 'https://orders' }), []],
  ];
  it.each(cases)('%s', (_name, c, flags) => {
    expect(privilegeFlags(c, SYSTEM)).toEqual(flags);
  });

  it('every escalation scope is a Management API write scope', () => {
    expect(ESCALATION_SCOPES.size).toBe(26);
    for (const scope of ESCALATION_SCOPES) {
      expect(scope).toMatch(/^(create|update):[a-z_]+$/);
      expect(privilegeFlags(change('create', null, state([scope])), SYSTEM)).toEqual(['privilege-increase', 'self-escalation']);
    }
    for (const scope of ['read:client_grants', 'delete:clients', 'read:users', 'create:user_tickets']) {
      expect(privilegeFlags(change('create', null, state([scope])), SYSTEM)).toEqual(['privilege-increase']);
    }
  });
});

describe('buildPlan', () => {
  const live: LiveGrant[] = [
    { id: 'g-del', client_id: 'c2', audience: 'https://b', scope: ['x'] },
    { id: 'g-upd', client_id: 'c1', audience: 'https://b', scope: ['x'] },
    { id: 'g-rep', client_id: 'c1', audience: MAPI, scope: ['read:users'], subject_type: 'user' },
    { id: 'g-same', client_id: 'c3', audience: 'https://b', scope: ['x'] },
    { id: 'g-sys', client_id: 'c4', audience: MAPI, is_system: true },
    { id: 'g-own', client_id: 'own', audience: 'https://b' },
    { id: 'g-own2', client_id: 'own', audience: 'https://a' },
  ];
  const desired = [
    { client_id: 'c1', audience: 'https://b', subject_type: 'client' as const, client_name: 'one', state: state(['x', 'y']) },
    { client_id: 'c1', audience: MAPI, subject_type: 'client' as const, client_name: 'one', state: state(['read:users']) },
    { client_id: 'c3', audience: 'https://b', subject_type: 'client' as const, state: state(['x']) },
    { client_id: 'c5', audience: 'https://a', subject_type: 'client' as const, state: state([]) },
  ];

  it('orders changes by audience, then name, then id; fills names; flags; totals', () => {
    const diff = diffGrants(desired, live, { manage: 'all', excludedClientIds: [], ownClientId: 'own' });
    const plan = buildPlan({ tenant: 'acme', diff, clientNames: new Map([['c2', 'two'], ['c1', 'not used'], ['c5', 'five']]), systemAudiences: SYSTEM });
    expect(plan.tenant).toBe('acme');
    expect(plan.changes.map((c) => [c.action, c.audience, c.client_name, c.flags])).toEqual([
      ['create', 'https://a', 'five', []],
      ['replace', MAPI, 'one', ['privilege-increase']],
      ['update', 'https://b', 'one', []],
      ['delete', 'https://b', 'two', []],
    ]);
    expect(plan.changes[1]).toMatchObject({ subject_type: 'client', replaces_subject_type: 'user', before: state(['read:users']) });
    expect(plan.summary).toEqual({ create: 1, update: 1, delete: 1, replace: 1, unchanged: 1, unmanaged: 3 });
    expect(plan.unmanagedByReason).toEqual({ system: 1, 'own-client': 2 });
  });

  it('compares by audience, name (or id when unnamed), id, then subject_type', () => {
    const base = change('create', null, state([]), { audience: 'https://b', client_id: 'm', client_name: 'm' });
    const ordered: Change[] = [
      { ...base, audience: 'https://a', client_name: 'z' },
      { ...base, client_name: 'a', client_id: 'z' },
      { ...base, client_name: undefined, client_id: 'b' },
      { ...base, client_name: 'c', client_id: 'a' },
      { ...base, client_name: 'c', client_id: 'b' },
      { ...base, client_name: 'c', client_id: 'b', subject_type: 'user' },
      { ...base, audience: 'https://c', client_name: 'a' },
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(Math.sign(compareChanges(ordered[i]!, ordered[j]!)), `${i} vs ${j}`).toBe(Math.sign(i - j));
      }
    }
  });

  it('an empty diff: zero totals, and hashes of nothing', () => {
    const empty = buildPlan({ tenant: 't', diff: { changes: [], unchanged: 0, managed: [], unmanagedByReason: {} }, clientNames: new Map(), systemAudiences: SYSTEM });
    expect(empty.summary).toEqual({ create: 0, update: 0, delete: 0, replace: 0, unchanged: 0, unmanaged: 0 });
    expect(empty.fingerprint).toBe(fingerprintGrants([]));
    expect(empty.digest).toBe(digestChanges([]));
    expect(empty.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(empty.fingerprint).toBe('sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
  });
});

describe('fingerprint and digest', () => {
  const grants: LiveGrant[] = [
    { id: 'b', client_id: 'c1', audience: 'https://a', scope: ['y', 'x'] },
    { id: 'a', client_id: 'c2', audience: 'https://a', scope: ['x'], organization_usage: 'allow' },
    { id: 'c', client_id: 'c2', audience: 'https://b', subject_type: 'user', scope: [] },
  ];

  it('the fingerprint ignores order and unnormalised state, and sees ids, keys and state', () => {
    const fp = fingerprintGrants(grants);
    expect(fingerprintGrants([...grants].reverse())).toBe(fp);
    expect(fingerprintGrants([{ ...grants[0]!, scope: ['x', 'y', 'x'] }, grants[1]!, grants[2]!])).toBe(fp);
    const variants: LiveGrant[][] = [
      [{ ...grants[0]!, id: 'z' }, grants[1]!, grants[2]!],
      [{ ...grants[0]!, scope: ['x'] }, grants[1]!, grants[2]!],
      [grants[0]!, { ...grants[1]!, organization_usage: 'require' }, grants[2]!],
      [grants[0]!, grants[1]!, { ...grants[2]!, subject_type: 'client' }],
      [grants[0]!, grants[1]!],
    ];
    for (const v of variants) expect(fingerprintGrants(v)).not.toBe(fp);
  });

  it('the fingerprint hashes the states the diff worked out, which are the grants\' own', () => {
    const diff = diffGrants([], grants, { manage: 'all', excludedClientIds: [] });
    expect(diff.managedStates).toHaveLength(3);
    expect(fingerprintGrants(grants, diff.managedStates)).toBe(fingerprintGrants(grants));
    // What it is given is what it hashes: another state is another fingerprint.
    const other = [...diff.managedStates!];
    other[0] = { scope: ['x'] };
    expect(fingerprintGrants(grants, other)).not.toBe(fingerprintGrants(grants));
  });

  const changes: Change[] = [
    change('create', null, state(['a']), { audience: 'https://a', client_id: 'c2' }),
    change('update', state(['a']), state(['b']), { audience: 'https://a', client_id: 'c1' }),
    change('replace', state(['a']), state(['a']), { audience: 'https://b', client_id: 'c1', replaces_subject_type: 'user' }),
    change('delete', state(['a']), null, { audience: 'https://b', client_id: 'c1', subject_type: 'user' }),
  ];

  it('the digest ignores order, names and flags, and sees everything a write depends on', () => {
    const digest = digestChanges(changes);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digestChanges([...changes].reverse())).toBe(digest);
    expect(digestChanges([changes[1]!, changes[3]!, changes[0]!, changes[2]!])).toBe(digest);
    expect(digestChanges(changes.map((c) => ({ ...c, client_name: 'renamed', flags: ['privilege-increase'] })))).toBe(digest);
    const edits: ((c: Change) => Change)[] = [
      (c) => ({ ...c, audience: `${c.audience}/` }),
      (c) => ({ ...c, client_id: `${c.client_id}x` }),
      (c) => ({ ...c, subject_type: c.subject_type === 'user' ? 'client' : 'user' }),
      (c) => ({ ...c, action: c.action === 'update' ? 'create' : 'update' }),
      (c) => ({ ...c, after: state(['z']) }),
      (c) => ({ ...c, before: state(['z']) }),
      (c) => ({ ...c, replaces_subject_type: c.replaces_subject_type ? undefined : 'user' }),
    ];
    for (const [i, edit] of edits.entries()) {
      for (const [j] of changes.entries()) {
        const edited = changes.map((c, k) => (k === j ? edit(c) : c));
        expect(digestChanges(edited), `edit ${i} of change ${j}`).not.toBe(digest);
      }
    }
  });

  it('property: the digest of any change set is independent of its order', () => {
    const changeArb = fc.record({
      audience: fc.constantFrom('a', 'b', 'c'),
      client_id: fc.constantFrom('x', 'y', 'z'),
      subject_type: fc.constantFrom('client', 'user') as fc.Arbitrary<'client' | 'user'>,
      scope: fc.subarray(['s1', 's2']),
    });
    fc.assert(
      fc.property(fc.uniqueArray(changeArb, { selector: (c) => `${c.audience} ${c.client_id} ${c.subject_type}`, maxLength: 8 }), fc.nat(), (rows, seed) => {
        const set = rows.map((r) => change('create', null, state(r.scope), { audience: r.audience, client_id: r.client_id, subject_type: r.subject_type }));
        const shuffled = [...set].sort((x, y) => ((seed ^ x.client_id.charCodeAt(0) ^ y.audience.charCodeAt(0)) & 1) - 0.5);
        expect(digestChanges(shuffled)).toBe(digestChanges(set));
      }),
      { numRuns: 100 },
    );
  });
});

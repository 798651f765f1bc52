import { describe, expect, it } from 'vitest';
import { checkGuards, countRemovals } from '../../src/engine.js';
import { RefusedError } from '../../src/errors.js';
import type { Change } from '../../src/model/types.js';

const MAPI = 'https://acme/api/v2/';
const change = (action: Change['action'], audience: string, before: string[] | null, after: string[] | null): Change => ({
  action, client_id: 'c', audience, subject_type: 'client',
  before: before ? { scope: before } : null, after: after ? { scope: after } : null, flags: [],
});
const guards = { maxDeletes: 1, ownClientKnown: true, systemAudiences: new Set([MAPI]) };

describe('apply guards', () => {
  it('refuses more deletes (replaces included) than max_deletes, naming the override', () => {
    const changes = [change('delete', 'https://a', ['x'], null), change('replace', 'https://a', ['x'], ['x'])];
    expect(() => checkGuards(changes, guards)).toThrow(RefusedError);
    expect(() => checkGuards(changes, guards)).toThrow('the plan deletes 2 grants, more than max_deletes (1); nothing was changed. Check the plan; if it is right, run apply again with --max-deletes 2.');
    expect(() => checkGuards(changes, { ...guards, maxDeletes: 2 })).not.toThrow();
  });

  it('when the running client is unknown, refuses to delete or shrink a Management API grant', () => {
    const unknown = { ...guards, ownClientKnown: false, maxDeletes: 10 };
    expect(() => checkGuards([change('delete', MAPI, ['read:logs'], null)], unknown)).toThrow(/cannot tell which client it runs as/);
    expect(() => checkGuards([change('update', MAPI, ['read:logs', 'read:users'], ['read:logs'])], unknown)).toThrow(/deletes or shrinks 1 Management API grant/);
    // Growing a Management API grant, or shrinking any other API's grant, is allowed.
    expect(() => checkGuards([change('update', MAPI, ['read:logs'], ['read:logs', 'read:users'])], unknown)).not.toThrow();
    expect(() => checkGuards([change('delete', 'https://a', ['x'], null)], unknown)).not.toThrow();
  });

  it('counts organization associations removed from a kept grant as removals, not those of a deleted grant', () => {
    const kept = { ...change('update', 'https://a', ['x'], ['x']), before: { scope: ['x'], organization_usage: 'allow' as const, organizations: ['org_a', 'org_b', 'org_c'] }, after: { scope: ['x'], organization_usage: 'allow' as const, organizations: ['org_b', 'org_d'] } };
    expect(countRemovals([kept])).toEqual({ deletes: 0, emptied: 0, dissociations: 2 });
    const deleted = { ...change('delete', 'https://a', ['x'], null), before: { scope: ['x'], organization_usage: 'allow' as const, organizations: ['org_a', 'org_b'] } };
    expect(countRemovals([deleted])).toEqual({ deletes: 1, emptied: 0, dissociations: 0 });
    expect(() => checkGuards([kept], guards)).toThrow(
      'the plan deletes 0 grants and removes 2 organization associations (2 removals), more than max_deletes (1); nothing was changed.',
    );
    expect(() => checkGuards([kept], { ...guards, maxDeletes: 2 })).not.toThrow();
  });

  it('counts a grant emptied of every scope as a removal, and nothing else as one', () => {
    const cases: [Change, { deletes: number; emptied: number }][] = [
      [change('update', 'https://a', ['x'], []), { deletes: 0, emptied: 1 }],
      [change('update', 'https://a', ['x', 'y'], ['x']), { deletes: 0, emptied: 0 }],
      [change('update', 'https://a', [], []), { deletes: 0, emptied: 0 }],
      [change('create', 'https://a', null, []), { deletes: 0, emptied: 0 }],
      [change('delete', 'https://a', [], null), { deletes: 1, emptied: 0 }],
      [change('replace', 'https://a', ['x'], []), { deletes: 1, emptied: 0 }],
      [{ ...change('update', 'https://a', [], []), before: { scope: [], allow_all_scopes: true } }, { deletes: 0, emptied: 1 }],
      [{ ...change('update', 'https://a', ['x'], []), after: { scope: [], allow_all_scopes: true } }, { deletes: 0, emptied: 0 }],
    ];
    for (const [c, expected] of cases) expect(countRemovals([c])).toEqual({ ...expected, dissociations: 0 });
    const emptied = [change('update', 'https://a', ['x'], []), change('delete', 'https://b', ['x'], null)];
    expect(() => checkGuards(emptied, guards)).toThrow(
      'the plan deletes 1 grant and empties the scopes of 1 more (2 removals), more than max_deletes (1); nothing was changed. Check the plan; if it is right, run apply again with --max-deletes 2.',
    );
    expect(() => checkGuards(emptied, { ...guards, maxDeletes: 2 })).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { checkGuards } from '../../src/engine.js';
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
});

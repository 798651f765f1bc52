// The rails apply will not pass, as the plan states them (src/plan/refusals.ts): the deletion budget
// and what it counts, the unknown running client, the pipeline lock-out; the budget's sources and
// labels; the write scopes a plan needs; and the breaker that stops an apply that cannot go on.
import { describe, expect, it } from 'vitest';
import { Breaker, CONNECTION_FAILURE_THRESHOLD } from '../../src/apply/breaker.js';
import { ApiError } from '../../src/errors.js';
import type { Budget, Change, GrantState, Ownership } from '../../src/model/types.js';
import { PIPELINE_READ_SCOPES, pipelineLockouts } from '../../src/plan/pipeline-lockout.js';
import { applyRefusals, budgetFromLabels, budgetSource, countRemovals, describeRefusal, MAX_DELETES_LABEL, writeScopesNeeded } from '../../src/plan/refusals.js';

const MAPI = 'https://acme.eu.auth0.com/api/v2/';
const PAY = 'https://api.example.com/payments';
const SYSTEM = new Set([MAPI]);
const s = (...scope: string[]): GrantState => ({ scope });

function change(action: Change['action'], before: GrantState | null, after: GrantState | null, extra: Partial<Change> = {}): Change {
  return { action, client_id: 'billing', audience: PAY, subject_type: 'client', flags: [], before, after, ...extra };
}
const create = change('create', null, s('a'));
const del = change('delete', s('a'), null);
const replace = change('replace', s('a'), s('a'), { subject_type: 'user', replaces_subject_type: 'client' });
const shrink = change('update', s('a', 'b'), s('a'));
const emptied = change('update', s('a'), s());
const emptiedAll = change('update', { scope: [], allow_all_scopes: true }, s());
const toAll = change('update', s('a'), { scope: [], allow_all_scopes: true });
const orgsRemoved = change('update', { scope: ['a'], organizations: ['o1', 'o2', 'o3'] }, { scope: ['a'], organizations: ['o2'] });
const settings = (maxDeletes: number): Budget => ({ maxDeletes, source: 'settings' });

describe('countRemovals', () => {
  it.each<[string, Change[], ReturnType<typeof countRemovals>]>([
    ['nothing', [], { deletes: 0, emptied: 0, dissociations: 0 }],
    ['creates and growing updates', [create, toAll, change('update', s(), s('a'))], { deletes: 0, emptied: 0, dissociations: 0 }],
    ['a delete and a replace', [del, replace], { deletes: 2, emptied: 0, dissociations: 0 }],
    ['an update that empties a grant (from scopes or from every scope)', [emptied, emptiedAll, shrink], { deletes: 0, emptied: 2, dissociations: 0 }],
    ['associations removed from a grant that stays', [orgsRemoved], { deletes: 0, emptied: 0, dissociations: 2 }],
    ['a deleted grant\'s associations go with it', [change('delete', { scope: [], organizations: ['o1'] }, null)], { deletes: 1, emptied: 0, dissociations: 0 }],
    ['an empty grant staying empty', [change('update', s(), { scope: [], organization_usage: 'allow' })], { deletes: 0, emptied: 0, dissociations: 0 }],
  ])('%s', (_name, changes, counts) => {
    expect(countRemovals(changes)).toEqual(counts);
  });
});

describe('the deletion budget', () => {
  const refusal = (changes: Change[], budget: Budget) => applyRefusals(changes, { budget, ownClientKnown: true, systemAudiences: SYSTEM });

  it('refuses only above the budget', () => {
    expect(refusal([del, del], settings(2))).toEqual([]);
    expect(refusal([del, del, del], settings(2))).toHaveLength(1);
    expect(refusal([], settings(0))).toEqual([]);
  });

  it.each<[string, Change[], Budget, string]>([
    ['deletes only', [del, del], settings(1), 'the plan deletes 2 grants, more than max_deletes (1)'],
    ['with emptied grants', [del, emptied], settings(1), 'the plan deletes 1 grant and empties the scopes of 1 more (2 removals), more than max_deletes (1)'],
    ['with one association', [orgsRemoved, change('update', { scope: ['a'], organizations: ['x'] }, s('a'))], settings(2), 'the plan deletes 0 grants and removes 3 organization associations (3 removals), more than max_deletes (2)'],
    ['all three', [del, del, emptied, change('update', { scope: ['a'], organizations: ['x'] }, s('a'))], settings(0), 'the plan deletes 2 grants, empties the scopes of 1 more and removes 1 organization association (4 removals), more than max_deletes (0)'],
    ['an option', [del, del], { maxDeletes: 1, source: 'option' }, 'the plan deletes 2 grants, more than the deletion budget (1, from --max-deletes)'],
  ])('%s', (_name, changes, budget, reason) => {
    const [r] = refusal(changes, budget);
    expect(r?.rule).toBe('max-deletes');
    expect(r?.reason).toBe(reason);
    const removals = /\((\d+) removals\)/.exec(reason)?.[1] ?? String(changes.length);
    expect(r?.advice).toBe(
      `Check the plan; if it is right, run apply again with --max-deletes ${removals}. On a pull request, the label grantsync:max-deletes=${removals} raises the budget for that merge (the plan comment records it).`,
    );
  });

  it('describeRefusal says nothing was changed', () => {
    expect(describeRefusal({ rule: 'max-deletes', reason: 'too many', advice: 'Check.' })).toBe('too many; nothing was changed. Check.');
  });

  it.each<[Budget, string]>([
    [{ maxDeletes: 5, source: 'settings' }, 'max_deletes in grantsync.yaml'],
    [{ maxDeletes: 5, source: 'option' }, '--max-deletes'],
    [{ maxDeletes: 60, source: 'label', pullRequest: 42 }, 'the label grantsync:max-deletes=60 on pull request #42'],
    [{ maxDeletes: 60, source: 'label' }, 'the label grantsync:max-deletes=60'],
  ])('budgetSource %o', (budget, words) => {
    expect(budgetSource(budget)).toBe(words);
  });

  it.each<[string[], ReturnType<typeof budgetFromLabels>]>([
    [[], undefined],
    [['bug', 'grantsync:max-delete=3'], undefined],
    [['bug', `${MAX_DELETES_LABEL}60`], { maxDeletes: 60 }],
    [[`${MAX_DELETES_LABEL}7`, `${MAX_DELETES_LABEL}7`], { maxDeletes: 7 }],
    [[`${MAX_DELETES_LABEL}0`], { maxDeletes: 0 }],
    [[`${MAX_DELETES_LABEL}999999`], { maxDeletes: 999999 }],
    [[`${MAX_DELETES_LABEL}1000000`], { error: 'the label grantsync:max-deletes=1000000 does not end in a whole number' }],
    [[`${MAX_DELETES_LABEL}`], { error: 'the label grantsync:max-deletes= does not end in a whole number' }],
    [[`${MAX_DELETES_LABEL}1.5`], { error: 'the label grantsync:max-deletes=1.5 does not end in a whole number' }],
    [[`${MAX_DELETES_LABEL}x5`], { error: 'the label grantsync:max-deletes=x5 does not end in a whole number' }],
    [[`${MAX_DELETES_LABEL}5x`], { error: 'the label grantsync:max-deletes=5x does not end in a whole number' }],
    [[`x${MAX_DELETES_LABEL}5`], undefined],
    [[`${MAX_DELETES_LABEL}5`, `${MAX_DELETES_LABEL}6`], { error: 'the pull request has 2 grantsync:max-deletes=… labels; keep one' }],
  ])('budgetFromLabels %o', (labels, result) => {
    expect(budgetFromLabels(labels)).toEqual(result);
  });
});

describe('the unknown running client', () => {
  const onMapi = (c: Change): Change => ({ ...c, audience: MAPI });
  const refusals = (changes: Change[], ownClientKnown: boolean) => applyRefusals(changes, { budget: settings(100), ownClientKnown, systemAudiences: SYSTEM });

  it.each<[string, Change[], number]>([
    ['a delete', [onMapi(del)], 1],
    ['a replace', [onMapi(replace)], 1],
    ['a shrink', [onMapi(shrink), onMapi(create)], 1],
    ['two of them', [onMapi(del), onMapi(shrink)], 2],
  ])('refuses %s on the Management API', (_name, changes, n) => {
    const [r] = refusals(changes, false);
    expect(r?.rule).toBe('unknown-client');
    expect(r?.reason).toBe(`the plan deletes or shrinks ${n} Management API grant(s), and grantsync cannot tell which client it runs as, so it could lock itself out`);
    expect(r?.advice).toMatch(/^AUTH0_ACCESS_TOKEN does not say which client it belongs to: log in with client credentials instead .*azp claim names the client\.$/);
    expect(refusals(changes, true)).toEqual([]);
  });

  it.each<[string, Change[]]>([
    ['growing', [onMapi(create), onMapi(change('update', s('a'), s('a', 'b')))]],
    ['elsewhere', [del, replace, shrink]],
  ])('lets %s changes through', (_name, changes) => {
    expect(refusals(changes, false)).toEqual([]);
  });
});

describe('the pipeline lock-out', () => {
  const own: Ownership = { manage: 'all', excludedClientIds: [], ownClientId: 'deployer', pipelineClientIds: ['planner'] };
  const onMapi = (c: Change, client_id = 'deployer'): Change => ({ ...c, audience: MAPI, client_id });
  const all = { scope: [], allow_all_scopes: true } as GrantState;
  const reads = s(...PIPELINE_READ_SCOPES, 'read:users');

  it.each<[string, Change, string[]]>([
    ['a delete', onMapi(change('delete', reads, null)), [...PIPELINE_READ_SCOPES]],
    ['a delete of a pipeline client', onMapi(change('delete', s('read:clients'), null), 'planner'), ['read:clients']],
    ['a shrink', onMapi(change('update', reads, s('read:clients', 'read:users'))), ['read:client_grants', 'read:resource_servers']],
    ['every scope to some', onMapi(change('update', all, s('read:clients'))), ['read:client_grants', 'read:resource_servers']],
    ['a replace by a user grant', onMapi(change('replace', reads, reads, { subject_type: 'user', replaces_subject_type: 'client' })), [...PIPELINE_READ_SCOPES]],
  ])('%s', (_name, c, lost) => {
    expect(pipelineLockouts([c], own, SYSTEM)).toEqual([{ change: c, lost }]);
  });

  it.each<[string, Change, Ownership]>([
    ['keeps the reads', onMapi(change('update', reads, s(...PIPELINE_READ_SCOPES))), own],
    ['to every scope', onMapi(change('update', reads, all)), own],
    ['loses only other scopes', onMapi(change('update', reads, s(...PIPELINE_READ_SCOPES))), own],
    ['another client', onMapi(change('delete', reads, null), 'billing'), own],
    ['another API', change('delete', reads, null, { client_id: 'deployer' }), own],
    ['a create', onMapi(change('create', null, s())), own],
    ['no reads to lose', onMapi(change('delete', s('read:users'), null)), own],
    ['running client unknown, no pipeline clients', onMapi(change('delete', reads, null)), { manage: 'all', excludedClientIds: [] }],
  ])('none: %s', (_name, c, ownership) => {
    expect(pipelineLockouts([c], ownership, SYSTEM)).toEqual([]);
  });

  it('a refusal naming what each client loses', () => {
    const changes = [onMapi(change('delete', s('read:clients'), null), 'planner'), onMapi(change('update', reads, s('read:clients')), 'deployer'), { ...onMapi(change('delete', s('read:clients'), null)), client_name: 'ci-deployer' }];
    const refusals = applyRefusals(changes, { budget: settings(100), ownClientKnown: true, systemAudiences: SYSTEM, ownership: own });
    expect(refusals).toEqual([
      {
        rule: 'pipeline-lockout',
        reason: 'the plan removes read:clients from planner; read:client_grants, read:resource_servers from deployer; read:clients from ci-deployer, which the pipeline needs to plan and validate',
        advice: "Change the pipeline applications' grants by hand.",
      },
    ]);
    expect(applyRefusals(changes, { budget: settings(100), ownClientKnown: true, systemAudiences: SYSTEM })).toEqual([]);
  });

  it('every refusal, in the order apply checks them', () => {
    const changes = [onMapi(change('delete', reads, null))];
    expect(applyRefusals(changes, { budget: settings(0), ownClientKnown: false, systemAudiences: SYSTEM, ownership: own }).map((r) => r.rule)).toEqual([
      'max-deletes', 'unknown-client', 'pipeline-lockout',
    ]);
  });
});

describe('writeScopesNeeded', () => {
  it.each<[Change[], string[]]>([
    [[], []],
    [[create], ['create:client_grants']],
    [[shrink], ['update:client_grants']],
    [[del], ['delete:client_grants']],
    [[replace], ['create:client_grants', 'delete:client_grants']],
    [[del, shrink, create, create], ['create:client_grants', 'delete:client_grants', 'update:client_grants']],
  ])('%#', (changes, scopes) => {
    expect(writeScopesNeeded(changes)).toEqual(scopes);
  });
});

describe('the breaker', () => {
  const apiError = (status: number, errorCode?: string) => new ApiError({ message: 'no', method: 'POST', path: '/api/v2/client-grants', status, errorCode });

  it(`opens after ${CONNECTION_FAILURE_THRESHOLD} requests in a row that found no server`, () => {
    const breaker = new Breaker();
    for (let i = 1; i < CONNECTION_FAILURE_THRESHOLD; i++) breaker.request('ECONNREFUSED');
    expect(breaker.open).toBe(false);
    expect(breaker.reason).toBeUndefined();
    breaker.request('ETIMEDOUT');
    expect(breaker.open).toBe(true);
    expect(breaker.reason).toBe(`${CONNECTION_FAILURE_THRESHOLD} requests in a row could not reach the Management API (ETIMEDOUT)`);
    breaker.request('ENOTFOUND');
    expect(breaker.reason).toContain('(ETIMEDOUT)');
  });

  it.each(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNABORTED'])('%s counts', (code) => {
    const breaker = new Breaker();
    for (let i = 0; i < CONNECTION_FAILURE_THRESHOLD; i++) breaker.request(code);
    expect(breaker.open).toBe(true);
  });

  it('an answer restarts the count; a reset connection does not count', () => {
    const breaker = new Breaker();
    for (let i = 1; i < CONNECTION_FAILURE_THRESHOLD; i++) breaker.request('ECONNREFUSED');
    breaker.request(503);
    for (let i = 1; i < CONNECTION_FAILURE_THRESHOLD; i++) breaker.request('ECONNREFUSED');
    breaker.request('ECONNRESET');
    expect(breaker.open).toBe(false);
    breaker.request('ECONNREFUSED');
    expect(breaker.open).toBe(true);
  });

  it.each<[string, () => Error, string | undefined]>([
    ['401', () => apiError(401), 'the Management API refused a write with 401, and a renewed token did not help'],
    ['403 (insufficient_scope)', () => apiError(403, 'insufficient_scope'), 'the Management API refused a write with 403 (insufficient_scope), and a renewed token did not help'],
    ['404', () => apiError(404), undefined],
    ['500', () => apiError(500), undefined],
    ['an Error with status 403 that is no ApiError', () => Object.assign(new Error('403'), { status: 403 }), undefined],
  ])('a failed change: %s', (_name, error, reason) => {
    const breaker = new Breaker();
    breaker.failed(error());
    expect(breaker.reason).toBe(reason);
  });

  it('keeps the first reason', () => {
    const breaker = new Breaker();
    breaker.failed(apiError(401));
    breaker.failed(apiError(403));
    expect(breaker.reason).toContain('with 401');
  });
});

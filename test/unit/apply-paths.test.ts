// applyChanges through the in-memory store port, the paths apply.test.ts does not walk: the breaker,
// organization associations (created, updated, adopted), grants with fields grantsync does not know,
// and the request bodies of default grants, every-scope grants and authorization details.
import { describe, expect, it } from 'vitest';
import { applyChanges, createBody, updateBody, type Outcome } from '../../src/apply/apply.js';
import { Breaker } from '../../src/apply/breaker.js';
import { TenantStore } from '../../src/emulator/store.js';
import type { SeedGrant } from '../../src/emulator/seed.js';
import { ApiError } from '../../src/errors.js';
import type { Change, GrantState, LiveGrant } from '../../src/model/types.js';
import { StoreApi } from '../helpers/store-api.js';

const AUD = 'https://a';

/** A StoreApi that records each call in one line. */
class Recording extends StoreApi {
  readonly calls: string[] = [];
  refuse: ApiError | undefined;
  override async createGrant(body: Parameters<StoreApi['createGrant']>[0]) {
    this.calls.push(`POST ${body.client_id ?? body.default_for}`);
    if (this.refuse) throw this.refuse;
    return super.createGrant(body);
  }
  override async updateGrant(id: string, body: Parameters<StoreApi['updateGrant']>[1]) {
    this.calls.push(`PATCH ${id} ${JSON.stringify(body)}`);
    return super.updateGrant(id, body);
  }
  override async deleteGrant(id: string) {
    this.calls.push(`DELETE ${id}`);
    return super.deleteGrant(id);
  }
  override async findGrant(key: Parameters<StoreApi['findGrant']>[0]) {
    this.calls.push(`FIND ${key.client_id} ${key.subject_type}`);
    return super.findGrant(key);
  }
  override async listGrantOrganizations(grantId: string) {
    this.calls.push(`ORGS ${grantId}`);
    return super.listGrantOrganizations(grantId);
  }
  override async associateOrganization(organizationId: string, grantId: string) {
    this.calls.push(`+ ${organizationId} ${grantId}`);
    return super.associateOrganization(organizationId, grantId);
  }
  override async dissociateOrganization(organizationId: string, grantId: string) {
    this.calls.push(`- ${organizationId} ${grantId}`);
    return super.dissociateOrganization(organizationId, grantId);
  }
}

function setup(grants: (Omit<SeedGrant, 'audience'> & { audience?: string })[] = []) {
  const api = new Recording(new TenantStore({
    tenant: 'apply.example.com',
    clients: [{ client_id: 'c1', name: 'one' }, { client_id: 'c2', name: 'two' }],
    resource_servers: [{ identifier: AUD, scopes: ['x', 'y'] }],
    organizations: [{ id: 'org_1', name: 'one' }, { id: 'org_2', name: 'two' }, { id: 'org_3', name: 'three' }],
    client_grants: grants.map((g) => ({ ...g, audience: g.audience ?? AUD })),
  }));
  const live = api.store.state.grants.map((g) => ({ ...g }) as unknown as LiveGrant);
  return { api, live };
}

const change = (action: Change['action'], before: GrantState | null, after: GrantState | null, over: Partial<Change> = {}): Change => ({
  action, client_id: 'c1', audience: AUD, subject_type: 'client', before, after, flags: [], ...over,
});
const summary = (outcomes: Outcome[]) => outcomes.map((o) => (o.kind === 'failed' ? `failed: ${o.error.message}` : `${o.kind}${o.note ? ` (${o.note})` : ''}`));
const associations = (api: StoreApi) => Object.entries(api.store.state.organizationGrants ?? {}).flatMap(([org, ids]) => ids.map((id) => `${org} ${id}`)).sort();
const refused = (status: number, errorCode?: string) => new ApiError({ message: `POST → ${status}`, method: 'POST', path: '/api/v2/client-grants', status, ...(errorCode ? { errorCode } : {}) });

describe('applyChanges and the breaker', () => {
  it('an open breaker starts nothing; each change is skipped with its reason, and progress still counts', async () => {
    const { api } = setup();
    const breaker = new Breaker();
    breaker.failed(refused(401));
    const seen: string[] = [];
    const outcomes = await applyChanges([change('create', null, { scope: [] }), change('delete', { scope: [] }, null)], api, {
      live: [], breaker, onOutcome: (o, done, total) => seen.push(`${o.kind} ${done}/${total}`),
    });
    expect(summary(outcomes)).toEqual(Array(2).fill('skipped (not started: the Management API refused a write with 401, and a renewed token did not help)'));
    expect(seen).toEqual(['skipped 1/2', 'skipped 2/2']);
    expect(api.calls).toEqual([]);
  });

  it('a change refused with 403 opens it: the changes after it are not started; other failures do not', async () => {
    const { api } = setup();
    const breaker = new Breaker();
    api.refuse = refused(500);
    const creates = [change('create', null, { scope: [] }), change('create', null, { scope: [] }, { client_id: 'c2' })];
    expect(summary(await applyChanges(creates, api, { live: [], breaker, concurrency: 1 }))).toEqual(['failed: POST → 500', 'failed: POST → 500']);
    expect(breaker.open).toBe(false);
    api.refuse = refused(403, 'insufficient_scope');
    expect(summary(await applyChanges(creates, api, { live: [], breaker, concurrency: 1 }))).toEqual([
      'failed: POST → 403',
      'skipped (not started: the Management API refused a write with 403 (insufficient_scope), and a renewed token did not help)',
    ]);
  });

  it('a breaker that opens while a lost create is read back stops its retries', async () => {
    const { api } = setup();
    const breaker = new Breaker();
    let posts = 0;
    api.createGrant = async () => {
      posts++;
      breaker.failed(refused(401));
      throw new ApiError({ message: 'socket hang up', method: 'POST', path: '/api/v2/client-grants', outcomeUnknown: true });
    };
    const outcomes = await applyChanges([change('create', null, { scope: [] })], api, { live: [], breaker });
    expect(summary(outcomes)).toEqual(['failed: socket hang up']);
    expect(posts).toBe(1);
  });

  it('an interrupt wins over the breaker', async () => {
    const { api } = setup();
    const breaker = new Breaker();
    breaker.failed(refused(401));
    const controller = new AbortController();
    controller.abort();
    const outcomes = await applyChanges([change('create', null, { scope: [] })], api, { live: [], breaker, signal: controller.signal });
    expect(summary(outcomes)).toEqual(['skipped (interrupted before it started)']);
  });
});

describe('applyChanges: organizations', () => {
  it('a created grant gets its associations after the POST', async () => {
    const { api } = setup();
    const outcomes = await applyChanges([change('create', null, { scope: ['x'], organization_usage: 'allow', organizations: ['org_1', 'org_2'] })], api, { live: [] });
    expect(summary(outcomes)).toEqual(['created']);
    const id = api.store.state.grants[0]!.id;
    expect(api.calls).toEqual(['POST c1', `+ org_1 ${id}`, `+ org_2 ${id}`]);
    expect(associations(api)).toEqual([`org_1 ${id}`, `org_2 ${id}`]);
  });

  it('an update removes, then adds, only the associations that differ; with nothing else to change, no PATCH', async () => {
    const { api, live } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'], organization_usage: 'allow', organizations: ['org_1', 'org_2'] }]);
    const before = { scope: ['x'], organization_usage: 'allow' as const, organizations: ['org_1', 'org_2'] };
    const outcomes = await applyChanges([change('update', before, { ...before, organizations: ['org_2', 'org_3'] })], api, {
      live: live.map((g) => ({ ...g, organizations: ['org_1', 'org_2'] })),
    });
    expect(summary(outcomes)).toEqual(['updated']);
    expect(api.calls).toEqual(['- org_1 g1', '+ org_3 g1']);
    expect(associations(api)).toEqual(['org_2 g1', 'org_3 g1']);
  });

  it.each<[string, { organization_usage?: 'allow' | 'require' }, GrantState, string[]]>([
    ['usage deny, none wanted: not read', {}, { scope: ['x'] }, ['POST c1', 'FIND c1 client']],
    ['usage allow: read', { organization_usage: 'allow' }, { scope: ['x'], organization_usage: 'allow' }, ['POST c1', 'FIND c1 client', 'ORGS g1']],
    ['usage require: read', { organization_usage: 'require' }, { scope: ['x'], organization_usage: 'require' }, ['POST c1', 'FIND c1 client', 'ORGS g1']],
  ])('after a 409, the associations of the grant there are read when they can matter (%s)', async (_name, usage, want, calls) => {
    const { api } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'], ...usage }]);
    const outcomes = await applyChanges([change('create', null, want)], api, { live: [] });
    expect(summary(outcomes)).toEqual(['adopted (adopted an existing grant (409))']);
    expect(api.calls).toEqual(calls);
  });

  it('after a 409, wanted associations are read and synced, and the grant is patched', async () => {
    const { api } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'], organization_usage: 'allow', organizations: ['org_1'] }]);
    const outcomes = await applyChanges([change('create', null, { scope: ['x'], organization_usage: 'allow', organizations: ['org_2'] })], api, { live: [] });
    expect(summary(outcomes)).toEqual(['patched (patched an existing grant (409))']);
    expect(api.calls).toEqual(['POST c1', 'FIND c1 client', 'ORGS g1', '- org_1 g1', '+ org_2 g1']);
    expect(associations(api)).toEqual(['org_2 g1']);
  });

  it('a grant there with usage deny but associations it should not have: they are read because they are wanted away', async () => {
    const { api } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'] }]);
    const outcomes = await applyChanges([change('create', null, { scope: ['x'], organizations: [] })], api, { live: [] });
    expect(summary(outcomes)).toEqual(['adopted (adopted an existing grant (409))']);
    expect(api.calls).toEqual(['POST c1', 'FIND c1 client', 'ORGS g1']);
  });
});

describe('applyChanges: fields grantsync does not know', () => {
  const extra = { extra: { audit_tag: 'x' } };

  it('a grant to delete that has one is left alone, whether from the plan\'s list or found by key', async () => {
    const { api, live } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'], ...extra }, { id: 'g2', client_id: 'c2', scope: ['x'], ...extra }]);
    const outcomes = await applyChanges(
      [change('delete', { scope: ['x'] }, null), change('delete', { scope: ['x'] }, null, { client_id: 'c2' })],
      api,
      { live: live.filter((g) => g.id === 'g1'), concurrency: 1 },
    );
    expect(summary(outcomes)).toEqual([
      'failed: the grant g1 found there has key "audit_tag", which grantsync does not know; it was left alone',
      'failed: the grant g2 found there has key "audit_tag", which grantsync does not know; it was left alone',
    ]);
    expect(api.calls).toEqual(['FIND c2 client']);
    expect(api.store.state.grants).toHaveLength(2);
    const error = outcomes[0]!.kind === 'failed' ? outcomes[0]!.error : undefined;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ method: 'GET', path: '/api/v2/client-grants', status: undefined, outcomeUnknown: false });
  });

  it('a replace creates the new grant but leaves an old one that has one', async () => {
    const { api, live } = setup([{ id: 'g1', client_id: 'c1', subject_type: 'user', scope: ['x'], ...extra }]);
    const outcomes = await applyChanges([change('replace', { scope: ['x'] }, { scope: ['x'] }, { replaces_subject_type: 'user' })], api, { live });
    expect(summary(outcomes)).toEqual(['failed: the grant g1 found there has key "audit_tag", which grantsync does not know; it was left alone']);
    expect(api.calls).toEqual(['POST c1']);
    expect(api.store.state.grants.map((g) => g.subject_type).sort()).toEqual(['client', 'user']);
  });

  it('a grant met by a 409 that has one is neither adopted nor patched; a long description is cut at 80 characters', async () => {
    const { api } = setup([{ id: 'g1', client_id: 'c1', scope: ['y'], extra: { ['k'.repeat(100)]: 1 } }]);
    const outcomes = await applyChanges([change('create', null, { scope: ['x'] })], api, { live: [] });
    expect(summary(outcomes)).toEqual([`failed: the grant g1 found there has key "${'k'.repeat(75)}, which grantsync does not know; it was left alone`]);
    expect(api.calls).toEqual(['POST c1', 'FIND c1 client']);
  });
});

describe('applyChanges: default grants', () => {
  it('created, updated and deleted by their key, without a client', async () => {
    const { api, live } = setup([{ id: 'g1', audience: AUD, default_for: 'third_party_clients', scope: ['x'] }]);
    const key = { client_id: '', default_for: 'third_party_clients' as const };
    const outcomes = await applyChanges([change('update', { scope: ['x'] }, { scope: ['x', 'y'] }, key)], api, { live });
    expect(summary(outcomes)).toEqual(['updated']);
    expect(api.calls).toEqual(['PATCH g1 {"scope":["x","y"]}']);
    expect(summary(await applyChanges([change('delete', { scope: ['x', 'y'] }, null, key)], api, { live: [] }))).toEqual(['deleted']);
    expect(summary(await applyChanges([change('create', null, { scope: ['y'] }, key)], api, { live: [] }))).toEqual(['created']);
    expect(api.calls.slice(1)).toEqual(['FIND  client', 'DELETE g1', 'POST third_party_clients']);
    expect(api.store.state.grants).toMatchObject([{ default_for: 'third_party_clients', scope: ['y'] }]);
  });
});

describe('request bodies', () => {
  it('createBody: a default grant names no client and no subject type; every scope sends no list; types are copied', () => {
    const types = ['payment'];
    const body = createBody({ client_id: '', audience: AUD, subject_type: 'client', default_for: 'third_party_clients' }, { scope: ['x'], allow_all_scopes: true, authorization_details_types: types });
    expect(body).toStrictEqual({ default_for: 'third_party_clients', audience: AUD, allow_all_scopes: true, authorization_details_types: ['payment'] });
    expect(body.authorization_details_types).not.toBe(types);
  });

  it.each<[string, GrantState, GrantState, object]>([
    ['some → every scope', { scope: ['x'] }, { scope: [], allow_all_scopes: true }, { allow_all_scopes: true }],
    ['every scope stays', { scope: [], allow_all_scopes: true }, { scope: [], allow_all_scopes: true }, {}],
    ['every scope → a list', { scope: [], allow_all_scopes: true }, { scope: ['x'] }, { allow_all_scopes: false, scope: ['x'] }],
    ['a scope removed', { scope: ['x', 'y'] }, { scope: ['x'] }, { scope: ['x'] }],
    ['types added', { scope: [] }, { scope: [], authorization_details_types: ['a'] }, { authorization_details_types: ['a'] }],
    ['types swapped', { scope: [], authorization_details_types: ['a'] }, { scope: [], authorization_details_types: ['b'] }, { authorization_details_types: ['b'] }],
    ['types removed', { scope: [], authorization_details_types: ['a'] }, { scope: [] }, { authorization_details_types: [] }],
    ['types the same', { scope: [], authorization_details_types: ['a', 'b'] }, { scope: [], authorization_details_types: ['a', 'b'] }, {}],
    ['require from absent', { scope: [] }, { scope: [], organization_usage: 'require' }, { organization_usage: 'require' }],
  ])('updateBody: %s', (_name, have, want, body) => {
    expect(updateBody(have, want)).toStrictEqual(body);
  });
});

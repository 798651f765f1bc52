// applyChanges in-process, through the in-memory store port: every outcome kind, 409 adoption,
// lost replies, a grant gone before its PATCH, interrupts, concurrency and the request bodies.
import { describe, expect, it } from 'vitest';
import type { CreateGrantBody, UpdateGrantBody } from '../../src/api/port.js';
import { applyChanges, createBody, outcomeStatus, updateBody, type Outcome } from '../../src/apply/apply.js';
import { TenantStore } from '../../src/emulator/store.js';
import { ApiError } from '../../src/errors.js';
import type { Change, GrantState, LiveGrant } from '../../src/model/types.js';
import { StoreApi } from '../helpers/store-api.js';

const seed = {
  tenant: 'apply.example.com',
  clients: [{ client_id: 'c1', name: 'one' }, { client_id: 'c2', name: 'two' }],
  resource_servers: [{ identifier: 'https://a', scopes: ['x', 'y'] }],
};

const change = (action: Change['action'], before: GrantState | null, after: GrantState | null, over: Partial<Change> = {}): Change => ({
  action, client_id: 'c1', audience: 'https://a', subject_type: 'client', before, after, flags: [], ...over,
});

/** A StoreApi that records every call and can fail chosen ones. */
class Recording extends StoreApi {
  readonly calls: string[] = [];
  failCreate: ((body: CreateGrantBody, attempt: number) => 'lost-before' | 'lost-after' | undefined) | undefined;
  failUpdate: ApiError | undefined;
  private creates = 0;
  override async createGrant(body: CreateGrantBody) {
    this.calls.push(`POST ${body.client_id} ${body.subject_type} ${JSON.stringify(body.scope)}`);
    const fault = this.failCreate?.(body, this.creates++);
    if (fault === 'lost-before') throw lost();
    const created = await super.createGrant(body);
    if (fault === 'lost-after') throw lost();
    return created;
  }
  override async updateGrant(id: string, body: UpdateGrantBody) {
    this.calls.push(`PATCH ${id} ${JSON.stringify(body)}`);
    if (this.failUpdate) throw this.failUpdate;
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
}

function lost(): ApiError {
  return new ApiError({ message: 'POST /api/v2/client-grants: socket hang up', method: 'POST', path: '/api/v2/client-grants', outcomeUnknown: true });
}

function setup(grants: { id: string; client_id: string; subject_type?: 'client' | 'user'; scope: string[]; organization_usage?: 'allow' }[] = []) {
  const api = new Recording(new TenantStore({ ...seed, client_grants: grants.map((g) => ({ audience: 'https://a', ...g })) }));
  const live = api.store.state.grants.map((g) => ({ ...g }) as unknown as LiveGrant);
  return { api, live };
}

const summary = (outcomes: Outcome[]) =>
  outcomes.map((o) => (o.kind === 'failed' ? `failed: ${o.error.message}` : `${o.kind}${o.note ? ` (${o.note})` : ''}`));
const grants = (api: StoreApi) => api.store.state.grants.map((g) => `${g.id} ${g.client_id} ${g.subject_type} ${JSON.stringify(g.scope)}${g.organization_usage ? ` ${g.organization_usage}` : ''}`);

describe('applyChanges: outcomes', () => {
  it('create, update, delete and replace, each with the requests it takes', async () => {
    const { api, live } = setup([
      { id: 'g-upd', client_id: 'c1', scope: ['x'] },
      { id: 'g-del', client_id: 'c2', scope: ['x'] },
      { id: 'g-rep', client_id: 'c2', subject_type: 'user', scope: ['y'] },
    ]);
    const outcomes = await applyChanges([
      change('create', null, { scope: ['x'] }, { subject_type: 'user' }),
      change('update', { scope: ['x'] }, { scope: ['x', 'y'], organization_usage: 'allow' }),
      change('delete', { scope: ['x'] }, null, { client_id: 'c2' }),
    ], api, { live, concurrency: 1 });
    expect(summary(outcomes)).toEqual(['created', 'updated', 'deleted']);
    expect(api.calls).toEqual([
      'POST c1 user ["x"]',
      'PATCH g-upd {"scope":["x","y"],"organization_usage":"allow"}',
      'DELETE g-del',
    ]);
    api.calls.length = 0;
    const replaced = await applyChanges(
      [change('replace', { scope: ['y'] }, { scope: ['y'] }, { client_id: 'c2', replaces_subject_type: 'user' })],
      api,
      { live, concurrency: 1 },
    );
    expect(summary(replaced)).toEqual(['created']);
    expect(api.calls).toEqual(['POST c2 client ["y"]', 'DELETE g-rep']);
    expect(grants(api).map((g) => g.replace(/^\S+ /, '')).sort()).toEqual(['c1 client ["x","y"] allow', 'c1 user ["x"]', 'c2 client ["y"]']);
  });

  it('a delete or replace whose grant is not in the plan\'s live list finds it by key, or calls it already gone', async () => {
    const { api } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'] }, { id: 'g2', client_id: 'c2', subject_type: 'user', scope: [] }]);
    const outcomes = await applyChanges([
      change('delete', { scope: ['x'] }, null),
      change('delete', { scope: ['x'] }, null, { subject_type: 'user' }),
      change('replace', { scope: [] }, { scope: [] }, { client_id: 'c2', replaces_subject_type: 'user' }),
    ], api, { live: [], concurrency: 1 });
    expect(summary(outcomes)).toEqual(['deleted', 'deleted (already gone)', 'created']);
    expect(api.calls).toEqual(['FIND c1 client', 'DELETE g1', 'FIND c1 user', 'POST c2 client []', 'FIND c2 user', 'DELETE g2']);
    expect(grants(api).map((g) => g.replace(/^\S+ /, ''))).toEqual(['c2 client []']);
  });

  it('a create is a POST even when the plan\'s live list has the key (it is adopted, never blindly patched)', async () => {
    const { api, live } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'] }]);
    const outcomes = await applyChanges([change('create', null, { scope: ['x'] })], api, { live });
    expect(summary(outcomes)).toEqual(['adopted (adopted an existing grant (409))']);
    expect(api.calls).toEqual(['POST c1 client ["x"]', 'FIND c1 client']);
  });

  it('a replace whose old grant is gone just creates', async () => {
    const { api } = setup();
    const outcomes = await applyChanges([change('replace', { scope: [] }, { scope: ['x'] }, { replaces_subject_type: 'user' })], api, { live: [] });
    expect(summary(outcomes)).toEqual(['created']);
    expect(api.calls).toEqual(['POST c1 client ["x"]', 'FIND c1 user']);
  });

  it('an update whose grant is not in the live list makes sure it exists', async () => {
    const { api } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'] }]);
    const outcomes = await applyChanges([change('update', { scope: [] }, { scope: ['x', 'y'] }), change('update', null, { scope: ['y'] }, { client_id: 'c2' })], api, { live: [], concurrency: 1 });
    expect(summary(outcomes)).toEqual(['patched (patched an existing grant (409))', 'created']);
    expect(grants(api)).toContain('g1 c1 client ["x","y"]');
  });

  it('a grant gone before its PATCH is planned again: created, or adopted when someone re-created it', async () => {
    const { api, live } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'] }, { id: 'g2', client_id: 'c2', scope: ['x'] }]);
    api.store.deleteGrant('g1');
    api.store.deleteGrant('g2');
    api.store.createGrant({ client_id: 'c2', audience: 'https://a', scope: ['x', 'y'] });
    const outcomes = await applyChanges([
      change('update', { scope: ['x'] }, { scope: ['y'] }),
      change('update', { scope: ['x'] }, { scope: ['x', 'y'] }, { client_id: 'c2' }),
    ], api, { live, concurrency: 1 });
    expect(summary(outcomes)).toEqual([
      'created (created; the planned grant was gone)',
      'adopted (adopted an existing grant (409); the planned grant was gone)',
    ]);
  });

  it('a PATCH refused for any other reason fails that change only', async () => {
    const { api, live } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'] }]);
    api.failUpdate = new ApiError({ message: 'PATCH → 400 bad', method: 'PATCH', path: '/api/v2/client-grants/g1', status: 400 });
    const outcomes = await applyChanges([change('update', { scope: ['x'] }, { scope: ['y'] }), change('create', null, { scope: [] }, { client_id: 'c2' })], api, { live });
    expect(summary(outcomes)).toEqual(['failed: PATCH → 400 bad', 'created']);
    expect(api.calls).toEqual(['PATCH g1 {"scope":["y"]}', 'POST c2 client []']);
    expect(outcomes[0]!.kind === 'failed' && outcomes[0]!.error).toBe(api.failUpdate);
  });

  it('a PATCH that finds the grant gone and then meets an error fails', async () => {
    const { api, live } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'] }]);
    api.failUpdate = new ApiError({ message: 'PATCH → 404 gone', method: 'PATCH', path: '/api/v2/client-grants/g1', status: 404 });
    api.failCreate = () => undefined;
    api.store.deleteGrant('g1');
    const outcomes = await applyChanges([change('update', { scope: ['x'] }, { scope: ['y'] })], api, { live });
    expect(summary(outcomes)).toEqual(['created (created; the planned grant was gone)']);
    // The same 404 from a server that is not an ApiError is not "gone": the change fails.
    const { api: api2, live: live2 } = setup([{ id: 'g1', client_id: 'c1', scope: ['x'] }]);
    api2.failUpdate = Object.assign(new Error('404'), { status: 404 }) as ApiError;
    expect(summary(await applyChanges([change('update', { scope: ['x'] }, { scope: ['y'] })], api2, { live: live2 }))).toEqual(['failed: 404']);
    expect(api2.calls).toEqual(['PATCH g1 {"scope":["y"]}']);
  });

  it('something thrown that is not an Error still becomes a failed outcome with an Error', async () => {
    const { api } = setup();
    api.createGrant = async () => {
      throw 'plain string';
    };
    const [outcome] = await applyChanges([change('create', null, { scope: [] })], api, { live: [] });
    expect(outcome!.kind).toBe('failed');
    expect(outcome!.kind === 'failed' && outcome!.error).toBeInstanceOf(Error);
    expect(summary([outcome!])).toEqual(['failed: plain string']);
  });
});

describe('applyChanges: a POST is never blindly repeated', () => {
  const cases: [string, 'lost-before' | 'lost-after' | '409-same' | '409-other', string, number][] = [
    ['409, the grant there is as wanted', '409-same', 'adopted (adopted an existing grant (409))', 0],
    ['409, the grant there differs', '409-other', 'patched (patched an existing grant (409))', 1],
    ['lost reply, the create had landed', 'lost-after', 'adopted (adopted: the create had landed)', 0],
  ];
  it.each(cases)('%s', async (_name, fault, expected, patches) => {
    const { api } = setup(fault === '409-same' ? [{ id: 'g1', client_id: 'c1', scope: ['x'] }] : fault === '409-other' ? [{ id: 'g1', client_id: 'c1', scope: ['y'] }] : []);
    if (fault === 'lost-after') api.failCreate = () => 'lost-after';
    const outcomes = await applyChanges([change('create', null, { scope: ['x'] })], api, { live: [] });
    expect(summary(outcomes)).toEqual([expected]);
    expect(api.calls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
    expect(api.calls.filter((c) => c.startsWith('PATCH'))).toHaveLength(patches);
    expect(grants(api).map((g) => g.replace(/^\S+ /, ''))).toEqual(['c1 client ["x"]']);
  });

  it('lost reply, and by the time it is read back someone else made the grant differently: patched', async () => {
    const { api } = setup();
    api.failCreate = () => {
      api.store.createGrant({ client_id: 'c1', audience: 'https://a', scope: ['y'] });
      return 'lost-before';
    };
    const outcomes = await applyChanges([change('create', null, { scope: ['x'] })], api, { live: [] });
    expect(summary(outcomes)).toEqual(['patched (patched: the create had landed)']);
    expect(grants(api).map((g) => g.replace(/^\S+ /, ''))).toEqual(['c1 client ["x"]']);
  });

  it('a lost create that did not land is tried again, three times in all', async () => {
    const { api } = setup();
    api.failCreate = (_body, attempt) => (attempt < 2 ? 'lost-before' : undefined);
    expect(summary(await applyChanges([change('create', null, { scope: ['x'] })], api, { live: [] }))).toEqual(['created']);
    expect(api.calls).toEqual(['POST c1 client ["x"]', 'FIND c1 client', 'POST c1 client ["x"]', 'FIND c1 client', 'POST c1 client ["x"]']);

    const { api: never } = setup();
    never.failCreate = () => 'lost-before';
    expect(summary(await applyChanges([change('create', null, { scope: ['x'] })], never, { live: [] }))).toEqual([
      'failed: POST /api/v2/client-grants: socket hang up',
    ]);
    expect(never.calls.filter((c) => c.startsWith('POST'))).toHaveLength(3);
    expect(never.store.state.grants).toEqual([]);
  });

  it('an interrupt stops the retries of a lost create', async () => {
    const { api } = setup();
    const controller = new AbortController();
    api.failCreate = () => {
      controller.abort();
      return 'lost-before';
    };
    const outcomes = await applyChanges([change('create', null, { scope: ['x'] })], api, { live: [], signal: controller.signal });
    expect(summary(outcomes)).toEqual(['failed: POST /api/v2/client-grants: socket hang up']);
    expect(api.calls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
  });

  it('any other refusal of the POST fails at once', async () => {
    const { api } = setup();
    const outcomes = await applyChanges([change('create', null, { scope: ['x'] }, { client_id: 'nobody' })], api, { live: [] });
    expect(summary(outcomes)).toEqual(['failed: POST → 404 Client not found']);
    expect(api.calls).toEqual(['POST nobody client ["x"]']);
  });
});

describe('applyChanges: interrupts, progress and concurrency', () => {
  it('skips every change not started once the signal is aborted, and reports progress as it goes', async () => {
    const { api } = setup();
    const controller = new AbortController();
    const seen: string[] = [];
    const outcomes = await applyChanges(
      [change('create', null, { scope: [] }), change('create', null, { scope: [] }, { client_id: 'c2' })],
      api,
      {
        live: [],
        concurrency: 1,
        signal: controller.signal,
        onOutcome: (o, done, total) => {
          seen.push(`${o.kind} ${done}/${total}`);
          controller.abort();
        },
      },
    );
    expect(summary(outcomes)).toEqual(['created', 'skipped (interrupted before it started)']);
    expect(seen).toEqual(['created 1/2', 'skipped 2/2']);
    expect(api.calls).toHaveLength(1);
  });

  it('runs 8 changes at once by default, or as many as asked', async () => {
    for (const [concurrency, expected] of [[undefined, 8], [3, 3]] as const) {
      const { api } = setup();
      let inFlight = 0;
      let most = 0;
      api.findGrant = async () => undefined;
      api.deleteGrant = async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
      };
      const changes = Array.from({ length: 12 }, (_, i) => change('delete', { scope: [] }, null, { client_id: `c${i}` }));
      const live = changes.map((c, i): LiveGrant => ({ id: `g${i}`, client_id: c.client_id, audience: c.audience }));
      const outcomes = await applyChanges(changes, api, { live: [...live, { id: 'no-client', audience: 'https://a' }], ...(concurrency ? { concurrency } : {}) });
      expect(outcomes.map((o) => o.kind)).toEqual(Array(12).fill('deleted'));
      expect(most).toBe(expected);
    }
  });

  it('outcomeStatus: adopted, failed and skipped are their own; everything else is applied', () => {
    const c = change('create', null, { scope: [] });
    const statuses = (['created', 'updated', 'deleted', 'adopted', 'patched', 'skipped'] as const).map((kind) => outcomeStatus({ change: c, kind }));
    expect(statuses).toEqual(['applied', 'applied', 'applied', 'adopted', 'applied', 'skipped']);
    expect(outcomeStatus({ change: c, kind: 'failed', error: new Error('x') })).toBe('failed');
  });
});

describe('request bodies', () => {
  it('createBody: absolute, defaults omitted', () => {
    const key = { client_id: 'c1', audience: 'https://a', subject_type: 'user' as const };
    expect(createBody(key, { scope: ['x'] })).toStrictEqual({ client_id: 'c1', audience: 'https://a', scope: ['x'], subject_type: 'user' });
    expect(createBody(key, { scope: [], organization_usage: 'require', allow_any_organization: true })).toStrictEqual({
      client_id: 'c1', audience: 'https://a', scope: [], subject_type: 'user', organization_usage: 'require', allow_any_organization: true,
    });
    const want = { scope: ['x'] };
    expect(createBody(key, want).scope).not.toBe(want.scope);
  });

  const cases: [string, GrantState, GrantState, UpdateGrantBody][] = [
    ['nothing differs', { scope: ['x'] }, { scope: ['x'], organization_usage: 'deny' }, {}],
    ['a scope added', { scope: ['x'] }, { scope: ['x', 'y'] }, { scope: ['x', 'y'] }],
    ['a scope swapped', { scope: ['x'] }, { scope: ['y'] }, { scope: ['y'] }],
    ['every scope → some', { scope: [], allow_all_scopes: true }, { scope: [] }, { allow_all_scopes: false, scope: [] }],
    ['organization_usage set', { scope: [] }, { scope: [], organization_usage: 'allow' }, { organization_usage: 'allow' }],
    ['organization_usage back to deny', { scope: [], organization_usage: 'allow' }, { scope: [] }, { organization_usage: 'deny' }],
    ['allow_any_organization on', { scope: [], organization_usage: 'allow' }, { scope: [], organization_usage: 'allow', allow_any_organization: true }, { allow_any_organization: true }],
    ['allow_any_organization off', { scope: [], organization_usage: 'allow', allow_any_organization: true }, { scope: [], organization_usage: 'allow' }, { allow_any_organization: false }],
  ];
  it.each(cases)('updateBody: %s', (_name, have, want, body) => {
    expect(updateBody(have, want)).toStrictEqual(body);
  });
});

import { describe, expect, it } from 'vitest';
import type { ManagementApi } from '../../src/api/port.js';
import type { ReadProfile } from '../../src/model/types.js';
import { diffGrants } from '../../src/diff/diff.js';
import { normalizeState } from '../../src/model/grant.js';
import { applyAndVerify } from '../../src/engine.js';
import { TenantStore } from '../../src/emulator/store.js';
import { ApiError } from '../../src/errors.js';
import { StoreApi } from '../helpers/store-api.js';

const seed = {
  tenant: 'engine.example.com',
  clients: [{ client_id: 'c1', name: 'one' }],
  resource_servers: [{ identifier: 'https://api', scopes: ['read'] }],
};

/** Applies one create of c1 → https://api and verifies it. */
function createOne(api: ManagementApi) {
  const desired = [{ client_id: 'c1', audience: 'https://api', subject_type: 'client' as const, state: normalizeState({ scope: ['read'] }) }];
  return applyAndVerify(api, [{ ...desired[0]!, action: 'create', before: null, after: desired[0]!.state, flags: [] }], {
    live: [],
    desired,
    ownership: { manage: 'all', excludedClientIds: [] },
  });
}

describe('applyAndVerify', () => {
  it('converges and reports nothing remaining', async () => {
    const result = await createOne(new StoreApi(new TenantStore(seed)));
    expect(result.outcomes.map((o) => o.kind)).toEqual(['created']);
    expect(result.remaining).toEqual([]);
  });

  it('keeps the outcomes when the verifying re-read fails', async () => {
    class FailingReads extends StoreApi {
      override async listGrants(): Promise<never> {
        throw new ApiError({ message: 'GET /api/v2/client-grants → 503 down', method: 'GET', path: '/api/v2/client-grants', status: 503 });
      }
    }
    const api = new FailingReads(new TenantStore(seed));
    const result = await createOne(api);
    expect(result.outcomes.map((o) => o.kind)).toEqual(['created']);
    expect(result.remaining).toBeUndefined();
    expect(result.verifyError?.message).toBe('GET /api/v2/client-grants → 503 down');
    expect(api.store.state.grants).toHaveLength(1);
  });

  it('re-reads per audience when that is cheaper, and still finds what the apply left undone', async () => {
    // A server that answers writes without making them; pages of one grant, slow round trips.
    class SilentWrites extends StoreApi {
      override async updateGrant(id: string): Promise<never> {
        return this.store.state.grants.find((g) => g.id === id) as never;
      }
      override async deleteGrant(): Promise<void> {}
    }
    const slow: ReadProfile = { latencyMs: 100, requestsPerSecond: 1000, readConcurrency: 4, pageSize: 1 };
    const store = new TenantStore({
      ...seed,
      clients: [...seed.clients, { client_id: 'c2', name: 'two' }],
      resource_servers: [...seed.resource_servers, { identifier: 'https://api2', scopes: ['read'] }, { identifier: 'https://api3', scopes: ['read'] }],
      client_grants: [
        { client_id: 'c1', audience: 'https://api', scope: [] },
        { client_id: 'c2', audience: 'https://api', scope: ['read'] },
        { client_id: 'c1', audience: 'https://api2', scope: ['read'] }, // to delete: no desired grant on api2
        { client_id: 'c1', audience: 'https://api3', scope: ['read'] }, // outside manage
        { client_id: 'c2', audience: 'https://api3', scope: ['read'] },
      ],
    });
    const api = new SilentWrites(store, slow);
    const ownership = { manage: { audiences: ['https://api', 'https://api2'] }, excludedClientIds: [] };
    const desired = [
      { client_id: 'c1', audience: 'https://api', subject_type: 'client' as const, state: normalizeState({ scope: ['read'] }) },
      { client_id: 'c2', audience: 'https://api', subject_type: 'client' as const, state: normalizeState({ scope: ['read'] }) },
    ];
    const snapshot = await api.listGrants();
    const { changes, managed } = diffGrants(desired, snapshot, ownership);
    expect(changes.map((c) => `${c.action} ${c.audience}`)).toEqual(['update https://api', 'delete https://api2']);
    api.listings.length = 0;

    const result = await applyAndVerify(api, changes, { live: managed, snapshot, desired, ownership });
    expect(result.reads).toMatchObject({ by: 'audience', audiences: ['https://api', 'https://api2'] });
    expect(api.listings).toEqual(['https://api', 'https://api2']); // api3 is not managed: never read
    expect(result.remaining?.map((c) => `${c.action} ${c.audience}`)).toEqual(['update https://api', 'delete https://api2']);
  });
});

import { describe, expect, it } from 'vitest';
import type { ManagementApi } from '../../src/api/port.js';
import { normalizeState } from '../../src/diff/state.js';
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
    expect(result.outcomes.map((o) => o.status)).toEqual(['applied']);
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
    expect(result.outcomes.map((o) => o.status)).toEqual(['applied']);
    expect(result.remaining).toBeUndefined();
    expect(result.verifyError).toBe('GET /api/v2/client-grants → 503 down');
    expect(api.store.state.grants).toHaveLength(1);
  });
});

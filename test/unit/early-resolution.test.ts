// A plan resolves its grant files from the clients and APIs while the grants are still listed; the
// plan made with that head start must be the plan made without it, whatever the grants turn out to be.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DesiredState } from '../../src/config/load.js';
import { planFromState, resolveBeforeGrants } from '../../src/engine.js';
import type { LiveGrant, TenantSnapshot } from '../../src/model/types.js';
import { resolutionStands } from '../../src/resolve/resolve.js';
import { load } from '../helpers/directory.js';

const MAPI = 'https://t.example.com/api/v2/';
const base: Pick<TenantSnapshot, 'clients' | 'resourceServers'> = {
  clients: [
    { client_id: 'c1', name: 'one' },
    { client_id: 'c2', name: 'two' },
    { client_id: 'own', name: 'deployer' },
  ],
  resourceServers: [
    { identifier: 'https://a', scopes: ['read', 'write'] },
    { identifier: 'https://b', scopes: ['read'] },
    { identifier: MAPI, is_system: true, scopes: ['read:clients'] },
  ],
};

function state(yaml: string, settings = 'manage: all\nmax_deletes: 100\n'): DesiredState {
  const result = load({ 'grantsync.yaml': settings, 'g.yaml': yaml });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.state;
}

const TWO = 'grants:\n  - {client: one, audience: https://a, scope: [read]}\n  - {client_id: c2, audience: https://b, scope: [read]}\n';
const opts = { tenantName: 't.example.com', ownClientId: 'own', today: '2026-11-30' };

/** The plan with and without the head start, and whether the head start was used. */
function bothWays(desired: DesiredState, grants: LiveGrant[], organizations?: TenantSnapshot['organizations']) {
  const tenant: TenantSnapshot = { ...base, grants, ...(organizations ? { organizations } : {}) };
  const early = resolveBeforeGrants(desired, base, { ownClientId: 'own', today: opts.today });
  // As the CLI does: the head start's diff is given the grants as they are read.
  early.differ?.add(grants);
  const run = (withEarly: boolean) => {
    try {
      const result = planFromState(desired, tenant, { ...opts, ...(withEarly ? { early } : {}) });
      // The fingerprint's rows, worked out as the pages came in, are only a cache of the plan's input.
      return { ...result, diff: { ...result.diff, managedRows: undefined } };
    } catch (error) {
      return { error: String(error), problems: (error as { problems?: unknown }).problems };
    }
  };
  return { withEarly: run(true), without: run(false), stands: resolutionStands(early.resolution, tenant) };
}

describe('resolving before the grants are read', () => {
  it('stands, and gives the same plan, when no live grant is one nobody may change', () => {
    const { withEarly, without, stands } = bothWays(state(TWO), [{ id: 'g1', client_id: 'c1', audience: 'https://a', scope: ['write'] }]);
    expect(stands).toBe(true);
    expect(withEarly).toEqual(without);
  });

  it.each([
    ['a system grant with the identity of a declared one', { id: 's', client_id: 'c1', audience: 'https://a', scope: ['read'], is_system: true }],
    ['a live grant with a field grantsync does not know, with the identity of a declared one', { id: 'u', client_id: 'c2', audience: 'https://b', scope: ['read'], brand_new: 1 } as LiveGrant],
  ])('does not stand against %s: resolved again, the plan says why', (_name, grant) => {
    const { withEarly, without, stands } = bothWays(state(TWO), [grant]);
    expect(stands).toBe(false);
    expect(withEarly).toEqual(without);
    expect(JSON.stringify(without)).toMatch(/system grant|does not know/);
  });

  it('stands when the grants nobody may change have other identities', () => {
    const { withEarly, without, stands } = bothWays(state(TWO), [{ id: 's', client_id: 'own', audience: MAPI, scope: ['read:clients'], is_system: true }]);
    expect(stands).toBe(true);
    expect(withEarly).toEqual(without);
  });

  it('does not stand when it found a problem (organizations are read after the grants)', () => {
    const yaml = 'grants:\n  - {client: one, audience: https://a, scope: [read], organization_usage: allow, organizations: [acme]}\n';
    const { withEarly, without, stands } = bothWays(state(yaml), [], [{ id: 'org_1', name: 'acme' }]);
    expect(stands).toBe(false);
    expect(withEarly).toEqual(without);
    expect('error' in without).toBe(false);
  });

  it('is not used for another state, day or client than it was made for', () => {
    const desired = state(TWO);
    const early = resolveBeforeGrants(desired, base, { ownClientId: 'own', today: opts.today });
    // A head start that (wrongly) resolved nothing shows whether it was used.
    const empty = { ...early, resolution: { ...early.resolution, desired: [] } };
    const tenant: TenantSnapshot = { ...base, grants: [] };
    const creates = (o: Parameters<typeof planFromState>[2]) => planFromState(desired, tenant, o).plan.changes.length;
    expect(creates({ ...opts, early: empty })).toBe(0);
    expect(creates({ ...opts, early: { ...empty, state: state(TWO) } })).toBe(2);
    expect(creates({ ...opts, today: '2026-12-01', early: empty })).toBe(2);
    expect(creates({ tenantName: opts.tenantName, today: opts.today, early: empty })).toBe(2);
    // Made from other lists of clients and APIs (a library caller's stale head start): not used.
    expect(creates({ ...opts, early: { ...empty, clients: [...base.clients] } })).toBe(2);
    expect(creates({ ...opts, early: { ...empty, resourceServers: [...base.resourceServers] } })).toBe(2);
  });

  it('gives the plan made without it, for any live grants (property)', () => {
    const client = fc.constantFrom('c1', 'c2', 'own', 'gone');
    const audience = fc.constantFrom('https://a', 'https://b', MAPI);
    const live = fc.array(
      fc.record({ client_id: client, audience, scope: fc.subarray(['read', 'write', 'read:clients']), is_system: fc.boolean(), odd: fc.boolean() }),
      { maxLength: 8 },
    );
    const desired = state(TWO);
    fc.assert(
      fc.property(live, (grants) => {
        const liveGrants: LiveGrant[] = grants.map((g, i) => ({
          id: `g${i}`,
          client_id: g.client_id,
          audience: g.audience,
          scope: g.scope,
          ...(g.is_system ? { is_system: true } : {}),
          ...(g.odd ? ({ brand_new: true } as object) : {}),
        }));
        const { withEarly, without } = bothWays(desired, liveGrants);
        expect(withEarly).toEqual(without);
      }),
      { numRuns: 300 },
    );
  });
});

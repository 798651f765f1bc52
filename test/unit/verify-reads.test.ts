import { describe, expect, it } from 'vitest';
import { chooseVerifyReads } from '../../src/apply/verify-reads.js';
import type { ReadProfile } from '../../src/model/types.js';
import { normalizeState } from '../../src/model/grant.js';
import type { Change, DesiredGrant, LiveGrant } from '../../src/model/types.js';

/** `perAudience` grants on each of `audiences` APIs, all managed and all desired unchanged. */
function tenant(audiences: number, perAudience: number): { snapshot: LiveGrant[]; desired: DesiredGrant[] } {
  const snapshot: LiveGrant[] = [];
  for (let a = 0; a < audiences; a++) {
    for (let i = 0; i < perAudience; i++) {
      snapshot.push({ id: `cgr_${a}_${i}`, client_id: `c${i}`, audience: `https://api${a}`, subject_type: 'client', scope: ['read'] });
    }
  }
  const desired = snapshot.map((g) => ({ client_id: g.client_id!, audience: g.audience, subject_type: 'client' as const, state: normalizeState(g) }));
  return { snapshot, desired };
}

const change = (action: Change['action'], audience: string, client = 'new'): Change => ({
  action,
  client_id: client,
  audience,
  subject_type: 'client',
  before: null,
  after: null,
  flags: [],
});

const profile = (latencyMs: number, requestsPerSecond: number | undefined): ReadProfile => ({ latencyMs, requestsPerSecond, readConcurrency: 16, pageSize: 100 });

describe('chooseVerifyReads', () => {
  it('lists per audience, in parallel, when latency dominates and the rate leaves room (the 50 ms benchmark)', () => {
    const { snapshot, desired } = tenant(20, 155); // 3,100 grants: 31 pages at once, or 2 pages × 20 audiences
    const reads = chooseVerifyReads({ snapshot, changes: [], desired, managed: snapshot, profile: profile(50, 100) });
    expect(reads).toMatchObject({ by: 'audience', pages: 40 });
    expect(reads.by === 'audience' && reads.audiences).toHaveLength(20);
    expect(reads.estimateMs).toBe(400); // 40 pages at 100/s, against 31 × 50 ms one after another
  });

  it('stays with one listing on a free tenant, where every extra request costs half a second', () => {
    const { snapshot, desired } = tenant(20, 155);
    expect(chooseVerifyReads({ snapshot, changes: [], desired, managed: snapshot, profile: profile(100, 2) })).toMatchObject({ by: 'all', pages: 31 });
  });

  it('stays with one listing when the saving is small, even with no rate limit at all', () => {
    const { snapshot, desired } = tenant(20, 155);
    expect(chooseVerifyReads({ snapshot, changes: [], desired, managed: snapshot, profile: profile(3, Infinity) }).by).toBe('all');
  });

  it('stays with one listing while the rate is not known', () => {
    const { snapshot, desired } = tenant(20, 155);
    expect(chooseVerifyReads({ snapshot, changes: [], desired, managed: snapshot, profile: profile(500, undefined) }).by).toBe('all');
  });

  it('reads only the managed audiences of a large tenant: fewer requests, so any saving counts', () => {
    const { snapshot } = tenant(50, 200); // 10,000 grants: 100 pages
    const managed = snapshot.filter((g) => g.audience === 'https://api3');
    const desired = tenant(50, 200).desired.filter((g) => g.audience === 'https://api3');
    const reads = chooseVerifyReads({ snapshot, changes: [], desired, managed, profile: profile(1, 2) });
    expect(reads).toEqual({ by: 'audience', audiences: ['https://api3'], pages: 2, estimateMs: 1000 });
  });

  it('covers the audiences of deletes too, and sizes pages after creates and deletes', () => {
    const { snapshot } = tenant(2, 100);
    const desired = tenant(2, 100).desired.filter((g) => g.audience === 'https://api0');
    const managed = snapshot;
    const changes = [change('create', 'https://api0'), ...snapshot.filter((g) => g.audience === 'https://api1').map((g) => change('delete', g.audience, g.client_id))];
    const reads = chooseVerifyReads({ snapshot, changes, desired, managed, profile: profile(1000, 10) });
    // api0: 101 grants → 2 pages; api1: emptied → 1 page; all at once: 101 → 2 pages.
    expect(reads).toMatchObject({ by: 'all', pages: 2 });
    const wide = chooseVerifyReads({ snapshot: [...snapshot, ...tenant(1, 900).snapshot.map((g) => ({ ...g, id: `x${g.id}`, audience: 'https://other' }))], changes, desired, managed, profile: profile(1000, 10) });
    expect(wide).toMatchObject({ by: 'audience', audiences: ['https://api0', 'https://api1'], pages: 3 });
  });
});

// chooseListing's arithmetic at its edges (src/apply/verify-reads.ts): pages per listing, the estimates,
// `never` for a plan's reads, and the saving a verifying re-read needs before it spends more requests.
import { describe, expect, it } from 'vitest';
import { chooseListing, chooseVerifyReads, type VerifyReads } from '../../src/apply/verify-reads.js';
import type { Change, ReadProfile } from '../../src/model/types.js';

const profile = (latencyMs: number, requestsPerSecond: number | undefined, readConcurrency = 16): ReadProfile => ({ latencyMs, requestsPerSecond, readConcurrency, pageSize: 100 });
/** Audiences a, b, c… holding these numbers of grants. */
const held = (...counts: number[]) => new Map(counts.map((n, i) => [String.fromCharCode(97 + i), n]));
const names = (n: number) => [...held(...Array<number>(n).fill(0)).keys()];

describe('chooseListing', () => {
  it.each<[string, Map<string, number>, string[], ReadProfile, 'never' | 'when-clearly-faster', VerifyReads]>([
    ['an empty tenant is one page', held(), [], profile(100, 10), 'never', { by: 'all', pages: 1, estimateMs: 100 }],
    ['no audience to list: the one listing', held(500), [], profile(100, 10), 'when-clearly-faster', { by: 'all', pages: 5, estimateMs: 500 }],
    ['a page costs the latency or a token, whichever is longer', held(250), [], profile(100, 2), 'never', { by: 'all', pages: 3, estimateMs: 1500 }],
    ['never: fewer pages', held(100, 100, 5), ['a', 'b'], profile(100, undefined), 'never', { by: 'audience', audiences: ['a', 'b'], pages: 2, estimateMs: 100 }],
    ['never: as many pages and a shorter chain', held(100, 100), ['a', 'b'], profile(100, undefined), 'never', { by: 'audience', audiences: ['a', 'b'], pages: 2, estimateMs: 100 }],
    ['never: as many pages and as long a chain', held(200, 0), ['a'], profile(100, undefined), 'never', { by: 'all', pages: 2, estimateMs: 200 }],
    ['never: more pages', held(50, 50), ['a', 'b'], profile(100, 1000), 'never', { by: 'all', pages: 1, estimateMs: 100 }],
    ['never: more pages, whatever the saving', held(150, 150), ['a', 'b'], profile(1000, 1000), 'never', { by: 'all', pages: 3, estimateMs: 3000 }],
    ['a negative count (more deletes than grants) is none', held(-5, 250), ['a'], profile(100, 1000), 'never', { by: 'audience', audiences: ['a'], pages: 1, estimateMs: 100 }],
    ['an audience with no count is one page', held(150, 150, 150), ['a', 'z'], profile(100, 1000), 'never', { by: 'audience', audiences: ['a', 'z'], pages: 3, estimateMs: 200 }],
    ['rate unknown: the one listing', held(150, 150), ['a', 'b'], profile(1000, undefined), 'when-clearly-faster', { by: 'all', pages: 3, estimateMs: 3000 }],
    ['as many pages, faster side by side', held(100, 100), ['a', 'b'], profile(100, 100), 'when-clearly-faster', { by: 'audience', audiences: ['a', 'b'], pages: 2, estimateMs: 100 }],
    ['as many pages, as fast: the one listing', held(100, 100), ['a', 'b'], profile(100, 5), 'when-clearly-faster', { by: 'all', pages: 2, estimateMs: 400 }],
    ['more pages saving exactly 500 ms and a third', held(50, 50, 50, 50, 50), names(5), profile(250, 1000), 'when-clearly-faster', { by: 'audience', audiences: names(5), pages: 5, estimateMs: 250 }],
    ['more pages saving 498 ms', held(50, 50, 50, 50, 50), names(5), profile(249, 1000), 'when-clearly-faster', { by: 'all', pages: 3, estimateMs: 747 }],
    ['more pages saving exactly a quarter', held(60, 60, 60, 60, 60, 60), names(6), profile(1000, 2), 'when-clearly-faster', { by: 'audience', audiences: names(6), pages: 6, estimateMs: 3000 }],
    ['more pages saving a little less than a quarter', held(60, 60, 60, 60, 60, 60), names(6), profile(1000, 1000 / 502), 'when-clearly-faster', { by: 'all', pages: 4, estimateMs: 4000 }],
    ['reads in flight bound the parallel listings', held(50, 50, 50, 50, 50), names(5), profile(1000, 1000, 2), 'when-clearly-faster', { by: 'all', pages: 3, estimateMs: 3000 }],
    ['no concurrency counts as one read at a time', held(100, 100), ['a', 'b'], profile(100, 1000, 0), 'when-clearly-faster', { by: 'all', pages: 2, estimateMs: 200 }],
  ])('%s', (_name, perAudience, audiences, readProfile, morePages, expected) => {
    expect(chooseListing({ perAudience, audiences, profile: readProfile, morePages })).toEqual(expected);
  });

  it('the estimate of the listings side by side: the longest chain, the tokens of every page, or the pages a few at a time', () => {
    // 7 pages (3 + 1 × 4) against 5 in one listing.
    const choose = (readProfile: ReadProfile, morePages: 'never' | 'when-clearly-faster' = 'when-clearly-faster') =>
      chooseListing({ perAudience: held(250, 50, 50, 50, 50), audiences: names(5), profile: readProfile, morePages });
    expect(choose(profile(100, 1000), 'never')).toEqual({ by: 'all', pages: 5, estimateMs: 500 });
    expect(choose(profile(1000, 1000))).toEqual({ by: 'audience', audiences: names(5), pages: 7, estimateMs: 3000 });
    expect(choose(profile(1000, 1000, 2))).toEqual({ by: 'all', pages: 5, estimateMs: 5000 });
    expect(choose(profile(100, 5))).toEqual({ by: 'all', pages: 5, estimateMs: 1000 });
  });
});

describe('chooseVerifyReads', () => {
  const change = (action: Change['action'], audience: string): Change => ({ action, client_id: 'c', audience, subject_type: 'client', before: null, after: null, flags: [] });

  it('counts creates in and deletes out, not updates or replaces; covers every audience once, sorted', () => {
    const snapshot = Array.from({ length: 100 }, (_, i) => ({ id: `g${i}`, client_id: `c${i}`, audience: 'b', scope: [] }));
    const at = (changes: Change[]) => chooseVerifyReads({ snapshot, changes, desired: [], managed: snapshot, profile: profile(100, undefined) });
    expect(at([])).toEqual({ by: 'all', pages: 1, estimateMs: 100 });
    expect(at([change('create', 'b')])).toEqual({ by: 'all', pages: 2, estimateMs: 200 });
    expect(at([change('create', 'b'), change('delete', 'b')])).toEqual({ by: 'all', pages: 1, estimateMs: 100 });
    expect(at([change('create', 'b'), change('update', 'b'), change('replace', 'b')])).toEqual({ by: 'all', pages: 2, estimateMs: 200 });
    const other = Array.from({ length: 1000 }, (_, i) => ({ id: `o${i}`, client_id: `c${i}`, audience: 'z', scope: [] }));
    const reads = chooseVerifyReads({
      snapshot: [...snapshot, ...other],
      changes: [change('delete', 'c'), change('update', 'b')],
      desired: [{ client_id: 'c', audience: 'c', subject_type: 'client', state: { scope: [] } }, { client_id: 'c', audience: 'a', subject_type: 'client', state: { scope: [] } }],
      managed: snapshot,
      profile: profile(100, 1000),
    });
    expect(reads).toEqual({ by: 'audience', audiences: ['a', 'b', 'c'], pages: 3, estimateMs: 100 });
  });
});

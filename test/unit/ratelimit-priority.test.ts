// Which waiting request the limiter serves first: the deepest page of a listing, so the longest chain
// of pages (the one that decides when a plan's reads end) never waits for a lump that shorter
// listings spent. In virtual time: timers fire only when the test's event loop moves the clock.
import { describe, expect, it } from 'vitest';
import { pagesLeft } from '../../src/api/pages.js';
import { RateLimiter, type RateLimitHeaders } from '../../src/api/ratelimit.js';
import { eventClock } from '../helpers/clock.js';

/** Auth0's documented bucket: `burst` tokens, `perSecond` more in one lump at the top of each second. */
function lumpyBucket(clock: { now(): number }, burst: number, perSecond: number) {
  let tokens = burst;
  let at = clock.now();
  return {
    /** One request arriving now: spent a token (or not: a 429), and the headers of its answer. */
    take(): { ok: boolean; headers: RateLimitHeaders } {
      const now = clock.now();
      tokens = Math.min(burst, tokens + (Math.floor(now / 1000) - Math.floor(at / 1000)) * perSecond);
      at = now;
      const ok = tokens >= 1;
      if (ok) tokens -= 1;
      return { ok, headers: { limit: burst, remaining: Math.floor(tokens), resetAt: (Math.floor(now / 1000) + 1) * 1000 } };
    },
  };
}

/**
 * Listings read side by side through one limiter, each page after the one before: their lengths in
 * pages, and whether the reader knows each length in advance. Returns when each listing ended and how
 * many 429s there were. `byPagesLeft` false: every page has the same priority (arrival order).
 */
async function readListings(listings: { pages: number; known: boolean }[], options: { latencyMs: number; burst: number; perSecond: number; byPagesLeft: boolean; start: number }) {
  const lengths = listings.map((l) => l.pages);
  const clock = eventClock(options.start);
  const limiter = new RateLimiter(clock);
  const bucket = lumpyBucket(clock, options.burst, options.perSecond);
  const ended: number[] = lengths.map(() => NaN);
  let refused = 0;
  const listing = async (index: number, pages: number): Promise<void> => {
    for (let depth = 0; depth < pages; ) {
      const priority = options.byPagesLeft ? pagesLeft(depth, listings[index]!.known ? pages * 100 : undefined) : 0;
      const flight = await limiter.acquire(priority);
      // The request reaches the server at once; its answer comes back after the latency.
      const { ok, headers } = bucket.take();
      await clock.sleep(options.latencyMs);
      limiter.settle(headers, ok, flight);
      if (!ok) {
        refused++;
        limiter.exhausted(headers.resetAt!);
        continue;
      }
      depth++;
    }
    ended[index] = clock.now();
  };
  const all = Promise.all(lengths.map((pages, i) => listing(i, pages)));
  let finished = false;
  void all.then(() => (finished = true));
  const end = await clock.run(() => finished);
  await all;
  return { ended: ended.map((t) => t - options.start), end: end - options.start, refused };
}

describe('the limiter serves the listing with the most pages left first', () => {
  // The plan's listings of the issue-14 tenant: clients in 35 pages (how many is not known before),
  // grants of 10 APIs in 10 pages each (known from the grant files).
  const plan = [{ pages: 35, known: false }, ...Array.from({ length: 10 }, () => ({ pages: 10, known: true }))];
  const tenant = { latencyMs: 50, burst: 50, perSecond: 16 };

  it.each([0, 250, 500, 700, 900])('the reads end one round trip after the lump that holds the last request, whatever its phase, without a 429 (start at +%i ms)', async (phase) => {
    const start = 1_700_000_000_000 + phase;
    const result = await readListings(plan, { ...tenant, byPagesLeft: true, start });
    // 135 pages: 50 from the burst (spent before the first lump at these phases), then 85 in lumps of
    // 16. The listings end side by side with the 6th lump; none is left with pages to read one by one.
    const sixthLump = Math.ceil((start + 1) / 1000) * 1000 + 5000 - start;
    expect(result.end).toBeLessThanOrEqual(sixthLump + 2 * tenant.latencyMs);
    expect(result.ended[0]).toBeLessThanOrEqual(result.end - 500);
    // Nothing is sent before a reset the server announced while the refill is unknown, and one window
    // without refill (the burst's) shows the lumps: the minimum number of requests, none refused.
    expect(result.refused).toBe(0);
  });

  it('served in arrival order instead, the longest listing waits for lumps, ends last and later', async () => {
    for (const phase of [0, 250, 500, 750]) {
      const start = 1_700_000_000_000 + phase;
      const fair = await readListings(plan, { ...tenant, byPagesLeft: false, start });
      const longestFirst = await readListings(plan, { ...tenant, byPagesLeft: true, start });
      expect(fair.ended[0]).toBe(fair.end);
      expect(longestFirst.end).toBeLessThanOrEqual(fair.end - 4 * tenant.latencyMs);
    }
  });

  it('a waiting page of a higher priority is served before an earlier one of a lower', async () => {
    const clock = eventClock(0);
    const limiter = new RateLimiter(clock);
    await limiter.acquire();
    // Nothing left until the reset, refill not yet learned: both wait for a probe.
    limiter.settle({ limit: 50, remaining: 0, resetAt: 1000 });
    const order: string[] = [];
    const shallow = limiter.acquire(0).then(() => order.push('shallow'));
    const deep = limiter.acquire(7).then((flight) => (order.push('deep'), flight));
    await clock.run(() => order.length > 0);
    expect(order).toEqual(['deep']);
    limiter.settle({ limit: 50, remaining: 0, resetAt: 1000 }, true, await deep);
    await clock.run(() => order.length > 1);
    await Promise.all([shallow, deep]);
    expect(order).toEqual(['deep', 'shallow']);
  });

  it('holds a token back for a page of a higher priority in flight, whose listing asks for its next page next', async () => {
    const clock = eventClock(0);
    const limiter = new RateLimiter(clock);
    const first = await limiter.acquire(0);
    const inFlight = await limiter.acquire(9);
    // Two left as the shallow answer says, one of them already spent by the deep page in flight.
    limiter.settle({ limit: 50, remaining: 2, resetAt: 1000 }, true, first);
    let shallowServed = false;
    const shallow = limiter.acquire(0).then(() => (shallowServed = true));
    await clock.run(() => true);
    expect(shallowServed).toBe(false);
    // The deep listing's next page gets the token at once.
    let deepServed = false;
    const deep = limiter.acquire(10).then((flight) => ((deepServed = true), flight));
    await clock.run(() => deepServed);
    expect(deepServed).toBe(true);
    expect(clock.now()).toBe(0);
    expect(shallowServed).toBe(false);
    // Once the deep page in flight is answered (and the bucket refilled), the shallow one goes.
    limiter.settle({ limit: 50, remaining: 5, resetAt: 2000 }, true, inFlight);
    limiter.settle({ limit: 50, remaining: 5, resetAt: 2000 }, true, await deep);
    await clock.run(() => shallowServed);
    await Promise.all([shallow, deep]);
    expect(shallowServed).toBe(true);
  });

  it('a request settled without its flight, or a slow failure, never holds tokens for long', async () => {
    const clock = eventClock(0);
    const limiter = new RateLimiter(clock);
    // A deep page that failed after 30 s (no answer): its round trip is not learned.
    const slow = await limiter.acquire(5);
    clock.sleep(30_000).then(() => limiter.settle(undefined, true, slow));
    await clock.run(() => clock.now() >= 30_000);
    const deep = await limiter.acquire(5);
    limiter.settle({ limit: 50, remaining: 3, resetAt: 31_000 }, true, await limiter.acquire(0));
    // A shallow request waits while the deep page is in flight, and goes within a probe of its answer.
    let served = -1;
    const shallow = limiter.acquire(1).then(() => (served = clock.now()));
    clock.sleep(50).then(() => limiter.settle({ limit: 50, remaining: 40, resetAt: 31_000 }, true, deep));
    await clock.run(() => served >= 0);
    await shallow;
    expect(served - 30_000).toBeLessThanOrEqual(50 + RateLimiter.PROBE_MS);
  });
});

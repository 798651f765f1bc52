// The limiter's rules one at a time, in virtual time: the fixed cap, the wait for the reset and the one
// probe while the refill rate is unknown, requests in flight, and how the rate is learned.
import { describe, expect, it } from 'vitest';
import { RateLimiter, readRateLimitHeaders, type RateLimitHeaders } from '../../src/api/ratelimit.js';
import { eventClock, fakeClock } from '../helpers/clock.js';

function harness(cap?: number) {
  const clock = fakeClock();
  const limiter = new RateLimiter(clock, cap);
  /** One request: acquire, `latency` ms, then settle with these headers. */
  const request = async (headers: RateLimitHeaders = {}, opts: { latency?: number; consumed?: boolean } = {}) => {
    await limiter.acquire();
    clock.advance(opts.latency ?? 0);
    limiter.settle(headers, opts.consumed ?? true);
  };
  return { clock, limiter, request };
}

describe('readRateLimitHeaders', () => {
  it('takes the first of repeated headers and ignores what is not a number', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-limit': ['10', '20'], 'x-ratelimit-remaining': 'lots', 'x-ratelimit-reset': '2' })).toEqual({
      limit: 10, remaining: undefined, resetAt: 2000,
    });
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'Infinity' })).toEqual({ limit: undefined, remaining: 0, resetAt: undefined });
  });
});

describe('the fixed cap', () => {
  it.each([[undefined], [0], [-5]])('%s means no cap', async (cap) => {
    const { clock, limiter, request } = harness(cap);
    for (let i = 0; i < 20; i++) await request();
    expect(clock.sleeps).toEqual([]);
    expect(limiter.requestsPerSecond()).toBe(Infinity);
  });

  it('spaces requests from the later of now and the last slot', async () => {
    const { clock, request } = harness(4);
    await request();
    await request();
    expect(clock.sleeps).toEqual([250]);
    clock.advance(1000); // idle: the next slot is in the past, so no wait and no catching up
    await request();
    await request({}, { latency: 100 });
    await request();
    expect(clock.sleeps).toEqual([250, 250, 150]);
  });
});

describe('an empty bucket before the refill rate is known', () => {
  const empty = { limit: 10, remaining: 0, resetAt: 1000 };

  it('waits for the announced reset (and 10 ms more), not less; a 429 without a reset of its own means the next', async () => {
    const { clock, limiter, request } = harness();
    await request(empty);
    expect(clock.sleeps).toEqual([]);
    // Probing before the reset only meets a 429 from a bucket refilled in lumps, as Auth0's is.
    await request(empty, { consumed: false });
    expect(clock.sleeps).toEqual([1010]);
    limiter.exhausted(2000);
    await request({ limit: 10, remaining: 3, resetAt: 3000 });
    expect(clock.sleeps).toEqual([1010, 1000]);
    // The answer said 3 are left: no wait for those.
    for (let i = 0; i < 3; i++) await request({ limit: 10, remaining: 2 - i, resetAt: 3000 });
    expect(clock.sleeps).toEqual([1010, 1000]);
  });

  it('a reset more than a second away (a per-minute bucket, a clock far off) is not waited for blindly: they try after a second', async () => {
    const { clock, request } = harness();
    const far = { limit: 10, remaining: 0, resetAt: 3_600_000 };
    await request(far);
    await request(far);
    expect(clock.sleeps).toEqual([1000]);
    // A reset sent in ms instead of seconds (over 2^31 ms ahead): the same, no endless 1 ms timer.
    await request({ limit: 10, remaining: 0, resetAt: 1e15 });
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  it('those waiting all go at the reset, the highest priority first; none before it', async () => {
    const clock = eventClock();
    const limiter = new RateLimiter(clock);
    await limiter.acquire();
    limiter.settle(empty);
    const sent: [number, number][] = [];
    for (const priority of [0, 3, 1, 3, 2]) void limiter.acquire(priority).then(() => sent.push([priority, clock.now()]));
    await clock.run(() => sent.length === 5);
    expect(sent.map(([priority]) => priority)).toEqual([3, 3, 2, 1, 0]);
    // One millisecond apart at most, each after those served first.
    expect(sent.every(([, at]) => at >= 1010 && at <= 1014)).toBe(true);
  });

  it('a long wait is looked at again every minute, not slept in one piece', async () => {
    const { clock, limiter, request } = harness();
    await request({ limit: 10, remaining: 0, resetAt: 50 });
    limiter.exhausted(150_000);
    await request();
    expect(clock.sleeps).toEqual([60_000, 60_000, 30_000]);
  });

  it('a 429 that names a later reset than the headers did waits for it, and an earlier one does not shorten it', async () => {
    const { clock, limiter, request } = harness();
    await request({ limit: 10, remaining: 0, resetAt: 50 });
    limiter.exhausted(250);
    limiter.exhausted(100);
    await request();
    expect(clock.sleeps).toEqual([250]);
  });

  it('counts requests still in flight against what the server said was left', async () => {
    const { clock, limiter } = harness();
    await limiter.acquire();
    await limiter.acquire();
    limiter.settle({ limit: 10, remaining: 1, resetAt: 1000 });
    // One token left by the server's count, but the other request in flight will spend it.
    await limiter.acquire();
    expect(clock.sleeps).toEqual([1010]);
  });

  it('an answer without a matching acquire does not make up a token', async () => {
    const { clock, limiter } = harness();
    limiter.settle({ limit: 10, remaining: 0, resetAt: 1000 });
    await limiter.acquire();
    expect(clock.sleeps).toEqual([1010]);
  });

  it('answers without rate-limit headers change nothing', async () => {
    const { clock, request } = harness();
    await request(empty);
    await request({ limit: 10, resetAt: 1000 });
    expect(clock.sleeps).toEqual([1010]);
  });
});

describe('learning the refill rate', () => {
  /** 10 requests over `ms`, `refused` of them 429s, the server reporting `remaining` before and after. */
  async function learn(opts: { limit: number; before: number; after: number; ms: number; refused?: number; cap?: number }) {
    const h = harness(opts.cap);
    await h.request({ limit: opts.limit, remaining: opts.before, resetAt: 1000 });
    for (let i = 0; i < 9; i++) await h.request({}, { consumed: i >= (opts.refused ?? 0) });
    h.clock.advance(opts.ms - h.clock.now());
    await h.request({ limit: opts.limit, remaining: opts.after, resetAt: opts.ms + 1000 });
    return h;
  }

  it.each([
    // tokens now = tokens then − requests counted since + refill: 5 − 10 + 10 over a second
    [{ limit: 50, before: 20, after: 20, ms: 1000 }, 10],
    [{ limit: 50, before: 20, after: 15, ms: 1000 }, 5],
    // A refused request spent no token.
    [{ limit: 50, before: 20, after: 20, ms: 1000, refused: 2 }, 8],
    // Enough tokens (10) in 30 ms is a sample already.
    [{ limit: 50, before: 20, after: 20, ms: 30 }, 10 / 0.03],
    // The fixed cap bounds what is reported.
    [{ limit: 50, before: 20, after: 20, ms: 1000, cap: 4 }, 4],
  ])('%o → %d per second', async (opts, perSecond) => {
    const { limiter } = await learn(opts);
    expect(limiter.requestsPerSecond()).toBeCloseTo(perSecond, 6);
  });

  it.each([
    ['too short a window (under 30 ms)', { limit: 50, before: 20, after: 20, ms: 29 }],
    ['too few tokens in under a second', { limit: 50, before: 20, after: 19, ms: 999 }],
    ['no tokens came back', { limit: 50, before: 20, after: 10, ms: 1000 }],
  ])('%s: the rate stays unknown', async (_name, opts) => {
    const { limiter } = await learn(opts);
    expect(limiter.requestsPerSecond()).toBeUndefined();
  });

  it('a bucket that stays full is no limit in effect (never at or below 80 % full)', async () => {
    const { limiter } = await learn({ limit: 20, before: 20, after: 20, ms: 1000 });
    expect(limiter.requestsPerSecond()).toBe(Infinity);
  });

  it('a cap and no learned rate reports the cap', async () => {
    const { limiter } = await learn({ limit: 20, before: 20, after: 20, ms: 1000, cap: 3 });
    expect(limiter.requestsPerSecond()).toBe(3);
  });

  it('later samples are blended in (70 % old, 30 % new), and an empty bucket waits one token\'s time', async () => {
    const { clock, limiter, request } = await learn({ limit: 50, before: 20, after: 20, ms: 1000 });
    expect(limiter.requestsPerSecond()).toBeCloseTo(10, 6);
    for (let i = 0; i < 9; i++) await request();
    clock.advance(2000 - clock.now());
    await request({ limit: 50, remaining: 30, resetAt: 3000 });
    // 30 − 20 + 10 = 20 in a second: 0.7 × 10 + 0.3 × 20
    expect(limiter.requestsPerSecond()).toBeCloseTo(13, 6);
    // 0 left: one token at 13/s takes 1000/13 ms; a 429 then slows the rate by 30 %.
    await request({ limit: 50, remaining: 0, resetAt: 3000 });
    const before = clock.sleeps.length;
    await request();
    expect(clock.sleeps.slice(before)).toEqual([expect.closeTo(1000 / 13, 6)]);
    limiter.exhausted(2000);
    expect(limiter.requestsPerSecond()).toBeCloseTo(13 * 0.7, 6);
  });

  it('with a learned rate, the bucket refills continuously between requests', async () => {
    const { clock, limiter, request } = await learn({ limit: 50, before: 20, after: 20, ms: 1000 });
    await request({ limit: 50, remaining: 0, resetAt: 2000 });
    clock.advance(250); // 2.5 tokens at 10/s
    const before = clock.sleeps.length;
    await limiter.acquire();
    limiter.settle();
    await limiter.acquire();
    limiter.settle();
    expect(clock.sleeps.length).toBe(before);
    await limiter.acquire();
    expect(clock.sleeps.slice(before)).toEqual([expect.closeTo(50, 6)]);
  });

  it('never counts more than the limit back in', async () => {
    const { clock, limiter, request } = await learn({ limit: 50, before: 20, after: 20, ms: 1000 });
    await request({ limit: 3, remaining: 0, resetAt: 3000 });
    clock.advance(60_000);
    const before = clock.sleeps.length;
    for (let i = 0; i < 3; i++) {
      await limiter.acquire();
      limiter.settle();
    }
    expect(clock.sleeps.length).toBe(before);
    await limiter.acquire();
    expect(clock.sleeps.length).toBe(before + 1);
  });
});

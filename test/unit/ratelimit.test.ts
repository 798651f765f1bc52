// The client-side limiter against a simulated Auth0 token bucket, in virtual time (no real waiting).
import { describe, expect, it } from 'vitest';
import { RateLimiter, readRateLimitHeaders } from '../../src/api/ratelimit.js';
import { fakeClock } from '../helpers/clock.js';

async function simulate(opts: { burst: number; perSecond: number; requests: number; latencyMs: number; discrete?: boolean; resetWhenFull?: boolean }) {
  const clock = fakeClock(1_700_000_000_000);
  const limiter = new RateLimiter(clock);
  let tokens = opts.burst;
  let refilledAt = clock.now();
  let refused = 0;
  const started = clock.now();
  for (let done = 0; done < opts.requests; ) {
    await limiter.acquire();
    // The server's bucket, refilled continuously, answered after the latency.
    clock.advance(opts.latencyMs);
    const now = clock.now();
    if (opts.discrete) {
      // Refilled at the top of each second, as Auth0's policy page describes.
      const seconds = Math.floor(now / 1000) - Math.floor(refilledAt / 1000);
      tokens = Math.min(opts.burst, tokens + seconds * opts.perSecond);
    } else {
      tokens = Math.min(opts.burst, tokens + ((now - refilledAt) / 1000) * opts.perSecond);
    }
    refilledAt = now;
    const ok = tokens >= 1;
    if (ok) tokens -= 1;
    const msToNext = opts.discrete ? 1000 - (now % 1000) : tokens >= 1 ? 0 : ((1 - tokens) / opts.perSecond) * 1000;
    const headers = readRateLimitHeaders({
      'x-ratelimit-limit': String(opts.burst),
      'x-ratelimit-remaining': String(Math.floor(tokens)),
      // `resetWhenFull`: a server whose reset means "when the bucket is full again", not what Auth0 documents.
      'x-ratelimit-reset': String(Math.ceil((opts.resetWhenFull ? now + ((opts.burst - tokens) / opts.perSecond) * 1000 : now + msToNext) / 1000)),
    });
    limiter.settle(headers, ok);
    if (ok) done++;
    else {
      refused++;
      limiter.exhausted(headers.resetAt!);
    }
  }
  const floorMs = Math.max(0, ((opts.requests - opts.burst) / opts.perSecond) * 1000);
  return { refused, elapsedMs: clock.now() - started, floorMs, learnedPerSecond: limiter.requestsPerSecond() };
}

describe('RateLimiter', () => {
  it('reads x-ratelimit-* headers (reset is epoch seconds)', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '1700000001' })).toEqual({
      limit: 50,
      remaining: 3,
      resetAt: 1_700_000_001_000,
    });
    expect(readRateLimitHeaders({})).toEqual({ limit: undefined, remaining: undefined, resetAt: undefined });
  });

  // Continuous buckets (the emulator's): Enterprise-like, Enterprise non-production, and Free (2/s,
  // where learning the rate costs a couple of 429s).
  it.each([
    { burst: 50, perSecond: 100, requests: 2000, latencyMs: 2, within: 1.15 },
    { burst: 10, perSecond: 16, requests: 300, latencyMs: 20, within: 1.15 },
    { burst: 2, perSecond: 2, requests: 200, latencyMs: 30, within: 1.25 },
    // Refilled in one lump at the top of each second, as Auth0's rate-limit policy describes: it takes
    // a few 429s to see that (Free: 6 in the first 8 s), then none.
    { burst: 50, perSecond: 16, requests: 500, latencyMs: 40, within: 1.15, discrete: true },
    { burst: 10, perSecond: 2, requests: 200, latencyMs: 100, within: 1.15, discrete: true },
    { burst: 2, perSecond: 2, requests: 400, latencyMs: 30, within: 1.25, discrete: true },
    // A continuous bucket whose reset header moves with every answer must not be taken for lumps.
    { burst: 10, perSecond: 16, requests: 1000, latencyMs: 20, within: 1.15, resetWhenFull: true },
    { burst: 2, perSecond: 2, requests: 300, latencyMs: 30, within: 1.25, resetWhenFull: true },
  ])('paces %o close to the floor with under 2% 429s', async ({ within, ...opts }) => {
    const { refused, elapsedMs, floorMs, learnedPerSecond } = await simulate(opts);
    expect(refused / opts.requests).toBeLessThan(0.02);
    expect(elapsedMs).toBeLessThan(floorMs * within + 1000);
    // What it reports to the apply's re-read planning is the server's refill, within 20%.
    expect(learnedPerSecond).toBeGreaterThan(opts.perSecond * 0.8);
    expect(learnedPerSecond).toBeLessThan(opts.perSecond * 1.2);
  });

  it('reports no limit before any header, and an unknown rate until it has learned one', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock);
    expect(limiter.requestsPerSecond()).toBe(Infinity);
    limiter.settle({ limit: 50, remaining: 40, resetAt: 1000 });
    expect(limiter.requestsPerSecond()).toBeUndefined();
    expect(new RateLimiter(clock, 10).requestsPerSecond()).toBe(10);
  });

  it("a bucket far larger than the run (the emulator's default) neither slows it nor counts as a limit", async () => {
    // Sequential requests 5 ms apart against a 1000-token bucket refilled at 1000/s: it stays full.
    const { refused, elapsedMs, learnedPerSecond } = await simulate({ burst: 1000, perSecond: 1000, requests: 3000, latencyMs: 5 });
    expect(refused).toBe(0);
    expect(elapsedMs).toBe(3000 * 5);
    // Not the rate we happened to send at: the apply's re-read planning treats it as no limit.
    expect(learnedPerSecond).toBe(Infinity);
  });

  it('a bucket that ran low, or a 429, makes the limit count', () => {
    const clock = fakeClock();
    const low = new RateLimiter(clock);
    low.settle({ limit: 1000, remaining: 999, resetAt: 1000 });
    expect(low.requestsPerSecond()).toBe(Infinity);
    low.settle({ limit: 1000, remaining: 800, resetAt: 1000 });
    expect(low.requestsPerSecond()).toBeUndefined();
    const refused = new RateLimiter(clock);
    refused.settle({ limit: 1000, remaining: 999, resetAt: 1000 });
    refused.exhausted(1000);
    expect(refused.requestsPerSecond()).toBeUndefined();
  });

  it('without headers it does not wait at all', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock);
    for (let i = 0; i < 100; i++) {
      await limiter.acquire();
      limiter.settle();
    }
    expect(clock.sleeps).toEqual([]);
  });

  it('a fixed cap spaces requests evenly', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock, 10);
    for (let i = 0; i < 11; i++) {
      await limiter.acquire();
      limiter.settle();
    }
    expect(clock.now()).toBe(1000);
  });
});

// How the limiter tells a bucket refilled in one lump at each reset (what Auth0 documents) from one
// refilled continuously, from the answers alone, and what it does with each: in virtual time.
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/api/ratelimit.js';

const LIMIT = 50;

/**
 * Ten requests a second, 100 ms apart, for `seconds` seconds; every answer names the next whole
 * second as the reset. `remainingAt(second, index)` is what the server says is left after request
 * `index` of that second.
 */
function scripted(seconds: number, remainingAt: (second: number, index: number) => number) {
  const clock = { at: 0, slept: [] as number[] };
  const limiter = new RateLimiter({ now: () => clock.at, sleep: async (ms) => void (clock.slept.push(ms), (clock.at += ms)) });
  const run = async () => {
    for (let second = 0; second < seconds; second++) {
      for (let index = 0; index < 10; index++) {
        clock.at = second * 1000 + index * 100;
        await limiter.acquire();
        limiter.settle({ limit: LIMIT, remaining: remainingAt(second, index), resetAt: (second + 1) * 1000 });
      }
    }
  };
  return { clock, limiter, run };
}

/** 10 tokens at the top of each second and none in between: 19 left after the first request, 10 after the last. */
const lumps = (_second: number, index: number) => 19 - index;
/** 10 tokens a second, one every 100 ms: each request spends what came back. */
const continuous = () => 19;

/** One second after another, lumps (L) or continuous (C): each second's window casts one vote. */
const pattern = (seconds: string) => (second: number, index: number) => (seconds[second] === 'L' ? lumps(second, index) : continuous());

/** Runs the script, then empties the bucket mid-second: what the limiter waits before the next request. */
async function waitWhenEmpty(seconds: number, remainingAt: (second: number, index: number) => number): Promise<number[]> {
  const { clock, limiter, run } = scripted(seconds, remainingAt);
  await run();
  expect(clock.slept).toEqual([]);
  expect(limiter.requestsPerSecond()).toBeCloseTo(10, 6);
  clock.at = seconds * 1000 + 500;
  await limiter.acquire();
  limiter.settle({ limit: LIMIT, remaining: 0, resetAt: (seconds + 1) * 1000 });
  await limiter.acquire();
  return clock.slept;
}

describe('lumps or continuous refill', () => {
  // Lumps: wait for the reset the server named, plus a margin for clock skew (10 ms). Continuous:
  // one token's time at the learned 10 per second.
  it.each([
    ['LLL', 510],
    ['CCC', 100],
    // One window that saw no token come back is enough, with answers that share their reset.
    ['LL', 510],
    // Each window votes (the drain's answer closes the last one); three quarters of the votes decide.
    ['CLLL', 510],
    ['CCLL', 100],
    ['LLLC', 510],
    // Only the last 8 votes count.
    ['CCCLLLLLL', 510],
    ['CCCLLLLL', 100],
  ])('%s: an empty bucket mid-second waits %i ms', async (seconds, wait) => {
    const slept = await waitWhenEmpty(seconds.length, pattern(seconds));
    expect(slept[0]).toBeCloseTo(wait, 6);
    // After the wait there is a token: at most a rounding millisecond more.
    expect(slept.slice(1).every((ms) => ms <= 1)).toBe(true);
  });
});

describe('spending lumps', () => {
  /** After 'LLL' and an empty bucket at 3.5 s (next reset at 4 s), idle until `idleUntil`: how many requests go out before a wait, and that wait. */
  async function afterIdle(idleUntil: number, opts: { refused?: boolean } = {}) {
    const { clock, limiter, run } = scripted(3, lumps);
    await run();
    clock.at = 3500;
    await limiter.acquire();
    limiter.settle({ limit: LIMIT, remaining: 0, resetAt: 4000 }, !opts.refused);
    if (opts.refused) limiter.exhausted(4000);
    clock.at = idleUntil;
    let sent = 0;
    for (; clock.slept.length === 0 && sent < 100; sent++) {
      await limiter.acquire();
      limiter.settle();
    }
    return { sent: sent - 1, wait: clock.slept[0], at: clock.at };
  }

  it.each([
    // One reset passed (at 4 s, spent from 4.01 s): one lump of 10.
    [4010, 10, 1000],
    // Not yet: the margin past the reset has not passed.
    [4009, 0, 1],
    // Three resets passed (4, 5, 6 s): three lumps; the next reset is 7 s.
    [6500, 30, 510],
    [7009, 30, 1],
    // Never more than the bucket holds.
    [20_000, LIMIT, 10],
  ])('idle until %i ms: %i requests, then a wait of %i ms', async (idleUntil, sent, wait) => {
    const result = await afterIdle(idleUntil);
    expect(result.sent).toBe(sent);
    expect(result.wait).toBeCloseTo(wait, 6);
  });

  it('a 429 slows the learned rate, not the lump', async () => {
    const result = await afterIdle(6500, { refused: true });
    expect(result.sent).toBe(30);
  });
});

describe('slow buckets: too few long windows to vote', () => {
  /**
   * Two requests a second against 2 tokens a second added at each reset (limit 10): 5 then 4 left.
   * Then, half a second into the next second, `refused` 429s (each naming the next reset) empty it.
   */
  async function slow(seconds: number, refused: number) {
    const clock = { at: 0, slept: [] as number[] };
    const limiter = new RateLimiter({ now: () => clock.at, sleep: async (ms) => void (clock.slept.push(ms), (clock.at += ms)) });
    for (let second = 0; second < seconds; second++) {
      for (const [offset, remaining] of [[0, 5], [500, 4]] as const) {
        clock.at = second * 1000 + offset;
        await limiter.acquire();
        limiter.settle({ limit: 10, remaining, resetAt: (second + 1) * 1000 });
      }
    }
    expect(limiter.requestsPerSecond()).toBeCloseTo(2, 6);
    clock.at = seconds * 1000 + 500;
    for (let i = 0; i < refused; i++) limiter.exhausted((seconds + 1) * 1000);
    await limiter.acquire();
    return clock.slept[0];
  }

  it.each([
    // Three 429s the learned rate does not explain, and answers that share their reset: lumps.
    [3, 3, 510],
    [4, 5, 510],
    // Two 429s are not enough: one token's time at the slowed rate (2/s × 0.7 × 0.7).
    [3, 2, 1000 / (2 * 0.49)],
    // Two seconds share only two resets.
    [2, 3, 1000 / (2 * 0.343)],
  ])('%i seconds, %i 429s: an empty bucket waits %d ms', async (seconds, refused, wait) => {
    expect(await slow(seconds, refused)).toBeCloseTo(wait, 6);
  });
});

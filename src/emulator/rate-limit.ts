// Auth0's rate limit as a token bucket with `x-ratelimit-*` headers, refilled continuously or in one lump
// at the top of each second (as Auth0's policy page describes).
import type { Clock } from './clock.js';

export interface RateLimitOptions {
  /** Bucket size. */
  burst: number;
  /** Tokens added per second: continuously, or in one lump at the top of each second (`lumps`). */
  perSecond: number;
  /** Refill at the top of each second, as Auth0's rate-limit policy page describes; default continuous. */
  lumps?: boolean;
  /** Also send Retry-After on 429 (Auth0 does not document it; off by default). */
  retryAfter?: boolean;
}

/**
 * The bucket when none is configured: Auth0 sends `x-ratelimit-*` on every answer, so the emulator
 * does too, with a bucket large enough that no test or demo run meets it.
 */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 1000, perSecond: 1000 };

export interface TakeResult {
  /** No token was left: answer 429 with these headers. */
  exhausted: boolean;
  headers: Record<string, string>;
}

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: Clock,
  ) {
    this.tokens = options.burst;
    this.at = clock.now();
  }

  /** Takes one token for a request, if there is one, and says what the headers announce. */
  take(): TakeResult {
    const { burst, perSecond, lumps, retryAfter } = this.options;
    const now = this.clock.now();
    const refill = lumps ? (Math.floor(now / 1000) - Math.floor(this.at / 1000)) * perSecond : ((now - this.at) / 1000) * perSecond;
    this.tokens = Math.min(burst, this.tokens + refill);
    this.at = now;
    const exhausted = this.tokens < 1;
    if (!exhausted) this.tokens -= 1;
    // With lumps, more tokens come at the next whole second, whatever is left now.
    const msToNext = lumps ? 1000 - (now % 1000) : this.tokens >= 1 ? 0 : ((1 - this.tokens) / perSecond) * 1000;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(burst),
      'x-ratelimit-remaining': String(Math.floor(this.tokens)),
      'x-ratelimit-reset': String(Math.ceil((now + msToNext) / 1000)),
    };
    if (exhausted && retryAfter) headers['retry-after'] = String(Math.max(1, Math.ceil(msToNext / 1000)));
    return { exhausted, headers };
  }
}

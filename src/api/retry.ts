// How long to wait before retrying: Retry-After, else x-ratelimit-reset, else exponential with jitter. Pure.

export interface RetryPolicy {
  /** Retries after a 429 (the request was refused before it ran, so any method may retry). */
  maxRateLimitRetries: number;
  /** Retries after a 5xx or a network error, for requests that are safe to repeat. */
  maxServerRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRateLimitRetries: 8,
  maxServerRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

export function retryDelay(opts: {
  attempt: number;
  headers: Record<string, string | string[] | undefined>;
  now: number;
  random: () => number;
  policy: RetryPolicy;
}): number {
  const { attempt, headers, now, random, policy } = opts;
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const retryAfter = header('retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
    if (Number.isFinite(ms)) return clamp(ms, 0, policy.maxDelayMs);
  }
  const reset = Number(header('x-ratelimit-reset'));
  if (header('x-ratelimit-reset') !== undefined && Number.isFinite(reset)) {
    // A little jitter so that concurrent waiters do not all return in the same millisecond.
    return clamp(reset * 1000 - now + random() * 100, 0, policy.maxDelayMs);
  }
  const exponential = policy.baseDelayMs * 2 ** attempt;
  return clamp(exponential * (0.8 + 0.4 * random()), 0, policy.maxDelayMs);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

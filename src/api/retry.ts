// Whether to try a request again, and how long to wait first: every such rule of the Management API
// client in one pure function (as octokit's plugin-retry keeps them out of its request loop), so the
// loop in requests.ts only carries out what `retryDecision` answers. Pure: the clock and the random
// source are passed in.

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

/** How many times another token (renewed by another request) is tried after a 401 before renewing. */
const MAX_STALE_TOKEN_RETRIES = 3;

export type Headers = Record<string, string | string[] | undefined>;

/** What one attempt came to: an answer with a status, or none (a network error). */
export type AttemptResult =
  | { kind: 'answer'; status: number; headers: Headers }
  | {
      kind: 'no-answer';
      /** Retrying cannot help: no such host, TLS to a plain-http server, an untrusted certificate. */
      permanent: boolean;
    };

/** The retries one request has spent so far; they start from zero again after its token is renewed. */
export interface RetriesSpent {
  rateLimited: number;
  /** 5xx answers and network errors. */
  serverErrors: number;
  /** 401s to a token that another request had already replaced. */
  staleTokens: number;
}

export const NO_RETRIES_SPENT: RetriesSpent = { rateLimited: 0, serverErrors: 0, staleTokens: 0 };

export interface RetryQuestion {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The token request itself: it carries no bearer token, and repeating it is harmless (it is not a write). */
  tokenRequest: boolean;
  /** Statuses that are answers rather than errors (e.g. 404 when looking up). */
  accept: readonly number[];
  result: AttemptResult;
  spent: RetriesSpent;
  /** This request has already renewed its token once. */
  tokenRenewed: boolean;
  /** The token this attempt carried has been replaced by a newer one since. */
  tokenReplaced: boolean;
  /** A new token can be had (client credentials; not a token given in the environment). */
  tokenRenewable: boolean;
  /** Retrying cannot help the run any more (apply's circuit breaker is open). */
  stopRetrying: boolean;
  now: number;
  random: () => number;
  policy: RetryPolicy;
}

export type RetryDecision =
  /** The answer is the result. */
  | { action: 'accept' }
  /** Wait, then send the request again. */
  | { action: 'retry'; after: 'rate-limited' | 'server-error' | 'no-answer'; delayMs: number; spent: RetriesSpent }
  /** Send it again at once with the token that replaced the refused one. */
  | { action: 'retry-with-newer-token'; spent: RetriesSpent }
  /** Drop the refused token and start the request over, once, with a new one. */
  | { action: 'renew-token' }
  /**
   * Give up. `outcomeUnknown`: the request may have been carried out (a write whose reply was lost,
   * that met a 5xx or a redirect); the caller re-reads instead of repeating it.
   */
  | { action: 'fail'; because: 'redirect' | 'status' | 'no-answer'; outcomeUnknown: boolean };

/** What to do after one attempt of a request. */
export function retryDecision(question: RetryQuestion): RetryDecision {
  const { result } = question;
  if (result.kind === 'no-answer') return afterNoAnswer(question, result.permanent);
  const { status } = result;
  // Never followed: a 307 would re-send the token request's body (the client secret) or the bearer token.
  if (status >= 300 && status < 400) return { action: 'fail', because: 'redirect', outcomeUnknown: isWrite(question) };
  if (status < 400 || question.accept.includes(status)) return { action: 'accept' };
  return afterRefusal(question, status, result.headers);
}

/** A POST that got no answer, or a 5xx, may have been applied: it is never repeated blindly. */
function repeatable(question: RetryQuestion): boolean {
  return question.method !== 'POST' || question.tokenRequest;
}

/** A request that changes the tenant (the token request changes nothing). */
function isWrite(question: RetryQuestion): boolean {
  return question.method !== 'GET' && !question.tokenRequest;
}

function afterNoAnswer(question: RetryQuestion, permanent: boolean): RetryDecision {
  const { spent, policy } = question;
  if (!repeatable(question) || spent.serverErrors >= policy.maxServerRetries || permanent || question.stopRetrying) {
    // A request that never reached the server (no such host, refused, not TLS) did nothing.
    return { action: 'fail', because: 'no-answer', outcomeUnknown: isWrite(question) && !permanent };
  }
  const serverErrors = spent.serverErrors + 1;
  return { action: 'retry', after: 'no-answer', delayMs: delayFor(question, serverErrors, {}), spent: { ...spent, serverErrors } };
}

function afterRefusal(question: RetryQuestion, status: number, headers: Headers): RetryDecision {
  const { spent, policy } = question;
  if (status === 401 && !question.tokenRequest) {
    // Another request already replaced this token: try the new one; that is not our one renewal.
    if (question.tokenReplaced && spent.staleTokens < MAX_STALE_TOKEN_RETRIES) {
      return { action: 'retry-with-newer-token', spent: { ...spent, staleTokens: spent.staleTokens + 1 } };
    }
    if (!question.tokenRenewed && question.tokenRenewable) return { action: 'renew-token' };
  }
  if (status === 429 && spent.rateLimited < policy.maxRateLimitRetries) {
    const rateLimited = spent.rateLimited + 1;
    return { action: 'retry', after: 'rate-limited', delayMs: delayFor(question, rateLimited, headers), spent: { ...spent, rateLimited } };
  }
  if (status >= 500 && repeatable(question) && spent.serverErrors < policy.maxServerRetries && !question.stopRetrying) {
    const serverErrors = spent.serverErrors + 1;
    return { action: 'retry', after: 'server-error', delayMs: delayFor(question, serverErrors, headers), spent: { ...spent, serverErrors } };
  }
  return { action: 'fail', because: 'status', outcomeUnknown: status >= 500 && !repeatable(question) };
}

function delayFor(question: RetryQuestion, attempt: number, headers: Headers): number {
  return retryDelay({ attempt, headers, now: question.now, random: question.random, policy: question.policy });
}

/** How long to wait before retrying: Retry-After, else x-ratelimit-reset, else exponential with jitter. */
export function retryDelay(opts: { attempt: number; headers: Headers; now: number; random: () => number; policy: RetryPolicy }): number {
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
  // A reset that has passed (or reads 0) says nothing of when to come back (a clock ahead of the
  // server's, or a missing value): back off instead of retrying at once until the retries run out.
  if (header('x-ratelimit-reset') !== undefined && Number.isFinite(reset) && reset * 1000 > now) {
    // A little jitter so that concurrent waiters do not all return in the same millisecond.
    return clamp(reset * 1000 - now + random() * 100, 0, policy.maxDelayMs);
  }
  const exponential = policy.baseDelayMs * 2 ** attempt;
  return clamp(exponential * (0.8 + 0.4 * random()), 0, policy.maxDelayMs);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

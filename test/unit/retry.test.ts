// The retry policy, rule by rule: what each kind of attempt leads to, for each kind of request.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, NO_RETRIES_SPENT, retryDecision, type RetryDecision, type RetryQuestion } from '../../src/api/retry.js';

const NOW = 1_700_000_000_000;
const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 10_000 };

/** A GET that got a 200 on its first attempt, with a renewable token; each row changes what it needs. */
function ask(change: Partial<RetryQuestion>): RetryDecision {
  return retryDecision({
    method: 'GET',
    tokenRequest: false,
    accept: [],
    result: { kind: 'answer', status: 200, headers: {} },
    spent: NO_RETRIES_SPENT,
    tokenRenewed: false,
    tokenReplaced: false,
    tokenRenewable: true,
    stopRetrying: false,
    now: NOW,
    random: () => 0.5,
    policy,
    ...change,
  });
}

const answer = (status: number, headers: Record<string, string> = {}) => ({ kind: 'answer' as const, status, headers });
const lost = { kind: 'no-answer' as const, permanent: false };
const unreachable = { kind: 'no-answer' as const, permanent: true };
const spent = (more: Partial<typeof NO_RETRIES_SPENT>) => ({ ...NO_RETRIES_SPENT, ...more });
const fail = (because: 'redirect' | 'status' | 'no-answer', outcomeUnknown: boolean) => ({ action: 'fail', because, outcomeUnknown });
const retry = (after: 'rate-limited' | 'server-error' | 'no-answer', delayMs: number, counts: Partial<typeof NO_RETRIES_SPENT>) => ({
  action: 'retry',
  after,
  delayMs,
  spent: spent(counts),
});

describe('retryDecision', () => {
  const rows: [string, Partial<RetryQuestion>, unknown][] = [
    // answers that are the result
    ['a 200', {}, { action: 'accept' }],
    ['a 201 to a POST', { method: 'POST', result: answer(201) }, { action: 'accept' }],
    ['a 404 the request accepts', { method: 'DELETE', accept: [404], result: answer(404) }, { action: 'accept' }],
    ['a 404 it does not accept', { result: answer(404) }, fail('status', false)],
    ['a 409 to a create', { method: 'POST', result: answer(409) }, fail('status', false)],
    // redirects: never followed, a write's outcome unknown
    ['a 307 to a GET', { result: answer(307) }, fail('redirect', false)],
    ['a 307 to a PATCH', { method: 'PATCH', result: answer(307) }, fail('redirect', true)],
    ['a 307 to the token request', { method: 'POST', tokenRequest: true, result: answer(307) }, fail('redirect', false)],
    ['a 302 the request would accept', { accept: [302], result: answer(302) }, fail('redirect', false)],
    // 429: any method, Retry-After first, then x-ratelimit-reset, then exponential backoff
    ['a 429 with Retry-After', { result: answer(429, { 'retry-after': '2' }) }, retry('rate-limited', 2000, { rateLimited: 1 })],
    ['a 429 with an HTTP-date Retry-After', { result: answer(429, { 'retry-after': new Date(NOW + 3000).toUTCString() }) }, retry('rate-limited', 3000, { rateLimited: 1 })],
    ['a 429 with x-ratelimit-reset (plus half the jitter)', { result: answer(429, { 'x-ratelimit-reset': String(NOW / 1000 + 4) }) }, retry('rate-limited', 4050, { rateLimited: 1 })],
    // A reset that has passed (a clock ahead of the server's) or reads 0: back off, do not retry at once.
    ['a 429 with a reset already past', { result: answer(429, { 'x-ratelimit-reset': String(NOW / 1000 - 2) }) }, retry('rate-limited', 200, { rateLimited: 1 })],
    ['a 429 with x-ratelimit-reset: 0, second time', { result: answer(429, { 'x-ratelimit-reset': '0' }), spent: spent({ rateLimited: 1 }) }, retry('rate-limited', 400, { rateLimited: 2 })],
    ['a 429 without headers, first time', { result: answer(429) }, retry('rate-limited', 200, { rateLimited: 1 })],
    ['a 429 without headers, third time', { result: answer(429), spent: spent({ rateLimited: 2 }) }, retry('rate-limited', 800, { rateLimited: 3 })],
    ['a 429 waits at most maxDelayMs', { result: answer(429, { 'retry-after': '3600' }) }, retry('rate-limited', 10_000, { rateLimited: 1 })],
    ['a 429 to a POST (it did not run)', { method: 'POST', result: answer(429) }, retry('rate-limited', 200, { rateLimited: 1 })],
    ['a 429 while the breaker is open', { result: answer(429), stopRetrying: true }, retry('rate-limited', 200, { rateLimited: 1 })],
    ['a 429 after the 8 rate-limit retries', { result: answer(429), spent: spent({ rateLimited: 8 }) }, fail('status', false)],
    ['a 429 keeps the other counts', { result: answer(429), spent: spent({ serverErrors: 2, staleTokens: 1 }) }, retry('rate-limited', 200, { rateLimited: 1, serverErrors: 2, staleTokens: 1 })],
    // 5xx: only requests safe to repeat, within the budget, while retrying can help
    ['a 503 to a GET', { result: answer(503) }, retry('server-error', 200, { serverErrors: 1 })],
    ['a 503 with Retry-After', { result: answer(503, { 'retry-after': '1' }) }, retry('server-error', 1000, { serverErrors: 1 })],
    ['a 500 to a PATCH', { method: 'PATCH', result: answer(500) }, retry('server-error', 200, { serverErrors: 1 })],
    ['a 500 to a DELETE', { method: 'DELETE', result: answer(500) }, retry('server-error', 200, { serverErrors: 1 })],
    ['a 500 to the token request', { method: 'POST', tokenRequest: true, result: answer(500) }, retry('server-error', 200, { serverErrors: 1 })],
    ['a 503 to a POST: may have run, never repeated', { method: 'POST', result: answer(503) }, fail('status', true)],
    ['a 500 after the 4 server retries', { result: answer(500), spent: spent({ serverErrors: 4 }) }, fail('status', false)],
    ['a 500 while the breaker is open', { result: answer(500), stopRetrying: true }, fail('status', false)],
    // no answer: the same budget as 5xx; a write's outcome is unknown unless it never reached the server
    ['a reset GET', { result: lost }, retry('no-answer', 200, { serverErrors: 1 })],
    ['a reset PATCH, second time', { method: 'PATCH', result: lost, spent: spent({ serverErrors: 1 }) }, retry('no-answer', 400, { serverErrors: 2 })],
    ['a reset token request', { method: 'POST', tokenRequest: true, result: lost }, retry('no-answer', 200, { serverErrors: 1 })],
    ['a POST whose reply was lost', { method: 'POST', result: lost }, fail('no-answer', true)],
    ['a GET after the 4 retries', { result: lost, spent: spent({ serverErrors: 4 }) }, fail('no-answer', false)],
    ['a DELETE after the 4 retries', { method: 'DELETE', result: lost, spent: spent({ serverErrors: 4 }) }, fail('no-answer', true)],
    ['a reset DELETE while the breaker is open', { method: 'DELETE', result: lost, stopRetrying: true }, fail('no-answer', true)],
    ['an unknown host (GET)', { result: unreachable }, fail('no-answer', false)],
    ['an unknown host (POST): it did nothing', { method: 'POST', result: unreachable }, fail('no-answer', false)],
    ['an unknown host for the token request', { method: 'POST', tokenRequest: true, result: unreachable }, fail('no-answer', false)],
    // 401: another request's newer token first (3 times), then one renewal, then the error
    ['a 401 to a token already replaced', { result: answer(401), tokenReplaced: true }, { action: 'retry-with-newer-token', spent: spent({ staleTokens: 1 }) }],
    ['a 401 to a replaced token, third time', { result: answer(401), tokenReplaced: true, spent: spent({ staleTokens: 2 }) }, { action: 'retry-with-newer-token', spent: spent({ staleTokens: 3 }) }],
    ['a 401 to a replaced token, fourth time', { result: answer(401), tokenReplaced: true, spent: spent({ staleTokens: 3 }) }, { action: 'renew-token' }],
    ['a 401 to the current token', { result: answer(401) }, { action: 'renew-token' }],
    ['a 401 to a POST (it did not run)', { method: 'POST', result: answer(401) }, { action: 'renew-token' }],
    ['a 401 after the one renewal', { result: answer(401), tokenRenewed: true }, fail('status', false)],
    ['a 401 to a renewed request whose token was replaced', { result: answer(401), tokenRenewed: true, tokenReplaced: true }, { action: 'retry-with-newer-token', spent: spent({ staleTokens: 1 }) }],
    ['a 401 to a token given as is', { result: answer(401), tokenRenewable: false }, fail('status', false)],
    ['a 401 to the token request (wrong secret)', { method: 'POST', tokenRequest: true, result: answer(401) }, fail('status', false)],
    ['a 403', { result: answer(403) }, fail('status', false)],
  ];

  it.each(rows)('%s', (_situation, question, expected) => {
    expect(ask(question)).toEqual(expected);
  });

  it('draws jitter only when it waits without a Retry-After', () => {
    let draws = 0;
    const random = () => (draws++, 0.5);
    ask({ random, result: answer(200) });
    ask({ random, result: answer(429, { 'retry-after': '1' }) });
    ask({ random, result: answer(401) });
    expect(draws).toBe(0);
    ask({ random, result: answer(429) });
    expect(draws).toBe(1);
  });
});

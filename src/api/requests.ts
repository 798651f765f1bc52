// One Management API request with got, tried until retryDecision (retry.ts) says to stop: each
// attempt takes a token and a rate-limiter slot, is reported to onRequest, and its answer feeds the
// rate limiter. The rules of when to retry live in retry.ts; this loop only carries them out.
import { got, RequestError, type Got, type Options, type Response } from 'got';
import { ApiError } from '../errors.js';
import type { Clock } from './clock.js';
import type { Endpoint } from './domain.js';
import { redirectError, showPath, statusError, type Request } from './failures.js';
import { explainNetworkError, type NetworkProblem } from './network-error.js';
import { RateLimiter, readRateLimitHeaders } from './ratelimit.js';
import type { Redactor } from './redact.js';
import { NO_RETRIES_SPENT, retryDecision, type AttemptResult, type RetriesSpent, type RetryDecision, type RetryPolicy } from './retry.js';
import type { TokenSource } from './token.js';

export interface RequestEvent {
  method: string;
  /** Path and query; never carries a secret. */
  path: string;
  status: number | string;
  ms: number;
  attempt: number;
}

export interface Call extends Request {
  /** The body; a function is called again for each attempt (a client assertion is accepted once). */
  json?: unknown;
  /** Statuses that are answers rather than errors (e.g. 404 when looking up). */
  accept?: number[];
  /** The organization client-grant endpoints: their own, much smaller rate limit. */
  organizationLimit?: boolean;
  /** A page of a listing: the pages its listing has left (pagesLeft). The highest gets the rate limit's tokens first. */
  priority?: number;
}

export interface RequestsOptions {
  endpoint: Endpoint;
  redactor: Redactor;
  timeoutMs: number;
  policy: RetryPolicy;
  clock: Clock;
  random: () => number;
  maxRequestsPerSecond?: number;
  dnsLookup?: Options['dnsLookup'];
  onRequest?: (event: RequestEvent) => void;
  /** True once retrying cannot help (apply's circuit breaker is open): network errors and 5xx then fail at once. */
  stopRetrying?: () => boolean;
  /** Cancels every request, in flight or not yet sent (a plan whose files turned out bad). Waits use `clock`. */
  signal?: AbortSignal;
}

/** What one attempt came to, with what the retry policy needs to know about it. */
type Attempt = { token: string | undefined } & ({ res: Response<string> } | { error: unknown; problem: NetworkProblem | undefined });

export class Requests {
  readonly tokens: TokenSource;
  private readonly http: Got;
  /** The Management API's rate limit, and the organization client-grant endpoints' own. */
  readonly limiter: RateLimiter;
  private readonly organizationLimiter: RateLimiter;
  /** Moving average of successful GET round trips (ms); undefined until the first one. */
  private readLatency: number | undefined;
  /** Whether the server has answered any request (a refused connection is then worth retrying). */
  private answered = false;

  /** `tokens` is built with this object's `send`, which token requests go through too. */
  constructor(
    private readonly options: RequestsOptions,
    tokens: (send: (call: Call) => Promise<Response<string>>) => TokenSource,
  ) {
    this.limiter = new RateLimiter(options.clock, options.maxRequestsPerSecond);
    this.organizationLimiter = new RateLimiter(options.clock, options.maxRequestsPerSecond);
    this.http = got.extend({
      prefixUrl: options.endpoint.baseUrl,
      throwHttpErrors: false,
      // Retries are ours: got would retry a POST after a lost reply, and it knows nothing of x-ratelimit-*.
      retry: { limit: 0 },
      // Never follow a redirect: a 307 would re-send the token request's body (the client secret) or the
      // bearer token to wherever the Location points. A 3xx is reported by send(), not retried.
      followRedirect: false,
      timeout: { request: options.timeoutMs },
      ...(options.dnsLookup ? { dnsLookup: options.dnsLookup } : {}),
      responseType: 'text',
      headers: { 'user-agent': 'grantsync', accept: 'application/json' },
    });
    this.tokens = tokens((call) => this.send(call));
  }

  /** Moving average of successful GET round trips (ms); 0 before the first. */
  get readLatencyMs(): number {
    return this.readLatency ?? 0;
  }

  /** Sends `call` until it succeeds or retryDecision gives up; the answer, or an ApiError. */
  async send(call: Call, tokenRenewed = false): Promise<Response<string>> {
    let spent: RetriesSpent = NO_RETRIES_SPENT;
    // The token endpoint is the Authentication API, with limits of its own: it neither waits for
    // nor feeds the Management API's limiter.
    const limiter = call.tokenRequest ? undefined : call.organizationLimit ? this.organizationLimiter : this.limiter;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(call, limiter, attempt, spent);
      const decision = this.decide(call, outcome, spent, tokenRenewed);
      switch (decision.action) {
        case 'accept':
          if ('res' in outcome) return outcome.res;
          throw new Error('retryDecision accepted a request that got no answer');
        case 'renew-token':
          this.tokens.invalidate(outcome.token!);
          return this.send(call, true);
        case 'retry-with-newer-token':
          spent = decision.spent;
          continue;
        case 'retry':
          spent = decision.spent;
          if (decision.after === 'rate-limited' && limiter) {
            // The limiter holds every request (this one too, by its priority) until then.
            limiter.exhausted(this.options.clock.now() + decision.delayMs);
            continue;
          }
          await this.options.clock.sleep(decision.delayMs);
          continue;
        case 'fail':
          throw this.failure(call, outcome, decision);
      }
    }
  }

  /** One attempt: a token, a rate-limiter slot, the request, and its report to onRequest. */
  private async attempt(call: Call, limiter: RateLimiter | undefined, attempt: number, spent: RetriesSpent): Promise<Attempt> {
    const { clock, onRequest } = this.options;
    this.options.signal?.throwIfAborted();
    const token = call.tokenRequest ? undefined : await this.tokens.get();
    // Built before the request, not inside its try: a body that cannot be built is not a network error.
    const json: unknown = typeof call.json === 'function' ? await (call.json as () => Promise<unknown>)() : call.json;
    const flight = await limiter?.acquire(call.priority ?? 0);
    const started = clock.now();
    const event = { method: call.method, path: showPath(call), attempt };
    let res: Response<string>;
    try {
      res = await this.http(call.path, {
        method: call.method,
        searchParams: call.searchParams,
        json,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        signal: this.options.signal,
      });
    } catch (error) {
      limiter?.settle(undefined, true, flight);
      this.options.signal?.throwIfAborted();
      onRequest?.({ ...event, status: error instanceof RequestError ? error.code : 'ERROR', ms: clock.now() - started });
      return { token, error, problem: this.explain(call, error, spent) };
    }
    this.answered = true;
    limiter?.settle(readRateLimitHeaders(res.headers), res.statusCode !== 429, flight);
    onRequest?.({ ...event, status: res.statusCode, ms: clock.now() - started });
    // Redirects are refused, so only a 2xx (or an accepted 4xx, which is not below 400) counts.
    if (call.method === 'GET' && res.statusCode < 300) this.observeReadLatency(clock.now() - started);
    return { res, token };
  }

  private decide(call: Call, outcome: Attempt, spent: RetriesSpent, tokenRenewed: boolean): RetryDecision {
    const result: AttemptResult =
      'res' in outcome
        ? { kind: 'answer', status: outcome.res.statusCode, headers: outcome.res.headers }
        : { kind: 'no-answer', permanent: outcome.problem?.permanent === true };
    const { token } = outcome;
    return retryDecision({
      method: call.method,
      tokenRequest: call.tokenRequest === true,
      accept: call.accept ?? [],
      result,
      spent,
      tokenRenewed,
      tokenReplaced: token !== undefined && this.tokens.isReplaced(token),
      tokenRenewable: this.tokens.renewable,
      stopRetrying: this.options.stopRetrying?.() === true,
      now: this.options.clock.now(),
      random: this.options.random,
      policy: this.options.policy,
    });
  }

  private explain(call: Call, error: unknown, spent: RetriesSpent): NetworkProblem | undefined {
    return explainNetworkError(error, {
      baseUrl: this.options.endpoint.baseUrl,
      request: `${call.method} /${call.path}`,
      timeoutMs: this.options.timeoutMs,
      attempts: spent.serverErrors + 1,
      answeredBefore: this.answered,
    });
  }

  private failure(call: Call, outcome: Attempt, decision: RetryDecision & { action: 'fail' }): ApiError {
    const { redactor, endpoint } = this.options;
    if ('res' in outcome) {
      return decision.because === 'redirect'
        ? redirectError(call, outcome.res, endpoint.baseUrl, decision.outcomeUnknown, redactor)
        : statusError(call, outcome.res, decision.outcomeUnknown, redactor);
    }
    const { error, problem } = outcome;
    const code = error instanceof RequestError ? error.code : 'ERROR';
    return new ApiError({
      message: redactor.redact(problem?.message ?? `${call.method} /${showPath(call)} failed: ${code} (${(error as Error).message})`),
      ...(problem?.hint ? { hint: redactor.redact(problem.hint) } : {}),
      method: call.method,
      path: `/${showPath(call)}`,
      outcomeUnknown: decision.outcomeUnknown,
      errorCode: code,
      cause: error,
    });
  }

  private observeReadLatency(ms: number): void {
    this.readLatency = this.readLatency === undefined ? ms : 0.8 * this.readLatency + 0.2 * ms;
  }
}

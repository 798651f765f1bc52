// A client-side limiter fed by Auth0's x-ratelimit-* headers, plus an optional fixed cap.
import type { Clock } from './clock.js';

export interface RateLimitHeaders {
  limit?: number;
  remaining?: number;
  /** Epoch milliseconds at which more tokens are added. */
  resetAt?: number;
}

export function readRateLimitHeaders(headers: Record<string, string | string[] | undefined>): RateLimitHeaders {
  const num = (name: string): number | undefined => {
    const raw = headers[name];
    const value = Number(Array.isArray(raw) ? raw[0] : raw);
    return raw === undefined || !Number.isFinite(value) ? undefined : value;
  };
  const reset = num('x-ratelimit-reset');
  return { limit: num('x-ratelimit-limit'), remaining: num('x-ratelimit-remaining'), resetAt: reset === undefined ? undefined : reset * 1000 };
}

/** A request acquire let through, until its settle. */
export interface Flight {
  readonly priority: number;
  readonly at: number;
}

interface Ticket {
  priority: number;
  order: number;
}

/**
 * Spends the tokens the server says are left and, when they run out, waits.
 * It learns the refill rate from consecutive answers (tokens now = tokens then
 * − requests counted since + refill), so it can pace requests one token at a
 * time instead of idling until the whole-second reset. Until it knows the
 * rate, an empty bucket waits for the reset the server announced; those
 * waiting then go, and the next answer says how much came back. After a
 * 429, every request waits in acquire for the time the retry rules chose.
 * A fixed cap in requests per second applies on top when configured.
 */
export class RateLimiter {
  static readonly PROBE_MS = 100;
  /** How long an empty bucket waits before trying when the announced reset is more than a second away. */
  static readonly FAR_RESET_PROBE_MS = 1000;
  /** The longest single sleep in acquire (it then looks again). */
  static readonly MAX_SLEEP_MS = 60_000;
  static readonly MIN_SAMPLE_MS = 30;
  /** Wait this long past an announced reset: the server's clock and ours are not the same clock. */
  static readonly RESET_MARGIN_MS = 10;
  /** Tokens we believe are left; undefined until the server tells us. */
  private remaining: number | undefined;
  private limit = Infinity;
  private resetAt = 0;
  private refillPerMs = 0;
  private creditedAt = 0;
  private inFlight = 0;
  private sample: { at: number; remaining: number; finished: number } | undefined;
  private finished = 0;
  private nextSlot = 0;
  /** When waiters try an empty bucket whose announced reset is far (see tokenWait). */
  private probeAt: number | undefined;
  /** After a 429, no request before this (epoch ms): what the server asked for, or the back-off. */
  private notBefore = 0;
  /** Requests waiting in acquire, and a counter that orders their arrivals. */
  private readonly waiting = new Set<Ticket>();
  /** The requests in flight: their priority and when they were sent. */
  private readonly flying: Flight[] = [];
  /** The round trip of a request, as measured (smoothed); 0 until one has been. */
  private roundTripMs = 0;
  private arrivals = 0;
  private readonly minIntervalMs: number;
  /**
   * Auth0 documents its buckets as refilled at the top of each second: in one lump at the reset
   * its headers announce, not continuously. Counting continuous refill against such a bucket spends
   * tokens that are not there yet, a 429 every second. The two are told apart by what the server
   * reports between resets: answers that share one `x-ratelimit-reset` show tokens coming back
   * only if the bucket refills continuously. `window` is the current run of such answers.
   */
  private window: { resetAt: number; at: number; remaining: number; finished: number; endAt: number; endRemaining: number; endFinished: number } | undefined;
  /** For the last windows long enough to tell: did tokens come back within it (false) or not (true)? */
  private lumpVotes: boolean[] = [];
  /** 429s since the refill rate was learned: rare against a continuous bucket, one a second against lumps. */
  private surprises = 0;
  /** Answers that named the same reset as the one before: resets announced per whole second, not per answer. */
  private sharedResets = 0;
  private lastResetAt = 0;
  /** Tokens added at each reset, as seen when a reset passed (lump buckets only). */
  private lump = 0;
  /**
   * True once an answer showed the bucket at or below PRESSED_SHARE of its size, or a 429. Until
   * then the limit has not constrained this run (a large bucket, or few requests), and the refill
   * "learned" from a bucket that stays full is only our own request rate.
   */
  private pressed = false;
  static readonly PRESSED_SHARE = 0.8;

  constructor(
    private readonly clock: Clock,
    maxRequestsPerSecond?: number,
  ) {
    // One comparison (0, negative and absent all mean no cap): `x && x > 0` hid its `>` from any test.
    const cap = maxRequestsPerSecond ?? 0;
    this.minIntervalMs = cap > 0 ? 1000 / cap : 0;
  }

  /**
   * Waits for a token. Every acquire must be followed by one `settle`. Among waiting requests the
   * tokens go to the highest `priority` first, then in arrival order. A listing's page passes the
   * pages its listing has left (pagesLeft in pages.ts): checkpoint pages come one after another, so
   * the listing with the most left is the chain of round trips that decides when the reads end.
   * Served in wake-up order instead, a long listing whose next request arrives just after a lump
   * waits a second for every page while shorter listings spend the lumps.
   */
  async acquire(priority = 0): Promise<Flight> {
    const ticket = { priority, order: this.arrivals++ };
    this.waiting.add(ticket);
    try {
      for (;;) {
        const now = this.clock.now();
        this.credit(now);
        const waitingAhead = this.waitingAhead(ticket);
        const ahead = waitingAhead + this.heldFor(ticket, now);
        const wait = Math.max(this.nextSlot + ahead * this.minIntervalMs - now, this.notBefore - now, this.tokenWait(now, ahead, waitingAhead));
        if (wait <= 0) break;
        // Looked at again at least every MAX_SLEEP_MS: no wait outlives a minute unexamined, and none
        // reaches setTimeout's 2^31 ms limit (past it, Node waits 1 ms: a busy loop).
        await this.clock.sleep(Math.min(wait, RateLimiter.MAX_SLEEP_MS));
      }
    } finally {
      this.waiting.delete(ticket);
    }
    const now = this.clock.now();
    if (this.remaining !== undefined) this.remaining -= 1;
    if (this.minIntervalMs > 0) this.nextSlot = Math.max(now, this.nextSlot) + this.minIntervalMs;
    this.inFlight++;
    const flight: Flight = { priority, at: now };
    this.flying.push(flight);
    return flight;
  }

  /**
   * Tokens this request must leave to others: one for each waiting request served first (a higher
   * priority, or as high and earlier), and, when a page of a higher priority is in flight, the tokens
   * its listing can spend before the next refill (one per round trip until the next lump; one at
   * least): that listing asks for its next page as soon as the answer is in, and must not find the
   * lump spent by shorter ones. Held for one such listing only, and looked at again after each round
   * trip (tokenWait), so that tokens are never left unspent for long while listings wait.
   */
  private waitingAhead(ticket: Ticket): number {
    let ahead = 0;
    for (const other of this.waiting) {
      if (other.priority > ticket.priority || (other.priority === ticket.priority && other.order < ticket.order)) ahead++;
    }
    return ahead;
  }

  private heldFor(ticket: Ticket, now: number): number {
    if (!this.flying.some((request) => request.priority > ticket.priority)) return 0;
    return this.refillsInLumps() && this.roundTripMs > 0 ? Math.max(1, Math.ceil((this.resetAt - now) / this.roundTripMs)) : 1;
  }


  /**
   * Feeds the headers of the answer to an acquired request (any status, or none after a network
   * error). `consumed` is false for a 429: the server spent no token on it. `flight`: what acquire
   * returned for it (without it, the oldest request of priority 0, as callers that never pass one
   * acquire).
   */
  settle(headers: RateLimitHeaders = {}, consumed = true, flight?: Flight): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.probeAt = undefined;
    const index = flight === undefined ? this.flying.findIndex((f) => f.priority === 0) : this.flying.indexOf(flight);
    const [landed] = index >= 0 ? this.flying.splice(index, 1) : [];
    if (consumed) this.finished++;
    if (headers.remaining === undefined) return;
    // The round trip of answers only: a time-out or a reset connection says nothing about the next page.
    if (landed) {
      const roundTrip = this.clock.now() - landed.at;
      this.roundTripMs = this.roundTripMs === 0 ? roundTrip : 0.8 * this.roundTripMs + 0.2 * roundTrip;
    }
    const now = this.clock.now();
    if (headers.limit !== undefined) this.limit = headers.limit;
    if (headers.remaining <= this.limit * RateLimiter.PRESSED_SHARE) this.pressed = true;
    if (headers.resetAt !== undefined) this.resetAt = headers.resetAt;
    const last = this.sample;
    if (!last) {
      this.sample = { at: now, remaining: headers.remaining, finished: this.finished };
    } else {
      // tokens now = tokens then − requests counted since + refill; solve for the refill. The
      // server reports whole tokens, so wait for a window that holds enough of them to be exact.
      const elapsed = now - last.at;
      const refill = headers.remaining - last.remaining + (this.finished - last.finished);
      if (elapsed >= RateLimiter.MIN_SAMPLE_MS && (refill >= 10 || elapsed >= 1000)) {
        // A bucket that was full the whole time says nothing about its refill rate.
        if (refill > 0 && last.remaining < this.limit) {
          const rate = refill / elapsed;
          this.refillPerMs = this.refillPerMs === 0 ? rate : 0.7 * this.refillPerMs + 0.3 * rate;
        }
        this.sample = { at: now, remaining: headers.remaining, finished: this.finished };
      }
    }
    if (headers.resetAt !== undefined) this.observeWindow(now, headers.remaining, headers.resetAt);
    // Requests still in flight are not in the server's count yet: spend them now.
    this.remaining = headers.remaining - this.inFlight;
    this.creditedAt = now;
  }

  /**
   * The rate the server lets requests through, as far as we know: the learned refill (capped by
   * the fixed limit), Infinity when no answer has carried rate-limit headers or the bucket has never
   * run low (see `pressed`), undefined when the server limits us but the refill is not learned yet.
   */
  requestsPerSecond(): number | undefined {
    const cap = this.minIntervalMs > 0 ? 1000 / this.minIntervalMs : Infinity;
    if (this.sample === undefined || !this.pressed) return cap;
    if (this.refillPerMs > 0) return Math.min(cap, this.refillPerMs * 1000);
    return this.minIntervalMs > 0 ? cap : undefined;
  }

  /** True once the answers show tokens arriving only at resets (see `window`). */
  private refillsInLumps(): boolean {
    if (this.lump <= 0) return false;
    // Until three windows have voted: a window that saw no token come back, or 429s the rate does not
    // explain (slow buckets seldom give a window long enough to vote), and answers that share their
    // reset (one that moves with every answer is a continuous bucket's).
    if (this.lumpVotes.length < 3) return (this.lumpVotes.length > 0 || this.surprises >= 3) && this.sharedResets >= 3 && !this.lumpVotes.includes(false);
    return this.lumpVotes.filter(Boolean).length >= 0.75 * this.lumpVotes.length;
  }

  private observeWindow(now: number, remaining: number, resetAt: number): void {
    if (resetAt === this.lastResetAt) this.sharedResets++;
    this.lastResetAt = resetAt;
    // A full bucket hides its refill either way: only answers below the cap say anything.
    const belowCap = remaining < this.limit - 1;
    const w = this.window;
    if (w && w.resetAt === resetAt && belowCap) {
      w.endAt = now;
      w.endRemaining = remaining;
      w.endFinished = this.finished;
      return;
    }
    // A window votes when a continuous refill would have brought back at least two tokens in it.
    if (w && this.refillPerMs * (w.endAt - w.at) >= 2) {
      // Tokens that came back between two answers under one reset (requests counted in between added back).
      const gained = w.endRemaining - w.remaining + (w.endFinished - w.finished);
      this.lumpVotes = [...this.lumpVotes.slice(-7), gained < 0.3 * this.refillPerMs * (w.endAt - w.at)];
    }
    if (w && resetAt > w.resetAt) {
      const jump = remaining - w.endRemaining + (this.finished - w.endFinished);
      if (jump > 0) this.lump = this.lump === 0 ? jump : 0.7 * this.lump + 0.3 * jump;
    }
    this.window = belowCap ? { resetAt, at: now, remaining, finished: this.finished, endAt: now, endRemaining: remaining, endFinished: this.finished } : undefined;
  }

  /**
   * After a 429: nothing is left, no request goes before `until` (epoch ms: Retry-After, the reset, or
   * the back-off), and the refill was slower than we thought. The request that met the 429 waits for
   * `until` in acquire with the others, by its priority, not in a sleep of its own.
   */
  exhausted(until: number): void {
    this.pressed = true;
    if (this.refillPerMs > 0) this.surprises++;
    this.remaining = Math.min(this.remaining ?? 0, 0);
    this.notBefore = Math.max(this.notBefore, until);
    // A reset announced before the 429 has passed and was spent: the next one is no earlier than this.
    // (A 429 that announced its own reset has set it already.)
    if (this.resetAt > 0 && this.resetAt <= this.clock.now()) this.resetAt = until;
    this.creditedAt = this.clock.now();
    this.refillPerMs *= 0.7;
  }

  private credit(now: number): void {
    if (this.remaining === undefined) return;
    if (this.refillsInLumps()) {
      // One lump at each reset the server announced (every answer names the next one).
      if (this.resetAt > 0 && now >= this.resetAt + RateLimiter.RESET_MARGIN_MS) {
        const resets = 1 + Math.floor((now - this.resetAt - RateLimiter.RESET_MARGIN_MS) / 1000);
        // The learned rate bounds the lump from below: a lump misread as small must not starve the run.
        this.remaining = Math.min(this.limit, this.remaining + resets * Math.max(this.lump, this.refillPerMs * 1000));
        this.resetAt += resets * 1000;
      }
      this.creditedAt = Math.max(this.creditedAt, now);
      return;
    }
    if (this.refillPerMs > 0 && now > this.creditedAt) {
      this.remaining = Math.min(this.limit, this.remaining + (now - this.creditedAt) * this.refillPerMs);
    }
    this.creditedAt = Math.max(this.creditedAt, now);
  }

  /** How long until a token is left over for this request after the `ahead` requests served first. */
  private tokenWait(now: number, ahead: number, waitingAhead: number): number {
    // Unknown (no answer yet, or a reset just passed): those waiting go, the highest priority first.
    if (this.remaining === undefined) return waitingAhead > 0 ? 1 : 0;
    if (this.remaining - ahead >= 1) return 0;
    // Tokens are left but held for requests served first: look again after a round trip, when the
    // deeper page's answer is in (its listing may have ended, releasing them) or those ahead have
    // taken theirs; not at the next reset, which would leave them unspent for up to a second.
    const recheck = Math.max(1, Math.min(RateLimiter.PROBE_MS, this.roundTripMs > 0 ? this.roundTripMs : RateLimiter.PROBE_MS));
    if (this.remaining >= 1) return recheck;
    // A bucket refilled each second announces its reset at most a second ahead. One further away (a
    // per-minute bucket, a clock far off, a reset sent in ms) is not waited for blindly.
    const untilReset = this.resetAt + RateLimiter.RESET_MARGIN_MS - now;
    const resetNear = untilReset <= 1000 + RateLimiter.RESET_MARGIN_MS;
    if (this.refillsInLumps() && resetNear) return Math.max(1, untilReset);
    if (this.refillPerMs > 0) return Math.max(1, (1 + ahead - this.remaining) / this.refillPerMs);
    // The refill is not known yet. Before the reset the server announced, a bucket refilled in lumps
    // (Auth0's) still has nothing: a request then only meets a 429. After it, the server has refilled;
    // the next answer says by how much. A far reset: look again after FAR_RESET_PROBE_MS.
    if (untilReset > 0 && resetNear) return untilReset;
    if (untilReset > 0) {
      this.probeAt ??= now + RateLimiter.FAR_RESET_PROBE_MS;
      if (now < this.probeAt) return this.probeAt - now;
    }
    this.probeAt = undefined;
    this.remaining = undefined;
    return waitingAhead > 0 ? 1 : 0;
  }
}

// Apply stops when continuing cannot help. Two things open the breaker: a change refused with 401 or
// 403 (the HTTP client has already renewed the token once, so a new token did not cure it: every
// other write would be refused the same way), and CONNECTION_FAILURE_THRESHOLD requests in a row
// that found no server (refused, unreachable, unresolvable, timed out). Once open, apply starts no
// new change, the changes in flight stop retrying and finish, and the tenant is not re-read.
// A reset connection does not count: a lost reply is a reset too, and apply recovers from it.
import { ApiError } from '../errors.js';

/** Requests in a row that could not connect at all before apply stops starting changes. */
export const CONNECTION_FAILURE_THRESHOLD = 5;

/** got's error codes for "there is no server to talk to" (not ECONNRESET: see above). */
const NO_SERVER = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNABORTED']);

export class Breaker {
  private consecutive = 0;
  /** Why apply stopped starting changes; undefined while it goes on. */
  reason: string | undefined;

  get open(): boolean {
    return this.reason !== undefined;
  }

  /** Every request's outcome: its HTTP status, or the network error code when no answer came. */
  request(status: number | string): void {
    if (typeof status === 'number') {
      this.consecutive = 0;
      return;
    }
    if (!NO_SERVER.has(status)) return;
    if (++this.consecutive >= CONNECTION_FAILURE_THRESHOLD) {
      this.trip(`${CONNECTION_FAILURE_THRESHOLD} requests in a row could not reach the Management API (${status})`);
    }
  }

  /** A change that failed: a 401 or 403 (after the client's one token renewal) stops the rest. */
  failed(error: Error): void {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      this.trip(`the Management API refused a write with ${error.status}${error.errorCode ? ` (${error.errorCode})` : ''}, and a renewed token did not help`);
    }
  }

  private trip(reason: string): void {
    this.reason ??= reason;
  }
}

// Seeded fault injection: 503s, reset connections, lost replies, tokens that die early, random latency.
// The dice are seeded so that a run can be replayed; the order in which they are drawn is part of that.
import type { StatsRecorder } from './stats.js';

export interface FaultOptions {
  /** Seed of the fault dice, for reproducible runs. */
  seed?: number;
  /** Share of API requests answered 503 before they run. */
  serverErrorRate?: number;
  /** Share of API requests whose connection is reset before they run. */
  resetRate?: number;
  /** Share of writes that are applied but whose reply is dropped (connection destroyed). */
  lostReplyRate?: number;
  /** Tokens stop working (401 expired) after this many API requests each, whatever their exp says. */
  tokenMaxUses?: number;
}

/** A small, seedable PRNG (mulberry32), so fault runs can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RATES = ['serverErrorRate', 'resetRate', 'lostReplyRate'] as const;
const COUNTS = ['seed', 'tokenMaxUses'] as const;
const KNOWN = new Set<string>([...RATES, ...COUNTS]);

/**
 * Checks fault options that arrive over HTTP. An empty body means "no faults". Anything else that is not
 * an object of known keys with rates in [0, 1] and whole non-negative counts is refused, so that a typo
 * (`"1"`, `-1`, `5`) cannot silently turn every request into a fault.
 */
export function parseFaults(value: unknown): { faults: FaultOptions } | { problem: string } {
  if (value === undefined) return { faults: {} };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'the body must be a JSON object of fault options' };
  const body = value as Record<string, unknown>;
  const unknown = Object.keys(body).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) return { problem: `unknown fault option ${unknown.join(', ')} (known: ${[...KNOWN].join(', ')})` };
  for (const key of RATES) {
    const rate = body[key];
    if (rate !== undefined && !(typeof rate === 'number' && rate >= 0 && rate <= 1)) return { problem: `${key} must be a number from 0 to 1` };
  }
  for (const key of COUNTS) {
    const count = body[key];
    if (count !== undefined && !(typeof count === 'number' && Number.isSafeInteger(count) && count >= 0)) return { problem: `${key} must be a whole number ≥ 0` };
  }
  return { faults: body as FaultOptions };
}

export class FaultInjector {
  private options: FaultOptions = {};
  private dice: () => number = seededRandom(1);
  private readonly tokenUses = new Map<string, number>();

  constructor(
    options: FaultOptions | undefined,
    private readonly stats: StatsRecorder,
  ) {
    this.set(options ?? {});
  }

  get current(): FaultOptions {
    return this.options;
  }

  /** New options restart the dice from their seed and forget token uses. */
  set(options: FaultOptions): void {
    this.options = { ...options };
    this.dice = seededRandom(this.options.seed ?? 1);
    this.tokenUses.clear();
  }

  /** A number in [0, 1) from the same dice, for latency ranges. */
  random(): number {
    return this.dice();
  }

  /** A fault that hits a request before it runs: its connection is reset, or it is answered 503. */
  beforeRequest(): 'reset' | 'server-error' | undefined {
    const { resetRate, serverErrorRate } = this.options;
    if (resetRate && this.dice() < resetRate) {
      this.stats.current.faults.resets++;
      return 'reset';
    }
    if (serverErrorRate && this.dice() < serverErrorRate) {
      this.stats.current.faults.serverErrors++;
      return 'server-error';
    }
    return undefined;
  }

  /** Whether the reply to a write that was applied is dropped. */
  loseReply(): boolean {
    const { lostReplyRate } = this.options;
    if (!lostReplyRate || this.dice() >= lostReplyRate) return false;
    this.stats.current.faults.lostReplies++;
    return true;
  }

  /** Counts one use of a token; true when it has been used more often than `tokenMaxUses` allows. */
  tokenUsedUp(tokenId: string): boolean {
    const max = this.options.tokenMaxUses;
    if (max === undefined) return false;
    const uses = (this.tokenUses.get(tokenId) ?? 0) + 1;
    this.tokenUses.set(tokenId, uses);
    if (uses <= max) return false;
    this.stats.current.faults.expiredTokens++;
    return true;
  }
}

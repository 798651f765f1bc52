// The emulator's sense of time, injectable so tests can advance it instead of waiting (rate-limit refills,
// token expiry).
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

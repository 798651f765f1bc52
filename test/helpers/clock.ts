// The suite's one fake clock: time moves only when a test advances it or when the code under test
// sleeps on it (the sleep returns at once, having moved the clock), and every sleep is recorded.
// It serves the HTTP client and its rate limiter (now, sleep) and the emulator (now).
export interface FakeClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  advance(ms: number): void;
  /** Every sleep asked for, in order, in ms. */
  readonly sleeps: number[];
}

export function fakeClock(start = 0): FakeClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

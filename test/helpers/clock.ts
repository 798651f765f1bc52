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

/** A clock whose sleeps end only when `run` moves time to them, earliest first. */
export function eventClock(start = 0) {
  let now = start;
  const timers: { at: number; seq: number; resolve: () => void }[] = [];
  let seq = 0;
  const settleMicrotasks = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + Math.max(0, ms), seq: seq++, resolve })),
    /** Fires timers in time order until `done()` or no timer is left; returns the time reached. */
    async run(done: () => boolean): Promise<number> {
      await settleMicrotasks();
      while (!done() && timers.length > 0) {
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers.shift()!;
        now = Math.max(now, next.at);
        next.resolve();
        await settleMicrotasks();
      }
      return now;
    },
  };
}

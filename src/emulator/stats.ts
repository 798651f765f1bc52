// The emulator's counters: what benchmarks and tests read back from `/__emulator/stats`.

export interface EmulatorStats {
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** Successful client-grant writes (POST 201, PATCH 200, DELETE 204). */
  writes: number;
  rateLimited: number;
  tokensIssued: number;
  maxConcurrency: number;
  faults: { serverErrors: number; resets: number; lostReplies: number; expiredTokens: number };
}

export function emptyStats(): EmulatorStats {
  return {
    requests: 0,
    byRoute: {},
    byStatus: {},
    writes: 0,
    rateLimited: 0,
    tokensIssued: 0,
    maxConcurrency: 0,
    faults: { serverErrors: 0, resets: 0, lostReplies: 0, expiredTokens: 0 },
  };
}

/** Counts requests as they are served; `current` is replaced (not cleared) on reset. */
export class StatsRecorder {
  current: EmulatorStats = emptyStats();
  private inFlight = 0;
  private readonly writeWaiters = new Set<{ writes: number; resolve: () => void }>();

  /** A connection's request started; returns the function to call when its response closes. */
  enter(): () => void {
    this.inFlight++;
    this.current.maxConcurrency = Math.max(this.current.maxConcurrency, this.inFlight);
    return () => {
      this.inFlight--;
    };
  }

  request(route: string): void {
    this.current.requests++;
    this.current.byRoute[route] = (this.current.byRoute[route] ?? 0) + 1;
  }

  status(status: number): void {
    const key = String(status);
    this.current.byStatus[key] = (this.current.byStatus[key] ?? 0) + 1;
  }

  /** A client-grant write succeeded. */
  write(): void {
    this.current.writes++;
    for (const waiter of [...this.writeWaiters]) {
      if (this.current.writes < waiter.writes) continue;
      this.writeWaiters.delete(waiter);
      waiter.resolve();
    }
  }

  /** Resolves once `writes` writes have succeeded since the last reset (no polling). */
  untilWrites(writes: number): Promise<void> {
    if (this.current.writes >= writes) return Promise.resolve();
    return new Promise((resolve) => this.writeWaiters.add({ writes, resolve }));
  }

  snapshot(): EmulatorStats {
    return structuredClone(this.current);
  }

  reset(): void {
    this.current = emptyStats();
  }
}

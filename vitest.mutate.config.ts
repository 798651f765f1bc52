// The in-process tests only, for `npm run mutate`: no suite here builds or spawns the CLI.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // The HTTP client's tests (nock, real timers, a 100 ms race between two requests) prove the edge,
    // not the core; under a mutation run's load the race can tip and abort the whole run.
    exclude: ['test/unit/http.test.ts'],
    testTimeout: 30_000,
    restoreMocks: true,
    maxWorkers: 1,
  },
});

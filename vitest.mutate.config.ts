// The in-process tests only, for `npm run mutate`: no suite here builds or spawns the CLI.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 30_000,
    restoreMocks: true,
    maxWorkers: 1,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    restoreMocks: true,
    // e2e suites spawn the CLI; two workers match the two cores here.
    maxWorkers: 2,
  },
});

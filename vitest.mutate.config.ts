// The in-process tests only, for `npm run mutate`: no suite here builds or spawns the CLI.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Stryker runs the test files that cover a mutant and stops at the first failure. Vitest's own order
 * (the file that failed last, then the longest) makes a killed mutant pay for the slowest file (the
 * diagram's, which loads jsdom and Mermaid), and a slow file that killed one mutant would go first for
 * every next one; here the quickest file goes first, always.
 */
class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const result = (file: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`);
    return [...files].sort((a, b) => {
      const x = result(a);
      const y = result(b);
      return !x || !y ? 0 : x.duration - y.duration;
    });
  }
}

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // The HTTP client's tests (nock, real timers, a 100 ms race between two requests) prove the edge,
    // not the core; under a mutation run's load the race can tip and abort the whole run.
    // The generated validators' text check: Stryker's sandbox rewrites source files, so it differs there.
    exclude: ['test/unit/http.test.ts', 'test/unit/schema-validators-sync.test.ts'],
    testTimeout: 30_000,
    restoreMocks: true,
    maxWorkers: 1,
    sequence: { sequencer: QuickestFirst },
  },
});

// Mutation testing of the pure core, apply and the rate limiter against the in-process tests
// (`npm run mutate`; not part of `npm test`, it takes minutes). End-to-end tests run the built CLI
// in a child process and cannot see a mutant without a rebuild, so they are left out.
// Equivalent mutants are marked where they live, with `// Stryker disable next-line <mutator>: reason`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/model/**/*.ts',
    'src/config/**/*.ts',
    // The filesystem edge of loading (readdir/readFile) is proven end to end.
    '!src/config/read.ts',
    '!src/config/schemas.ts',
    'src/resolve/**/*.ts',
    'src/diff/**/*.ts',
    'src/plan/**/*.ts',
    'src/render/**/*.ts',
    'src/export/**/*.ts',
    'src/apply/**/*.ts',
    'src/api/ratelimit.ts',
  ],
  // What the sandbox copies need not include reports (other runs' sandboxes) or builds.
  ignorePatterns: ['reports', 'dist', 'coverage'],
  coverageAnalysis: 'perTest',
  // Two cores shared by several people: one test process.
  concurrency: 1,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: 'reports/.stryker-tmp',
  cleanTempDir: 'always',
  timeoutMS: 10_000,
};

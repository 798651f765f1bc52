// Lint rules, and the dependency rule of style.md: the pure core never touches fs, network,
// process or the clock; only the edges (cli, api, config/read, github, emulator; benchmarks live in test/bench) do.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_MODULES = ['node:fs', 'node:fs/promises', 'node:http', 'node:https', 'node:net', 'node:child_process', 'got', '@actions/core'];

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'reports/**', 'node_modules/**', 'coverage/**', 'src/config/schema-validators.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  pureCore(['src/model/**'], ['../*']),
  pureCore(['src/plan/**'], ['../render/*', '../cli/*', '../api/*', '../apply/*']),
  pureCore(['src/resolve/**', 'src/diff/**'], ['../render/*', '../plan/*', '../cli/*', '../api/*', '../apply/*']),
  pureCore(['src/review/**', 'src/lint/**'], ['../render/*', '../cli/*', '../api/*', '../apply/*']),
  pureCore(['src/render/**', 'src/export/**'], ['../cli/*', '../api/*']),
  pureCore(['src/config/parse.ts', 'src/config/validate.ts', 'src/config/schema-problems.ts', 'src/config/schema-words.ts', 'src/config/grant-shape.ts', 'src/config/load.ts', 'src/config/vars.ts', 'src/apply/verify-reads.ts', 'src/util/**', 'src/api/retry.ts'], ['../cli/*']),
  // Rooms small enough to hold in one's head: modules under 300 lines, functions under 80 (code lines;
  // comments and blank lines do not count).
  {
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  // The HTTP edge sits below the pipeline: it may not reach back up into apply, plan or render.
  { files: ['src/api/**'], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../apply/*', '../plan/*', '../render/*', '../cli/*'], message: 'api/ is below the pipeline; move shared types to model/.' }] }] } },
);

/**
 * The dependency rule for one part of the pure core: no I/O modules, no process, no clock, no
 * randomness, and no imports from the layers above it (`upward`, as relative import patterns).
 */
function pureCore(files, upward) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.map((name) => ({ name, message: 'The pure core does no I/O: move this to an edge module.' })),
          patterns: [{ group: upward, message: 'This import runs back up the pipeline: move the shared part down (into model/).' }],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'The pure core never reads the process; pass values in.' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'The pure core has no clock.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The pure core has no clock: pass the time in.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'The pure core has no randomness: pass a random source in.' },
      ],
    },
  };
}

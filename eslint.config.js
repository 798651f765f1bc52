// Lint rules, and the dependency rule of style.md: the pure core never touches fs, network,
// process or the clock; only the edges (cli, api, config/read, github, emulator, bench) do.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_MODULES = ['node:fs', 'node:fs/promises', 'node:http', 'node:https', 'node:net', 'node:child_process', 'got', '@actions/core'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/model/**', 'src/resolve/**', 'src/diff/**', 'src/plan/**', 'src/render/**', 'src/config/parse.ts', 'src/config/validate.ts', 'src/config/load.ts', 'src/config/vars.ts', 'src/export/**', 'src/apply/verify-reads.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: IO_MODULES.map((name) => ({ name, message: 'The pure core does no I/O: move this to an edge module.' })) }],
      'no-restricted-globals': ['error', { name: 'process', message: 'The pure core never reads the process; pass values in.' }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'The pure core has no clock.' }],
    },
  },
);

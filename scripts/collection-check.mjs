// `npm run mutate:collection`: fails when a test file of `npm run mutate` calls into src/ while it
// loads (see test/mutation/collection-probe.config.ts for why that makes mutation testing slow).
/* global process, console */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const out = path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-collection-')), 'calls.txt');
const run = spawnSync('npx', ['vitest', 'run', '--config', 'test/mutation/collection-probe.config.ts'], {
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
  env: { ...process.env, GRANTSYNC_COLLECTION_PROBE_OUT: out },
});
if (run.status !== 0) {
  process.stderr.write(run.stderr ?? '');
  console.error('the in-process tests failed under the collection probe');
  process.exit(run.status ?? 1);
}
const calls = existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).sort() : [];
if (calls.length > 0) {
  console.log(`${calls.length} calls into src/ while test files load (each makes the mutants it reaches static):`);
  for (const call of calls) console.log(`  ${path.relative(process.cwd(), call.split(' → ')[0])} → ${call.split(' → ')[1]}`);
  console.log('Build those fixtures inside the tests (or in beforeEach).');
  process.exit(1);
}
console.log('No test file calls into src/ while it loads: every mutant a test reaches is attributed to it.');

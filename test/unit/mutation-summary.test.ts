// The weekly mutation job's summary: the score per file and overall, and a failure when any file is
// below 70 % (issue 18), whatever the overall score.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../scripts/mutation-summary.mjs', import.meta.url).pathname;
const mutants = (statuses: Record<string, number>) => Object.entries(statuses).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));

function summarize(files: Record<string, Record<string, number>>): { status: number | null; out: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'grantsync-mutation-'));
  const report = path.join(dir, 'mutation.json');
  writeFileSync(report, JSON.stringify({ files: Object.fromEntries(Object.entries(files).map(([f, s]) => [f, { mutants: mutants(s) }])) }));
  const run = spawnSync(process.execPath, [SCRIPT, report], { encoding: 'utf8' });
  return { status: run.status, out: run.stdout };
}

describe('scripts/mutation-summary.mjs', () => {
  it('scores each file and the whole (timeouts detected, equivalents left out), and passes at 70 % per file', () => {
    const { status, out } = summarize({
      'src/a.ts': { Killed: 6, Timeout: 1, Survived: 2, NoCoverage: 1, Ignored: 3 },
      'src/b.ts': { Killed: 10 },
    });
    expect(status).toBe(0);
    expect(out).toContain('**Mutation score: 85.0 %** (17 of 20 mutants detected)');
    expect(out).toContain('| src/a.ts | 70.0 % | 7 | 3 | 3 |');
    expect(out).toContain('| src/b.ts | 100.0 % | 10 | 0 | 0 |');
    expect(out).not.toContain('Below');
  });

  it('fails when one file is below 70 %, naming it, even with a high overall score', () => {
    const { status, out } = summarize({ 'src/a.ts': { Killed: 69, Survived: 31 }, 'src/b.ts': { Killed: 900 } });
    expect(out).toContain('**Mutation score: 96.9 %**');
    expect(out).toContain('**Below 70 % per file:** src/a.ts (69.0 %)');
    expect(status).toBe(1);
  });
});

// Issue 19: what scripts and people read. With --format json the errors are JSON on stdout too, and
// the printed plan carries the `format` of the --out file; --concurrency is offered only by apply,
// the only command that writes; a YAML indentation mistake is reported once, at its own line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/directory.js';
import { emulatorsClosedAfterEach } from '../helpers/emulator.js';

const withEmulator = emulatorsClosedAfterEach();

describe('--format json', () => {
  it('errors are JSON on stdout too, with file, line and column; stderr still says it for a person', async () => {
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\nmax_deletes: -1\n', 'a.yaml': 'grants: []\n' });
    const result = await runCli(['plan', '--dir', dir, '--format', 'json'], { env: { AUTH0_DOMAIN: 'http://127.0.0.1:9', AUTH0_ACCESS_TOKEN: 'opaque' } });
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { errors: { kind: string; file: string; line: number; column: number; message: string }[] };
    expect(parsed.errors).toEqual([expect.objectContaining({ kind: 'input', file: `${dir}/grantsync.yaml`, line: 2, column: 14 })]);
    expect(result.stderr).toContain(`${dir}/grantsync.yaml:2:14: error:`);
  });

  it('a refused apply is JSON too; the printed plan carries the format of the --out file', async () => {
    const started = await withEmulator();
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\nmax_deletes: 0\n', 'a.yaml': 'grants: []\n' });
    const refused = await runCli(['apply', '--dir', dir, '--format', 'json', '--quiet'], { env: started.env });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toEqual({ errors: [{ kind: 'refused', message: expect.stringContaining('more than max_deletes (0); nothing was changed') }] });

    const out = path.join(writeTree({}), 'plan.json');
    const plan = await runCli(['plan', '--dir', 'grants', '--format', 'json', '--quiet', '--out', out], { env: started.env });
    const printed = JSON.parse(plan.stdout) as { format: string };
    const saved = JSON.parse(readFileSync(out, 'utf8')) as { format: string; host: string };
    expect(printed.format).toBe('grantsync-plan/2');
    expect(printed.format).toBe(saved.format);
  });
});

describe('the command line', () => {
  it('--concurrency is an option of apply only', async () => {
    for (const command of ['validate', 'plan', 'export']) {
      const result = await runCli([command, '--concurrency', '4', '--dir', 'grants']);
      expect(result.code, command).toBe(1);
      expect(result.stderr).toContain("error: unknown option '--concurrency'");
    }
    expect((await runCli(['apply', '--help'])).stdout).toContain('--concurrency <n>');
  });

  it('a key indented too far is reported once, at its own line', async () => {
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'a.yaml': 'grants:\n  - client: a\n    audience: x\n     scope: [a]\n  - client: b\n    audience: y\n    scope: []\n' });
    const result = await runCli(['validate', '--offline', '--dir', dir, '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stderr.match(/\d: error: /g)).toHaveLength(1);
    expect(result.stderr).toContain(`${dir}/a.yaml:4:6: error: YAML syntax error: this line is indented further than the key above it`);
  });
});

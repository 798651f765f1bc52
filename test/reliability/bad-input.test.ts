// The bad-input corpus (test/fixtures/bad-input/*, written by test/fixtures/bad-input-generate.py): every case runs `grantsync apply` as a process
// against the emulator and must exit 1, name the file and line, print no stack trace, and write nothing.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { withEmulator, writeRequests } from '../helpers/emulator.js';

const CORPUS = 'test/fixtures/bad-input';
const cases = readdirSync(CORPUS).sort();
let emulator: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  ({ emulator, env } = await withEmulator());
});
afterAll(async () => {
  // Nothing in the whole corpus may have reached a write endpoint.
  expect(writeRequests(emulator)).toBe(0);
  await emulator.close();
});

function expectRefused(result: CliResult): void {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace
  expect(result.stderr).not.toContain('this is a bug');
  expect(result.stderr).toMatch(/nothing was changed\.\n$/);
}

describe.concurrent('bad input corpus', () => {
  it('holds at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases)('%s', async (name) => {
    const dir = `${CORPUS}/${name}/grants`;
    const { stderr: expected } = JSON.parse(readFileSync(`${CORPUS}/${name}/expect.json`, 'utf8')) as { stderr: string[] };
    const result = await runCli(['apply', '--dir', dir], { env });
    expectRefused(result);
    for (const line of expected) {
      // Expectations that start with a file name are relative to the case's grants directory.
      expect(result.stderr).toContain(/^[\w/.-]+\.ya?ml:\d+:\d+: /.test(line) ? `${dir}/${line}` : line);
    }
    // Every error line with a location names a file of this case.
    for (const line of result.stderr.split('\n').filter((l) => /^\S+:\d+:\d+: error:/.test(l))) expect(line.startsWith(`${dir}/`)).toBe(true);
  });

  it('a 10 MB file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grantsync-big-'));
    writeFileSync(path.join(dir, 'grantsync.yaml'), 'manage: all\n');
    writeFileSync(path.join(dir, 'big.yaml'), `grants:\n${'  - client: billing-worker\n    audience: https://api.example.com/payments\n    scope: [read:invoices]\n'.repeat(100_000)}`);
    const result = await runCli(['apply', '--dir', dir], { env });
    expectRefused(result);
    expect(result.stderr).toContain(`${dir}/big.yaml:1:1: error: file is too large (9.`);
  });

  it('an empty directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grantsync-empty-'));
    mkdirSync(path.join(dir, 'nothing-here'));
    const result = await runCli(['apply', '--dir', dir], { env });
    expectRefused(result);
    expect(result.stderr).toContain(`error: ${dir}/grantsync.yaml is missing`);
    expect(result.stderr).toContain(`error: no grant files (*.yaml, *.yml) found under ${dir}`);
  });

  it('a directory that does not exist', async () => {
    const result = await runCli(['apply', '--dir', 'no/such/dir'], { env });
    expectRefused(result);
    expect(result.stderr).toContain('error: grants directory no/such/dir does not exist or is not a directory');
  });
});

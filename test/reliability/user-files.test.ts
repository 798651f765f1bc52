// A file or directory the user named that cannot be read or written (plan --out into a missing
// directory, export into a path blocked by a file, a GitHub event file that is missing or not JSON)
// is the user's mistake: exit 1 with a message naming the path, the original error kept as `cause`;
// never "unexpected failure (this is a bug in grantsync)".
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onUserFile } from '../../src/cli/user-files.js';
import type { Emulator } from '../../src/emulator/server.js';
import { InputError } from '../../src/errors.js';
import { writeTree } from '../helpers/directory.js';
import { withEmulator } from '../helpers/emulator.js';
import { runInProcess } from '../helpers/inprocess.js';

let emulator: Emulator;
let env: Record<string, string>;
beforeAll(async () => ({ emulator, env } = await withEmulator()));
afterAll(() => emulator.close());

function expectUserError(result: { code: number | null; stderr: string }, ...named: string[]): void {
  expect(result.stderr).not.toContain('this is a bug');
  expect(result.stderr).toContain('1 problem found; nothing was changed');
  for (const text of named) expect(result.stderr).toContain(text);
  expect(result.code).toBe(1);
}

describe('files the user named', () => {
  it('plan --out into a directory that does not exist', async () => {
    const work = writeTree({ 'grants/grantsync.yaml': 'manage: all\n', 'grants/grants.yaml': 'grants: []\n' });
    const out = path.join(work, 'no', 'such', 'plan.json');
    const result = await runInProcess(['plan', '--dir', path.join(work, 'grants'), '--out', out], env);
    expectUserError(result, `cannot write the plan to ${out}: a directory on the path does not exist`);
    expect(existsSync(out)).toBe(false);
  });

  it('export into a directory whose path runs through a file', async () => {
    const work = writeTree({ 'blocker': 'a file, not a directory\n' });
    const dir = path.join(work, 'blocker', 'grants');
    const result = await runInProcess(['export', '--dir', dir], env);
    expectUserError(result, `cannot create the directory ${dir}: `);
  });

  it('plan --comment with an event file that is missing, or not JSON', async () => {
    const work = writeTree({ 'grants/grantsync.yaml': 'manage: all\n', 'grants/grants.yaml': 'grants: []\n', 'event.json': '{ "pull_request": ' });
    const github = { GITHUB_TOKEN: 'ghs_unused', GITHUB_REPOSITORY: 'acme/grants', GITHUB_API_URL: 'http://127.0.0.1:9' };
    const plan = (eventPath: string) => runInProcess(['plan', '--dir', path.join(work, 'grants'), '--comment'], { ...env, ...github, GITHUB_EVENT_PATH: eventPath });
    const missing = path.join(work, 'missing.json');
    expectUserError(await plan(missing), `cannot read the event file GITHUB_EVENT_PATH (${JSON.stringify(missing)}): ENOENT`);
    expectUserError(await plan(path.join(work, 'event.json')), 'is not JSON');
  });

  it('keeps the filesystem error as the cause, and lets other errors through', async () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES' });
    const error = await onUserFile('write', '/x', () => Promise.reject(denied)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe('cannot write /x: permission denied');
    expect((error as InputError).cause).toBe(denied);
    const bug = new TypeError('not a filesystem error');
    await expect(onUserFile('write', '/x', () => Promise.reject(bug))).rejects.toBe(bug);
  });
});

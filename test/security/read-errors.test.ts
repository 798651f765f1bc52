// Permission errors are the user's to fix: an input error naming the path, never "a bug in
// grantsync". The tests run as any user (root reads everything), so EACCES is injected into
// node:fs/promises for paths that contain "locked".
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readGrantsDirectory } from '../../src/config/read.js';
import { InputError } from '../../src/errors.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const deny =
    <A extends unknown[], R>(fn: (file: unknown, ...rest: A) => Promise<R>) =>
    async (file: unknown, ...rest: A): Promise<R> => {
      if (String(file).includes('locked')) throw Object.assign(new Error(`EACCES: permission denied, '${String(file)}'`), { code: 'EACCES' });
      return fn(file, ...rest);
    };
  const wrapped = {
    open: deny(real.open as never),
    readFile: deny(real.readFile as never),
    readdir: deny(real.readdir as never),
  };
  return { ...real, ...wrapped, default: { ...real, ...wrapped } };
});

function project(files: Record<string, string>): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-eacces-')), 'grants');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return (error as InputError).problems.map((p) => p.message);
}

describe('unreadable files and directories', () => {
  it('an unreadable grant file is an input error naming it', async () => {
    const dir = project({ 'grantsync.yaml': 'manage: all\n', 'a.yaml': 'grants: []\n', 'locked.yaml': 'grants: []\n' });
    expect(await problemsOf(readGrantsDirectory(dir))).toEqual([`cannot read ${dir}/locked.yaml: permission denied`]);
  });

  it('an unreadable directory under an include is an input error naming it', async () => {
    const dir = project({ 'grantsync.yaml': 'manage: all\ninclude: [../shared]\n', 'a.yaml': 'grants: []\n', '../shared/locked/x.yaml': 'grants: []\n' });
    expect(await problemsOf(readGrantsDirectory(dir, { allowOutside: true }))).toEqual([`cannot read ${path.join(dir, '../shared/locked')}: permission denied`]);
  });
});

// In-memory grants directories for the pure loader, and on-disk ones for the CLI.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDesiredState, type GrantsDirectory, type LoadResult } from '../../src/config/load.js';
import { Validator } from '../../src/config/validate.js';

export const SETTINGS = 'manage: all\n';

export function memoryDirectory(files: Record<string, string | Uint8Array>, dir = 'grants'): GrantsDirectory {
  return {
    dir,
    files: Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([relative, content]) => ({
        relative,
        path: `${dir}/${relative}`,
        bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content,
      })),
  };
}

// Made on first use, inside a test: a validator made while the test file loads would make every
// mutant its constructor reaches "static" to `npm run mutate` (see docs/reliability.md).
let validator: Validator | undefined;
export function load(files: Record<string, string | Uint8Array>): LoadResult {
  return parseDesiredState(memoryDirectory(files), (validator ??= new Validator()));
}

/** Writes files under a new temporary directory and returns its path. */
export function writeTree(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'grantsync-test-'));
  for (const [relative, content] of Object.entries(files)) {
    const full = path.join(root, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

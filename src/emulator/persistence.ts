// The tenant across restarts (`--state`): loaded instead of the seed when the file exists, saved after
// every write. The file holds client secrets, so it is only ever readable by its owner (0600): written to
// a fresh temporary file created 0600 and renamed over the old one, so no reader sees a partial or a
// wider-open file, and an existing file is narrowed to 0600 when the emulator starts.
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, closeSync, constants, existsSync, fchmodSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Seed } from './seed.js';
import { TenantStore } from './store.js';
import type { TenantState } from './tenant-state.js';

export const STATE_FILE_MODE = 0o600;

/** The state file cannot be used; names the file, keeps the file-system error as `cause`. */
export class StateFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StateFileError';
  }
}

/** The tenant to serve: the state file's when there is one, else the seed's. */
export function openTenant(seed: Seed, statePath: string | undefined, random: () => number): TenantStore {
  if (!statePath) return new TenantStore(seed, random);
  checkDirectory(statePath);
  if (!existsSync(statePath)) return new TenantStore(seed, random);
  const state = attempt(statePath, 'cannot be read', () => {
    chmodSync(statePath, STATE_FILE_MODE);
    return readFileSync(statePath, 'utf8');
  });
  const parsed = attempt(statePath, 'is not a state file written by the emulator (invalid JSON)', () => JSON.parse(state) as TenantState);
  return new TenantStore(parsed, random);
}

/** Saves the tenant after writes; a no-op while nothing changed since the last save. */
export class StateFile {
  private savedVersion: number;

  constructor(
    private readonly file: string,
    private readonly store: TenantStore,
  ) {
    this.savedVersion = store.version;
  }

  saveIfChanged(): void {
    if (this.store.version === this.savedVersion) return;
    writePrivately(this.file, JSON.stringify(this.store.state));
    this.savedVersion = this.store.version;
  }
}

/** Writes `text` to `file` atomically, readable by the owner only. */
export function writePrivately(file: string, text: string): void {
  // A fresh name each time, opened exclusively: never follows a link someone left at the temporary path.
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', STATE_FILE_MODE);
  try {
    try {
      fchmodSync(fd, STATE_FILE_MODE); // the umask may only narrow the mode, but say it exactly
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function checkDirectory(statePath: string): void {
  const directory = path.dirname(path.resolve(statePath));
  attempt(statePath, `cannot be written: its directory ${directory} does not exist or is not writable`, () => accessSync(directory, constants.W_OK));
}

function attempt<T>(file: string, problem: string, run: () => T): T {
  try {
    return run();
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new StateFileError(`state file ${file} ${problem}${code ? ` (${code})` : ''}`, file, { cause });
  }
}

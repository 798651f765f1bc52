// The filesystem edge of loading: find and read every YAML file under the grants directory, and
// nothing outside the repository it belongs to.
import { constants } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { Problem } from '../model/types.js';
import { excerpt } from '../util/excerpt.js';
import { fsCode, fsReason } from '../util/fs-reason.js';
import { SETTINGS_FILE, type GrantsDirectory } from './load.js';
import { MAX_FILE_BYTES, parseYamlFile } from './parse.js';

const YAML_FILE = /\.ya?ml$/i;
const OUTSIDE_HINT = 'Keep grant files and includes inside the repository, or pass --allow-outside if this is intended.';

export interface ReadOptions {
  /** Read files and includes that resolve outside the repository root (`--allow-outside`). */
  allowOutside?: boolean;
}

/**
 * `onSettings` is told the top `grantsync.yaml` as soon as it is read, before any other file: a plan
 * starts its reads from it while the grant files are still being read. What it throws is not caught.
 */
export async function readGrantsDirectory(dir: string, options: ReadOptions = {}, onSettings?: (settings: GrantsDirectory['files'][number]) => void): Promise<GrantsDirectory> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new InputError([
      { message: `grants directory ${dir} does not exist or is not a directory`, hint: 'Pass the right path with --dir (default: grants).' },
    ]);
  }
  const fence = await repositoryFence(dir, options);
  const problems: Problem[] = [];
  const outside = await checkInside(dir, fence);
  if (outside) throw new InputError([{ ...outside, location: undefined }]);
  const relatives: string[] = [];
  await walk(dir, '', relatives, problems);
  relatives.sort();
  const read = async (relative: string): Promise<GrantsDirectory['files'][number] | Problem> => {
    const full = path.normalize(path.join(dir, relative));
    const file = await readInside(full, fence);
    return 'problem' in file ? file.problem : { path: full, relative, ...file };
  };
  // The settings come first: their `include:` says which other directories to walk.
  const settings = relatives.includes(SETTINGS_FILE) ? await read(SETTINGS_FILE) : undefined;
  if (settings && 'relative' in settings) {
    onSettings?.(settings);
    for (const include of await includesOf(dir, settings, fence, problems)) {
      const found: string[] = [];
      await walk(dir, include, found, problems);
      relatives.push(...found.sort().filter((r) => !relatives.includes(r)));
    }
  }
  const results = await Promise.all(relatives.map((r) => (r === SETTINGS_FILE && settings ? settings : read(r))));
  const files: GrantsDirectory['files'] = [];
  for (const result of results) {
    if ('relative' in result) files.push(result);
    else problems.push(result);
  }
  if (problems.length > 0) throw new InputError(problems);
  return { dir, files };
}

/**
 * Where reads may go: the repository the grants directory is in (the nearest parent with a `.git`
 * entry), or the directory's parent outside git. Undefined with --allow-outside.
 */
export interface Fence {
  root: string;
}

export async function repositoryFence(dir: string, options: ReadOptions = {}): Promise<Fence | undefined> {
  if (options.allowOutside) return undefined;
  const start = path.resolve(dir);
  for (let candidate = start; ; candidate = path.dirname(candidate)) {
    if (await lstat(path.join(candidate, '.git')).then(() => true, () => false)) return { root: await realpath(candidate) };
    if (path.dirname(candidate) === candidate) break;
  }
  const parent = path.dirname(start);
  return { root: await realpath(parent).catch(() => parent) };
}

/** A problem when `target` resolves (symbolic links included) outside the fence; `shown` names it in the message. */
export async function checkInside(target: string, fence: Fence | undefined, shown = target): Promise<Problem | undefined> {
  if (!fence) return undefined;
  let real: string;
  try {
    real = await realpath(target);
  } catch (error) {
    return fsProblem(error, target);
  }
  const relative = path.relative(fence.root, real);
  if (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative)) return undefined;
  return {
    location: { file: target, line: 1, column: 1 },
    message: `${shown} resolves to ${real}, outside the repository (${fence.root})`,
    hint: OUTSIDE_HINT,
  };
}

/** A file's bytes, read inside the fence with a byte cap, or why it cannot be. */
async function readInside(full: string, fence: Fence | undefined): Promise<{ bytes: Uint8Array; size: number } | { problem: Problem }> {
  const outside = await checkInside(full, fence);
  return outside ? { problem: outside } : readCapped(full, MAX_FILE_BYTES);
}

/**
 * At most `cap + 1` bytes of a regular file: enough to parse it, or to know it is too large. The
 * check is made on the opened handle (a symbolic link to /dev/zero or a FIFO is refused, never
 * read), and O_NONBLOCK keeps opening a FIFO from waiting for a writer.
 */
export async function readCapped(file: string, cap: number): Promise<{ bytes: Uint8Array; size: number } | { problem: Problem }> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { problem: fsProblem(error, file) };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      return { problem: { location: { file, line: 1, column: 1 }, message: `${file} is not a regular file (a directory, device, FIFO or socket)`, hint: 'Grant files must be ordinary YAML files.' } };
    }
    const chunks: Buffer[] = [];
    let total = 0;
    // The first read asks for the whole file as stat sees it (and a byte more, to see its end): one
    // read, not one per 64 KiB (18 for a 1.1 MB file, before a plan's first request). The size is only
    // a hint: a file that grows or lies about its size (/proc says 0) is read on, never past the cap.
    // Zero-filled, and sized to the file: what is returned is a view of it.
    let want = Math.min(info.size + 1, cap + 1);
    while (total <= cap) {
      const chunk = Buffer.alloc(Math.min(want, cap + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      want = 64 * 1024;
    }
    // Past the cap the content is dropped: the size alone is enough to refuse the file.
    if (total > cap) return { bytes: new Uint8Array(0), size: Math.max(total, info.size) };
    const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
    return { bytes: new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength), size: total };
  } catch (error) {
    return { problem: fsProblem(error, file) };
  } finally {
    await handle.close();
  }
}

/** A filesystem error as an input problem naming the path (permissions are the user's to fix, not a bug). */
export function fsProblem(error: unknown, file: string): Problem {
  const code = fsCode(error);
  if (!code) throw error;
  // Listed a moment ago and gone now: most likely a link to nowhere.
  const reason = code === 'ENOENT' ? 'it does not exist (a broken symbolic link?)' : fsReason(error);
  return {
    location: { file, line: 1, column: 1 },
    message: `cannot read ${file}: ${reason}`,
    hint: code === 'EACCES' || code === 'EPERM' ? 'Give the user running grantsync read access, or move the file out of the grants directory.' : 'Fix or remove it.',
  };
}

/** The `include:` directories of grantsync.yaml, relative to `dir`, checked to exist inside the fence. */
async function includesOf(dir: string, settings: { path: string; bytes: Uint8Array }, fence: Fence | undefined, problems: Problem[]): Promise<string[]> {
  const parsed = parseYamlFile(settings);
  // A broken settings file is reported by validation; here it just has no includes.
  if (!parsed.ok) return [];
  const include = (parsed.file.value as { include?: unknown } | null)?.include;
  if (!Array.isArray(include)) return [];
  const out: string[] = [];
  for (const [i, entry] of include.entries()) {
    if (typeof entry !== 'string') continue;
    const relative = path.posix.normalize(entry.replace(/\\/g, '/')).replace(/\/$/, '');
    const target = path.join(dir, relative);
    const location = parsed.file.locate(['include', i]);
    const info = await stat(target).catch(() => undefined);
    if (!info?.isDirectory()) {
      problems.push({
        location,
        message: `include "${excerpt(entry)}" is not a directory (looked for ${excerpt(target)})`,
        hint: 'Include paths are relative to the grants directory, e.g. ../shared.',
      });
      continue;
    }
    const outside = await checkInside(target, fence, `include "${excerpt(entry)}"`);
    if (outside) {
      problems.push({ ...outside, location });
      continue;
    }
    if (relative === '.' || relative === '') continue;
    out.push(relative);
  }
  return out;
}

async function walk(root: string, relative: string, out: string[], problems: Problem[]): Promise<void> {
  const here = path.join(root, relative);
  let entries;
  try {
    entries = await readdir(here, { withFileTypes: true });
  } catch (error) {
    problems.push(fsProblem(error, here));
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await walk(root, child, out, problems);
    // Anything else with a YAML name is read, so that a FIFO or a device is refused, not skipped.
    else if (YAML_FILE.test(entry.name)) out.push(child);
  }
}

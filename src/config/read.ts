// The filesystem edge of loading: find and read every YAML file under the grants directory.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { SETTINGS_FILE, type GrantsDirectory } from './load.js';
import { MAX_FILE_BYTES, parseYamlFile } from './parse.js';

const YAML_FILE = /\.ya?ml$/i;

export async function readGrantsDirectory(dir: string): Promise<GrantsDirectory> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new InputError([
      { message: `grants directory ${dir} does not exist or is not a directory`, hint: 'Pass the right path with --dir (default: grants).' },
    ]);
  }
  const relatives: string[] = [];
  await walk(dir, '', relatives);
  relatives.sort();
  for (const include of await includesOf(dir, relatives)) {
    const found: string[] = [];
    await walk(dir, include, found);
    relatives.push(...found.sort().filter((r) => !relatives.includes(r)));
  }
  const files = await Promise.all(
    relatives.map(async (relative) => {
      const full = path.normalize(path.join(dir, relative));
      const size = (await stat(full)).size;
      // Past the limit the file is not read at all: its size is enough to refuse it.
      const bytes = size > MAX_FILE_BYTES ? new Uint8Array(0) : new Uint8Array(await readFile(full));
      return { path: full, relative, bytes, size };
    }),
  );
  return { dir, files };
}

/** The `include:` directories of grantsync.yaml, relative to `dir`, checked to exist. */
async function includesOf(dir: string, relatives: string[]): Promise<string[]> {
  if (!relatives.includes(SETTINGS_FILE)) return [];
  const file = path.join(dir, SETTINGS_FILE);
  const parsed = parseYamlFile({ path: file, bytes: new Uint8Array(await readFile(file)) });
  // A broken settings file is reported by validation; here it just has no includes.
  if (!parsed.ok) return [];
  const include = (parsed.file.value as { include?: unknown } | null)?.include;
  if (!Array.isArray(include)) return [];
  const out: string[] = [];
  for (const [i, entry] of include.entries()) {
    if (typeof entry !== 'string') continue;
    const relative = path.posix.normalize(entry.replace(/\\/g, '/')).replace(/\/$/, '');
    const info = await stat(path.join(dir, relative)).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new InputError([
        {
          location: parsed.file.locate(['include', i]),
          message: `include "${entry}" is not a directory (looked for ${path.join(dir, relative)})`,
          hint: 'Include paths are relative to the grants directory, e.g. ../shared.',
        },
      ]);
    }
    if (relative === '.' || relative === '') continue;
    out.push(relative);
  }
  return out;
}

async function walk(root: string, relative: string, out: string[]): Promise<void> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await walk(root, child, out);
    else if ((entry.isFile() || entry.isSymbolicLink()) && YAML_FILE.test(entry.name)) out.push(child);
  }
}

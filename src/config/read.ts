// The filesystem edge of loading: find and read every YAML file under the grants directory.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { GrantsDirectory } from './load.js';
import { MAX_FILE_BYTES } from './parse.js';

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
  const files = await Promise.all(
    relatives.map(async (relative) => {
      const full = path.join(dir, relative);
      const size = (await stat(full)).size;
      // Past the limit the file is not read at all: its size is enough to refuse it.
      const bytes = size > MAX_FILE_BYTES ? new Uint8Array(0) : new Uint8Array(await readFile(full));
      return { path: full, relative, bytes, size };
    }),
  );
  return { dir, files };
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

// Reads the Private Key JWT key file named by AUTH0_CLIENT_SIGNING_KEY_PATH: a regular file only,
// with a byte cap, opened without following it into a FIFO's wait. Synchronous: it runs once, before
// any request, where the rest of the environment is read.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { parseSigningKey, type SigningAlgorithm, type SigningKey } from '../api/signing-key.js';
import { InputError } from '../errors.js';
import { quoted } from '../util/excerpt.js';
import { fsReason } from '../util/fs-reason.js';

/** A 4096-bit RSA key in PEM is about 3.3 KB; anything far larger is not a key. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

/** The key at `file` (relative to `cwd`, as auth0-deploy-cli reads it), parsed for `algorithm`. */
export function readSigningKeyFile(file: string, algorithm: SigningAlgorithm, cwd: string): SigningKey {
  const fail = (why: string): never => {
    throw new InputError([
      { message: `AUTH0_CLIENT_SIGNING_KEY_PATH ${quoted(file)}: ${why}`, hint: 'Point it at the PEM private key file of the application (relative to the working directory, or absolute).' },
    ]);
  };
  let fd: number;
  try {
    fd = openSync(path.resolve(cwd, file), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return fail(`cannot read it: ${fsReason(error)}`);
  }
  try {
    if (!fstatSync(fd).isFile()) fail('not a regular file (a directory, device, FIFO or socket)');
    const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, total, buffer.length - total, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_KEY_FILE_BYTES) fail(`larger than ${MAX_KEY_FILE_BYTES / 1024} KB, which no PEM private key is`);
    }
    return parseSigningKey(buffer.subarray(0, total).toString('utf8'), algorithm, file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    return fail(`cannot read it: ${fsReason(error)}`);
  } finally {
    closeSync(fd);
  }
}

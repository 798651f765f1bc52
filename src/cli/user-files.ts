// Files and directories the user named (plan --out, export --dir, init's workflows): a failure to
// read or write one is the user's to fix (a missing directory, no permission, a full disk), said
// with the path and the original error kept as `cause`, never reported as a bug in grantsync.
import { InputError } from '../errors.js';
import { fsCode, fsReason } from '../util/fs-reason.js';

/** `work`, with a filesystem error turned into an InputError: "cannot <action> <path>: <why>". */
export async function onUserFile<T>(action: string, file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = fsCode(error);
    if (code === undefined) throw error;
    // A write to a path whose directory is missing fails with ENOENT for the file it would create.
    const why = code === 'ENOENT' && action !== 'read' ? 'a directory on the path does not exist' : fsReason(error);
    throw new InputError([{ message: `cannot ${action} ${file}: ${why}`, hint: 'Check that the directory exists and is writable.' }], { cause: error });
  }
}

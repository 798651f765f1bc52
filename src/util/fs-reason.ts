// Why a file or directory could not be read or written, in words, from the code Node gives its
// error: one table for every message that names a path. Pure.

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'it does not exist',
  ELOOP: 'symbolic links loop',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EEXIST: 'a file of that name is in the way',
};

/** The error's code (ENOENT, EACCES, …), when it has one. */
export function fsCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "permission denied", "it does not exist", …; the bare code (or message) for the rest. */
export function fsReason(error: unknown): string {
  const code = fsCode(error);
  if (code !== undefined) return REASONS[code] ?? code;
  return error instanceof Error ? error.message : String(error);
}

// File-system errors, said in words: one table for every place that reads or writes files.

const WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'symlink loop (too many levels of symbolic links)',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
};

/** The error's code (ENOENT, ...), or '' when it has none. */
export function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException | null)?.code ?? '';
}

/** What went wrong, in words for the well-known codes, else the error's own message. */
export function describeFsError(e: unknown): string {
  return WORDS[errCode(e)] ?? (e instanceof Error ? e.message : String(e));
}

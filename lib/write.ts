import { randomBytes } from 'node:crypto';
import { constants as C } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Replaces the content of `abs` with `after` (encoded with `encoding`) atomically: the new bytes
 * go to a temporary file in the same directory (`.<base>.goshift-<pid>-<rand>.tmp`), which is
 * fsynced, given the original mode (and owner, when we may) and renamed over the original.
 * A symlink is written through: its target is replaced, the link stays.
 *
 * Refuses, with the path in the message, when the file is read-only (no write permission for
 * us, or no write bit for anyone: root ignores permissions, so the mode is checked too), or
 * when its bytes are no longer `expectedBefore` (changed on disk since it was read).
 * Nothing is left behind on failure.
 */
export async function writeAtomic(abs: string, after: string, encoding: 'utf8' | 'latin1', expectedBefore: Buffer): Promise<void> {
  let target = abs;
  let st;
  try {
    if ((await fsp.lstat(abs)).isSymbolicLink()) target = await fsp.realpath(abs);
    st = await fsp.stat(target);
  } catch (e) {
    throw new Error(`${abs}: cannot write: ${describe(e)}`);
  }
  if (!st.isFile()) throw new Error(`${abs}: cannot write: not a regular file`);
  if ((st.mode & 0o222) === 0) throw new Error(`${abs}: file is read-only (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}); not writing it`);
  try {
    await fsp.access(target, C.W_OK);
  } catch {
    throw new Error(`${abs}: file is read-only for us (no write permission); not writing it`);
  }
  let current: Buffer;
  try {
    current = await fsp.readFile(target);
  } catch (e) {
    throw new Error(`${abs}: cannot read before writing: ${describe(e)}`);
  }
  if (!current.equals(expectedBefore)) throw new Error(`${abs}: changed on disk since it was read; not writing it (run again)`);

  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.goshift-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const mode = st.mode & 0o7777;
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(tmp, 'wx', 0o600);
  } catch (e) {
    throw new Error(`${abs}: cannot create a temporary file in ${dir}: ${describe(e)}`);
  }
  try {
    await fh.writeFile(Buffer.from(after, encoding));
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fsp.chmod(tmp, mode);
    if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || st.gid !== process.getgid?.())) {
      // Keep the owner when we can (running as root over someone else's tree); not fatal otherwise.
      await fsp.chown(tmp, st.uid, st.gid).catch(() => undefined);
    }
    await fsp.rename(tmp, target);
  } catch (e) {
    if (fh) await fh.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`${abs}: cannot write: ${describe(e)}`);
  }
  // Make the rename itself durable; some file systems do not support fsync on a directory.
  try {
    const dh = await fsp.open(dir, 'r');
    try { await dh.sync(); } finally { await dh.close(); }
  } catch { /* best effort */ }
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ENOSPC': return 'no space left on device';
    case 'EROFS': return 'read-only file system';
    default: return err instanceof Error ? err.message : String(e);
  }
}

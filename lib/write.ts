import { createHash, randomBytes } from 'node:crypto';
import { constants as C } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeFsError } from './fserr.js';

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
/** The temporary file could not be created (its cause is the file system's error). */
class TempFileError extends Error {
  constructor(readonly fsError: unknown) {
    super('cannot create a temporary file');
  }
}

/**
 * Writes data to a new temporary file tmp (`mode`, default 0600, never an existing file), syncs it,
 * lets `prepare` set it up (mode, owner, last checks), and renames it over dest. On any failure tmp
 * is removed and the error thrown: TempFileError when tmp could not be created.
 */
async function replaceVia(tmp: string, data: Buffer, dest: string, prepare?: () => Promise<void>, mode = 0o600): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(tmp, 'wx', mode);
  } catch (e) {
    throw new TempFileError(e);
  }
  try {
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await prepare?.();
    await fsp.rename(tmp, dest);
  } catch (e) {
    if (fh) await fh.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/**
 * Writes a file goshift makes (a report) whole or not at all: a temporary file beside it, synced,
 * renamed over it; created with mode 0666 less the umask, like any new file. Throws
 * `file: cannot write the report: why`.
 */
export async function writeReport(file: string, data: Buffer): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.goshift-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await replaceVia(tmp, data, file, undefined, 0o666);
  } catch (e) {
    throw new Error(`${file}: cannot write the report: ${describeFsError(e instanceof TempFileError ? e.fsError : e)}`);
  }
}

/** A file's bytes on disk are no longer those goshift read: it is not written (the run may be repeated). */
export class ChangedOnDiskError extends Error {}

export async function writeAtomic(abs: string, after: string, encoding: 'utf8' | 'latin1', expectedBefore: Buffer): Promise<void> {
  let target = abs;
  let st;
  try {
    if ((await fsp.lstat(abs)).isSymbolicLink()) target = await fsp.realpath(abs);
    st = await fsp.stat(target);
  } catch (e) {
    throw new Error(`${abs}: cannot write: ${describeFsError(e)}`);
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
    throw new Error(`${abs}: cannot read before writing: ${describeFsError(e)}`);
  }
  const changed = () => new ChangedOnDiskError(`${abs}: changed on disk since it was read; not writing it (run again)`);
  if (!current.equals(expectedBefore)) throw changed();

  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.goshift-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const mode = st.mode & 0o7777;
  try {
    await replaceVia(tmp, Buffer.from(after, encoding), target, async () => {
      await fsp.chmod(tmp, mode);
      if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || st.gid !== process.getgid?.())) {
        // Keep the owner when we can (running as root over someone else's tree); not fatal otherwise.
        await fsp.chown(tmp, st.uid, st.gid).catch(() => undefined);
      }
      // Checked again right before the rename: writing and syncing the new bytes takes time, and
      // an editor may have saved the file meanwhile; what is left is a window of microseconds.
      if (!(await fsp.readFile(target)).equals(expectedBefore)) throw changed();
    });
  } catch (e) {
    if (e instanceof ChangedOnDiskError) throw e;
    if (e instanceof TempFileError) throw new Error(`${abs}: cannot create a temporary file in ${dir}: ${describeFsError(e.fsError)}`);
    throw new Error(`${abs}: cannot write: ${describeFsError(e)}`);
  }
  // Make the rename itself durable; some file systems do not support fsync on a directory.
  try {
    const dh = await fsp.open(dir, 'r');
    try { await dh.sync(); } finally { await dh.close(); }
  } catch { /* best effort */ }
}

// ---------------------------------------------------------------------------------------------
// The journal: what a -w run is about to write, so that a run cut short (a signal, a crash, a
// read-only file) can be finished by the next one. Each file is written atomically, but a
// linked change spans files: with the declaration rewritten and a caller not, the next run
// sees no context out of place and could not mend the caller by itself.

/** One file a -w run means to write: its bytes before (as a hash) and its whole new text. */
export interface JournalEntry {
  abs: string;
  before: string;
  after: string;
  encoding: 'utf8' | 'latin1';
  text: string;
}

export interface Journal {
  version: 1;
  /** When the run started writing, and where it ran: for the messages. */
  started: string;
  cwd: string;
  entries: JournalEntry[];
}

/** An earlier run's journal that is left half done: some of its files written, some not. */
export interface PendingRun {
  /** The journal's own path. */
  file: string;
  journal: Journal;
  /** Still the old bytes: to be written. */
  old: { entry: JournalEntry; bytes: Buffer }[];
  /** Already the new bytes. */
  done: JournalEntry[];
  /** Neither (changed by hand since, or unreadable): left alone, with why. */
  other: { entry: JournalEntry; why: string }[];
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/**
 * Where journals live: $GOSHIFT_JOURNAL_DIR, or a directory of our own in the system's temp
 * directory. It must be a real directory, ours, that nobody else may write to: a journal tells
 * goshift what to write into files.
 */
export async function journalDir(): Promise<string> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  const dir = process.env.GOSHIFT_JOURNAL_DIR || path.join(os.tmpdir(), `goshift-journal-${uid ?? 'user'}`);
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await fsp.lstat(dir);
  if (!st.isDirectory()) throw new Error(`${dir}: not a directory`);
  if (uid !== null && st.uid !== uid) throw new Error(`${dir}: owned by someone else (uid ${st.uid})`);
  if ((st.mode & 0o022) !== 0) throw new Error(`${dir}: writable by others (mode ${(st.mode & 0o777).toString(8)})`);
  return dir;
}

/**
 * Records the writes a run is about to make (durably: written to a temporary file, synced,
 * renamed) and returns the journal's path. One journal per set of files: a later run over the
 * same files replaces it.
 */
export async function saveJournal(changes: { abs: string; before: Buffer; after: string; encoding: 'utf8' | 'latin1' }[], cwd: string): Promise<string> {
  const dir = await journalDir();
  const entries: JournalEntry[] = changes.map((c) => ({
    abs: c.abs,
    before: sha256(c.before),
    after: sha256(Buffer.from(c.after, c.encoding)),
    encoding: c.encoding,
    text: c.after,
  }));
  const id = sha256(Buffer.from(entries.map((e) => e.abs).sort().join('\0'))).slice(0, 20);
  const file = path.join(dir, `${id}.json`);
  const journal: Journal = { version: 1, started: new Date().toISOString(), cwd, entries };
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await replaceVia(tmp, Buffer.from(JSON.stringify(journal)), file);
  } catch (e) {
    throw e instanceof TempFileError ? e.fsError : e;
  }
  return file;
}

export async function removeJournal(file: string): Promise<void> {
  await fsp.rm(file, { force: true });
}

/**
 * The journals of earlier runs that touch any of `files` (absolute paths) and are half done.
 * Journals with nothing left to do (every file new, or changed since) or nothing done (every
 * file still old: the run stopped before its first write, or the tree was restored) are removed
 * on the way: there is nothing to finish. Unreadable or foreign journals are skipped.
 */
/** Why a file an interrupted -w run (started at `started`) planned is not new yet, for a run that does not finish it. */
export function notWrittenYet(started: string): string {
  return `not written yet by an interrupted goshift -w (started ${started}) that wrote its linked changes elsewhere: run goshift -w to finish it`;
}

export async function findPendingRuns(files: Iterable<string>): Promise<PendingRun[]> {
  let dir: string;
  try {
    dir = await journalDir();
  } catch {
    return [];
  }
  const ours = new Set(files);
  const out: PendingRun[] = [];
  for (const name of (await fsp.readdir(dir)).sort()) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    let journal: Journal;
    try {
      journal = JSON.parse(await fsp.readFile(file, 'utf8')) as Journal;
      if (journal.version !== 1 || !Array.isArray(journal.entries)) continue;
    } catch {
      continue;
    }
    if (!journal.entries.some((e) => ours.has(e.abs))) continue;
    const run: PendingRun = { file, journal, old: [], done: [], other: [] };
    for (const entry of journal.entries) {
      let bytes: Buffer;
      try {
        bytes = await fsp.readFile(entry.abs);
      } catch (e) {
        run.other.push({ entry, why: `cannot read: ${describeFsError(e)}` });
        continue;
      }
      const h = sha256(bytes);
      if (h === entry.after) run.done.push(entry);
      else if (h === entry.before) run.old.push({ entry, bytes });
      else run.other.push({ entry, why: 'changed since' });
    }
    if (run.old.length === 0 || run.done.length === 0) {
      await removeJournal(file).catch(() => undefined);
      continue;
    }
    out.push(run);
  }
  return out;
}

// Facts for thousands of files, fast: a cache on disk keyed by what decides a file's facts, and a
// pool of worker threads for the files the cache does not have.
//
// Cache layout: <cacheDir>/facts-v<FACTS_VERSION>/<first 2 hex of key>/<key hex> holds one entry; a
// run whose misses went to workers (hundreds of files or more) writes them all as one pack,
// <cacheDir>/facts-v<FACTS_VERSION>/p-<time>-<pid>-<random>.pack, because creating a file per
// entry costs far more than computing the facts (4,000 files: about 3 s of system time here). An
// entry is one header line and the JSON payload:
//   GOSHIFTFACTS1 <key hex> <payload length in bytes> <sha256 hex of payload>\n<payload>
// A pack is entries one after another, then an index (a line `<key hex> <offset> <length>` per
// entry), then the trailer line `GOSHIFTPACK1 <entries> <index offset>\n`. An entry, from its own
// file or a pack, is trusted only when all of it checks out (magic, key = the one looked up,
// length, checksum, JSON with v === FACTS_VERSION); anything else is counted in cacheErrors,
// recomputed and rewritten; a pack that fails any check (trailer, index, an entry it lists) is
// deleted, its entries computed again.
// Files are written under a temporary name in the same directory and renamed into place, so that
// a reader (another goshift run at the same time) sees the old file or the new one, never half of
// one. They are not fsynced: after a crash a file may be short or zero-filled, which the lengths
// and checksums catch. The cache never makes a run fail and never changes a result: every failure
// to read or write it only counts in cacheErrors.

import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { debugOn, EVERY_RUN_BODY } from './debug.js';
import { FACTS_VERSION, factsOf, type FileFacts } from './facts.js';
import { warmFacts } from './factswarm.js';

export interface FactsOptions {
  /** Worker threads computing facts; 1 computes them on the calling thread. */
  jobs: number;
  /** Where the cache lives; null: no cache. */
  cacheDir: string | null;
  /** Bound of the cache's size in bytes; default $GOSHIFT_CACHE_MAX_MB MB, else 256 MB. */
  maxBytes?: number;
  /**
   * With jobs > 1, workers are started once the misses met so far total at least this many bytes;
   * default $GOSHIFT_FACTS_MIN_POOL, else 2 MB. Below it, starting workers (some 30 ms each) and
   * sending them the bytes costs more than it saves; the misses are then computed inline.
   */
  minPoolBytes?: number;
  /** Called as files get their facts (from the cache or computed), with how many have them so far. */
  onProgress?: (done: number) => void;
  /**
   * Work of the caller's for this thread while workers compute: called again and again until it
   * returns false (nothing to do now) or the workers are done, with replies let in between, so each
   * call should take a few tens of milliseconds at most. It is given the facts known so far, by
   * input (undefined: not yet). Nothing it does may change the result: it can only get ahead.
   */
  meanwhile?: (facts: readonly (FileFacts | undefined)[]) => boolean;
  /**
   * The inputs' bytes are read here, in order, as the pass over them comes to each (their `bytes`
   * are then set): the workers compute the first files' facts while the rest are read. Null: the
   * file could not be read (the caller has said why); its facts stay undefined. Without it, every
   * input's bytes are there already.
   */
  read?: (i: number) => Buffer | null;
}

export interface FactsStats {
  /** Files whose facts came from the cache. */
  hits: number;
  /** Files whose facts were computed. */
  computed: number;
  /** Entries that could not be read, were not valid, or could not be written. */
  cacheErrors: number;
}

const MAGIC = 'GOSHIFTFACTS1';
const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_MAX_MB = 256;
const DEFAULT_MIN_POOL_BYTES = 2 << 20;
/** Misses are sent to workers in batches of about this many bytes (fewer when there is little work). */
const BATCH_BYTES = 1 << 20;
const PACK_MAGIC = 'GOSHIFTPACK1';
/** Packs kept at most: beyond, the oldest go (each run reads every pack's index). */
const MAX_PACKS = 32;
/** Name of the size hint file in the cache directory (see updateSizeAndTrim). */
const SIZE_HINT = 'facts-size';
/** Temporary files older than this are left over by a run that died, and are removed by a scan. */
const STALE_TMP_MS = 60 * 60 * 1000;
/** process.pid is a system call each time it is read (seen in strace): read once. */
const PID = process.pid;

/** $GOSHIFT_CACHE, else $XDG_CACHE_HOME/goshift, else ~/.cache/goshift; null if none can be determined. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.GOSHIFT_CACHE) return path.resolve(env.GOSHIFT_CACHE);
  // The XDG spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'goshift');
  let home = '';
  try {
    home = os.homedir();
  } catch {
    return null;
  }
  return home && path.isAbsolute(home) ? path.join(home, '.cache', 'goshift') : null;
}

/** How many workers to use by default: as many as the machine can run at once. */
export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

// ---------------------------------------------------------------------------------------------
// Keys

let saltMemo: string | undefined;

/**
 * What, besides a file's bytes, decides its facts: FACTS_VERSION, goshift's version and the
 * grammar's identity (its package version and a hash of its src/grammar.json). Computed once per
 * process. A file that cannot be read gives a fixed word instead: the key is then still right for
 * this installation, as long as FACTS_VERSION is bumped when facts change.
 */
function salt(): string {
  if (saltMemo !== undefined) return saltMemo;
  // This file is <root>/dist/lib/factstore.js.
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const version = (file: string) => {
    try {
      const v = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
      return typeof v === 'string' ? v : 'no-version';
    } catch {
      return 'unreadable';
    }
  };
  const grammarDir = path.join(root, 'grammar', 'tree-sitter-go-goshift');
  let grammarHash = 'unreadable';
  try {
    grammarHash = createHash('sha256').update(fs.readFileSync(path.join(grammarDir, 'src', 'grammar.json'))).digest('hex');
  } catch {
    // keep the fixed word
  }
  // The lexer's own code: facts computed by another build of it are never served.
  let lexerHash = 'unreadable';
  try {
    lexerHash = createHash('sha256').update(fs.readFileSync(new URL('./facts.js', import.meta.url))).digest('hex');
  } catch {
    // keep the fixed word
  }
  saltMemo = [MAGIC, FACTS_VERSION, version(path.join(root, 'package.json')), version(path.join(grammarDir, 'package.json')), grammarHash, lexerHash, debugOn(EVERY_RUN_BODY) ? 'every run body' : '', ''].join('\0');
  return saltMemo;
}

/** Keys already computed, by the file's bytes: the result cache (lib/resultcache.ts) hashes the same files. */
const keyMemo = new WeakMap<Buffer, string>();

/** A file's facts key: a hash of its bytes and of what else decides its facts (salt()). */
export function keyOf(bytes: Buffer): string {
  let k = keyMemo.get(bytes);
  if (k === undefined) keyMemo.set(bytes, (k = createHash('sha256').update(salt()).update(bytes).digest('hex')));
  return k;
}

function versionDir(cacheDir: string): string {
  return path.join(cacheDir, `facts-v${FACTS_VERSION}`);
}

/** Whether the cache may hold facts or results of this version: none when its directory is not there. */
export function hasVersion(cacheDir: string): boolean {
  return fs.existsSync(versionDir(cacheDir));
}

function entryPath(cacheDir: string, key: string): string {
  return path.join(versionDir(cacheDir), key.slice(0, 2), key);
}

// ---------------------------------------------------------------------------------------------
// Entries

function sha256hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function encodeEntry(key: string, json: string): Buffer {
  const payload = Buffer.from(json, 'utf8');
  return Buffer.concat([Buffer.from(headerOf(key, payload.length, sha256hex(payload)), 'latin1'), payload]);
}

function headerOf(key: string, length: number, sha: string): string {
  return `${MAGIC} ${key} ${length} ${sha}\n`;
}

/**
 * JSON given as pieces whose concatenation it is, made again each time they are asked for: a large
 * entry (lib/resultcache.ts) is then never one string nor one buffer. Its UTF-8 length and hash are
 * worked out by a first pass; the second writes it.
 */
export type JsonPieces = () => Iterable<string>;

/** The UTF-8 length and SHA-256 of pieces of text. */
function measure(pieces: JsonPieces): { length: number; sha: string } {
  const hash = createHash('sha256');
  let length = 0;
  for (const p of pieces()) {
    hash.update(p, 'utf8');
    length += Buffer.byteLength(p, 'utf8');
  }
  return { length, sha: hash.digest('hex') };
}

/** The JSON of a valid entry for `key`, or null when `data` is not one. */
function decodeEntry(key: string, data: Buffer): string | null {
  const nl = data.indexOf(10);
  if (nl < 0 || nl > 200) return null;
  const parts = data.toString('latin1', 0, nl).split(' ');
  if (parts.length !== 4 || parts[0] !== MAGIC || parts[1] !== key || !/^(0|[1-9][0-9]{0,9})$/.test(parts[2]!)) return null;
  const payload = data.subarray(nl + 1);
  if (payload.length !== Number(parts[2]) || sha256hex(payload) !== parts[3]) return null;
  return payload.toString('utf8');
}

type Read = { json: string } | 'missing' | 'bad';

/**
 * Which entry files a cache holds, listed one directory (a key's first two characters) at a time,
 * each the first time a key of it is looked up: a run over a cold cache, or one whose entries are
 * in packs, then asks the file system for no entry that is not there (thousands of failed opens
 * cost a cold run over std 50 ms). An entry another run writes meanwhile is missed, and computed.
 */
class EntryFiles {
  private readonly dirs = new Map<string, Set<string> | null>();
  constructor(private readonly cacheDir: string) {}
  mayHave(key: string): boolean {
    const prefix = key.slice(0, 2);
    let names = this.dirs.get(prefix);
    if (names === undefined) {
      try {
        names = new Set(fs.readdirSync(path.join(versionDir(this.cacheDir), prefix)));
      } catch (e) {
        // No such directory: no entry there. Anything else: look, as without the listing.
        const code = (e as NodeJS.ErrnoException).code;
        names = code === 'ENOENT' || code === 'ENOTDIR' ? new Set() : null;
      }
      this.dirs.set(prefix, names);
    }
    return names === null || names.has(key);
  }
}

/** Reads the entry for key; refreshes its mtime when it is older than a day, so that trimming keeps it. */
function readEntry(cacheDir: string, key: string, now: number): Read {
  const file = entryPath(cacheDir, key);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    // No entry there (ENOTDIR: the cache directory is not one; writing will tell).
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'bad';
  }
  let data: Buffer;
  let mtime: number;
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > 256 << 20) return 'bad';
    mtime = st.mtimeMs;
    data = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < data.length) {
      const n = fs.readSync(fd, data, off, data.length - off, off);
      if (n === 0) break;
      off += n;
    }
    if (off !== data.length) return 'bad';
  } catch {
    return 'bad';
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // nothing to do
    }
  }
  const json = decodeEntry(key, data);
  if (json === null) return 'bad';
  if (now - mtime > DAY_MS) {
    try {
      const t = new Date(now);
      fs.utimesSync(file, t, t);
    } catch {
      // A read-only cache is still a cache.
    }
  }
  return { json };
}

// ---------------------------------------------------------------------------------------------
// Packs

const isPackName = (name: string) => name.startsWith('p-') && name.endsWith('.pack');

/**
 * The entries of every pack in a cache, by key (from the newest pack that has it), read by offset
 * on demand. A pack that fails a check (its trailer, its index, or an entry it lists) is deleted at
 * close(): it was renamed into place whole, so it is damaged, and its entries are computed again.
 */
class Packs {
  private readonly where = new Map<string, { pack: number; pos: number; len: number }>();
  private readonly packs: { file: string; fd: number; mtime: number; used: boolean; damaged: boolean }[] = [];
  /** Packs that failed a check. */
  bad = 0;
  private readonly remove: string[] = [];

  constructor(cacheDir: string) {
    const vdir = versionDir(cacheDir);
    let names: string[];
    try {
      names = fs.readdirSync(vdir).filter(isPackName);
    } catch {
      return; // no cache yet, or not a directory: every key is missing
    }
    // p-<time in base 36, fixed width>-…: newest first, so that a key in two packs is read from the newer.
    for (const name of names.sort().reverse()) {
      const file = path.join(vdir, name);
      let fd: number;
      try {
        fd = fs.openSync(file, 'r');
      } catch {
        continue; // trimmed by another run since the listing
      }
      let index: [string, number, number][] | null = null;
      let st: fs.Stats | null = null;
      try {
        st = fs.fstatSync(fd);
        if (st.isFile()) index = readPackIndex(fd, st.size);
      } catch {
        index = null;
      }
      if (!index || !st) {
        this.bad++;
        if (st?.isFile()) this.remove.push(file);
        try {
          fs.closeSync(fd);
        } catch {
          // nothing to do
        }
        continue;
      }
      const pack = this.packs.length;
      this.packs.push({ file, fd, mtime: st.mtimeMs, used: false, damaged: false });
      for (const [key, pos, len] of index) if (!this.where.has(key)) this.where.set(key, { pack, pos, len });
    }
  }

  read(key: string): Read {
    const w = this.where.get(key);
    if (!w) return 'missing';
    const pack = this.packs[w.pack]!;
    const data = Buffer.allocUnsafe(w.len);
    let json: string | null = null;
    try {
      if (fs.readSync(pack.fd, data, 0, w.len, w.pos) === w.len) json = decodeEntry(key, data);
    } catch {
      json = null;
    }
    if (json === null) {
      pack.damaged = true;
      return 'bad';
    }
    pack.used = true;
    return { json };
  }

  /**
   * Closes the packs; refreshes the mtime of those read from that are older than a day, so that
   * trimming keeps them; deletes the damaged ones.
   */
  close(now: number): void {
    for (const p of this.packs) {
      if (p.used && !p.damaged && now - p.mtime > DAY_MS) {
        try {
          const t = new Date(now);
          fs.futimesSync(p.fd, t, t);
        } catch {
          // A read-only cache is still a cache.
        }
      }
      try {
        fs.closeSync(p.fd);
      } catch {
        // nothing to do
      }
      if (p.damaged) this.remove.push(p.file);
    }
    for (const file of this.remove) {
      try {
        fs.unlinkSync(file);
      } catch {
        // read-only, or removed by another run already
      }
    }
  }
}

/** A pack's index from its trailer: [key, offset, length] of each entry; null when it does not check out. */
function readPackIndex(fd: number, size: number): [string, number, number][] | null {
  const tailLen = Math.min(size, 128);
  const tail = Buffer.alloc(tailLen);
  if (fs.readSync(fd, tail, 0, tailLen, size - tailLen) !== tailLen || tail[tailLen - 1] !== 10) return null;
  const text = tail.toString('latin1', 0, tailLen - 1);
  const trailer = text.slice(text.lastIndexOf('\n') + 1).split(' ');
  const num = (v: string | undefined) => (v !== undefined && /^(0|[1-9][0-9]{0,11})$/.test(v) ? Number(v) : -1);
  const count = num(trailer[1]);
  const at = num(trailer[2]);
  const trailerLen = Buffer.byteLength(trailer.join(' ')) + 1;
  if (trailer.length !== 3 || trailer[0] !== PACK_MAGIC || count < 0 || at < 0 || at + trailerLen > size) return null;
  const indexLen = size - trailerLen - at;
  if (indexLen > 256 << 20) return null;
  const buf = Buffer.alloc(indexLen);
  if (fs.readSync(fd, buf, 0, indexLen, at) !== indexLen) return null;
  const lines = buf.toString('latin1').split('\n');
  // Every line ends with a newline: the last piece is empty.
  if (lines.length !== count + 1 || lines[count] !== '') return null;
  const out: [string, number, number][] = [];
  for (let i = 0; i < count; i++) {
    const [key, pos, len, more] = lines[i]!.split(' ');
    const p = num(pos);
    const l = num(len);
    if (more !== undefined || !key || !/^[0-9a-f]{64}$/.test(key) || p < 0 || l < 0 || p + l > at) return null;
    out.push([key, p, l]);
  }
  return out;
}

/** Writes one pack as entries come in (a temporary file, renamed into place by finish()). */
class PackWriter {
  private fd: number | null = null;
  private tmp = '';
  private readonly index: string[] = [];
  private pos = 0;
  private failed = 0;

  constructor(private readonly cacheDir: string) {
    const vdir = versionDir(cacheDir);
    try {
      fs.mkdirSync(vdir, { recursive: true });
      // The time in base 36 at a fixed width, so that names sort by age.
      const name = `p-${Date.now().toString(36).padStart(10, '0')}-${PID}-${randomBytes(6).toString('hex')}`;
      this.tmp = path.join(vdir, `.${name}.tmp`);
      this.fd = fs.openSync(this.tmp, 'wx', 0o644);
    } catch {
      this.fd = null;
    }
  }

  /** Appends encoded entries (`buf`, each ending at its `ends`), of these keys. */
  add(keys: string[], buf: Buffer, ends: number[]): void {
    if (this.fd === null) {
      this.failed += keys.length;
      return;
    }
    try {
      writeAll(this.fd, buf);
      let start = 0;
      keys.forEach((key, j) => {
        this.index.push(`${key} ${this.pos + start} ${ends[j]! - start}\n`);
        start = ends[j]!;
      });
      this.pos += buf.length;
    } catch {
      this.discard();
      this.failed += keys.length;
    }
  }

  /** Writes the index and trailer and renames the pack into place; what was written, and how many entries were not. */
  finish(): { bytes: number; failed: number } {
    if (this.fd === null) return { bytes: 0, failed: this.failed };
    try {
      const tail = Buffer.from(`${this.index.join('')}${PACK_MAGIC} ${this.index.length} ${this.pos}\n`, 'latin1');
      writeAll(this.fd, tail);
      this.pos += tail.length;
      fs.closeSync(this.fd);
      this.fd = null;
      fs.renameSync(this.tmp, path.join(path.dirname(this.tmp), `${path.basename(this.tmp).slice(1, -4)}.pack`));
    } catch {
      this.discard();
      return { bytes: 0, failed: this.failed };
    }
    try {
      keepNewestPacks(this.cacheDir);
    } catch {
      // the bound is a best effort
    }
    return { bytes: this.pos, failed: this.failed };
  }

  /** Gives up on the pack and removes it: everything added so far counts as not written. */
  discard(): void {
    this.failed += this.index.length;
    this.index.length = 0;
    try {
      if (this.fd !== null) fs.closeSync(this.fd);
    } catch {
      // nothing to do
    }
    this.fd = null;
    if (!this.tmp) return; // never created
    try {
      fs.rmSync(this.tmp, { force: true });
    } catch {
      // not ours to remove
    }
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/** Deletes the oldest packs beyond MAX_PACKS (by name, which starts with the time). */
function keepNewestPacks(cacheDir: string): void {
  const vdir = versionDir(cacheDir);
  const packs = fs.readdirSync(vdir).filter(isPackName).sort();
  for (const name of packs.slice(0, Math.max(0, packs.length - MAX_PACKS))) {
    try {
      fs.unlinkSync(path.join(vdir, name));
    } catch {
      // removed by another run already
    }
  }
}

/** Entries encoded one after another, for a pack: the bytes and where each ends. */
export function encodeEntries(keys: string[], json: string[]): { buf: Buffer; ends: number[] } {
  const parts = keys.map((key, j) => encodeEntry(key, json[j]!));
  const ends: number[] = [];
  let end = 0;
  for (const p of parts) ends.push((end += p.length));
  return { buf: Buffer.concat(parts), ends };
}

/** Errors after which writing more entries into the same cache is pointless. */
const HOPELESS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR']);

/**
 * Writes entries, each atomically (temporary file in the same directory, then rename). Returns
 * the bytes written and the number of entries not written; after an error that would repeat
 * (read-only, full, not a directory), the rest are not tried. An entry given as pieces whose JSON
 * is over `maxEntryBytes` is left out (not counted as a failure).
 */
export function writeEntries(cacheDir: string, entries: { key: string; json: string | JsonPieces }[], maxEntryBytes = Infinity): { bytes: number; failed: number } {
  const made = new Set<string>();
  let bytes = 0;
  let failed = 0;
  let hopeless = false;
  for (const { key, json } of entries) {
    if (hopeless) {
      failed++;
      continue;
    }
    const file = entryPath(cacheDir, key);
    const dir = path.dirname(file);
    const tmp = path.join(dir, `.${key.slice(0, 16)}.${PID}.${randomBytes(6).toString('hex')}.tmp`);
    let created = false;
    try {
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      if (typeof json === 'string') {
        const data = encodeEntry(key, json);
        fs.writeFileSync(tmp, data, { flag: 'wx', mode: 0o644 });
        created = true;
        bytes += data.length;
      } else {
        const { length, sha } = measure(json);
        if (length > maxEntryBytes) continue;
        const header = Buffer.from(headerOf(key, length, sha), 'latin1');
        const fd = fs.openSync(tmp, 'wx', 0o644);
        created = true;
        try {
          writeAll(fd, header);
          for (const p of json()) writeAll(fd, Buffer.from(p, 'utf8'));
        } finally {
          fs.closeSync(fd);
        }
        bytes += header.length + length;
      }
      fs.renameSync(tmp, file);
      created = false;
    } catch (e) {
      failed++;
      if (HOPELESS.has((e as NodeJS.ErrnoException).code ?? '')) hopeless = true;
      if (created) {
        try {
          fs.unlinkSync(tmp);
        } catch {
          // nothing more to do
        }
      }
    }
  }
  return { bytes, failed };
}

/**
 * Another kind of entry in the same store (lib/resultcache.ts): JSON under a key its caller
 * derives (salted with `salt()` too), checked like a facts entry; null when missing or not valid.
 */
export function readStored(cacheDir: string, key: string): string | null {
  const r = readEntry(cacheDir, key, Date.now());
  return typeof r === 'object' ? r.json : null;
}

/**
 * Writes such an entry (atomically) and keeps the store under its bound; false when it could not be
 * written. One of more than `maxEntryBytes` is not written (and that is no failure).
 */
export function writeStored(cacheDir: string, key: string, json: string | JsonPieces, maxBytes?: number, maxEntryBytes?: number): boolean {
  const { bytes, failed } = writeEntries(cacheDir, [{ key, json }], maxEntryBytes);
  if (bytes > 0) {
    try {
      updateSizeAndTrim(cacheDir, bytes, maxBytes ?? storeBound());
    } catch {
      // the bound is a best effort
    }
  }
  return failed === 0;
}

/** The store's bound in bytes: $GOSHIFT_CACHE_MAX_MB MB, else 256 MB. */
export function storeBound(): number {
  return (envNumber(process.env.GOSHIFT_CACHE_MAX_MB) ?? DEFAULT_MAX_MB) * (1 << 20);
}

/** What, besides their bytes, decides files' facts (see salt()): part of every key of the store. */
export function storeSalt(): string {
  return salt();
}

// ---------------------------------------------------------------------------------------------
// Computing

/**
 * Facts of each file as JSON. Facts are always handed out as JSON.parse of this text, whichever
 * way they were obtained (computed here, in a worker, or read from the cache), so that the result
 * cannot depend on the way (an `undefined` in a FileFacts would otherwise survive one way only).
 */
export function computeJson(files: Buffer[]): string[] {
  warmFacts(files.reduce((a, f) => a + f.length, 0));
  return files.map((b) => JSON.stringify(factsOf(b)));
}

/**
 * A batch of misses: their indices in the input, their keys (when looked up), and their bytes;
 * `hash`: their keys are to be computed by whoever computes their facts; `pack`: their cache
 * entries are wanted, encoded for a pack.
 */
interface Batch {
  idx: number[];
  keys: string[] | null;
  files: Buffer[];
  size: number;
  hash: boolean;
  pack: boolean;
}

/** What a worker is sent: one ArrayBuffer holding all of a batch's files, transferred, not copied. */
export interface WorkerRequest {
  buf: ArrayBuffer;
  ends: number[];
  /** The files' cache keys, when this thread looked them up. */
  keys: string[] | null;
  /** No keys given: hash the files there, and reply their keys. */
  hash: boolean;
  /** Encode the files' cache entries (with the keys given or hashed) for this thread to write. */
  pack: boolean;
}

export interface WorkerReply {
  json: string[];
  /** The keys hashed by whoever computed the batch (`hash`). */
  keys?: string[];
  /** The batch's cache entries, encoded one after another (encodeEntries), for this thread to write. */
  entries: { buf: ArrayBuffer; ends: number[] } | null;
}

/**
 * A batch's facts as a worker replies them: JSON; the files' keys when it hashes them (`hash`, no
 * keys given); the cache entries when they are wanted (`pack`).
 */
export function computeReply(files: Buffer[], keys: string[] | null, hash: boolean, pack: boolean): { reply: WorkerReply; transfer: ArrayBuffer[] } {
  const json = computeJson(files);
  const hashed = !keys && hash ? files.map(keyOf) : null;
  const ks = keys ?? hashed;
  const extra = hashed ? { keys: hashed } : {};
  if (!ks || !pack) return { reply: { json, entries: null, ...extra }, transfer: [] };
  const { buf, ends } = encodeEntries(ks, json);
  // Buffer.concat may hand out a slice of a shared pool: send a buffer of its own.
  const own = buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength ? (buf.buffer as ArrayBuffer) : new Uint8Array(buf).buffer;
  return { reply: { json, entries: { buf: own, ends }, ...extra }, transfer: [own] };
}

/** A batch computed on this thread. */
function computeHere(b: Batch): WorkerReply {
  return computeReply(b.files, b.keys, b.hash, b.pack).reply;
}

function request(batch: Batch): { req: WorkerRequest; transfer: ArrayBuffer[] } {
  // A Buffer may be a view of a larger (pooled) ArrayBuffer, which postMessage would copy whole:
  // copy the batch's bytes into one ArrayBuffer of its own and transfer that.
  const all = new Uint8Array(batch.size);
  const ends: number[] = [];
  let off = 0;
  for (const f of batch.files) {
    all.set(f, off);
    off += f.length;
    ends.push(off);
  }
  return { req: { buf: all.buffer, ends, keys: batch.keys, hash: batch.hash, pack: batch.pack }, transfer: [all.buffer] };
}

const WORKER_URL = new URL('./factsworker.js', import.meta.url);

/**
 * Batches a worker may have in flight. Two were not enough: a worker only gets its next batch when
 * this thread turns its event loop, and this thread, computing a batch of its own (and JSON.parse of
 * replies) can take longer than a worker's batch: over std the worker waited 0.1 s of its 1 s.
 */
const IN_FLIGHT = 3;

/** A workspace of this many files or more gets its facts workers started early (prestartFacts). */
export const PRESTART_FILES = 200;

/**
 * A cold run of this many files or more reads them as their facts are computed (streamInputs):
 * $GOSHIFT_STREAM_MIN_FILES, else PRESTART_FILES. (The tests set it to 0, so that every cold run of
 * a fixture reads that way while a warm one reads first.)
 */
export function streamMinFiles(): number {
  return envNumber(process.env.GOSHIFT_STREAM_MIN_FILES) ?? PRESTART_FILES;
}

/** Workers prestartFacts started, for the next Pool to take; unref'd until then, so that they keep no process alive. */
const spares: { w: Worker; dead: boolean }[] = [];

/**
 * Starts the facts workers a cold run will want before it has read and hashed its inputs: a worker
 * takes about a tenth of a second to start (its isolate, the lexer's modules), which then overlaps
 * the main thread's reading instead of delaying the first batch. Only where the facts will mostly be
 * computed: a workspace of PRESTART_FILES files or more, and no cache, or one without facts of this
 * version. The next factsFor takes them; releaseSpareWorkers stops any it did not. Never changes a result.
 */
export function prestartFacts(opts: { jobs: number; files: number; cacheDir: string | null }): void {
  // factsFor, with work of its own for the main thread (meanwhile), runs jobs - 1 workers.
  const n = Math.floor(opts.jobs) - 1;
  if (n < 1 || spares.length || opts.files < PRESTART_FILES) return;
  if (opts.cacheDir && hasVersion(opts.cacheDir)) return;
  for (let i = 0; i < n; i++) {
    let w: Worker;
    try {
      w = new Worker(WORKER_URL);
    } catch {
      return;
    }
    const spare = { w, dead: false };
    // One that fails before a Pool takes it is not taken: the Pool starts another.
    const gone = () => {
      spare.dead = true;
    };
    w.on('error', gone);
    w.on('exit', gone);
    w.unref();
    spares.push(spare);
  }
}

/** How many workers prestartFacts started wait for a Pool (for the tests). */
export function spareWorkers(): number {
  return spares.length;
}

/** Stops the workers prestartFacts started that no Pool took. */
export function releaseSpareWorkers(): void {
  for (const s of spares.splice(0)) void s.w.terminate();
}

/** A live spare worker, taken out of the spares, with its listeners of the time before removed; null when none. */
function takeSpare(): Worker | null {
  for (let s = spares.shift(); s; s = spares.shift()) {
    if (s.dead) continue;
    s.w.removeAllListeners('error');
    s.w.removeAllListeners('exit');
    s.w.ref();
    return s.w;
  }
  return null;
}

/**
 * Up to `jobs` worker threads fed from one queue of batches. A worker is started only when a
 * batch waits and every started worker is busy, so that a few batches do not start many workers.
 * Each worker has up to IN_FLIGHT batches in flight, so that it never waits for the next one. A batch whose
 * worker fails is computed on this thread at finish(): an exception from factsOf then surfaces
 * as itself, and nothing is lost.
 */
class Pool {
  private readonly queue: Batch[] = [];
  private readonly lanes: { w: Worker; sent: Batch[]; dead: boolean }[] = [];
  private readonly leftovers: Batch[] = [];
  private wake: (() => void) | null = null;
  private cannotStart = false;

  constructor(
    private readonly jobs: number,
    private readonly done: (b: Batch, r: WorkerReply) => void,
  ) {}

  push(batch: Batch): void {
    this.queue.push(batch);
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const live = this.lanes.filter((l) => !l.dead);
      let lane = live.find((l) => l.sent.length === 0);
      if (!lane && this.lanes.length < this.jobs && !this.cannotStart) lane = this.start() ?? undefined;
      lane ??= live.find((l) => l.sent.length < IN_FLIGHT);
      if (!lane) break;
      const batch = this.queue.shift()!;
      lane.sent.push(batch);
      const { req, transfer } = request(batch);
      lane.w.postMessage(req, transfer);
    }
    // Nothing can take the queue any more: it is computed here at finish().
    if ((this.lanes.length >= this.jobs || this.cannotStart) && this.lanes.every((l) => l.dead)) this.leftovers.push(...this.queue.splice(0));
    if (this.wake && this.idle()) this.wake();
  }

  private start(): { w: Worker; sent: Batch[]; dead: boolean } | null {
    let w: Worker;
    try {
      w = takeSpare() ?? new Worker(WORKER_URL);
    } catch {
      this.cannotStart = true;
      return null;
    }
    const lane = { w, sent: [] as Batch[], dead: false };
    const fail = () => {
      if (lane.dead) return;
      lane.dead = true;
      this.leftovers.push(...lane.sent.splice(0));
      void w.terminate();
      this.pump();
      this.wakeReply();
    };
    w.on('message', (r: WorkerReply) => {
      const batch = lane.sent.shift();
      if (batch) this.done(batch, r);
      this.pump();
      this.wakeReply();
    });
    w.on('error', fail);
    w.on('exit', fail);
    this.lanes.push(lane);
    return lane;
  }

  /** A batch no worker has taken yet, for the caller to compute; undefined when none waits. */
  take(): Batch | undefined {
    return this.queue.shift();
  }

  /** Stops the workers, whatever they are doing. */
  async stop(): Promise<void> {
    this.queue.length = 0;
    await Promise.all(
      this.lanes.map((l) => {
        l.dead = true;
        return l.w.terminate();
      }),
    );
  }

  idle(): boolean {
    return this.queue.length === 0 && this.lanes.every((l) => l.sent.length === 0);
  }

  private replied: (() => void)[] = [];

  /** Resolves at the next reply of a worker (or when one fails). */
  reply(): Promise<void> {
    return new Promise<void>((resolve) => this.replied.push(resolve));
  }

  private wakeReply(): void {
    for (const r of this.replied.splice(0)) r();
  }

  /** Waits for every batch, stops the workers, computes here what they could not. */
  async finish(): Promise<void> {
    if (!this.idle()) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
    await this.stop();
    for (const b of this.leftovers.splice(0)) this.done(b, computeHere(b));
  }
}

/** Facts from a cache entry's JSON, or null when it is not facts of this version. */
function parseFacts(json: string): FileFacts | null {
  try {
    const f = JSON.parse(json) as FileFacts;
    return f !== null && typeof f === 'object' && f.v === FACTS_VERSION ? f : null;
  } catch {
    return null;
  }
}

/** A non-negative number from an environment variable; undefined when unset, empty or not one. */
export function envNumber(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

// ---------------------------------------------------------------------------------------------
// The entry point

/** Facts for each input (same order): its bytes read already by the caller, or by opts.read as the pass comes to it (undefined for one it could not read). */
export async function factsFor(
  inputs: { abs: string; bytes: Buffer }[],
  opts: FactsOptions,
): Promise<{ facts: FileFacts[]; stats: FactsStats }> {
  const n = inputs.length;
  const jobs = Math.max(1, Math.floor(opts.jobs) || 1);
  const cacheDir = opts.cacheDir;
  const stats: FactsStats = { hits: 0, computed: 0, cacheErrors: 0 };
  const facts: FileFacts[] = new Array(n);

  // Misses are computed by batches, inline or by workers, and written to the cache: many misses
  // (enough for workers, whether or not there are any) as one pack, few each as its own entry.
  let pool: Pool | null = null;
  let pack: PackWriter | null = null;
  let written = 0;
  const done = (b: Batch, r: WorkerReply) => {
    // Keys hashed where the batch was computed: keyOf answers them from now on (Program's digests).
    if (r.keys) {
      const ks = r.keys;
      b.keys = ks;
      b.idx.forEach((i, j) => keyMemo.set(inputs[i]!.bytes, ks[j]!));
    }
    b.idx.forEach((i, j) => {
      facts[i] = JSON.parse(r.json[j]!) as FileFacts;
    });
    stats.computed += b.idx.length;
    if (cacheDir && b.keys) {
      if (r.entries) (pack ??= new PackWriter(cacheDir)).add(b.keys, Buffer.from(r.entries.buf), r.entries.ends);
      else {
        const w = writeEntries(cacheDir, b.keys.map((key, j) => ({ key, json: r.json[j]! })));
        written += w.bytes;
        stats.cacheErrors += w.failed;
      }
    }
    opts.onProgress?.(stats.hits + stats.computed);
  };
  const minPool = opts.minPoolBytes ?? envNumber(process.env.GOSHIFT_FACTS_MIN_POOL) ?? DEFAULT_MIN_POOL_BYTES;
  let total = 0;
  for (const f of inputs) total += f.bytes.length;
  // About 4 batches per worker at least, so that the workers finish at about the same time (files
  // read as the pass goes: their size is not known before).
  const target = opts.read ? BATCH_BYTES : Math.max(1, Math.min(BATCH_BYTES, Math.ceil(total / (jobs * 4))));
  // A cache with nothing of this version (a first run, or one after an upgrade) has no facts and
  // no result to look up: then no key is needed before the facts are computed, and the files are
  // hashed where their facts are, on every core, as with no cache (Program's digests need them).
  const lookup = cacheDir !== null && hasVersion(cacheDir);
  const newBatch = (): Batch => ({ idx: [], keys: lookup ? [] : null, files: [], size: 0, hash: !lookup, pack: cacheDir !== null });
  /** A batch's files, in order, cut into batches of about `size` bytes: each full one goes to `emit`; the last (maybe empty) is returned. */
  const cut = (from: Batch, size: number, emit: (b: Batch) => void): Batch => {
    let b = newBatch();
    from.idx.forEach((idx, j) => {
      const len = from.files[j]!.length;
      if (b.idx.length > 0 && b.size + len > size) {
        emit(b);
        b = newBatch();
      }
      b.idx.push(idx);
      b.keys?.push(from.keys![j]!);
      b.files.push(from.files[j]!);
      b.size += len;
    });
    return b;
  };
  /** Lets replies in (and idle workers take the next batch) before going on. */
  const letIn = () => new Promise<void>((resolve) => setImmediate(resolve));

  // One pass over the inputs: hashing and reading entries is cheap enough on this thread. Misses
  // wait in `pending` until they are enough to be worth workers (minPool bytes); from then on the
  // pool is fed a batch whenever `pending` reaches the batch size, so that the workers start and
  // compute while this pass goes on.
  let pending = newBatch();
  const now = Date.now();
  const packs = lookup ? new Packs(cacheDir) : null;
  if (packs) stats.cacheErrors += packs.bad;
  const entryFiles = lookup ? new EntryFiles(cacheDir) : null;
  try {
    for (let i = 0; i < n; i++) {
      if (opts.read) {
        const read = opts.read(i);
        if (!read) continue;
        inputs[i]!.bytes = read;
      }
      const bytes = inputs[i]!.bytes;
      let key: string | null = null;
      if (lookup) {
        key = keyOf(bytes);
        let r = packs!.read(key);
        if (r === 'missing' && entryFiles!.mayHave(key)) r = readEntry(cacheDir!, key, now);
        if (typeof r === 'object') {
          const f = parseFacts(r.json);
          if (f) {
            facts[i] = f;
            stats.hits++;
            opts.onProgress?.(stats.hits + stats.computed);
            continue;
          }
        }
        if (r !== 'missing') stats.cacheErrors++;
      }
      pending.idx.push(i);
      pending.keys?.push(key!);
      pending.files.push(bytes);
      pending.size += bytes.length;
      if (!pool && jobs > 1 && pending.size >= minPool) {
        // With work of its own for this thread (`meanwhile`: parsing), one worker fewer than jobs, so
        // that the threads do not outnumber the cores; this thread lexes too when it has nothing to parse.
        pool = new Pool(opts.meanwhile ? Math.max(1, jobs - 1) : jobs, done);
        // The misses so far, cut to the batch size.
        const p = pool;
        pending = cut(pending, target, (b) => p.push(b));
      }
      if (pool && pending.size >= target) {
        pool.push(pending);
        pending = newBatch();
        await letIn();
      }
    }
  } finally {
    packs?.close(now);
  }
  try {
    if (pool) {
      if (pending.idx.length > 0) pool.push(pending);
      // Every batch is with the pool: this thread, which would only wait, does the caller's work, in
      // slices, letting the workers' replies in between; with nothing of the caller's to do, it
      // computes a batch no worker has taken yet.
      if (opts.meanwhile) {
        while (!pool.idle()) {
          if (opts.meanwhile(facts)) await letIn();
          else {
            const b = pool.take();
            if (!b) await pool.reply();
            else {
              done(b, computeHere(b));
              await letIn();
            }
          }
        }
      }
      await pool.finish();
    } else if (pending.size >= minPool && pending.pack) {
      // As many misses as workers would have had (--jobs 1, one core): one pack too, since creating
      // a file per entry costs more than computing it on some file systems (4,166 files over std:
      // 3-4 s). Batch by batch, so that no more than a batch's entries are held encoded at once.
      const compute = (b: Batch) => done(b, computeHere(b));
      const last = cut(pending, BATCH_BYTES, compute);
      if (last.idx.length > 0) compute(last);
    } else if (pending.idx.length > 0) {
      done(pending, computeReply(pending.files, pending.keys, pending.hash, false).reply);
    }
  } catch (e) {
    // factsOf threw (here, or on a worker for a batch it left to this thread): no worker is left
    // running, no pack half written.
    await pool?.stop();
    (pack as PackWriter | null)?.discard();
    throw e;
  }
  if (pack) {
    const w = (pack as PackWriter).finish();
    written += w.bytes;
    stats.cacheErrors += w.failed;
  }

  if (cacheDir && written > 0) {
    const maxBytes = opts.maxBytes ?? (envNumber(process.env.GOSHIFT_CACHE_MAX_MB) ?? DEFAULT_MAX_MB) * (1 << 20);
    try {
      updateSizeAndTrim(cacheDir, written, maxBytes);
    } catch {
      // the bound is a best effort
    }
  }
  return { facts, stats };
}

// ---------------------------------------------------------------------------------------------
// Bounding the cache's size

/**
 * Keeps the cache under maxBytes without scanning it on every run. `<cacheDir>/facts-size` holds a
 * hint: the cache's size in bytes as last measured, plus what runs have written since. A run that
 * wrote entries adds what it wrote to the hint (one small read and one atomic write); only when
 * the hint goes over the bound, or is missing or unreadable, is the cache scanned (readdir + stat
 * of every entry), its oldest entries (by mtime) deleted until it is under 80% of the bound, and
 * the measured size written as the new hint. Runs at the same time may lose each other's
 * additions (last rename wins), and rewritten entries are counted twice: the hint is only a
 * trigger, and the next scan measures the truth. A run that wrote nothing (all hits) touches
 * nothing. Failures are ignored: the bound is a best effort, never a reason to fail.
 */
function updateSizeAndTrim(cacheDir: string, written: number, maxBytes: number): void {
  const hintFile = path.join(cacheDir, SIZE_HINT);
  let hint: number | null = null;
  try {
    const v = Number(fs.readFileSync(hintFile, 'latin1').trim());
    if (Number.isFinite(v) && v >= 0) hint = v;
  } catch {
    // missing: scan
  }
  let size = hint === null ? Infinity : hint + written;
  if (size > maxBytes) size = trim(cacheDir, maxBytes);
  try {
    const tmp = `${hintFile}.${PID}.${randomBytes(6).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, `${size}\n`, { flag: 'wx', mode: 0o644 });
    try {
      fs.renameSync(tmp, hintFile);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  } catch {
    // a read-only cache keeps its old hint
  }
}

/** Measures the cache and deletes its oldest entries until it is under 80% of maxBytes; returns its size. */
export function trim(cacheDir: string, maxBytes: number): number {
  const entries: { file: string; size: number; mtime: number }[] = [];
  let total = 0;
  const now = Date.now();
  const list = (d: string): fs.Dirent[] => {
    try {
      return fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  // Entries of every facts version count: another goshift version's entries take room too.
  for (const v of list(cacheDir)) {
    if (v.isFile() && v.name.startsWith(`${SIZE_HINT}.`) && v.name.endsWith('.tmp')) {
      const file = path.join(cacheDir, v.name);
      try {
        if (now - fs.statSync(file).mtimeMs > STALE_TMP_MS) fs.rmSync(file, { force: true });
      } catch {
        // gone already
      }
      continue;
    }
    if (!v.isDirectory() || !/^facts-v\d+$/.test(v.name)) continue;
    const vdir = path.join(cacheDir, v.name);
    // Packs and their temporary files are in the version directory, single entries one level down.
    const files = list(vdir).flatMap((sub) => {
      if (!sub.isDirectory()) return sub.isFile() && (isPackName(sub.name) || sub.name.endsWith('.tmp')) ? [{ dir: vdir, e: sub }] : [];
      const sdir = path.join(vdir, sub.name);
      return list(sdir).map((e) => ({ dir: sdir, e }));
    });
    for (const { dir, e } of files) {
      const file = path.join(dir, e.name);
      let st: fs.Stats;
      try {
        st = fs.statSync(file);
      } catch {
        continue;
      }
      if (!st.isFile()) continue;
      if (e.name.endsWith('.tmp')) {
        // Left over by a run that died, or being written right now: only old ones go.
        if (now - st.mtimeMs > STALE_TMP_MS) {
          try {
            fs.rmSync(file, { force: true });
          } catch {
            // not ours to remove
          }
        }
        continue;
      }
      entries.push({ file, size: st.size, mtime: st.mtimeMs });
      total += st.size;
    }
  }
  if (total <= maxBytes) return total;
  entries.sort((a, b) => a.mtime - b.mtime);
  const goal = maxBytes * 0.8;
  for (const e of entries) {
    if (total <= goal) break;
    try {
      fs.unlinkSync(e.file);
      total -= e.size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') total -= e.size;
    }
  }
  return total;
}

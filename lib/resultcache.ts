// The result cache, checked right after the files are read (workspace → facts → …): a run over
// exactly the inputs of an earlier run (the same files with the same bytes, the same modules, the
// same transforms and options, the same build of goshift) gets that run's result back without
// parsing or linking anything, like `go test` reporting "(cached)". The first run of `-l`, `-d`
// and `-w` in a row, or CI's `--check` over a tree it has seen, pays once.
//
// The key covers everything the engine reads: every file's path, package, module and role
// (target, excluded, test) with a hash of its bytes; the bytes of the .go files goshift skips but
// links against, and of every go.mod; the module layout; the transforms and every option that
// reaches them; and a hash of goshift's own compiled code, grammar and libraries. A result is
// stored only when the run had no errors (an unreadable or unparsable file, a transform's
// failure: those are computed again each time), and when it is not larger than a quarter of the
// store's bound. Transforms loaded from the user's files are never cached (their code may read
// anything). Entries live in the facts store (lib/factstore.ts): written atomically, checked by
// length and checksum, trimmed with it; one that fails to read or decode is a miss.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transforms as builtins } from '../transforms/index.js';
import { keyOf, readStored, storeBound, storeSalt, writeStored } from './factstore.js';
import type { ChangeNote, FileChange, Report, RunResult, SetSummary, SourceFile, Transform, TransformOptions, Workspace } from './types.js';

/** Bumped when the stored shape changes. */
const RESULT_VERSION = 1;

let codeHashMemo: string | undefined;

/** A hash of goshift's compiled engine and transforms (every .js under dist/lib and dist/transforms) and of the versions of tree-sitter and magic-string. */
function codeHash(): string {
  if (codeHashMemo !== undefined) return codeHashMemo;
  // This file is <root>/dist/lib/resultcache.js.
  const dist = fileURLToPath(new URL('../', import.meta.url));
  const h = createHash('sha256');
  const files: string[] = [];
  for (const top of ['lib', 'transforms']) {
    try {
      for (const e of fs.readdirSync(path.join(dist, top), { withFileTypes: true, recursive: true })) {
        if (e.isFile() && e.name.endsWith('.js')) files.push(path.join(e.parentPath, e.name));
      }
    } catch {
      // hashed as missing below
    }
  }
  // The libraries the engine edits and parses with: their versions.
  const require = createRequire(import.meta.url);
  for (const dep of ['tree-sitter', 'magic-string']) {
    try {
      files.push(require.resolve(`${dep}/package.json`));
    } catch {
      h.update(`${dep} not found\0`);
    }
  }
  files.sort();
  for (const f of files) {
    h.update(path.relative(dist, f)).update('\0');
    try {
      h.update(fs.readFileSync(f));
    } catch {
      h.update('unreadable');
    }
    h.update('\0');
  }
  codeHashMemo = h.digest('hex');
  return codeHashMemo;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const readOrNull = (abs: string): Buffer | null => {
  try {
    return fs.readFileSync(abs);
  } catch {
    return null;
  }
};

/** The options that can change a result, as sorted [name, value] pairs (undefined ones left out). */
function resultOptions(opts: TransformOptions): [string, unknown][] {
  const { jobs: _jobs, cacheDir: _cacheDir, progress: _progress, resultCache: _resultCache, ...rest } = opts;
  return Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The key of a run over these inputs, or null when its result must not be cached (no cache, the
 * result cache turned off, a transform from the user's files, a workspace that has errors already).
 */
export function resultKey(ws: Workspace, transforms: Transform[], opts: TransformOptions, inputs: { sf: SourceFile; bytes: Buffer }[]): string | null {
  if (!opts.cacheDir || opts.resultCache === false || ws.errors.length || ws.unreadable.length || inputs.length !== ws.files.length) return null;
  if (!transforms.every((t) => builtins.includes(t))) return null;
  const material = {
    v: RESULT_VERSION,
    code: codeHash(),
    transforms: transforms.map((t) => t.name),
    // Every option that reaches a transform or the engine, an option added later too (jobs, the
    // cache and progress never change a result).
    opts: resultOptions(opts),
    cwd: ws.cwd,
    modules: ws.modules,
    goMods: ws.modules.map((m) => {
      const b = readOrNull(path.join(m.root, 'go.mod'));
      return b ? sha(b) : null;
    }),
    parts: ws.parts ?? null,
    notes: ws.notes ?? null,
    // Each file's facts key stands for its bytes: factsFor, on a miss, then hashes nothing again.
    files: inputs.map(({ sf, bytes }) => [sf.abs, sf.rel, sf.dir, sf.importPath, sf.module.root, sf.isTest, sf.target, !!sf.excluded, keyOf(bytes)]),
    skipped: (ws.skippedGo ?? []).map((abs) => {
      const b = readOrNull(abs);
      return [abs, b ? sha(b) : null];
    }),
  };
  return createHash('sha256').update(storeSalt()).update('\0goshift-result\0').update(JSON.stringify(material)).digest('hex');
}

interface Stored {
  v: number;
  changes: { abs: string; notes?: ChangeNote[]; after: string; encoding: 'utf8' | 'latin1' }[];
  report: Report;
  sets?: SetSummary[];
}

/** The stored result for the key, with the run's own files and bytes; null when there is none (or it does not fit the inputs). */
export function loadResult(cacheDir: string, key: string, inputs: { sf: SourceFile; bytes: Buffer }[]): RunResult | null {
  const json = readStored(cacheDir, key);
  if (json === null) return null;
  let s: Stored;
  try {
    s = JSON.parse(json) as Stored;
  } catch {
    return null;
  }
  if (!s || s.v !== RESULT_VERSION || !Array.isArray(s.changes) || typeof s.report !== 'object' || s.report === null) return null;
  const byAbs = new Map(inputs.map((x) => [x.sf.abs, x]));
  const changes: FileChange[] = [];
  for (const c of s.changes) {
    const x = byAbs.get(c.abs);
    if (!x || typeof c.after !== 'string') return null;
    // A copy: the input's bytes are a view of a slab (SlabReader) that the result would keep whole.
    changes.push({ file: x.sf, ...(c.notes ? { notes: c.notes } : {}), before: Buffer.from(x.bytes), after: c.after, encoding: c.encoding });
  }
  // Nothing was parsed this time: the summary says so.
  return { changes, report: { ...s.report, filesParsed: 0 }, ...(s.sets ? { sets: s.sets } : {}) };
}

/**
 * Stores a run's result under its key, when the run had no errors and the result is not so large
 * (a quarter of the store's bound) that keeping it would push out the facts of most files.
 */
export function storeResult(cacheDir: string, key: string, r: RunResult, bound = storeBound()): void {
  if (r.report.errors.length) return;
  // The JSON of a Stored, in pieces, a change each, made as they are written: over ten copies of
  // std it is 16 MB, which as one string, then its bytes, then those with the header took 90 MB at
  // the end of the run (its peak).
  const pieces = function* (): Iterable<string> {
    yield `{"v":${RESULT_VERSION},"changes":[`;
    let first = true;
    for (const c of r.changes) {
      const sc: Stored['changes'][number] = { abs: c.file.abs, ...(c.notes ? { notes: c.notes } : {}), after: c.after, encoding: c.encoding };
      yield (first ? '' : ',') + JSON.stringify(sc);
      first = false;
    }
    yield `],"report":${JSON.stringify(r.report)}${r.sets ? `,"sets":${JSON.stringify(r.sets)}` : ''}}`;
  };
  writeStored(cacheDir, key, pieces, undefined, bound / 4);
}

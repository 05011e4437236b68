import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { findImportBacks } from './depends.js';
import { describeFsError, errCode } from './fserr.js';
import type { GoModule, Problem, SourceFile, Workspace } from './types.js';

/**
 * Finds the Go files a run works on.
 *
 * Every path names a place to start changes (`target`); the scope is wider: every .go file of
 * every module holding one of the paths, plus the modules of a go.work above them, so callers
 * elsewhere get updated too. Discovery is synchronous underneath (one readdir per directory,
 * no per-file stat), which is the fastest simple way in Node: the Go tree (~10k files) takes
 * well under a second.
 */
export async function discover(paths: string[], opts: DiscoverOptions): Promise<Workspace> {
  const ws = new Discovery(path.resolve(opts.cwd), gopathRoots(opts), excluder(opts.exclude), opts.onManyFiles ?? null).run(paths.length > 0 ? paths : ['.']);
  findImportBacks(ws, opts.env);
  return ws;
}

export interface DiscoverOptions {
  cwd: string;
  /**
   * GOPATH for paths in no module (--gopath): one directory or a list separated by the platform's
   * path list separator. Absent: $GOPATH, else $HOME/go, as Go does.
   */
  gopath?: string;
  /** The environment GOPATH and HOME are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Files to exclude (--exclude, `exclude` in .goshift.yaml): see SourceFile.excluded. */
  exclude?: ExcludeRules[];
  /** Called once, as soon as the walk has found `atLeast` .go files (the run's workers can start then). */
  onManyFiles?: { atLeast: number; call: () => void };
}

/** Exclusion patterns, with .gitignore's syntax and meaning, relative to `base`. */
export interface ExcludeRules {
  /** Absolute directory: the config file's for its `exclude`, the current directory for --exclude. */
  base: string;
  patterns: string[];
}

/**
 * Whether a file (absolute path, as found) matches one of the rules: its path relative to a rule's
 * base matches a pattern as a .gitignore in that directory would (`legacy/` any directory named
 * legacy, `/gen` only the base's — `./gen` too —, `*_mock.go` at any depth, `internal/old/**` below
 * that directory, `!x.go` takes a file back). A file outside a rule's base never matches it. Null: no rules.
 */
export function excluder(rules: ExcludeRules[] | undefined): ((abs: string) => boolean) | null {
  const live = (rules ?? []).filter((r) => r.patterns.length > 0);
  if (live.length === 0) return null;
  // `./gen/` as a shell user writes it is `/gen/`: anchored at the base.
  const anchor = (p: string) => p.replace(/^(!?)\.\/+/, '$1/');
  const matchers = live.map((r) => ({ base: path.resolve(r.base), ig: ignore({ ignorecase: false }).add(r.patterns.map(anchor)) }));
  return (abs: string) =>
    matchers.some(({ base, ig }) => {
      const rel = path.relative(base, abs);
      if (rel === '' || rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) return false;
      return ig.ignores(toPosix(rel));
    });
}

/** The GOPATH entries (absolute) for a run: --gopath, else $GOPATH, else $HOME/go. */
export function gopathRoots(opts: DiscoverOptions): string[] {
  const env = opts.env ?? process.env;
  let list = opts.gopath ?? env.GOPATH ?? '';
  if (list.trim() === '') {
    const home = env.HOME ?? env.USERPROFILE ?? '';
    if (home === '') return [];
    list = path.join(home, 'go');
  }
  return list.split(path.delimiter).filter((d) => d.trim() !== '').map((d) => path.resolve(opts.cwd, d));
}

/** One `replace` directive of a go.mod: `from [fromVersion] => to [toVersion]`. */
export interface Replace {
  from: string;
  fromVersion?: string;
  to: string;
  toVersion?: string;
  /** The right side is a directory (absolute, or starting with ./ or ../), not a module path. */
  local: boolean;
}

/** Splits a go.mod line into tokens: unquoted words, "interpreted" and `raw` strings. */
function tokens(line: string): string[] {
  const out: string[] = [];
  const re = /"(?:[^"\\]|\\.)*"|`[^`]*`|\S+/g;
  for (const m of line.matchAll(re)) out.push(m[0].startsWith('"') || m[0].startsWith('`') ? unquote(m[0]) : m[0]);
  return out;
}

/** The entries of every `verb` directive, single-line or block form, each as its text after the verb. */
function directiveEntries(text: string, verb: string): string[] {
  const out: string[] = [];
  let inBlock = false;
  const head = new RegExp(`^${verb}\\b\\s*(.*)$`);
  for (const raw of text.split('\n')) {
    const line = stripComment(raw).trim();
    if (line === '') continue;
    if (inBlock) {
      if (line.startsWith(')')) { inBlock = false; continue; }
      out.push(line);
      continue;
    }
    const m = head.exec(line);
    if (!m) continue;
    const rest = m[1].trim();
    if (rest.startsWith('(')) {
      const inner = rest.slice(1).trim();
      if (inner.endsWith(')')) {
        const one = inner.slice(0, -1).trim();
        if (one !== '') out.push(one);
      } else {
        inBlock = true;
        if (inner !== '') out.push(inner);
      }
    } else if (rest !== '') {
      out.push(rest);
    }
  }
  return out;
}

/** The `replace` directives of a go.mod (single-line and block form, versions optional on both sides). */
export function parseReplaces(gomod: string): Replace[] {
  const out: Replace[] = [];
  for (const entry of directiveEntries(gomod, 'replace')) {
    const toks = tokens(entry);
    const arrow = toks.indexOf('=>');
    if (arrow < 1 || arrow > 2 || toks.length - arrow - 1 < 1 || toks.length - arrow - 1 > 2) continue;
    const to = toks[arrow + 1];
    const r: Replace = { from: toks[0], to, local: isLocalPath(to) };
    if (arrow === 2) r.fromVersion = toks[1];
    if (toks.length - arrow - 1 === 2) r.toVersion = toks[arrow + 2];
    out.push(r);
  }
  return out;
}

/** One `require` of a go.mod: a module path and its version. */
export interface Require {
  path: string;
  version: string;
}

/** The `require` directives of a go.mod (single-line and block form). */
export function parseRequires(gomod: string): Require[] {
  const out: Require[] = [];
  for (const entry of directiveEntries(gomod, 'require')) {
    const toks = tokens(entry);
    if (toks.length >= 2) out.push({ path: toks[0], version: toks[1] });
  }
  return out;
}

/** The `go` directive of a go.mod as [major, minor]; null when there is none. */
export function parseGoVersion(gomod: string): [number, number] | null {
  const e = directiveEntries(gomod, 'go')[0];
  const m = e ? /^(\d+)\.(\d+)/.exec(e) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Go's rule for the right side of a replace: a file path when absolute or starting with ./ or ../. */
function isLocalPath(p: string): boolean {
  return p.startsWith('./') || p.startsWith('../') || p === '.' || p === '..' || path.isAbsolute(p) ||
    (path.sep === '\\' && (p.startsWith('.\\') || p.startsWith('..\\')));
}

/** The `module` directive of a go.mod, unquoted; null when there is none. */
export function parseModulePath(gomod: string): string | null {
  const lines = gomod.split('\n').map((l) => stripComment(l).trim());
  for (let i = 0; i < lines.length; i++) {
    const m = /^module\b\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    let rest = m[1].trim();
    if (rest === '(') {
      // Block form: the first non-empty line inside holds the path.
      for (i++; i < lines.length && lines[i] === ''; i++);
      rest = i < lines.length && lines[i] !== ')' ? lines[i] : '';
    }
    const p = unquote(rest);
    return p === '' ? null : p;
  }
  return null;
}

/** The directories of the `use` directives of a go.work, as written (relative to the go.work's directory). */
export function parseWorkUses(gowork: string): string[] {
  const out: string[] = [];
  let inBlock = false;
  for (const raw of gowork.split('\n')) {
    const line = stripComment(raw).trim();
    if (line === '') continue;
    if (inBlock) {
      if (line.startsWith(')')) { inBlock = false; continue; }
      out.push(unquote(line));
      continue;
    }
    const m = /^use\b\s*(.*)$/.exec(line);
    if (!m) continue;
    const rest = m[1].trim();
    if (rest.startsWith('(')) {
      const inner = rest.slice(1).trim();
      if (inner.endsWith(')')) {
        // `use ( ./a )` on one line.
        const one = inner.slice(0, -1).trim();
        if (one !== '') out.push(unquote(one));
      } else {
        inBlock = true;
        if (inner !== '') out.push(unquote(inner));
      }
    } else if (rest !== '') {
      out.push(unquote(rest));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** A path as the user gave it, resolved. */
interface Spec {
  arg: string;
  kind: 'dir' | 'file';
  /** Absolute, as spelled from cwd (symlinks named directly are resolved). */
  abs: string;
  real: string;
  /** Real path of its directory + its name (for a symlinked file: where the link is). */
  loc: string;
  /** Root of the nearest go.mod above, if any (for a path in GOPATH mode: its GOPATH's src). */
  moduleRoot: string | null;
  /** GOPATH mode: the directory to walk (the path, or the GOPATH src when the path holds it). */
  gopathWalk?: string;
}

interface ModRec {
  mod: GoModule;
  real: string;
  /** A GOPATH src: only the named paths in it are walked, never the whole tree. */
  gopath?: boolean;
}

interface FileRec {
  abs: string;
  /** Real path of the content (a symlink resolved): the key that makes each file count once. */
  real: string;
  /** Real path of the directory entry (a symlink not resolved): what decides `target`. */
  loc: string;
  mod: ModRec;
}

const SKIP_DIRS = new Set(['vendor', 'testdata', 'node_modules']);

function skipName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

/** A path with forward slashes, as goshift shows paths. */
export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === '`') {
      quote = c;
    } else if (c === '/' && line[i + 1] === '/') {
      return line.slice(0, i);
    }
  }
  return line.replace(/\r$/, '');
}

function unquote(s: string): string {
  s = s.trim();
  if (s.length >= 2 && s.startsWith('`') && s.endsWith('`')) return s.slice(1, -1);
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      return String(JSON.parse(s));
    } catch {
      return s.slice(1, -1);
    }
  }
  // An unquoted token ends at whitespace.
  return s.split(/\s+/)[0] ?? '';
}

function escapeGlob(s: string): string {
  return s.replace(/[\\*?[\]!#]/g, (c) => '\\' + c);
}

/**
 * Rewrites the rules of a .gitignore found in directory `pre` (relative to the ignore base,
 * posix, '' for the base itself) so that they can live in one rule list rooted at the base,
 * with git's meaning: a pattern with a slash at the start or in the middle is relative to its
 * .gitignore's directory, one without matches at any depth below it. Rules of deeper files come
 * later in the list, so they win, as in git.
 */
export function rebaseGitignore(text: string, pre: string): string[] {
  const out: string[] = [];
  for (let line of text.split('\n')) {
    line = line.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (pre === '') { out.push(line); continue; }
    let neg = '';
    if (line.startsWith('!')) { neg = '!'; line = line.slice(1); }
    const body = line.replace(/\s+$/, (ws) => (line.endsWith('\\' + ws) ? ws : ''));
    const anchored = body.replace(/\/+$/, '').includes('/');
    const rest = body.startsWith('/') ? body.slice(1) : body;
    out.push(neg + escapeGlob(pre) + '/' + (anchored ? '' : '**/') + rest);
  }
  return out;
}

function readGitignore(dir: string): string | null {
  try {
    return fs.readFileSync(path.join(dir, '.gitignore'), 'utf8');
  } catch {
    return null;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

class Discovery {
  private errors: Problem[] = [];
  private unreadable: string[] = [];
  private modules = new Map<string, ModRec>();
  private files = new Map<string, FileRec>();
  private visited = new Set<string>();
  private upCache = new Map<string, string | null>();
  private skippedGo = new Set<string>();
  /** Union-find over module real roots: modules linked by a go.work or a local replace share a root. */
  private links = new Map<string, string>();
  private notes: string[] = [];
  /** Real paths of directories with their own go.mod met inside a module's walk. */
  private readonly nested = new Set<string>();

  constructor(private cwd: string, private gopaths: string[] = [], private excluded: ((abs: string) => boolean) | null = null, private onManyFiles: { atLeast: number; call: () => void } | null = null) {}

  private find(k: string): string {
    let r = k;
    while (this.links.has(r) && this.links.get(r) !== r) r = this.links.get(r)!;
    this.links.set(k, r);
    return r;
  }

  private link(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.links.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }

  private rel(abs: string): string {
    return toPosix(path.relative(this.cwd, abs)) || '.';
  }

  private error(file: string, message: string): void {
    this.errors.push({ file, message });
  }

  /** An error for a file or directory that exists but could not be read: it may reference anything. */
  private cannotRead(file: string, message: string): void {
    this.error(file, message);
    this.unreadable.push(file);
  }

  run(args: string[]): Workspace {
    const specs: Spec[] = [];
    for (const arg of args) {
      const s = this.resolveArg(arg);
      if (s) specs.push(s);
    }

    for (const s of specs) {
      const start = s.kind === 'dir' ? s.abs : path.dirname(s.abs);
      s.moduleRoot = this.findUp(start, 'go.mod');
      const work = this.findUp(start, 'go.work');
      // A directory of a module that holds only other modules (a repository's extra/ or examples/):
      // the user named those modules, as for a directory in no module. (Under a go.work, its `use`
      // modules are in the run already, linked as it says.)
      if (s.kind === 'dir' && !work && s.moduleRoot && s.moduleRoot !== s.abs && this.modulesBelow(s, s.moduleRoot)) continue;
      if (s.moduleRoot || work) {
        const m = s.moduleRoot ? this.addModule(s.moduleRoot) : null;
        const uses = work ? this.addWork(work) : [];
        // The module holding the path and the modules of its go.work build together.
        if (m) for (const u of uses) this.link(m.real, u.real);
        continue;
      }
      // In no module: the modules below the path, else a GOPATH tree.
      if (s.kind === 'dir' && this.modulesBelow(s)) continue;
      if (this.gopathMode(s)) continue;
      const gp = this.gopaths.map((g) => path.join(g, 'src')).join(', ') || 'none: neither GOPATH nor HOME is set';
      this.error(s.arg, `not in a Go module: no go.mod in ${this.rel(start)} or any directory above` +
        (s.kind === 'dir' ? ', none below it,' : '') + ` and not under a GOPATH src (${gp})`);
    }

    // Modules named separately (`goshift svc lib`) build together when one replaces the other.
    for (const m of [...this.modules.values()]) if (!m.gopath) this.addReplaces(m, false);

    const mods = [...this.modules.values()].sort((a, b) => cmp(a.mod.root, b.mod.root));
    for (const m of mods) if (!m.gopath) this.walkRoot(m.mod.root, m.real, m);

    // Paths named explicitly but skipped by the module walks (testdata/, vendor/, a .gitignored
    // directory, a _file.go...): the user asked for them, so they count.
    for (const s of specs) {
      if (!s.moduleRoot) continue;
      const m = this.modules.get(realpathOr(s.moduleRoot));
      if (!m) continue;
      if (s.gopathWalk !== undefined) {
        const w = s.gopathWalk;
        if (!this.visited.has(realpathOr(w))) this.walkRoot(w, realpathOr(w), m);
      } else if (s.kind === 'dir' && !this.visited.has(s.real)) {
        this.walkRoot(s.abs, s.real, m);
      } else if (s.kind === 'file' && !this.files.has(s.real)) {
        this.files.set(s.real, { abs: s.abs, real: s.real, loc: s.loc, mod: m });
      }
    }

    // Independent parts: modules linked (go.work, local replace) build together; the others do not
    // see each other, even when one imports the other's path (Go would use a downloaded version).
    const groups = new Map<string, ModRec[]>();
    for (const m of mods) {
      const k = this.find(m.real);
      const g = groups.get(k);
      if (g) g.push(m);
      else groups.set(k, [m]);
    }
    const dropped = new Set<ModRec>();
    for (const g of groups.values()) {
      const byPath = new Map<string, ModRec>();
      for (const m of g) {
        const other = byPath.get(m.mod.path);
        if (!other) { byPath.set(m.mod.path, m); continue; }
        // Two copies of one module path in one build: goshift could not tell their packages apart.
        this.error(this.rel(path.join(m.mod.root, 'go.mod')), `module ${m.mod.path} is also declared by ${this.rel(path.join(other.mod.root, 'go.mod'))}, ` +
          `and both are linked into one build (go.work or replace): their packages cannot be told apart, so the files of ${g.map((x) => this.rel(x.mod.root)).join(', ')} are left out`);
        for (const x of g) dropped.add(x);
        break;
      }
      if (!dropped.has(g[0])) this.checkReplaceBuild(g, dropped);
    }
    const parts = [...groups.values()].filter((g) => !dropped.has(g[0])).map((g) => g.map((m) => m.mod.root));

    const out: SourceFile[] = [];
    let nExcluded = 0;
    // Per directory, once (path.relative twice per file was a fifth of the discovery over std):
    // a file's path relative to the working directory is its directory's, then its name.
    const dirs = new Map<string, { importPath: string; rel: string }>();
    for (const f of this.files.values()) {
      if (dropped.has(f.mod)) continue;
      const dir = path.dirname(f.abs);
      const base = path.basename(f.abs);
      const key = `${f.mod.mod.root}\0${dir}`;
      let d = dirs.get(key);
      if (!d) {
        const relDir = this.rel(dir);
        dirs.set(key, (d = { importPath: importPathOf(f.mod.mod.path, toPosix(path.relative(f.mod.mod.root, dir))), rel: relDir === '.' ? '' : `${relDir}/` }));
      }
      const rel = d.rel + base;
      if (this.excluded?.(f.abs)) {
        nExcluded++;
        out.push({ abs: f.abs, rel, dir, importPath: d.importPath, module: f.mod.mod, isTest: base.endsWith('_test.go'), target: false, excluded: true });
        continue;
      }
      out.push({
        abs: f.abs,
        rel,
        dir,
        importPath: d.importPath,
        module: f.mod.mod,
        isTest: base.endsWith('_test.go'),
        target: specs.some((s) => (s.kind === 'file' ? s.real === f.real || s.loc === f.loc : within(f.loc, s.real))),
      });
    }
    out.sort((a, b) => cmp(a.rel, b.rel) || cmp(a.abs, b.abs));
    const errors = this.errors.sort((a, b) => cmp(a.file, b.file) || cmp(a.message, b.message));
    const ws: Workspace = { cwd: this.cwd, modules: mods.filter((m) => !dropped.has(m)).map((m) => m.mod), files: out, errors, unreadable: [...new Set(this.unreadable)].sort(cmp), skippedGo: [...this.skippedGo].sort(cmp) };
    if (parts.length > 1) {
      ws.parts = parts;
      this.notes.push(`${parts.length} separate builds, each run on its own: modules build together only when a go.work or a local replace links them`);
    }
    // Only those under the paths named: a module brought in by a replace may hold others nobody asked about.
    const nested = [...this.nested].filter((d) => !this.modules.has(d) && specs.some((sp) => sp.kind === 'dir' && within(d, sp.real))).map((d) => this.rel(d)).sort(cmp);
    if (nExcluded > 0) {
      this.notes.push(`${nExcluded} file${nExcluded === 1 ? '' : 's'} excluded: read as callers, never edited (a linked set declared or called in one is left alone)`);
    }
    if (nested.length) {
      const shown = nested.slice(0, 5).join(', ') + (nested.length > 5 ? `, and ${nested.length - 5} more` : '');
      this.notes.push(`${nested.length} nested module${nested.length === 1 ? '' : 's'} left out (${shown}): each has its own go.mod; name its directory, or list it in a go.work, to include it`);
    }
    if (this.notes.length > 0) ws.notes = [...new Set(this.notes)];
    const leftOut = [...this.nested].filter((d) => !this.modules.has(d)).sort(cmp);
    if (leftOut.length) ws.leftOut = leftOut;
    return ws;
  }

  private resolveArg(arg: string): Spec | null {
    let p = arg;
    let recursive = false;
    if (p === '...') { p = '.'; recursive = true; }
    else if (p.endsWith('/...')) { p = p.slice(0, -4) || '/'; recursive = true; }
    else if (p.includes('...')) {
      this.error(arg, 'unsupported pattern: only a trailing /... is understood (as in ./... or dir/...)');
      return null;
    }
    let abs = path.resolve(this.cwd, p);
    let lst: fs.Stats;
    try {
      lst = fs.lstatSync(abs);
    } catch (e) {
      this.error(arg, describeFsError(e));
      return null;
    }
    let st = lst;
    if (lst.isSymbolicLink()) {
      try {
        st = fs.statSync(abs);
        abs = fs.realpathSync(abs);
      } catch (e) {
        this.error(arg, this.symlinkProblem(abs, e));
        return null;
      }
    }
    if (st.isDirectory()) {
      try {
        fs.accessSync(abs, fs.constants.R_OK | fs.constants.X_OK);
      } catch (e) {
        this.cannotRead(arg, `cannot read directory: ${describeFsError(e)}`);
        return null;
      }
      const real = realpathOr(abs);
      return { arg, kind: 'dir', abs, real, loc: real, moduleRoot: null };
    }
    if (recursive) {
      this.error(arg, 'not a directory');
      return null;
    }
    if (!st.isFile()) {
      this.error(arg, 'not a regular file or directory');
      return null;
    }
    if (!abs.endsWith('.go')) {
      this.error(arg, 'not a .go file or a directory');
      return null;
    }
    try {
      fs.accessSync(abs, fs.constants.R_OK);
    } catch (e) {
      this.cannotRead(arg, `cannot read file: ${describeFsError(e)}`);
      return null;
    }
    return { arg, kind: 'file', abs, real: realpathOr(abs), loc: path.join(realpathOr(path.dirname(abs)), path.basename(abs)), moduleRoot: null };
  }

  private symlinkProblem(abs: string, e: unknown): string {
    if (errCode(e) === 'ENOENT') {
      let to = '?';
      try { to = fs.readlinkSync(abs); } catch { /* keep ? */ }
      return `dangling symlink: its target ${to} does not exist`;
    }
    if (errCode(e) === 'ELOOP') return 'symlink loop: too many levels of symbolic links';
    return `cannot follow symlink: ${describeFsError(e)}`;
  }

  /** The directory holding `name` (a regular file), from `dir` upwards; null when none. */
  private findUp(dir: string, name: string): string | null {
    const key = name + '\0' + dir;
    const hit = this.upCache.get(key);
    if (hit !== undefined) return hit;
    const found = isFile(path.join(dir, name)) ? dir : path.dirname(dir) === dir ? null : this.findUp(path.dirname(dir), name);
    this.upCache.set(key, found);
    return found;
  }

  private addModule(root: string, via?: string): ModRec | null {
    const real = realpathOr(root);
    const have = this.modules.get(real);
    if (have) return have;
    const gomod = path.join(root, 'go.mod');
    let text: string;
    try {
      text = fs.readFileSync(gomod, 'utf8');
    } catch (e) {
      this.cannotRead(via ?? this.rel(gomod), `cannot read ${this.rel(gomod)}: ${describeFsError(e)}`);
      return null;
    }
    const modPath = parseModulePath(text);
    if (modPath === null) {
      this.error(this.rel(gomod), 'no module directive: its files are left out');
      return null;
    }
    const rec: ModRec = { mod: { root, path: modPath }, real };
    this.modules.set(real, rec);
    return rec;
  }

  /** Adds the modules of a go.work, linked together; returns them. */
  private addWork(workDir: string): ModRec[] {
    const file = path.join(workDir, 'go.work');
    const real = realpathOr(file);
    const key = 'work\0' + real;
    const have = this.works.get(key);
    if (have) return have;
    const uses: ModRec[] = [];
    this.works.set(key, uses);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      this.cannotRead(this.rel(file), `cannot read: ${describeFsError(e)}`);
      return uses;
    }
    for (const use of parseWorkUses(text)) {
      const root = path.resolve(workDir, use);
      if (!isFile(path.join(root, 'go.mod'))) {
        this.error(this.rel(file), `use ${use}: no go.mod in ${this.rel(root)}`);
        continue;
      }
      const m = this.addModule(root, this.rel(file));
      if (m) uses.push(m);
    }
    for (const u of uses.slice(1)) this.link(uses[0].real, u.real);
    return uses;
  }

  private works = new Map<string, ModRec[]>();
  /** The modules each module replaces with a local directory (of those in the run). */
  private replaced = new Map<ModRec, Set<ModRec>>();

  /**
   * A build linked only by local replaces: in the build of module A, a module it does not replace
   * itself is a downloaded version, even when another module of the build replaces it (Go applies
   * only the main module's replaces). goshift resolves every import path to the one local copy, so
   * when A, or a module A replaces, imports a module of the build that A does not replace, the
   * build is left out with an error. (A go.work makes every module see all of its modules: no check.)
   */
  private checkReplaceBuild(g: ModRec[], dropped: Set<ModRec>): void {
    if (g.length < 2 || g.some((m) => m.gopath || [...this.works.values()].some((uses) => uses.includes(m)))) return;
    const ofPath = longestOwner(g, (m) => m.mod.path);
    // Which modules of the build each module's files import, with one file and path as the example.
    const imports = new Map<ModRec, Map<ModRec, { file: string; ip: string }>>();
    for (const m of g) imports.set(m, new Map());
    for (const f of this.files.values()) {
      const seen = imports.get(f.mod);
      if (!seen) continue;
      const text = tryRead(f.abs);
      if (text === null) continue;
      for (const ip of importPathsIn(text)) {
        const b = ofPath(ip);
        if (b && b !== f.mod && !seen.has(b)) seen.set(b, { file: this.rel(f.abs), ip });
      }
    }
    for (const a of g) {
      const sees = new Set([a, ...(this.replaced.get(a) ?? [])]);
      for (const m of sees) {
        for (const [b, at] of imports.get(m) ?? []) {
          if (sees.has(b)) continue;
          this.error(at.file, `imports ${at.ip}, of the module in ${this.rel(b.mod.root)}, which ${this.rel(path.join(a.mod.root, 'go.mod'))} does not replace ` +
            `with a local directory: in ${a.mod.path}'s build it is a downloaded version, not that copy, and goshift would link them; ` +
            `the files of ${g.map((x) => this.rel(x.mod.root)).join(', ')} are left out (add that replace or a go.work, or name the modules one at a time)`);
          for (const x of g) dropped.add(x);
          return;
        }
      }
    }
  }

  /**
   * A directory in no module: every module below it is in scope (and every module a go.work below
   * it uses). Each module's local replaces (`replace example.com/b => ../b`) bring the module they
   * name, linked to it. False when there is none. With `above` (the root of the module the
   * directory is in), only when the directory holds modules and no .go file of that module.
   */
  private modulesBelow(s: Spec, above: string | null = null): boolean {
    const found = { mods: [] as string[], works: [] as string[], loose: 0 };
    const { top, ig } = this.startRules(s.abs, s.abs);
    this.scanBelow(s.abs, top, ig, true, false, found, 0);
    if (above ? found.mods.length === 0 || found.loose > 0 : found.mods.length === 0 && found.works.length === 0) return false;
    s.moduleRoot = null;
    const below: ModRec[] = [];
    for (const w of found.works) below.push(...this.addWork(w));
    for (const root of found.mods) {
      const m = this.addModule(root);
      if (m) below.push(m);
    }
    for (const m of below) this.addReplaces(m);
    const n = new Set(below.map((m) => m.real)).size;
    const loose = found.loose > 0 ? `; ${found.loose} .go file${found.loose === 1 ? '' : 's'} in no module left out` : '';
    const where = above ? `${this.rel(s.abs)} holds no package of the module in ${this.rel(above)}` : `no go.mod above ${this.rel(s.abs)}`;
    this.notes.push(`${where}: ${n} module${n === 1 ? '' : 's'} found below it${loose}`);
    return true;
  }

  /**
   * Links a module to the modules its go.mod replaces with a local directory: with `add`, brings
   * them in; without, links only those already in the run.
   */
  private addReplaces(m: ModRec, add = true): void {
    let text: string;
    try {
      text = fs.readFileSync(path.join(m.mod.root, 'go.mod'), 'utf8');
    } catch {
      return;
    }
    for (const r of parseReplaces(text)) {
      if (!r.local) continue;
      const root = path.resolve(m.mod.root, r.to);
      if (!isFile(path.join(root, 'go.mod'))) continue; // go itself reports it
      const t = add ? this.addModule(root, this.rel(path.join(m.mod.root, 'go.mod'))) : this.modules.get(realpathOr(root));
      if (t) {
        this.link(m.real, t.real);
        let set = this.replaced.get(m);
        if (!set) this.replaced.set(m, (set = new Set()));
        set.add(t);
      }
    }
  }

  /** Finds go.mod and go.work files below `dir`, skipping what the module walks skip. */
  private scanBelow(dir: string, top: string, ig: Ignore, isRoot: boolean, inModule: boolean, out: { mods: string[]; works: string[]; loose: number }, depth: number): void {
    if (depth > 64) return;
    let ents: fs.Dirent[];
    try {
      ents = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      // Inside a module, its walk reports it.
      if (!isRoot && !inModule) this.cannotRead(this.rel(dir), `cannot read directory: ${describeFsError(e)}`);
      return;
    }
    // The module cache is no one's source (`goshift ~/go`).
    if (!isRoot && this.gopaths.some((g) => dir === path.join(g, 'pkg', 'mod'))) return;
    const has = (n: string) => ents.some((d) => d.name === n && !d.isDirectory());
    if (has('go.mod')) { out.mods.push(dir); inModule = true; }
    if (has('go.work')) out.works.push(dir);
    const relDir = toPosix(path.relative(top, dir));
    const prefix = relDir === '' ? '' : relDir + '/';
    if (has('.gitignore')) {
      const text = readGitignore(dir);
      if (text !== null) {
        const rules = rebaseGitignore(text, relDir);
        if (rules.length > 0) ig = ignore({ ignorecase: false }).add(ig).add(rules);
      }
    }
    ents.sort((a, b) => cmp(a.name, b.name));
    for (const d of ents) {
      if (skipName(d.name)) continue;
      if (d.isDirectory()) {
        if (SKIP_DIRS.has(d.name) || ig.ignores(prefix + d.name + '/')) continue;
        this.scanBelow(path.join(dir, d.name), top, ig, false, inModule, out, depth + 1);
      } else if (!inModule && d.name.endsWith('.go') && !ig.ignores(prefix + d.name)) {
        out.loose++;
      }
    }
  }

  /** A path in no module under a GOPATH's src: import paths from its place there. False when under none. */
  private gopathMode(s: Spec): boolean {
    const at = s.kind === 'dir' ? s.real : path.dirname(s.real);
    for (const g of this.gopaths) {
      const src = path.join(g, 'src');
      const realSrc = realpathOr(src);
      let walk: string;
      if (within(at, realSrc)) walk = s.kind === 'dir' ? s.abs : path.dirname(s.abs);
      else if (s.kind === 'dir' && within(realSrc, s.real) && fs.existsSync(src)) walk = src;
      else continue;
      let m = this.modules.get(realSrc);
      if (!m) {
        m = { mod: { root: src, path: '' }, real: realSrc, gopath: true };
        this.modules.set(realSrc, m);
      }
      s.moduleRoot = src;
      s.gopathWalk = walk;
      this.notes.push(`GOPATH mode: import paths from ${src} (no go.mod found)`);
      return true;
    }
    return false;
  }

  /** Walks `root` (a module root or a path named explicitly) for the module `m`. */
  private walkRoot(root: string, realRoot: string, m: ModRec): void {
    const { top, ig } = this.startRules(root, m.mod.root);
    this.walkDir(root, realRoot, m, top, ig, true);
  }

  /**
   * The ignore rules in force at `root` (a module root or a path named explicitly): those of the
   * git repository above it. A root that is itself ignored was asked for: it gets only its own rules.
   */
  private startRules(root: string, fallbackTop: string): { top: string; ig: Ignore } {
    const top = findGitRoot(root) ?? fallbackTop;
    const ig = ignore({ ignorecase: false });
    if (within(root, top)) {
      if (top !== root) {
        const exclude = tryRead(path.join(top, '.git', 'info', 'exclude'));
        if (exclude !== null) ig.add(rebaseGitignore(exclude, ''));
        // The .gitignore files of the directories above root, top first.
        const chain: string[] = [];
        for (let d = path.dirname(root); within(d, top); d = path.dirname(d)) {
          chain.unshift(d);
          if (d === top) break;
        }
        for (const d of chain) {
          const text = readGitignore(d);
          if (text !== null) ig.add(rebaseGitignore(text, toPosix(path.relative(top, d))));
        }
        // A root that is itself ignored was asked for (module of the run, or a path named):
        // walk it with only its own rules.
        if (ig.ignores(toPosix(path.relative(top, root)) + '/')) return { top: root, ig: ignore({ ignorecase: false }) };
      }
      return { top, ig };
    }
    return { top: root, ig: ignore({ ignorecase: false }) };
  }

  /** The .go files under a skipped directory: never edited, but they may call the module's code. */
  private collectSkipped(dir: string, depth: number): void {
    if (depth > 20 || this.skippedGo.size >= 50_000) return;
    let ents: fs.Dirent[];
    try {
      ents = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const d of ents) {
      const abs = path.join(dir, d.name);
      if (d.isDirectory()) {
        // Not another module's tree, nor version control.
        if (d.name !== '.git' && d.name !== 'node_modules' && !isFile(path.join(abs, 'go.mod'))) this.collectSkipped(abs, depth + 1);
      } else if (d.isFile() && d.name.endsWith('.go')) this.skippedGo.add(abs);
    }
  }

  private walkDir(dir: string, realDir: string, m: ModRec, top: string, ig: Ignore, isRoot: boolean): void {
    if (this.visited.has(realDir)) return;
    let ents: fs.Dirent[];
    try {
      ents = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      this.visited.add(realDir);
      this.cannotRead(this.rel(dir), `cannot read directory: ${describeFsError(e)}`);
      return;
    }
    // A directory with its own go.mod is another module (left out, as by go's ./..., and said so).
    if (!isRoot && ents.some((d) => d.name === 'go.mod' && !d.isDirectory())) {
      this.nested.add(realDir);
      return;
    }
    this.visited.add(realDir);

    const relDir = toPosix(path.relative(top, dir));
    const prefix = relDir === '' ? '' : relDir + '/';
    if (ents.some((d) => d.name === '.gitignore' && !d.isDirectory())) {
      const text = readGitignore(dir);
      if (text !== null) {
        const rules = rebaseGitignore(text, relDir);
        if (rules.length > 0) ig = ignore({ ignorecase: false }).add(ig).add(rules);
      }
    }
    const ignored = (name: string, isDir: boolean) => ig.ignores(prefix + name + (isDir ? '/' : ''));

    ents.sort((a, b) => cmp(a.name, b.name));
    for (const d of ents) {
      const name = d.name;
      const abs = path.join(dir, name);
      const real = path.join(realDir, name);
      // Directories goshift skips but Go code may still build (testdata programs, `_x` packages
      // imported by their full path, .gitignore'd generated code): their .go files are only read.
      if (d.isDirectory() && (name === 'testdata' || name.startsWith('_') || (!skipName(name) && !SKIP_DIRS.has(name) && ignored(name, true)))) {
        this.collectSkipped(abs, 0);
      }
      if (skipName(name)) continue;
      if (d.isDirectory()) {
        if (SKIP_DIRS.has(name) || ignored(name, true)) continue;
        this.walkDir(abs, real, m, top, ig, false);
      } else if (d.isFile()) {
        if (!name.endsWith('.go') || ignored(name, false)) continue;
        this.files.set(real, { abs, real, loc: real, mod: m });
        if (this.onManyFiles && this.files.size >= this.onManyFiles.atLeast) {
          this.onManyFiles.call();
          this.onManyFiles = null;
        }
      } else if (d.isSymbolicLink()) {
        if (ignored(name, false)) continue;
        let st: fs.Stats;
        try {
          st = fs.statSync(abs);
        } catch (e) {
          this.error(this.rel(abs), this.symlinkProblem(abs, e));
          continue;
        }
        // Symlinked directories are not followed (no loops, no file seen twice).
        if (!st.isFile() || !name.endsWith('.go')) continue;
        // A symlinked .go file counts once, under the name of the real file when that is in scope too.
        const target = realpathOr(abs);
        if (!this.files.has(target)) this.files.set(target, { abs, real: target, loc: real, mod: m });
      }
    }
  }
}

/** The paths of a Go file's import declarations (a syntactic scan: the package clause and imports come first). */
export function importPathsIn(text: string): string[] {
  const out: string[] = [];
  // Comments blanked, strings kept.
  const src = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
  for (const m of src.matchAll(/^\s*import\s*(\([^)]*\)|[^\n;]*)/gm)) {
    for (const q of m[1].matchAll(/"((?:[^"\\\n]|\\.)*)"|`([^`]*)`/g)) out.push(q[1] ?? q[2]);
  }
  return out;
}

/** A file's text, or null when it cannot be read. */
export function tryRead(p: string): string | null {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

/** The real path, or the path itself when it cannot be resolved. */
export function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function findGitRoot(dir: string): string | null {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return null;
  }
}

/** p is base or below it. */
function within(p: string, base: string): boolean {
  if (p === base) return true;
  const b = base.endsWith(path.sep) ? base : base + path.sep;
  return p.startsWith(b);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The import path of a package directory. The standard library's module is called `std` but its
 * packages are imported without that prefix (`net/http`, not `std/net/http`).
 */
function importPathOf(modPath: string, relDir: string): string {
  if (modPath === 'std') return relDir === '' ? 'std' : relDir;
  // A GOPATH src: the path below it is the import path.
  if (modPath === '') return relDir;
  return relDir === '' ? modPath : modPath + '/' + relDir;
}

/** Whether an import path is the standard library's: its first element has no dot. */
export function isStdPath(ip: string): boolean {
  return !ip.split('/')[0].includes('.');
}

/** The item whose module path (pathOf) holds an import path, the longest such; undefined when none does. */
export function longestOwner<T>(items: readonly T[], pathOf: (t: T) => string): (ip: string) => T | undefined {
  return (ip) => {
    let best: T | undefined;
    let bestLen = -1;
    for (const t of items) {
      const p = pathOf(t);
      if ((ip === p || ip.startsWith(p + '/')) && p.length > bestLen) {
        best = t;
        bestLen = p.length;
      }
    }
    return best;
  };
}

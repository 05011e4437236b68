import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
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
export async function discover(paths: string[], opts: { cwd: string }): Promise<Workspace> {
  return new Discovery(path.resolve(opts.cwd)).run(paths.length > 0 ? paths : ['.']);
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
  /** Root of the nearest go.mod above, if any. */
  moduleRoot: string | null;
}

interface ModRec {
  mod: GoModule;
  real: string;
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

function toPosix(p: string): string {
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

  constructor(private cwd: string) {}

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
      if (!s.moduleRoot && !work) {
        this.error(s.arg, `not in a Go module: no go.mod in ${this.rel(start)} or any directory above`);
        continue;
      }
      if (s.moduleRoot) this.addModule(s.moduleRoot);
      if (work) this.addWork(work);
    }

    const mods = [...this.modules.values()].sort((a, b) => cmp(a.mod.root, b.mod.root));
    for (const m of mods) this.walkRoot(m.mod.root, m.real, m);

    // Paths named explicitly but skipped by the module walks (testdata/, vendor/, a .gitignored
    // directory, a _file.go...): the user asked for them, so they count.
    for (const s of specs) {
      if (!s.moduleRoot) continue;
      const m = this.modules.get(realpathOr(s.moduleRoot));
      if (!m) continue;
      if (s.kind === 'dir' && !this.visited.has(s.real)) {
        this.walkRoot(s.abs, s.real, m);
      } else if (s.kind === 'file' && !this.files.has(s.real)) {
        this.files.set(s.real, { abs: s.abs, real: s.real, loc: s.loc, mod: m });
      }
    }

    const out: SourceFile[] = [];
    for (const f of this.files.values()) {
      const dir = path.dirname(f.abs);
      const relDir = toPosix(path.relative(f.mod.mod.root, dir));
      const base = path.basename(f.abs);
      out.push({
        abs: f.abs,
        rel: this.rel(f.abs),
        dir,
        importPath: importPathOf(f.mod.mod.path, relDir),
        module: f.mod.mod,
        isTest: base.endsWith('_test.go'),
        target: specs.some((s) => (s.kind === 'file' ? s.real === f.real || s.loc === f.loc : within(f.loc, s.real))),
      });
    }
    out.sort((a, b) => cmp(a.rel, b.rel) || cmp(a.abs, b.abs));
    const errors = this.errors.sort((a, b) => cmp(a.file, b.file) || cmp(a.message, b.message));
    return { cwd: this.cwd, modules: mods.map((m) => m.mod), files: out, errors, unreadable: [...new Set(this.unreadable)].sort(cmp), skippedGo: [...this.skippedGo].sort(cmp) };
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

  private addWork(workDir: string): void {
    const file = path.join(workDir, 'go.work');
    const real = realpathOr(file);
    if (this.visited.has('work\0' + real)) return;
    this.visited.add('work\0' + real);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      this.cannotRead(this.rel(file), `cannot read: ${describeFsError(e)}`);
      return;
    }
    for (const use of parseWorkUses(text)) {
      const root = path.resolve(workDir, use);
      if (!isFile(path.join(root, 'go.mod'))) {
        this.error(this.rel(file), `use ${use}: no go.mod in ${this.rel(root)}`);
        continue;
      }
      this.addModule(root, this.rel(file));
    }
  }

  /** Walks `root` (a module root or a path named explicitly) for the module `m`. */
  private walkRoot(root: string, realRoot: string, m: ModRec): void {
    const top = findGitRoot(root) ?? m.mod.root;
    let ig = ignore({ ignorecase: false });
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
        if (ig.ignores(toPosix(path.relative(top, root)) + '/')) return this.walkDir(root, realRoot, m, root, ignore({ ignorecase: false }), true);
      }
      return this.walkDir(root, realRoot, m, top, ig, true);
    }
    this.walkDir(root, realRoot, m, root, ignore({ ignorecase: false }), true);
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
    // A directory with its own go.mod is another module.
    if (!isRoot && ents.some((d) => d.name === 'go.mod' && !d.isDirectory())) return;
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

function tryRead(p: string): string | null {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

function realpathOr(p: string): string {
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
  return relDir === '' ? modPath : modPath + '/' + relDir;
}

// The program model: packages of parsed files, their package-level declarations, and a
// syntactic type model just strong enough to resolve call targets (receivers, fields,
// embedding, constructors, method values and expressions). Anything it cannot work out is
// `unknown`, never a guess: the linker treats unknown as "may be anything".
import { spawnSync } from 'node:child_process';
import type { Node, ParsedFile } from './source.js';
import { NodeMemo, own, parseDeclarations, parseSource, type ParsedAhead, readSource, syntaxErrorOf, withoutTree } from './source.js';
import { wordList, type FileFacts } from './facts.js';
import { keyOf } from './factstore.js';
import type { Problem, SourceFile } from './types.js';
import { isStdPath } from './workspace.js';

export const CONTEXT_PATHS = new Set(['context', 'golang.org/x/net/context']);

/** A parsed file's package until fileOf places it. */
const NO_PACKAGE = undefined as unknown as Package;

/** A parsed file with its import table. */
export interface GoFile {
  pf: ParsedFile;
  sf: SourceFile;
  pkg: Package;
  pkgName: string;
  /** local name → import path (not for `_` or `.` imports). */
  imports: Map<string, string>;
  dotImports: string[];
  /** `//go:linkname local target` and `//export name` directives: the local names. */
  linknamed: Set<string>;
  /** Names of types declared inside function bodies (they shadow package-level names in their block). */
  localTypes: Set<string>;
  /** Some import of another (non-std) module has no explicit name: its package name is a guess. */
  guessedImports?: boolean;
}

export interface FuncDecl {
  name: string;
  node: Node; // function_declaration | method_declaration
  params: Node; // parameter_list
  result: Node | null;
  file: GoFile;
  recv?: { typeName: string; ptr: boolean; node: Node };
  tparams: Map<string, Node | null>;
}

export interface TypeDecl {
  name: string;
  spec: Node; // type_spec | type_alias
  typeNode: Node;
  alias: boolean;
  file: GoFile;
  tparams: Map<string, Node | null>;
}

export interface VarDecl {
  name: string;
  typeNode: Node | null;
  value: Node | null; // the expression_list
  index: number;
  file: GoFile;
}

/** A file of a package as its facts describe it, before (or without) parsing. */
export interface Source {
  sf: SourceFile;
  facts: FileFacts;
  /** Position in the directory's file list: declarations are kept in this order, whatever order files are parsed in. */
  ord: number;
}

type Ordered<T> = { d: T; ord: number; pos: number };

/**
 * The files declaring each name: most names are declared in one file, kept as it is; a list only
 * for the others (a list for each, an array and its elements per name, made these tables 13.6 MB
 * with their maps in a heap snapshot over two copies of std).
 */
type Where = Map<string, Source | Source[]>;
const NO_SOURCES: readonly Source[] = [];

function sourcesIn(w: Where, name: string): readonly Source[] {
  const v = w.get(name);
  return v === undefined ? NO_SOURCES : Array.isArray(v) ? v : [v];
}

/** Adds a file declaring the name (once: a file's declarations of it come one after the other). */
function addSource(w: Where, name: string, src: Source): void {
  const v = w.get(name);
  if (v === undefined) w.set(name, src);
  else if (!Array.isArray(v)) {
    if (v !== src) w.set(name, [v, src]);
  } else if (v[v.length - 1] !== src) v.push(src);
}

/**
 * Declarations of one kind by name. Which files declare a name is known from their facts;
 * `get` parses those files (once) and returns every declaration, in file order. `has` parses
 * nothing. `parsed` holds what the files parsed so far declare.
 */
export class DeclTable<T> {
  private readonly m = new Map<string, Ordered<T>[]>();
  private readonly plain = new Map<string, T[]>();
  constructor(
    private readonly where: Where,
    private readonly need: (src: Source) => void,
  ) {}
  has(name: string): boolean {
    return this.where.has(name) || this.m.has(name);
  }
  get(name: string): T[] | undefined {
    for (const src of sourcesIn(this.where, name)) this.need(src);
    return this.plain.get(name);
  }
  /**
   * The first declaration of the name in file order (`get(name)?.[0]`), parsing files only until it
   * is known: the others (twins behind build tags) are parsed when something asks for all of them.
   */
  first(name: string): T | undefined {
    for (const src of sourcesIn(this.where, name)) {
      const l = this.m.get(name);
      // Files not yet parsed come at or after this one: one declared at or before it is first.
      if (l && l[0].ord <= src.ord) break;
      this.need(src);
    }
    return this.plain.get(name)?.[0];
  }
  /** The files declaring the name, by their facts (parsed or not). */
  sourcesOf(name: string): readonly Source[] {
    return sourcesIn(this.where, name);
  }
  parsed(): ReadonlyMap<string, T[]> {
    return this.plain;
  }
  /** Forgets the declarations of the file at `ord` (Program.release): asked for again, they parse it again. */
  drop(ord: number): void {
    for (const [name, l] of this.m) {
      if (!l.some((x) => x.ord === ord)) continue;
      const kept = l.filter((x) => x.ord !== ord);
      if (kept.length) {
        this.m.set(name, kept);
        this.plain.set(name, kept.map((x) => x.d));
      } else {
        this.m.delete(name);
        this.plain.delete(name);
      }
    }
  }
  add(name: string, d: T, ord: number, pos: number): void {
    const l = this.m.get(name);
    if (!l) {
      // Most names are declared once.
      this.m.set(name, [{ d, ord, pos }]);
      this.plain.set(name, [d]);
      return;
    }
    // In file order, then position; after any equal one, as a stable sort would put it.
    let i = l.length;
    while (i > 0 && (l[i - 1].ord > ord || (l[i - 1].ord === ord && l[i - 1].pos > pos))) i--;
    l.splice(i, 0, { d, ord, pos });
    this.plain.set(name, l.map((x) => x.d));
  }
}

/** Methods by receiver base type, then by name; parsed on demand like DeclTable. */
export class MethodTable {
  private readonly byRecv = new Map<string, DeclTable<FuncDecl>>();
  constructor(
    private readonly whereRecv: Where,
    private readonly whereName: Where,
    private readonly need: (src: Source) => void,
  ) {}
  has(recv: string): boolean {
    return this.whereRecv.has(recv) || this.byRecv.has(recv);
  }
  /** Every method declared on the type (all its files parsed). */
  get(recv: string): ReadonlyMap<string, FuncDecl[]> | undefined {
    for (const src of sourcesIn(this.whereRecv, recv)) this.need(src);
    return this.byRecv.get(recv)?.parsed();
  }
  /**
   * The methods of that name declared on the type (`get(recv)?.get(name)`, twins behind build tags
   * included): only the files whose facts declare one are parsed. `recvOf` is Package.recvType.
   */
  of(recv: string, name: string, recvOf: (base: string) => string): FuncDecl[] | undefined {
    for (const src of sourcesIn(this.whereRecv, recv)) {
      if (src.facts.decls.some((d) => d.kind === 'method' && d.name === name && recvOf(d.recv!) === recv)) this.need(src);
    }
    return this.byRecv.get(recv)?.parsed().get(name);
  }
  /** The files declaring methods on the type, by their facts (parsed or not). */
  sourcesOf(recv: string): readonly Source[] {
    return sourcesIn(this.whereRecv, recv);
  }
  /** Every method of that name, on any type of the package. */
  named(name: string): FuncDecl[] {
    for (const src of sourcesIn(this.whereName, name)) this.need(src);
    return [...this.byRecv.values()].flatMap((t) => t.parsed().get(name) ?? []);
  }
  drop(ord: number): void {
    for (const t of this.byRecv.values()) t.drop(ord);
  }
  add(recv: string, name: string, d: FuncDecl, ord: number, pos: number): void {
    let t = this.byRecv.get(recv);
    if (!t) this.byRecv.set(recv, (t = new DeclTable(new Map(), () => {})));
    t.add(name, d, ord, pos);
  }
}

export class Package {
  readonly funcs: DeclTable<FuncDecl>;
  readonly types: DeclTable<TypeDecl>;
  readonly methods: MethodTable;
  readonly vars: DeclTable<VarDecl>;
  /** Constants: their explicit (or inherited, in a const block) type, or null when untyped. */
  readonly consts: DeclTable<{ typeNode: Node; file: GoFile } | null>;
  /** The files parsed so far, in directory order. */
  readonly files: GoFile[] = [];
  /** Local names of //go:linkname and //export directives in any file of the package. */
  readonly linknamed = new Set<string>();
  /** A type declared as an alias of another of the package's types by its bare name: that name. */
  private readonly aliasOf = new Map<string, string>();
  constructor(
    readonly key: string,
    readonly importPath: string,
    readonly name: string,
    readonly dir: string,
    /** Every file of the package, parsed or not. */
    readonly sources: Source[],
    need: (src: Source) => void,
  ) {
    const where = { func: new Map() as Where, type: new Map() as Where, var: new Map() as Where, const: new Map() as Where };
    const recvs: Where = new Map();
    const mnames: Where = new Map();
    for (const src of sources) {
      for (const [local] of src.facts.linknames) this.linknamed.add(local);
      for (const d of src.facts.decls) if (d.kind === 'type' && d.aliasOf) this.aliasOf.set(d.name, d.aliasOf);
    }
    for (const src of sources) {
      for (const d of src.facts.decls) {
        if (d.kind === 'method') {
          addSource(recvs, this.recvType(d.recv!), src);
          addSource(mnames, d.name, src);
        } else if (d.kind === 'func') {
          if (d.name !== 'init' && d.name !== '_') addSource(where.func, d.name, src);
        } else addSource(where[d.kind], d.name, src);
      }
      for (const name of wordList(src.facts.consts)) addSource(where.const, name, src);
    }
    this.funcs = new DeclTable(where.func, need);
    this.types = new DeclTable(where.type, need);
    this.vars = new DeclTable(where.var, need);
    this.consts = new DeclTable(where.const, need);
    this.methods = new MethodTable(recvs, mnames, need);
  }

  /** Methods declared on an alias (`type Server = server; func (s *Server) M()`) are the aliased type's. */
  recvType(base: string): string {
    let target = base;
    for (let seen = 0; this.aliasOf.has(target) && seen < 10; seen++) target = this.aliasOf.get(target)!;
    return target;
  }

  methodsOf(typeName: string, name: string): FuncDecl[] | undefined {
    return this.methods.of(typeName, name, (base) => this.recvType(base));
  }

  /** Forgets a file parsed so far (Program.release): it is parsed again when one of its declarations is asked for. */
  forget(f: GoFile, ord: number): void {
    const i = this.files.indexOf(f);
    if (i >= 0) this.files.splice(i, 1);
    for (const t of [this.funcs, this.types, this.vars, this.consts, this.methods]) t.drop(ord);
  }

  /** Whether the package declares the name at package level (no file is parsed). */
  declares(name: string): boolean {
    return this.funcs.has(name) || this.vars.has(name) || this.consts.has(name) || this.types.has(name);
  }
}

// ---------------------------------------------------------------------------------------------
// Types

export interface Sig {
  params: Node; // parameter_list
  result: Node | null;
  file: GoFile;
  tparams?: Map<string, Node | null>;
}

export type GType =
  | { k: 'named'; pkg: Package; name: string }
  | { k: 'ptr'; elem: GType }
  | { k: 'slice'; elem: GType }
  | { k: 'map'; key: GType; elem: GType }
  | { k: 'chan'; elem: GType }
  | { k: 'func'; sig: Sig } // a signature: its slot is its parameter_list
  | { k: 'mexpr'; sig: Sig; recv: GType } // a method expression: receiver comes first
  | { k: 'context' }
  | { k: 'foreign'; what: string }
  | { k: 'basic'; name: string }
  | { k: 'struct'; node: Node; file: GoFile; tparams?: Map<string, Node | null> }
  | { k: 'iface'; node: Node; file: GoFile; tparams?: Map<string, Node | null> }
  | { k: 'tuple'; elems: GType[] }
  | { k: 'type'; t: GType } // the expression denotes a type
  | { k: 'pkg'; path: string }
  | { k: 'unknown'; why: string };

const BASIC = new Set([
  'bool', 'byte', 'rune', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32',
  'uint64', 'uintptr', 'float32', 'float64', 'complex64', 'complex128', 'string', 'error', 'any', 'comparable',
]);
const BUILTIN_FUNCS = new Set([
  'append', 'cap', 'clear', 'close', 'complex', 'copy', 'delete', 'imag', 'len', 'make', 'max', 'min', 'new',
  'panic', 'print', 'println', 'real', 'recover',
]);

export const unknown = (why: string): GType => ({ k: 'unknown', why });

/** A method or field found on a type. */
export type Member =
  | { k: 'method'; decls: FuncDecl[]; sig: Sig }
  | { k: 'imethod'; node: Node; sig: Sig } // method_elem of an interface
  | { k: 'field'; t: GType }
  | { k: 'foreign'; what: string }
  | { k: 'unknown'; why: string };

// ---------------------------------------------------------------------------------------------

/** The method set of an interface (see Program.ifaceSet). */
export type IfaceSet = { methods: Map<string, { node: Node; sig: Sig }>; open: Member | null };

export class Program {
  /** import path → the files of its directory (not yet parsed). */
  private readonly dirs = new Map<string, SourceFile[]>();
  /** package key → package; a directory may hold several (external tests, ignored mains). */
  private readonly packages = new Map<string, Package[]>();
  readonly errors: Problem[] = [];
  /** Files that could not be parsed soundly, with their text, for byte-level mention checks. */
  readonly broken: { sf: SourceFile; text: string }[] = [];
  readonly parsed: GoFile[] = [];
  parseCount = 0;
  /** Targets of //go:linkname directives anywhere: `importpath.name`. */
  readonly linkTargets = new Set<string>();
  /**
   * Each file's bytes are not kept once its facts are computed (select.ts readFacts), but their hash
   * (factstore's keyOf) is: read again when it is parsed, the file must hash the same, or the facts
   * goshift decided on would not be the file's.
   */
  readonly digests = new Map<string, string>();
  /** Each file's size in bytes, as read at the start. */
  readonly sizes = new Map<string, number>();
  /** Each file's facts, by absolute path: where declarations are, before anything is parsed. */
  readonly facts: Map<string, FileFacts>;
  private readonly fileBySf = new Map<SourceFile, GoFile | null>();
  private readonly pkgOfSf = new Map<SourceFile, Package>();
  /** A file's position in its directory's list: its package keeps its parsed files in that order. */
  private readonly ordOfSf = new Map<SourceFile, number>();

  constructor(files: SourceFile[], facts: Map<string, FileFacts>) {
    this.facts = facts;
    for (const sf of files) {
      const ip = sf.importPath;
      let l = this.dirs.get(ip);
      if (!l) this.dirs.set(ip, (l = []));
      l.push(sf);
      for (const [, target] of facts.get(sf.abs)?.linknames ?? []) if (target) this.linkTargets.add(target);
    }
  }

  importPaths(): string[] {
    return [...this.dirs.keys()];
  }

  filesOf(importPath: string): SourceFile[] {
    return this.dirs.get(importPath) ?? [];
  }

  isOurs(importPath: string): boolean {
    return this.dirs.has(importPath);
  }

  private readonly pkgNames = new Map<string, string | null>();

  /** The package name of a workspace directory, from the package clause of its files (not parsed). */
  packageName(importPath: string): string | null {
    let name = this.pkgNames.get(importPath);
    if (name !== undefined) return name;
    name = null;
    for (const sf of this.dirs.get(importPath) ?? []) {
      const m = this.facts.get(sf.abs)?.pkg;
      if (m && !m.endsWith('_test')) {
        name = m;
        if (!sf.isTest) break;
      }
    }
    this.pkgNames.set(importPath, name);
    return name;
  }

  /**
   * The import path a package name stands for in a file; for a name no import declares in a file
   * that imports another module under a guessed name, a stand-in path outside the workspace.
   */
  importPath(file: GoFile, name: string): string | undefined {
    return file.imports.get(name) ?? (file.guessedImports ? `unknown.import/${name}` : undefined);
  }

  /**
   * The packages of a directory, from its files' facts: nothing is parsed but the files whose
   * facts the lexer was unsure of (their declarations are unknown until parsed).
   */
  load(importPath: string): Package[] {
    const have = this.packages.get(importPath);
    if (have) return have;
    const sfs = this.dirs.get(importPath) ?? [];
    const byName = new Map<string, Source[]>();
    sfs.forEach((sf, ord) => {
      this.ordOfSf.set(sf, ord);
      const facts = this.facts.get(sf.abs);
      if (!facts) return; // unreadable: reported when read
      let name = facts.pkg;
      if (facts.unsure || name === null) {
        const gf = this.parse(sf);
        if (!gf) return;
        name = gf.pkgName;
      }
      let l = byName.get(name);
      if (!l) byName.set(name, (l = []));
      l.push({ sf, facts, ord });
    });
    // The primary package is the one with most non-test files; x_test and others get their own key.
    const names = [...byName.keys()].sort((a, b) => score(byName.get(b)!) - score(byName.get(a)!) || a.localeCompare(b));
    const pkgs: Package[] = [];
    this.packages.set(importPath, pkgs);
    names.forEach((name, i) => {
      const key = i === 0 ? importPath : `${importPath} [${name}]`;
      const srcs = byName.get(name)!;
      const pkg = new Package(key, importPath, name, srcs[0].sf.dir, srcs, (src) => void this.fileOf(src.sf));
      for (const src of srcs) this.pkgOfSf.set(src.sf, pkg);
      pkgs.push(pkg);
    });
    // Files read before their package existed (unsure facts) join it now.
    for (const pkg of pkgs) for (const src of pkg.sources) if (this.fileBySf.get(src.sf)) this.fileOf(src.sf);
    return pkgs;
  }

  isLoaded(importPath: string): boolean {
    return this.packages.has(importPath);
  }

  loadedPackages(): Package[] {
    return [...this.packages.values()].flat();
  }

  /** The package an import path names (its primary package), parsing nothing. */
  pkg(importPath: string): Package | undefined {
    return this.load(importPath)[0];
  }

  /** The name an import (from a file's facts) binds, as a parsed file's import table would have it. */
  importName(imp: { name: string | null; path: string }): string | null {
    if (imp.name === '_' || imp.name === '.') return null;
    return imp.name ?? (this.isOurs(imp.path) ? (this.packageName(imp.path) ?? defaultImportName(imp.path)) : defaultImportName(imp.path));
  }

  private readonly brokenChecked = new Map<GoFile, boolean>();

  /**
   * Whether a file read in part (some function bodies blank) fails to parse whole; its syntax
   * error is then reported (once) as parse() reports any file's.
   */
  brokenWhole(f: GoFile): boolean {
    let broken = this.brokenChecked.get(f);
    if (broken !== undefined) return broken;
    const err = syntaxErrorOf(f.pf.text);
    broken = !!err;
    this.brokenChecked.set(f, broken);
    if (err) this.unparsable(f.sf, f.pf.text, err);
    return broken;
  }

  /** A file that does not parse: its syntax error is the run's, and its text is kept for the plan (which sets it may mention). */
  private unparsable(sf: SourceFile, text: string, err: { line: number; column: number; message: string }): void {
    this.errors.push({ file: sf.rel, line: err.line, column: err.column, message: err.message + gofmtOpinion(sf.abs) });
    this.broken.push({ sf, text });
  }

  /** Whether the file has been parsed (or found unparsable) already. */
  isParsed(sf: SourceFile): boolean {
    return this.fileBySf.has(sf);
  }

  /** A file parsed and indexed in its package (once); null when it cannot be read or parsed. */
  fileOf(sf: SourceFile): GoFile | null {
    let pkg = this.pkgOfSf.get(sf);
    if (!pkg) {
      this.load(sf.importPath);
      pkg = this.pkgOfSf.get(sf);
    }
    const gf = this.parse(sf);
    if (!gf || !pkg) return null;
    if (gf.pkg !== pkg) {
      gf.pkg = pkg;
      const ord = this.ordOfSf.get(sf)!;
      this.indexFile(gf, ord);
      const at = pkg.files.findIndex((f) => this.ordOfSf.get(f.sf)! > ord);
      pkg.files.splice(at < 0 ? pkg.files.length : at, 0, gf);
    }
    return gf;
  }

  /**
   * From now on, a file not parsed yet is wanted for its declarations only (a type, a signature, a
   * variable that a file being walked or rewritten looks up): the engine sets this once every file
   * that is walked, edited or rewritten has been parsed.
   */
  declarationsOnly = false;

  /**
   * Files (by absolute path) that only transforms looking at run literals read (runBodiesOnly):
   * parsed with the other function bodies blank; `capture` when all of them look only at those that
   * may capture a context (captureBodiesOnly). The engine fills it once the files the linker walks
   * are known (and parsed whole).
   */
  readonly runBodiesOnly = new Map<string, 'run' | 'capture'>();

  /**
   * Files only file-local transforms that look at run literals read, and that nothing had parsed
   * when the linker was done (select.ts linkRelevant): the edit stage parses each when those
   * transforms come to it, and lets it go (release) once they are done with it.
   */
  rewriteOnly: SourceFile[] = [];

  /**
   * Lets go of a parsed file: it leaves the files parsed and its package's declarations, and the
   * GoFile keeps its text and bytes but no tree (withoutTree), so that nothing here keeps the tree
   * (whatever else still holds one of its nodes keeps it, and that node stays as good as it was). A
   * declaration of it asked for later parses it again (as it was parsed: runBodiesOnly still says
   * how). For a file parsed only for a file-local transform, once that is done with it (edit.ts):
   * the trees of those files would otherwise all be alive at the run's peak.
   */
  release(f: GoFile): void {
    if (this.fileBySf.get(f.sf) !== f) return;
    this.fileBySf.delete(f.sf);
    this.brokenChecked.delete(f);
    const i = this.parsed.indexOf(f);
    if (i >= 0) this.parsed.splice(i, 1);
    if (f.pkg !== NO_PACKAGE) f.pkg.forget(f, this.ordOfSf.get(f.sf)!);
    f.pf = withoutTree(f.pf);
  }

  /** Files parsed (whole) while the facts of others were computed, by absolute path: taken by parse(). */
  preparsed = new Map<string, ParsedFile>();

  /**
   * Whether a file's function bodies may be left out of its tree: its facts are sure, and nothing
   * in a body matters to the linker's declarations of it. Linker.declareUses reads type arguments
   * anywhere in a file: func types in brackets, and the type arguments of another module's generic
   * function or type (`other.Map[K, V]`, under the name the file imports it by).
   */
  private mayParseDeclarationsOnly(sf: SourceFile, bytes: Buffer): boolean {
    const facts = this.facts.get(sf.abs);
    if (!facts || facts.unsure !== undefined || !facts.bodies?.length) return false;
    if (facts.funcInBrackets) return false;
    const foreign = facts.imports.filter((i) => !this.isOurs(i.path) && !isStdPath(i.path) && i.name !== '_' && i.name !== '.').map((i) => i.name ?? defaultImportName(i.path));
    if (!foreign.length) return true;
    if (foreign.some((n) => !/^\w+$/.test(n))) return false;
    return !new RegExp(`\\b(?:${foreign.join('|')})\\s*\\.\\s*[\\w\\x80-\\xff]+\\s*\\[`).test(bytes.toString('latin1'));
  }

  /**
   * A file read again, which must hash as it did when its facts were computed, and parsed (in part
   * when it may be); null when it cannot be read or has changed (the error is the run's).
   */
  private readAndParse(sf: SourceFile): ParsedFile | null {
    const pre = this.prereads.get(sf.abs);
    if (pre) this.prereads.delete(sf.abs);
    const r = pre ?? readSource(sf);
    if ('error' in r) {
      this.errors.push({ file: sf.rel, message: r.error });
      return null;
    }
    const digest = this.digests.get(sf.abs);
    if (digest !== undefined && keyOf(r.bytes) !== digest) {
      this.errors.push({ file: sf.rel, message: 'changed on disk while goshift was running (its bytes are no longer those it read at the start); run goshift again' });
      return null;
    }
    const facts = this.facts.get(sf.abs);
    const runBodies = this.runBodiesOnly.get(sf.abs);
    const partly = facts && (this.declarationsOnly || runBodies) && this.mayParseDeclarationsOnly(sf, r.bytes);
    const keep = runBodies === 'capture' ? facts?.captureBodies : runBodies ? facts?.runBodies : undefined;
    return (partly && parseDeclarations(sf, r.bytes, facts.bodies, keep, runBodies === 'capture', facts.inert)) || parseSource(sf, r.bytes, facts?.inert, pre?.ahead);
  }

  /** A file read and parsed ahead on a worker (flatpool.ts), by absolute path, while fileOfAhead parses it: readAndParse takes it instead of reading. */
  private readonly prereads = new Map<string, { bytes: Buffer; ahead: ParsedAhead }>();

  /** Parses a file (fileOf) from its bytes and parse made ahead on a worker, instead of reading and parsing it here. */
  fileOfAhead(sf: SourceFile, bytes: Buffer, ahead: ParsedAhead): GoFile | null {
    if (this.fileBySf.has(sf)) return this.fileOf(sf);
    this.prereads.set(sf.abs, { bytes, ahead });
    try {
      return this.fileOf(sf);
    } finally {
      this.prereads.delete(sf.abs);
    }
  }

  /** Parses a file (once): its imports and local types; its declarations join its package in fileOf. */
  private parse(sf: SourceFile): GoFile | null {
    const have = this.fileBySf.get(sf);
    if (have !== undefined) return have;
    // Parsed while the facts were computed, from the bytes they were computed from; else read again.
    const pre = this.preparsed.get(sf.abs);
    if (pre) this.preparsed.delete(sf.abs);
    const pf = pre ?? this.readAndParse(sf);
    if (!pf) {
      this.fileBySf.set(sf, null);
      return null;
    }
    this.parseCount++;
    if (pf.error) {
      this.unparsable(sf, pf.text, pf.error);
      this.fileBySf.set(sf, null);
      return null;
    }
    const clause = pf.root.children.find((c) => c.type === 'package_clause');
    const pkgName = clause?.namedChildren.find((c) => c.type === 'package_identifier')?.text ?? '';
    const gf: GoFile = { pf, sf, pkg: NO_PACKAGE, pkgName, imports: new Map(), dotImports: [], linknamed: new Set(), localTypes: new Set() };
    this.fileBySf.set(sf, gf);
    this.parsed.push(gf);
    return gf;
  }

  private indexFile(gf: GoFile, ord: number): void {
    const { pf, pkg } = gf;
    gf.pkgName = pkg.name;
    // Types declared inside functions: from the facts (the lexer's, checked against the tree by
    // test/facts.test.ts), else each `type` keyword is looked up in the tree.
    const facts = this.facts.get(gf.sf.abs);
    if (facts && facts.unsure === undefined) {
      for (const name of facts.localTypes) gf.localTypes.add(name);
    } else {
      for (const m of pf.text.matchAll(/\btype\b/g)) {
        let n: Node | null = pf.root.descendantForIndex(m.index!, m.index! + 4);
        while (n && n.type !== 'type_declaration' && n.type !== 'source_file') n = n.parent;
        if (n?.type !== 'type_declaration' || n.parent?.type === 'source_file') continue;
        for (const spec of n.namedChildren) {
          const nm = spec.childForFieldName('name');
          if (nm) gf.localTypes.add(nm.text);
        }
      }
    }
    for (const top of pf.root.namedChildren) {
      switch (top.type) {
        case 'import_declaration':
          for (const spec of top.descendantsOfType('import_spec')) {
            const p = spec.childForFieldName('path');
            if (!p) continue;
            const ip = own(unquote(p.text));
            const nm = spec.childForFieldName('name');
            if (nm?.type === 'dot') gf.dotImports.push(ip);
            else if (nm?.type === 'blank_identifier') continue;
            else if (nm) gf.imports.set(own(nm.text), ip);
            else if (this.isOurs(ip)) gf.imports.set(this.packageName(ip) ?? defaultImportName(ip), ip);
            else {
              gf.imports.set(defaultImportName(ip), ip);
              // Another module's package may be named otherwise than its path's last element.
              if (!isStdPath(ip)) gf.guessedImports = true;
            }
          }
          break;
        case 'function_declaration': {
          const name = own(top.childForFieldName('name')!.text);
          const params = top.childForFieldName('parameters')!;
          const d: FuncDecl = { name, node: top, params, result: top.childForFieldName('result'), file: gf, tparams: tparamsOf(top) };
          if (name !== 'init' && name !== '_') pkg.funcs.add(name, d, ord, top.startIndex);
          break;
        }
        case 'method_declaration': {
          const name = own(top.childForFieldName('name')!.text);
          const recvList = top.childForFieldName('receiver')!;
          const rp = recvList.namedChildren.find((c) => c.type === 'parameter_declaration');
          const rt = rp?.childForFieldName('type');
          if (!rt) break;
          const { base: cut, ptr, tparams } = receiverBase(rt);
          if (!cut) break;
          const base = own(cut);
          const d: FuncDecl = {
            name, node: top, params: top.childForFieldName('parameters')!, result: top.childForFieldName('result'), file: gf,
            recv: { typeName: pkg.recvType(base), ptr, node: rp! }, tparams,
          };
          pkg.methods.add(d.recv!.typeName, name, d, ord, top.startIndex);
          break;
        }
        case 'type_declaration':
          for (const spec of top.namedChildren) {
            if (spec.type !== 'type_spec' && spec.type !== 'type_alias') continue;
            const name = own(spec.childForFieldName('name')!.text);
            const typeNode = spec.childForFieldName('type');
            if (!typeNode) continue;
            pkg.types.add(name, { name, spec, typeNode, alias: spec.type === 'type_alias', file: gf, tparams: tparamsOf(spec) }, ord, spec.startIndex);
          }
          break;
        case 'var_declaration':
          for (const spec of specsOf(top, 'var_spec')) {
            const names = spec.childrenForFieldName('name');
            const typeNode = spec.childForFieldName('type');
            const value = spec.childForFieldName('value');
            names.forEach((n, i) => {
              const name = own(n.text);
              pkg.vars.add(name, { name, typeNode, value, index: i, file: gf }, ord, n.startIndex);
            });
          }
          break;
        case 'const_declaration':
        {
          // In a const block, a spec without type or value repeats the previous one's.
          let last: { typeNode: Node; file: GoFile } | null = null;
          for (const spec of specsOf(top, 'const_spec')) {
            const tn = spec.childForFieldName('type');
            if (tn) last = { typeNode: tn, file: gf };
            else if (spec.childForFieldName('value')) last = null;
            for (const n of spec.childrenForFieldName('name')) pkg.consts.add(own(n.text), last, ord, n.startIndex);
          }
        }
          break;
        case 'comment': {
          const m = /^\/\/go:linkname\s+(\S+)/.exec(top.text) ?? /^\/\/export\s+(\S+)/.exec(top.text);
          if (m) gf.linknamed.add(m[1]);
          break;
        }
      }
    }
    // Directives may also sit inside declarations' doc comments, which tree-sitter keeps as top-level comments;
    // a linkname naming a method (pkg.T.M) is caught by name too.
    for (const m of pf.text.matchAll(/^\/\/go:linkname\s+(\S+)(?:\s+(\S+))?/gm)) {
      gf.linknamed.add(m[1]);
      if (m[2]) this.linkTargets.add(m[2]);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Types

  /** Resolves a type written in a file. */
  typeOfTypeNode(n: Node | null, file: GoFile, tparams?: Map<string, Node | null>, depth = 0): GType {
    if (!n) return unknown('no type');
    if (depth > 20) return unknown('type too deep');
    switch (n.type) {
      case 'type_identifier':
      case 'identifier': {
        const name = n.text;
        if (tparams?.has(name)) {
          const c = tparams.get(name);
          if (c) {
            const ct = this.constraintType(c, file, tparams, depth);
            if (ct) return ct;
          }
          return unknown(`type parameter ${name}`);
        }
        if (file.localTypes.has(name) && n.parent) {
          const spec = localTypeSpec(n, name);
          // A local type stands for its underlying type: it has no methods of its own.
          if (spec) return this.typeOfTypeNode(spec.childForFieldName('type'), file, tparams, depth + 1);
        }
        return this.lookupTypeName(file, name, depth);
      }
      case 'qualified_type': {
        const p = n.childForFieldName('package')!.text;
        const name = n.childForFieldName('name')!.text;
        const ip = this.importPath(file, p);
        if (!ip) return unknown(`unknown package ${p}`);
        return this.memberType(ip, name, depth);
      }
      case 'pointer_type':
        return { k: 'ptr', elem: this.typeOfTypeNode(n.namedChildren[0], file, tparams, depth + 1) };
      case 'slice_type':
      case 'array_type':
      case 'implicit_length_array_type':
        return { k: 'slice', elem: this.typeOfTypeNode(n.childForFieldName('element'), file, tparams, depth + 1) };
      case 'map_type':
        return {
          k: 'map',
          key: this.typeOfTypeNode(n.childForFieldName('key'), file, tparams, depth + 1),
          elem: this.typeOfTypeNode(n.childForFieldName('value'), file, tparams, depth + 1),
        };
      case 'channel_type':
        return { k: 'chan', elem: this.typeOfTypeNode(n.childForFieldName('value'), file, tparams, depth + 1) };
      case 'generic_type': {
        const base = this.typeOfTypeNode(n.childForFieldName('type'), file, tparams, depth + 1);
        // A foreign generic type instantiated with our types (atomic.Pointer[Store]) hands them back.
        if (base.k === 'foreign') {
          const args = n.childForFieldName('type_arguments')?.namedChildren ?? [];
          if (args.some((a) => this.mayHoldOurs(this.typeOfTypeNode(a, file, tparams, depth + 1)))) return unknown(`${base.what} instantiated with a workspace type`);
        }
        return base;
      }
      case 'parenthesized_type':
      case 'type_elem':
      case 'type_constraint':
        return n.namedChildren.length === 1 ? this.typeOfTypeNode(n.namedChildren[0], file, tparams, depth + 1) : unknown('type union');
      case 'function_type':
        return { k: 'func', sig: { params: n.childForFieldName('parameters')!, result: n.childForFieldName('result'), file, tparams } };
      case 'struct_type':
        return { k: 'struct', node: n, file, tparams };
      case 'interface_type':
        return { k: 'iface', node: n, file, tparams };
      case 'negated_type':
        return unknown('type set');
      default:
        return unknown(`type ${n.type}`);
    }
  }

  private constraintType(c: Node, file: GoFile, tparams: Map<string, Node | null>, depth: number): GType | undefined {
    // A constraint that is an interface (named or literal) gives the type parameter its methods.
    const t = this.typeOfTypeNode(c, file, undefined, depth + 1);
    void tparams;
    const u = this.underlying(t);
    return u.k === 'iface' ? t : undefined;
  }

  lookupTypeName(file: GoFile, name: string, depth = 0): GType {
    if (name === 'Context' && CONTEXT_PATHS.has(file.pkg.importPath)) return { k: 'context' };
    const td = file.pkg.types.first(name);
    if (td) return this.namedOrAlias(file.pkg, td, depth);
    for (const ip of file.dotImports) {
      const t = this.memberType(ip, name, depth);
      if (t.k !== 'unknown') return t;
    }
    if (BASIC.has(name)) return { k: 'basic', name };
    return unknown(`unknown type ${name}`);
  }

  /** A type a package declares, by name (as seen from inside the package). */
  typeIn(pkg: Package, name: string, depth = 0): GType {
    if (name === 'Context' && CONTEXT_PATHS.has(pkg.importPath)) return { k: 'context' };
    const td = pkg.types.first(name);
    return td ? this.namedOrAlias(pkg, td, depth) : unknown(`unknown type ${name}`);
  }

  private namedOrAlias(pkg: Package, td: TypeDecl, depth: number): GType {
    if (td.alias) return this.typeOfTypeNode(td.typeNode, td.file, td.tparams, depth + 1);
    return { k: 'named', pkg, name: td.name };
  }

  /** The type named `name` in the package at import path `ip`. */
  memberType(ip: string, name: string, depth = 0): GType {
    if (CONTEXT_PATHS.has(ip) && name === 'Context') return { k: 'context' };
    if (!this.isOurs(ip)) return { k: 'foreign', what: `${ip}.${name}` };
    const pkg = this.pkg(ip);
    const td = pkg?.types.first(name);
    if (!pkg || !td) return unknown(`${ip} declares no ${name} in the files goshift read`);
    return this.namedOrAlias(pkg, td, depth);
  }

  /** The underlying type of a named type (through `type A B` chains). */
  underlying(t: GType, depth = 0): GType {
    if (t.k !== 'named' || depth > 20) return t;
    const td = t.pkg.types.first(t.name)!;
    return this.underlying(this.typeOfTypeNode(td.typeNode, td.file, td.tparams, depth + 1), depth + 1);
  }

  /**
   * Looks a field or method up on a value of type t, following pointers and embedding, by Go's
   * selector rule (spec, "Selectors"): the member found at the shallowest embedding depth, and only
   * if exactly one is found there. A type goshift cannot see into (foreign, unknown) that is
   * shallower than the member found may itself hold the name: then the answer is unknown.
   */
  member(t: GType, name: string): Member {
    let base = t;
    if (base.k === 'ptr') base = base.elem;
    switch (base.k) {
      case 'named':
      case 'struct':
      case 'iface':
        return this.select(base, name);
      case 'foreign':
      case 'context':
        return { k: 'foreign', what: base.k === 'context' ? 'context.Context' : base.what };
      case 'basic':
        return { k: 'foreign', what: base.name };
      case 'unknown':
        return { k: 'unknown', why: base.why };
      default:
        return { k: 'unknown', why: `no member ${name} on a ${base.k}` };
    }
  }

  private select(root: GType, name: string): Member {
    let level: GType[] = [root];
    /** The first type at a shallower depth that goshift cannot see into. */
    let blind: Member | undefined;
    for (let depth = 0; depth <= 8 && level.length; depth++) {
      const hits: Member[] = [];
      let maybe: Member | undefined;
      const next: GType[] = [];
      for (let t of level) {
        if (t.k === 'ptr') t = t.elem;
        this.membersAtDepth(t, name, hits, next, (m) => (maybe ??= m));
      }
      if (hits.length > 1) return { k: 'unknown', why: `ambiguous selector ${name}` };
      if (hits.length === 1) {
        // A blind type at this same depth cannot hold it too (the selector would be ambiguous).
        if (blind) return { k: 'unknown', why: `${name} may be promoted through ${blind.k === 'foreign' ? blind.what : 'a type goshift cannot determine'}` };
        return hits[0];
      }
      blind ??= maybe;
      level = next;
    }
    if (blind) return blind;
    return { k: 'unknown', why: `no field or method ${name}` };
  }

  /** The members named `name` a type has at its own depth; its embedded types go to `next`. */
  private membersAtDepth(t: GType, name: string, hits: Member[], next: GType[], blind: (m: Member) => void, depth = 0): void {
    if (depth > 10) return blind({ k: 'unknown', why: 'type too deep' });
    switch (t.k) {
      case 'named': {
        const ms = t.pkg.methodsOf(t.name, name);
        if (ms) {
          hits.push({ k: 'method', decls: ms, sig: sigOfDecl(ms[0]) });
          return;
        }
        // type A B: fields of B are A's; methods of B are not, unless B is an interface.
        return this.membersAtDepth(this.underlying(t), name, hits, next, blind, depth + 1);
      }
      case 'struct': {
        const table = this.fieldTable(t);
        const f = table.fields.get(name);
        if (f) hits.push({ k: 'field', t: f() });
        for (const e of table.embedded) next.push(e());
        return;
      }
      case 'iface': {
        // An interface's embedded interfaces add their methods at the same depth.
        const set = this.ifaceSet(t);
        const m = set?.methods.get(name);
        if (m) hits.push({ k: 'imethod', node: m.node, sig: m.sig });
        else if (!set) blind({ k: 'unknown', why: 'interface goshift cannot read' });
        else if (set.open) blind(set.open);
        return;
      }
      case 'foreign':
      case 'context':
      case 'basic':
        return blind({ k: 'foreign', what: t.k === 'foreign' ? t.what : t.k === 'basic' ? t.name : 'context.Context' });
      case 'unknown':
        return blind({ k: 'unknown', why: t.why });
      default:
        return blind({ k: 'unknown', why: `no member ${name} on a ${t.k}` });
    }
  }

  private readonly fieldTables = new Map<number, { fields: Map<string, () => GType>; embedded: (() => GType)[] }>();

  /** The fields of a struct type, read from the tree once; types resolved lazily. */
  private fieldTable(u: Extract<GType, { k: 'struct' }>): { fields: Map<string, () => GType>; embedded: (() => GType)[] } {
    // A struct type node always comes with the same type parameters (its declaration's).
    const key = u.node.id;
    const have = key >= 0 ? this.fieldTables.get(key) : undefined;
    if (have) return have;
    const fields = new Map<string, () => GType>();
    const embedded: (() => GType)[] = [];
    const lazy = (f: () => GType) => {
      let memo: GType | undefined;
      return () => (memo ??= f());
    };
    const list = u.node.namedChildren.find((c) => c.type === 'field_declaration_list');
    for (const f of list?.namedChildren ?? []) {
      if (f.type !== 'field_declaration') continue;
      const names = f.childrenForFieldName('name');
      const tn = f.childForFieldName('type');
      if (names.length) {
        const t = lazy(() => this.typeOfTypeNode(tn, u.file, u.tparams));
        for (const n of names) fields.set(n.text, t);
      } else if (tn) {
        // Embedded field: its name is the type's name; tree-sitter puts a `*` outside the type field.
        const star = f.children.some((c) => c.type === '*');
        const et = lazy(() => {
          const t = this.typeOfTypeNode(tn, u.file, u.tparams);
          return star ? { k: 'ptr', elem: t } : t;
        });
        fields.set(embeddedName(tn), et);
        embedded.push(et);
      }
    }
    const table = { fields, embedded };
    if (key >= 0) this.fieldTables.set(key, table);
    return table;
  }

  /** A struct's fields by name (embedded ones under their type's name), types resolved on demand. */
  fieldsByName(u: Extract<GType, { k: 'struct' }>): Map<string, () => GType> {
    return this.fieldTable(u).fields;
  }

  /** The types of a struct's fields in order (a group counts once per name; embedded fields included). */
  structFields(u: Extract<GType, { k: 'struct' }>): GType[] {
    const list = u.node.namedChildren.find((c) => c.type === 'field_declaration_list');
    const out: GType[] = [];
    for (const f of list?.namedChildren ?? []) {
      if (f.type !== 'field_declaration') continue;
      const t = this.typeOfTypeNode(f.childForFieldName('type'), u.file, u.tparams);
      const star = f.childrenForFieldName('name').length === 0 && f.children.some((c) => c.type === '*');
      const n = Math.max(1, f.childrenForFieldName('name').length);
      for (let i = 0; i < n; i++) out.push(star ? { k: 'ptr', elem: t } : t);
    }
    return out;
  }

  private readonly nameSets = new Map<string, { names: Set<string>; open: boolean }>();

  /**
   * Names of all methods of a type (declared and promoted through embedding), for cheap interface
   * checks; `open` when some embedded type is one goshift cannot see into (foreign or unknown), whose
   * methods are then missing from the list.
   */
  methodNames(t: GType, depth = 0): { names: Set<string>; open: boolean } {
    if (t.k === 'ptr') t = t.elem;
    const key = t.k === 'named' ? `${t.pkg.key}\u0000${t.name}` : null;
    const have = key ? this.nameSets.get(key) : undefined;
    if (have) return have;
    const out = { names: new Set<string>(t.k === 'named' ? t.pkg.methods.get(t.name)?.keys() ?? [] : []), open: false };
    if (key) this.nameSets.set(key, out);
    if (depth > 6) {
      out.open = true;
      return out;
    }
    const u = this.underlying(t);
    if (u.k === 'struct') {
      for (const e of this.fieldTable(u).embedded) {
        const inner = this.methodNames(e(), depth + 1);
        for (const m of inner.names) out.names.add(m);
        if (inner.open) out.open = true;
      }
    } else if (u.k === 'iface') {
      const set = this.ifaceSet(u);
      for (const m of set?.methods.keys() ?? []) out.names.add(m);
      if (!set || set.open) out.open = true;
    } else if (u.k === 'foreign' || u.k === 'unknown' || u.k === 'context' || (u.k === 'basic' && u.name === 'error')) {
      out.open = true;
    }
    return out;
  }

  /**
   * The method set of an interface type, embedded interfaces included. `open` says what part of it
   * goshift cannot see (an embedded interface from outside the workspace, such as io.Closer, or of
   * unknown type): its methods are not listed. Type-set elements (`~int | string`) add no methods.
   * Undefined when t is not an interface.
   */
  ifaceSet(t: GType, depth = 0): IfaceSet | undefined {
    if (depth > 10) return undefined;
    const u = this.underlying(t);
    if (u.k !== 'iface') return undefined;
    // Asked for at every selector on an interface value: go-redis's Cmdable (hundreds of methods,
    // embedded interfaces) took minutes unmemoised. Same node, same type parameters, same set.
    const key = `${u.file.sf.abs}:${u.node.startIndex}:${u.tparams ? this.tparamsId(u.tparams) : 0}`;
    const memo = this.ifaceSets.get(key);
    if (memo) return memo;
    const set = this.computeIfaceSet(u, depth);
    // Cut short by depth: not the interface's whole set, so not kept.
    if (depth === 0) this.ifaceSets.set(key, set);
    return set;
  }

  private readonly ifaceSets = new Map<string, IfaceSet>();
  private readonly tparamsIds = new WeakMap<Map<string, Node | null>, number>();
  private tparamsId(m: Map<string, Node | null>): number {
    let id = this.tparamsIds.get(m);
    if (id === undefined) this.tparamsIds.set(m, (id = this.nextTparamsId++));
    return id;
  }
  private nextTparamsId = 1;

  private computeIfaceSet(u: Extract<GType, { k: 'iface' }>, depth: number): IfaceSet {
    const methods = new Map<string, { node: Node; sig: Sig }>();
    let open: Member | null = null;
    for (const el of u.node.namedChildren) {
      if (el.type === 'method_elem') {
        methods.set(el.childForFieldName('name')!.text, { node: el, sig: { params: el.childForFieldName('parameters')!, result: el.childForFieldName('result'), file: u.file, tparams: u.tparams } });
      } else if (el.type === 'type_elem') {
        if (el.namedChildren.length !== 1 || el.namedChildren[0].type === 'negated_type') continue; // a type set
        const et = this.typeOfTypeNode(el.namedChildren[0], u.file, u.tparams);
        const inner = this.ifaceSet(et, depth + 1);
        if (inner) {
          for (const [k, v] of inner.methods) if (!methods.has(k)) methods.set(k, v);
          open ??= inner.open;
        } else if (et.k === 'basic' && et.name === 'error') {
          open ??= { k: 'foreign', what: 'error' };
        } else if (et.k === 'foreign' || et.k === 'context' || et.k === 'unknown' || et.k === 'basic') {
          // An embedded non-interface (in a constraint) adds no methods; foreign and unknown ones may.
          if (et.k !== 'basic') open ??= et.k === 'unknown' ? { k: 'unknown', why: et.why } : { k: 'foreign', what: et.k === 'foreign' ? et.what : 'context.Context' };
        }
      }
    }
    return { methods, open };
  }

  /** The types of a signature's results. */
  resultTypes(sig: Sig): GType[] {
    const r = sig.result;
    if (!r) return [];
    if (r.type !== 'parameter_list') return [this.typeOfTypeNode(r, sig.file, sig.tparams)];
    const out: GType[] = [];
    for (const p of r.namedChildren) {
      if (p.type !== 'parameter_declaration') continue;
      const t = this.typeOfTypeNode(p.childForFieldName('type'), sig.file, sig.tparams);
      const n = Math.max(1, p.childrenForFieldName('name').length);
      for (let i = 0; i < n; i++) out.push(t);
    }
    return out;
  }

  /** The type of parameter i of a signature (the element type for a variadic one, as a call passes it). */
  paramType(sig: Sig, i: number, spread: boolean): GType | undefined {
    const ps = paramsOf(sig.params);
    if (ps.length === 0) return undefined;
    const last = ps[ps.length - 1];
    if (i >= ps.length - 1 && last.variadic) {
      const t = this.typeOfTypeNode(last.typeNode, sig.file, sig.tparams);
      return spread ? { k: 'slice', elem: t } : t;
    }
    const p = ps[i];
    return p ? this.typeOfTypeNode(p.typeNode, sig.file, sig.tparams) : undefined;
  }

  /** Whether a value of this type may carry one of the workspace's named types or func types. */
  mayHoldOurs(t: GType, depth = 0): boolean {
    if (depth > 8) return true;
    switch (t.k) {
      case 'named':
      case 'unknown':
      case 'func':
      case 'mexpr':
      case 'struct':
      case 'iface':
        return true;
      case 'ptr':
      case 'slice':
      case 'chan':
        return this.mayHoldOurs(t.elem, depth + 1);
      case 'map':
        return this.mayHoldOurs(t.key, depth + 1) || this.mayHoldOurs(t.elem, depth + 1);
      case 'tuple':
        return t.elems.some((e) => this.mayHoldOurs(e, depth + 1));
      case 'type':
        return this.mayHoldOurs(t.t, depth + 1);
      default:
        return false;
    }
  }

  isContextType(typeNode: Node | null, file: GoFile, tparams?: Map<string, Node | null>): boolean {
    if (!typeNode) return false;
    // Cheap syntactic pre-check: only selectors and identifiers can name context.Context.
    if (typeNode.type !== 'qualified_type' && typeNode.type !== 'type_identifier') return false;
    if (typeNode.type === 'qualified_type') {
      const ip = this.importPath(file, typeNode.childForFieldName('package')!.text);
      if (ip && this.definedByFacts(ip, typeNode.childForFieldName('name')!.text)) return false;
    }
    return this.typeOfTypeNode(typeNode, file, tparams).k === 'context';
  }

  /**
   * Whether the type `name` of the workspace package at `ip` is, by the facts alone, no context:
   * the package declares it nowhere as an alias (a defined type is never context.Context; no
   * declaration, an unknown type), and the lexer was sure of each of its files. memberType would
   * parse the file declaring it to say the same, and before the linker's files are known it parses
   * it whole: the candidates' other parameters (`t *testing.T`, `d time.Duration`) cost 40 ms over std.
   */
  private definedByFacts(ip: string, name: string): boolean {
    if (CONTEXT_PATHS.has(ip) || !this.isOurs(ip)) return false;
    const pkg = this.pkg(ip);
    if (!pkg) return false;
    let sure = this.factsSure.get(pkg);
    if (sure === undefined) this.factsSure.set(pkg, (sure = pkg.sources.every((s) => s.facts.unsure === undefined)));
    return sure && pkg.types.sourcesOf(name).every((s) => s.facts.decls.every((d) => d.kind !== 'type' || d.name !== name || !d.alias));
  }

  /** Packages whose every file's facts the lexer was sure of (definedByFacts). */
  private readonly factsSure = new Map<Package, boolean>();
}

// ---------------------------------------------------------------------------------------------
// Small syntax helpers

export interface ParamInfo {
  /** The parameter_declaration / variadic_parameter_declaration holding it. */
  decl: Node;
  name: string | null;
  typeNode: Node | null;
  variadic: boolean;
}

/** paramsOf's answers: a call asks once per argument (paramType). */
const paramsMemo = new NodeMemo<readonly ParamInfo[]>();

/** Individual parameters of a parameter_list, groups expanded (the same array each time: not to be changed). */
export function paramsOf(list: Node): readonly ParamInfo[] {
  return paramsMemo.get(list, (l) => Object.freeze(paramsOfList(l)));
}

function paramsOfList(list: Node): ParamInfo[] {
  const out: ParamInfo[] = [];
  for (const d of list.namedChildren) {
    if (d.type !== 'parameter_declaration' && d.type !== 'variadic_parameter_declaration') continue;
    const names = d.childrenForFieldName('name');
    const typeNode = d.childForFieldName('type');
    const variadic = d.type === 'variadic_parameter_declaration';
    if (names.length === 0) out.push({ decl: d, name: null, typeNode, variadic });
    else for (const n of names) out.push({ decl: d, name: n.text, typeNode, variadic });
  }
  return out;
}

export function sigOfDecl(d: FuncDecl): Sig {
  return { params: d.params, result: d.result, file: d.file, tparams: d.tparams };
}

function score(l: { sf: SourceFile }[]): number {
  return l.filter((x) => !x.sf.isTest).length * 1000 + l.length;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

export function unquote(s: string): string {
  return s.replace(/^[`"]|[`"]$/g, '');
}

function defaultImportName(ip: string): string {
  // The package name is usually the last element; versions (v2) and gopkg.in suffixes are skipped.
  const parts = ip.split('/');
  let last = parts[parts.length - 1];
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
  last = last.replace(/\.v\d+$/, '').replace(/^go-/, '');
  return last.replace(/[-.]/g, '_');
}

function specsOf(decl: Node, specType: string): Node[] {
  const out: Node[] = [];
  for (const c of decl.namedChildren) {
    if (c.type === specType) out.push(c);
    else if (c.type.endsWith('_spec_list')) for (const s of c.namedChildren) if (s.type === specType) out.push(s);
  }
  return out;
}

function tparamsOf(n: Node): Map<string, Node | null> {
  const m = new Map<string, Node | null>();
  const tpl = n.childForFieldName('type_parameters');
  for (const d of tpl?.namedChildren ?? []) {
    if (d.type !== 'type_parameter_declaration') continue;
    const c = d.childForFieldName('type');
    for (const nm of d.childrenForFieldName('name')) m.set(nm.text, c);
  }
  return m;
}

/**
 * The declaration of a type named `name` inside a function body whose scope holds node n (spec,
 * "Declarations and scope": from the type's identifier to the end of the innermost block), or null.
 */
export function localTypeSpec(n: Node, name: string): Node | null {
  for (let a = n.parent; a && a.type !== 'source_file'; a = a.parent) {
    if (a.type !== 'statement_list' && a.type !== 'block') continue;
    let found: Node | null = null;
    for (const st of a.namedChildren) {
      if (st.startIndex > n.startIndex) break;
      if (st.type !== 'type_declaration') continue;
      for (const spec of st.namedChildren) if (spec.childForFieldName('name')?.text === name) found = spec;
    }
    if (found) return found;
  }
  return null;
}

/** The type parameters in scope at a node: of the enclosing generic function, type or method receiver. */
export function tparamsAround(owner: Node): Map<string, Node | null> | undefined {
  const m = new Map<string, Node | null>();
  for (let n: Node | null = owner; n; n = n.parent) {
    if (n.type === 'function_declaration' || n.type === 'type_spec' || n.type === 'type_alias') {
      for (const tp of n.childForFieldName('type_parameters')?.namedChildren ?? []) for (const nm of tp.childrenForFieldName('name')) m.set(nm.text, tp.childForFieldName('type'));
    }
    if (n.type === 'method_declaration') {
      const rp = n.childForFieldName('receiver');
      for (const g of rp?.descendantsOfType('generic_type') ?? []) for (const a of g.childForFieldName('type_arguments')?.namedChildren ?? []) m.set(a.text, null);
    }
  }
  return m.size ? m : undefined;
}

function receiverBase(t: Node): { base: string | null; ptr: boolean; tparams: Map<string, Node | null> } {
  let ptr = false;
  let n: Node | null = t;
  const tparams = new Map<string, Node | null>();
  while (n && (n.type === 'pointer_type' || n.type === 'parenthesized_type')) {
    if (n.type === 'pointer_type') ptr = true;
    n = n.namedChildren[0];
  }
  if (n?.type === 'generic_type') {
    const args = n.childForFieldName('type_arguments');
    for (const a of args?.namedChildren ?? []) tparams.set(a.text, null);
    n = n.childForFieldName('type');
  }
  return { base: n?.type === 'type_identifier' ? n.text : null, ptr, tparams };
}

function embeddedName(tn: Node): string {
  let n = tn;
  while (n.type === 'pointer_type' || n.type === 'generic_type' || n.type === 'parenthesized_type') {
    n = n.type === 'generic_type' ? n.childForFieldName('type')! : n.namedChildren[0];
  }
  if (n.type === 'qualified_type') return n.childForFieldName('name')!.text;
  return n.text;
}


export { BASIC as PREDECLARED_TYPES, BUILTIN_FUNCS };

let haveGofmt: boolean | undefined;

/**
 * When a Go toolchain is at hand, says whether gofmt accepts a file goshift could not parse: then
 * the file is valid Go that goshift's grammar lacks (worth a report), not a broken file. Either
 * way the file is not written.
 */
function gofmtOpinion(abs: string): string {
  if (haveGofmt === false) return '';
  const r = spawnSync('gofmt', ['-e', '-l', abs], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) {
    haveGofmt = false;
    return '';
  }
  haveGofmt = true;
  return r.status === 0 ? ' (gofmt accepts this file: goshift does not understand this syntax yet; please report it)' : ' (gofmt -e agrees: not valid Go)';
}

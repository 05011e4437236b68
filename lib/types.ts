// Shared vocabulary of the engine, the CLI and the transforms.
// Everything here is plain data: it can cross a worker boundary.

/** A Go module found through its go.mod. */
export interface GoModule {
  /** Absolute directory holding go.mod. */
  root: string;
  /** The module path from the `module` directive. */
  path: string;
  /**
   * Dependencies of the build that import this module back (lib/depends.ts): they compile against
   * this copy, so its exported API is theirs too. Absent: none found.
   */
  importedBack?: { module: string; version: string | null; where: string; how: 'requires' | 'replaces' }[];
}

/** One .go file in scope of a run. */
export interface SourceFile {
  /** Absolute path. */
  abs: string;
  /** Path relative to the run's cwd, with forward slashes: used in diffs and messages. */
  rel: string;
  /** Absolute directory of the file (its package directory). */
  dir: string;
  /** Import path of the package directory (module path + relative dir). */
  importPath: string;
  /** The module the file belongs to. */
  module: GoModule;
  /** Name ends in _test.go. */
  isTest: boolean;
  /** Under one of the paths the user named: changes may start here. Other files are only updated as callers. */
  target: boolean;
  /**
   * Matched by an exclusion pattern (--exclude, `exclude` in .goshift.yaml): read and linked like
   * any file, so that what it calls or implements is known, but never edited: a linked set with a
   * declaration or a call in it is left alone. Never a target.
   */
  excluded?: boolean;
}

/** A problem tied to a place; line and column are 1-based. */
export interface Problem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export interface Workspace {
  cwd: string;
  modules: GoModule[];
  files: SourceFile[];
  /** Paths that could not be read or do not exist: each makes the run exit 2. */
  errors: Problem[];
  /** Of those, the files and directories that exist but could not be read (as in `errors`, relative to cwd). */
  unreadable: string[];
  /**
   * Absolute paths of the .go files in directories goshift skips but Go may still build: testdata/
   * (programs built by tests), `_x` (packages imported by their full path), .gitignore'd ones
   * (generated code). goshift never edits them, but they may call what changes. Absent: none looked for.
   */
  skippedGo?: string[];
  /**
   * Independent parts, each a list of module roots, when there are several: modules linked by a
   * go.work or a local `replace` build together; others never see each other's packages, even
   * under the same import path. Absent: one part, everything.
   */
  parts?: string[][];
  /**
   * Absolute roots of the modules met inside a module's walk (a directory with its own go.mod) and
   * left out of the run. Absent: none.
   */
  leftOut?: string[];
  /** How the files were found, when it is not the usual way (GOPATH mode, modules below a path): for the summary. */
  notes?: string[];
}

/** One parameter as a transform sees it. */
export interface ParamView {
  /** The parameter's name, or null when unnamed; `_` stays `_`. */
  name: string | null;
  /** The type as written in the source. */
  typeText: string;
  /** The type is context.Context (through any import name of context or golang.org/x/net/context, or a dot import). */
  isContext: boolean;
  /** `...T` */
  variadic: boolean;
}

/** The signature of one linked set, as the transform is asked about it. */
export interface SignatureView {
  params: ParamView[];
  /** Where its representative declaration is (file rel path, 1-based line). */
  file: string;
  line: number;
  /** Human description, e.g. `func (*Store).Put`. */
  what: string;
  /** The declared name (of a function, method or interface method; of what holds a func type), '' for a literal. */
  name?: string;
}

/**
 * What a call passes for an inserted parameter: an expression (written with its package's usual
 * name, e.g. `context.Background()`, the package given by `import`), or the context in scope at the
 * call (a context parameter of the enclosing function, or the one being inserted into it), else
 * with `entries` the context of an entry point (an HTTP handler's `r.Context()`, a test's
 * `t.Context()`, context.Background() in main, init and goroutine roots), else `otherwise`. `pure` says evaluating `expr` has no effect (so its place among the other arguments
 * cannot change the order of effects); an identifier is pure anyway.
 */
export type InsertArg =
  | { expr: string; import?: string; pure?: boolean }
  | { inScope: 'context'; entries?: boolean; otherwise?: { expr: string; import?: string; pure?: boolean } };

/** A parameter a signature change adds. */
export interface InsertedParam {
  /** Its position in the new list (after `order` is applied), 0 for first. */
  at: number;
  /** The name wanted; a declaration whose body already uses it gets name2, name3, …; unnamed lists get the type alone. */
  name: string;
  /** The type, written with its package's usual name (`context.Context`). */
  typeText: string;
  /** The import path of the package the type's qualifier stands for (`context`); the engine writes the file's name for it, or adds the import. */
  import?: string;
  /** What each call passes. */
  arg: InsertArg;
}

/** A signature change for one linked set: its parameters reordered, then new ones inserted. `reorder` is the case `insert: []`. */
export interface SignatureChange {
  order: number[];
  insert: InsertedParam[];
}

export interface TransformOptions {
  /** Type texts after which a ctx may stay (revive's allowTypesBefore), e.g. `*testing.T`. */
  allowTypesBefore: string[];
  /**
   * `change` (default): exported functions, methods and interfaces change like any other.
   * `keep`: a linked set with a member other modules can import is left alone, as exported API.
   * `compat`: such a set's functions and methods move under a new name (old name + compatSuffix)
   * and the old name stays as a deprecated `//go:fix inline` wrapper with the old signature; sets
   * holding an interface method or func type are left alone.
   */
  api?: 'change' | 'keep' | 'compat';
  /** Functions a spreading transform (ctx-plumb) starts from, as `pkg.Name` or `pkg.Type.Method` (--func). */
  funcs?: string[];
  /** The suffix of new names under `api: 'compat'` (default `Context`). */
  compatSuffix?: string;
  /**
   * ctx-inherit: a context.Background()/TODO() in a goroutine or deferred call gets
   * context.WithoutCancel(ctx) (go 1.21 or later) instead of being left alone.
   */
  detach?: boolean;
  /** ctx-inherit: in tests (TestX, BenchmarkX, FuzzX and their t.Run literals), offer t.Context() (go 1.24 or later). */
  testContext?: boolean;
  /** Worker threads computing files' facts (default: the available cores). The result never depends on it. */
  jobs?: number;
  /** Where facts and results are cached; null: no cache; absent: the default place (GOSHIFT_CACHE, XDG_CACHE_HOME, ~/.cache). */
  cacheDir?: string | null;
  /**
   * Whether a run over exactly the inputs of an earlier one takes that run's result from the cache
   * (lib/resultcache.ts; default true). False computes it again, facts still from the cache.
   */
  resultCache?: boolean;
  /** Told how the run advances, stage by stage (a progress bar); never changes a result. Not plain data: stays on this thread. */
  progress?: (e: ProgressEvent) => void;
}

/**
 * How far a run is: `read` files loaded, `facts` files whose facts are known (cached or lexed),
 * `parse` files parsed of those to parse at this point, `link` parsed files walked, `edit` the
 * linked sets planned and the files edited (no count: done 0 of total 1).
 */
export interface ProgressEvent {
  stage: 'read' | 'facts' | 'parse' | 'link' | 'edit';
  done: number;
  total: number;
}

/**
 * A transform says *what* to change; the engine knows *how*.
 * `reorder` is asked once per linked set and returns the new order of the parameters
 * (newOrder[i] is the old index of the parameter that goes to position i), or null for no change.
 */
export interface Transform {
  name: string;
  description: string;
  /** Not in the default set nor in --list-transforms (test-only transforms). */
  hidden?: boolean;
  /** In the default set when no -t is given. */
  default?: boolean;
  /**
   * It changes run-time behaviour on purpose (ctx-inherit: cancellation starts to reach callees): never
   * in the default set, and the fixture oracle does not hold its call arguments to their old bindings.
   */
  changesBehaviour?: boolean;
  /**
   * What is wrong at a place the transform changes, as a linter says it: the message of its lint
   * lines and SARIF results (at each declaration it reorders, each file-local rewrite it makes),
   * e.g. `context.Context should be the first parameter`. Without it, the change's own detail.
   */
  finding?: string;
  reorder?(sig: SignatureView, opts: TransformOptions): number[] | null;
  /**
   * A signature change (reorder and/or insert parameters), asked once per linked set like `reorder`.
   * A transform has `reorder` or `change`. With `changeNames`, `change` is asked about the
   * functions, methods and interface methods whose name matches (whatever their parameters); without
   * it, about parameter lists holding a context, like `reorder`.
   */
  change?(sig: SignatureView, opts: TransformOptions): SignatureChange | null;
  /** Which declarations `change` is asked about, by name (only files naming a match are parsed for it). */
  changeNames?: RegExp;
  /**
   * A parameter spread up the call graph (ctx-plumb): the functions that call one of `seedCalls`
   * (and those named by --func) get `param`; so does, in turn, every function around a call of one
   * that has no context to pass (the engine's fixpoint over the call references), until each call
   * finds a context in scope or at an entry point. The seed calls are then replaced by the parameter.
   */
  plumb?: {
    param: InsertedParam;
    /** Package-level functions whose calls seed and are replaced, e.g. `{ import: 'context', name: 'TODO' }`. */
    seedCalls: { import: string; name: string }[];
  };
  /**
   * `reorder` changes only lists whose context is not first (it returns null for the others): a
   * file whose lists all hold their contexts first, or none, is not parsed to find what it changes.
   */
  contextsNotFirst?: boolean;
  /**
   * File-local rewrites (ctx-closure): called once for every hand-written file under the named
   * paths that `mentions` (after the linked-set permutations are planned). `mentions` is tested
   * against each identifier in the file's code and each import path, not against comments or
   * strings: only such files are parsed for the transform. Without it, every file is.
   */
  mentions?: RegExp;
  /** `rewriteFile` changes only func literals: a file without one is not parsed for it. */
  funcLiteralsOnly?: boolean;
  /**
   * `rewriteFile` changes (and reports) only func literals the code runs where they are written or
   * binds to a name (called on the spot, started by go or defer, assigned, `:=`, `var`): a file
   * whose literals are all passed, returned or stored is not parsed for it.
   */
  runLiteralsOnly?: boolean;
  /**
   * With `runLiteralsOnly`: of those literals, `rewriteFile` changes (and reports) only those that
   * may capture a context (RewriteAPI.mayCaptureContext): a file without one is not parsed for it,
   * and in a file read only for such transforms the other function bodies are read blank.
   */
  capturingLiteralsOnly?: boolean;
  rewriteFile?(api: import('./rewrite.js').RewriteAPI, opts: TransformOptions): void;
  /**
   * Called once when every file's edits are known (by all transforms): lines for the summary after
   * the counts (Report.notes), about the workspace as the run leaves it, e.g. a requirement of a
   * go.mod that no import needs any more.
   */
  afterRun?(run: RunView): string[];
}

/** The workspace as a run leaves it, for Transform.afterRun. */
export interface RunView {
  /** The modules of the workspace. */
  modules: GoModule[];
  /**
   * The import paths of the module's Go files before and after the run (the new text of the files
   * that change); the files goshift reads but never edits (testdata/, `_x`, ignored directories)
   * count too. Null when a file of the module could not be read: it may import anything.
   */
  imports(module: GoModule): { before: Set<string>; after: Set<string> } | null;
  /** The text of the module's go.mod, or null when it has none (GOPATH mode) or it cannot be read. */
  goMod(module: GoModule): string | null;
}

export interface LeftAlone {
  file: string;
  line: number;
  /** The transform that left it (for a linked set, the reordering transforms joined by `+`). */
  transform?: string;
  /** What was left alone and why, in words a user can act on. */
  reason: string;
  /** For a linked set: its other declarations (shown with -v, indented under the entry). */
  members?: { file: string; line: number; what: string }[];
  /** Reasons beyond the first three (shown with -v). */
  more?: { file: string; line: number; what: string }[];
}

/** A context out of place that goshift did not move, for a reason that is not a left-alone set (counted, listed with -v). */
export interface Unmoved {
  file: string;
  line: number;
  what: string;
  /** Why it stays, e.g. "takes a context out of place; its generator fixes the signature". */
  why: string;
}

export interface Report {
  filesScanned: number;
  filesParsed: number;
  filesChanged: number;
  signaturesMoved: number;
  callSitesUpdated: number;
  /** Linked sets changed, and linked sets left alone whole (each reported once, at one of its members). */
  setsMoved: number;
  setsLeftAlone: number;
  /** Places deliberately left as they are, with why. */
  leftAlone: LeftAlone[];
  /** Files that could not be processed (parse errors, unreadable): each makes the run exit 2. */
  errors: Problem[];
  /** Generated files that were edited: "regenerate from its source". */
  generated: string[];
  /**
   * Contexts out of place in generated files under the named paths, left as their generator wrote
   * them: declarations whose context is not first (no linked set starts in a generated file), and
   * what file-local transforms would change there (a literal capturing a context).
   */
  generatedMisplaced?: Unmoved[];
  /** Linked sets left alone as exported API (--api keep); --check --strict counts them as changes. */
  apiKept?: number;
  /** What file-local transforms did, e.g. `{ many: 'func literals given their context', one: …, n }`. */
  counts?: { one: string; many: string; n: number }[];
  /** Lines printed after the counts line, e.g. `GOPATH mode: ...` (from Workspace.notes). */
  notes?: string[];
}

/** One thing a rewrite does in a file, for review output (JSON, SARIF, lint lines, the HTML report). */
export interface ChangeNote {
  /** 1-based, in the file as it was read. */
  line: number;
  column: number;
  /**
   * Where the syntax the change rewrites ends (1-based; the column is the one after its last
   * character): a signature's parameter list, a call, a rewritten func literal. Absent: at line:column.
   */
  endLine?: number;
  endColumn?: number;
  /** `signature`: a declaration's parameters reordered; `call`: a call's arguments; `rewrite`: a file-local transform's change. */
  kind: 'signature' | 'call' | 'rewrite';
  transform: string;
  /** In words, e.g. `method (*Store).Put: context moved first`. */
  detail: string;
  /** The linked set it belongs to (SetSummary.id); absent for file-local rewrites. */
  set?: string;
}

/** A linked set that changed: its declarations and every file its edits touch. */
export interface SetSummary {
  /** `file:line` of its first declaration (stable across runs). */
  id: string;
  transform: string;
  /** Its first declaration, described, e.g. `func Fetch`. */
  what: string;
  members: { file: string; line: number; what: string }[];
  /** Relative paths of the files it edits, sorted: a patch that holds some of them must hold all. */
  files: string[];
}

export interface FileChange {
  file: SourceFile;
  /** What changed in it, sorted by place. */
  notes?: ChangeNote[];
  /** The bytes as read. */
  before: Buffer;
  /** The new text, and how to encode it back. */
  after: string;
  encoding: 'utf8' | 'latin1';
}

export interface RunResult {
  changes: FileChange[];
  report: Report;
  /** The linked sets that changed, sorted by id. */
  sets?: SetSummary[];
}

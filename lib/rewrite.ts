// The API a file-local transform (ctx-closure) gets: the file's tree, a few questions the engine
// can answer, and edit verbs over original offsets. Edits land in the same MagicString as the
// engine's permutations, so they compose; a transform never writes text itself.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type MagicString from 'magic-string';
import type { Node } from './source.js';
import { lineOf } from './source.js';
import type { GType, GoFile, Program, Sig } from './program.js';
import { CONTEXT_PATHS, sigOfDecl } from './program.js';
import type { FileFacts } from './facts.js';
import type { LeftAlone } from './types.js';

export interface RewriteAPI {
  /** Path relative to the cwd, for messages. */
  readonly rel: string;
  /** The file's text, as parsed (offsets are indices into it). */
  readonly text: string;
  readonly root: Node;
  /** The transform's name, for messages. */
  readonly transform: string;
  /** Is this type node context.Context (through any import name, a dot import or an alias)? */
  isContextType(typeNode: Node | null): boolean;
  /** Is this the import path of the context package (`context`, `golang.org/x/net/context`)? */
  isContextImportPath(importPath: string): boolean;
  /**
   * The package a name of this file's imports stands for: its import path, and whether it is a
   * package of the workspace (whose declarations goshift reads); null when no import has that name.
   */
  importOf(name: string): { path: string; ours: boolean } | null;
  /**
   * How this file writes the context type's package qualifier: `context` (or its alias) for
   * `context.Context` (the standard import's name when the file also imports golang.org/x/net/context), '' for a dot import or inside package context itself, or null when the
   * file does not import context.
   */
  contextQualifier(): string | null;
  /**
   * The file's text with every edit made so far: the engine's (parameter and argument lists moved,
   * --api compat's renames and wrappers) and those of the transforms that ran on it before this one.
   */
  current(): string;
  /** Inserts text at an original offset (after anything already inserted there). */
  insert(pos: number, text: string): void;
  /** Replaces an original range. */
  replace(start: number, end: number, text: string): void;
  /**
   * Adds an import of `path` if the file lacks it, gofmt-sorted into the existing block; returns its
   * local name. With `alias`, the new import is written `alias "path"`.
   */
  addImport(path: string, alias?: string): string;
  /** The type a type node of this file denotes (resolved through the Program: workspace declarations, imports). */
  typeOf(typeNode: Node): GType;
  /**
   * What `x.name` is for a value x of type t: a field (with its type), a method (with its result
   * types), or a reason why that cannot be told. Methods come from workspace declarations; of
   * foreign types only a few well-known standard ones (STD_CONTEXT_METHODS).
   */
  selector(t: GType, name: string): { field: GType } | { results: GType[]; param?: (i: number) => GType | undefined } | { unsure: string };
  /**
   * The result types of the package-level function `name` of this file's package, or with `qualifier`
   * of the workspace package the file imports under that name; null when there is no such declaration.
   */
  funcResults(name: string, qualifier?: string): GType[] | null;
  /**
   * The type of argument i of a call of the package-level function `name` (as funcResults finds it;
   * a variadic parameter's element type for the arguments it takes); undefined when unknown.
   */
  funcParam(name: string, i: number, qualifier?: string): GType | undefined;
  /**
   * Whether the body of one of the file's top-level functions or methods may hold a func literal
   * called where it is written or bound by `=`, `:=` or `var` (through parentheses): false only when
   * the file's facts (runBodies) say it holds none. A cheap test before walking a body for such literals.
   */
  mayRunLiterals(body: Node): boolean;
  /**
   * Whether such a literal in the body may capture a context: read a variable that its function
   * declares outside it in a way that may make it a context (a parameter or var whose type is
   * written as a name or a qualified name, or a name bound by `:=` or `var` to a name, a selector, a
   * call, a conversion or an assertion), unless the workspace's declarations rule it out: every
   * such variable is declared with a type that is not a context.Context, or from a call, field or
   * copy that cannot give one, and any whose type only the call's resolution could tell shows no
   * sign of being used as a context (its name, a Done, Deadline or Value call, being passed to a
   * function or method that may take one). False only when the facts (captureBodies, as the engine
   * narrows them: refineCaptures in lib/select.ts) say none does: a cheap test before walking a body
   * for literals that capture a context.
   */
  mayCaptureContext(body: Node): boolean;
  /**
   * True only when the file's facts list the body among those mayCaptureContext is true for (rather
   * than not knowing it): the facts then saw a literal called where it is written or bound to a name
   * in it (or a `}` followed by `(`, as in `interface{}(x)`, which they count as one), so that a
   * transform can take that as found instead of searching the body's tree for one.
   */
  capturesListed(body: Node): boolean;
  /** A package-level declaration (func, var, const, type) of this file's package, in any of its files, has this name. */
  packageDeclares(name: string): boolean;
  /** The names under which the package's files import `path`, most used first. */
  packageImportNames(path: string): string[];
  /** The `go` directive of the file's module (e.g. `1.22`, `1.21.3`), or null when go.mod has none. */
  goVersion(): string | null;
  /** Reports a place the transform leaves alone, with why. */
  leftAlone(node: Node, reason: string): void;
  /**
   * Counts what the transform did, for the summary line (`N <many>`, or `1 <one>`); with `at`, the
   * node it did it to, named in review output (JSON, SARIF, lint lines) as `<one>`.
   */
  count(one: string, many: string, n?: number, at?: Node): void;
}

/**
 * Methods of standard-library types that return exactly one context.Context, known without their
 * source: `importpath.Type.Method` (through a pointer too).
 */
const STD_CONTEXT_METHODS = new Set([
  'net/http.Request.Context',
  'testing.T.Context',
  'testing.B.Context',
  'testing.F.Context',
  'testing.TB.Context',
]);

const goVersions = new Map<string, string | null>();
export function moduleGoVersion(root: string): string | null {
  let v = goVersions.get(root);
  if (v !== undefined) return v;
  v = null;
  try {
    const m = /^go[ \t]+([0-9][0-9A-Za-z.]*)[ \t]*(?:\/\/.*)?$/m.exec(readFileSync(path.join(root, 'go.mod'), 'utf8'));
    if (m) v = m[1];
  } catch {
    // No readable go.mod: no version.
  }
  goVersions.set(root, v);
  return v;
}

export interface EditRecord {
  transform: string;
  start: number;
  end: number;
}

/** Something a file-local transform did, at a node: for review output. */
export interface DoneRecord {
  transform: string;
  line: number;
  column: number;
  /** Where the node ends (1-based, exclusive column). */
  endLine: number;
  endColumn: number;
  what: string;
}

/**
 * Whether a top-level function's body is among those a list of the file's facts names (by index into
 * `bodies`); null when the facts cannot say (none, unsure, a file not read as UTF-8, a body they do not know).
 */
function bodyListed(prog: Program, file: GoFile, body: Node, list: (facts: FileFacts) => number[]): boolean | null {
  const facts = prog.facts.get(file.sf.abs);
  // Facts' offsets are in the text decoded as UTF-8 (a file that is not is read as latin1).
  if (!facts || facts.unsure || file.pf.encoding !== 'utf8') return null;
  const bodies = facts.bodies;
  // The bodies' starts (just past `{`) in order, at the even indices.
  let lo = 0;
  let hi = bodies.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = bodies[2 * mid];
    if (at === body.startIndex + 1) return list(facts).includes(mid);
    if (at < body.startIndex + 1) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}

export function createRewriteAPI(args: {
  file: GoFile;
  prog: Program;
  ms: MagicString;
  transform: string;
  leftAlone: LeftAlone[];
  /** Counters for the summary, keyed by the plural label. */
  counts: Map<string, { one: string; n: number }>;
  /** Every edit made to this file so far (by any transform), to detect overlaps. */
  records: EditRecord[];
  /** What was done where (count with a node), for review output. */
  done?: DoneRecord[];
  /** Imports the engine already added to this file (path → name). */
  imported?: Map<string, string>;
}): RewriteAPI {
  const { file, prog, ms, transform } = args;
  const overlap = (start: number, end: number) => {
    // Text inside one moved item travels with it; anything straddling an item boundary would be torn.
    const other = args.records.find((r) => r.transform !== transform && r.start < Math.max(end, start + 1) && start < r.end && !(r.start <= start && end <= r.end));
    if (other) throw new OverlapError(`${file.sf.rel}: edits of ${other.transform} and ${transform} overlap at offsets ${Math.max(start, other.start)}..${Math.min(end, other.end)}; file left unchanged`);
  };
  let addedImports = new Map<string, string>(args.imported ?? []);
  /** The signature of a package-level, non-generic function declared once (in this package, or the workspace package imported as qualifier). */
  const funcSig = (name: string, qualifier?: string): Sig | null => {
    let pkg = file.pkg;
    if (qualifier !== undefined) {
      const ip = file.imports.get(qualifier);
      if (!ip || !prog.isOurs(ip)) return null;
      const p = prog.pkg(ip);
      if (!p) return null;
      pkg = p;
    }
    // Declared in two files (twins behind build tags): no one signature, and neither is parsed.
    if (pkg.funcs.sourcesOf(name).length > 1) return null;
    const ds = pkg.funcs.get(name);
    if (!ds || ds.length !== 1 || ds[0].node.childForFieldName('type_parameters')) return null;
    return sigOfDecl(ds[0]);
  };
  const api: RewriteAPI = {
    rel: file.sf.rel,
    text: file.pf.text,
    root: file.pf.root,
    transform,
    isContextType: (n) => prog.isContextType(n, file),
    isContextImportPath: (ip) => CONTEXT_PATHS.has(ip),
    importOf: (name) => {
      const ip = file.imports.get(name);
      return ip === undefined ? null : { path: ip, ours: prog.isOurs(ip) };
    },
    contextQualifier: () => {
      // The standard import first: it outlives golang.org/x/net/context's (ctx-legacy drops that one where a file has both).
      for (const [name, ip] of file.imports) if (ip === 'context') return name;
      for (const [name, ip] of file.imports) if (CONTEXT_PATHS.has(ip)) return name;
      if (file.dotImports.some((ip) => CONTEXT_PATHS.has(ip))) return '';
      // Package context itself (not its external _test package) names the type Context.
      if (CONTEXT_PATHS.has(file.pkg.importPath) && !file.pkgName.endsWith('_test')) return '';
      return addedImports.get('context') ?? null;
    },
    current: () => ms.toString(),
    insert: (pos, text) => {
      overlap(pos, pos);
      args.records.push({ transform, start: pos, end: pos });
      ms.appendLeft(pos, text);
    },
    replace: (start, end, text) => {
      overlap(start, end);
      // Inside an item another transform moved (a permuted argument), magic-string's overwrite would
      // also blank the chunks that follow the item in its new place: the old text is removed and the
      // new one put in front of it instead, so that it travels with the item.
      const moved = end > start && args.records.some((r) => r.transform !== transform && r.start <= start && end <= r.end);
      args.records.push({ transform, start, end });
      if (moved) {
        ms.remove(start, end);
        ms.prependRight(start, text);
      } else ms.overwrite(start, end, text);
    },
    addImport: (path, alias) => {
      for (const [name, ip] of file.imports) if (ip === path) return name;
      const have = addedImports.get(path);
      if (have) return have;
      const name = alias ?? path.slice(path.lastIndexOf('/') + 1);
      insertImport(file, ms, path, alias);
      addedImports = new Map(addedImports).set(path, name);
      return name;
    },
    typeOf: (n) => prog.typeOfTypeNode(n, file),
    selector: (t, name) => {
      let base = t;
      if (base.k === 'ptr') base = base.elem;
      if (base.k === 'foreign') {
        if (STD_CONTEXT_METHODS.has(`${base.what}.${name}`)) return { results: [{ k: 'context' }] };
        return { unsure: `${name} of ${base.what} is not a method goshift knows` };
      }
      const m = prog.member(t, name);
      if (m.k === 'field') return { field: m.t };
      if (m.k === 'method' || m.k === 'imethod') {
        const sig = m.sig;
        return { results: prog.resultTypes(sig), param: (i: number) => prog.paramType(sig, i, false) };
      }
      return { unsure: m.k === 'foreign' ? `${name} of ${m.what} is not a method goshift knows` : m.why };
    },
    funcResults: (name, qualifier) => {
      const sig = funcSig(name, qualifier);
      return sig ? prog.resultTypes(sig) : null;
    },
    funcParam: (name, i, qualifier) => {
      const sig = funcSig(name, qualifier);
      return sig ? prog.paramType(sig, i, false) : undefined;
    },
    mayRunLiterals: (body) => bodyListed(prog, file, body, (facts) => facts.runBodies) !== false,
    mayCaptureContext: (body) => bodyListed(prog, file, body, (facts) => facts.captureBodies) !== false,
    capturesListed: (body) => bodyListed(prog, file, body, (facts) => facts.captureBodies) === true,
    packageDeclares: (name) => file.pkg.declares(name),
    packageImportNames: (path) => {
      const n = new Map<string, number>();
      for (const src of file.pkg.sources) {
        for (const imp of src.facts.imports) {
          const name = imp.path === path ? prog.importName(imp) : null;
          if (name) n.set(name, (n.get(name) ?? 0) + 1);
        }
      }
      return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
    },
    goVersion: () => moduleGoVersion(file.sf.module.root),
    count: (one, many, n = 1, at) => {
      if (at) args.done?.push({ transform, line: at.startPosition.row + 1, column: at.startPosition.column + 1, endLine: at.endPosition.row + 1, endColumn: at.endPosition.column + 1, what: one });
      const c = args.counts.get(many);
      if (c) c.n += n;
      else args.counts.set(many, { one, n });
    },
    leftAlone: (node, reason) => {
      args.leftAlone.push({ file: file.sf.rel, line: lineOf(node), transform, reason: `${transform}: ${reason}` });
    },
  };
  return api;
}

export class OverlapError extends Error {}

/** Adds `import "path"` to a file: into the first import block in sorted position, or after the package clause. */
export function insertImport(file: GoFile, ms: MagicString, path: string, alias?: string): void {
  const root = file.pf.root;
  const pathQ = JSON.stringify(path);
  const quoted = (alias ? `${alias} ` : '') + pathQ;
  const decls = root.namedChildren.filter((c) => c.type === 'import_declaration');
  for (const d of decls) {
    const list = d.namedChildren.find((c) => c.type === 'import_spec_list');
    if (!list) continue;
    const specs = list.namedChildren.filter((c) => c.type === 'import_spec');
    // gofmt sorts within runs of specs separated by blank lines; std imports come first in the first run.
    const first = specs[0];
    if (!first) continue;
    const indent = file.pf.text.slice(file.pf.text.lastIndexOf('\n', first.startIndex - 1) + 1, first.startIndex);
    let before: Node | undefined;
    for (const s of specs) {
      if (s.startPosition.row > first.startPosition.row && hasBlankLineBefore(file.pf.text, s)) break;
      const p = s.childForFieldName('path')!.text;
      if (p > pathQ) {
        before = s;
        break;
      }
    }
    if (before) {
      const lineStart = file.pf.text.lastIndexOf('\n', before.startIndex - 1) + 1;
      ms.appendLeft(lineStart, `${indent}${quoted}\n`);
    } else {
      // After the last spec of the first run.
      let last = first;
      for (const s of specs) {
        if (s !== first && hasBlankLineBefore(file.pf.text, s)) break;
        last = s;
      }
      const lineEnd = file.pf.text.indexOf('\n', last.endIndex);
      ms.appendLeft(lineEnd < 0 ? file.pf.text.length : lineEnd, `\n${indent}${quoted}`);
    }
    return;
  }
  const only = decls.length === 1 ? decls[0].namedChildren.filter((c) => c.type !== 'comment') : [];
  if (only.length === 1 && only[0].type === 'import_spec' && !lineHasComment(file, decls[0])) {
    // One `import "x"`: it becomes a block, the two paths sorted (as goimports writes it).
    const spec = only[0];
    if (spec.childForFieldName('path')!.text > pathQ) {
      ms.appendLeft(spec.startIndex, `(\n\t${quoted}\n\t`);
      ms.appendLeft(spec.endIndex, '\n)');
    } else {
      ms.appendLeft(spec.startIndex, '(\n\t');
      ms.appendLeft(spec.endIndex, `\n\t${quoted}\n)`);
    }
    return;
  }
  if (decls.length) {
    // Several single-spec import declarations: add another line after the last one.
    const last = decls[decls.length - 1];
    ms.appendLeft(last.endIndex, `\nimport ${quoted}`);
    return;
  }
  const pkg = root.namedChildren.find((c) => c.type === 'package_clause')!;
  ms.appendLeft(pkg.endIndex, `\n\nimport ${quoted}`);
}

/** A comment on the declaration's lines (it would have to move with the parenthesis). */
function lineHasComment(file: GoFile, n: Node): boolean {
  const text = file.pf.text;
  const start = text.lastIndexOf('\n', n.startIndex - 1) + 1;
  let end = text.indexOf('\n', n.endIndex);
  if (end < 0) end = text.length;
  return file.pf.root.descendantsOfType('comment').some((c) => c.startIndex < end && c.endIndex > start);
}

function hasBlankLineBefore(text: string, n: Node): boolean {
  const lineStart = text.lastIndexOf('\n', n.startIndex - 1);
  const prevLineStart = text.lastIndexOf('\n', lineStart - 1);
  return text.slice(prevLineStart + 1, lineStart).trim() === '';
}

// Reading and parsing one Go file: bytes in, a tree (or a located parse error) out.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type Parser from 'tree-sitter';
import { describeFsError, errCode } from './fserr.js';
import { asTree, type FlatData, flatParse, FlatTree } from './flat.js';
import { Go, Parser as ParserClass } from './treesitter.js';
import type { SourceFile } from './types.js';

export type Node = Parser.SyntaxNode;
export type Tree = Parser.Tree;
export type TreeCursor = Parser.TreeCursor;

/**
 * Answers about nodes, computed once: by tree (so that a tree no longer used takes its answers
 * along, and a node id, an address, reused by a later tree finds nothing), then by node id. For
 * what depends on a node's syntax alone: every native step of a walk costs a call and a node object.
 */
export class NodeMemo<T> {
  private readonly byTree = new WeakMap<object, Map<number, T>>();
  get(n: Node, compute: (n: Node) => T): T {
    let m = this.byTree.get(n.tree);
    if (!m) this.byTree.set(n.tree, (m = new Map()));
    let v = m.get(n.id);
    if (v === undefined) m.set(n.id, (v = compute(n)));
    return v;
  }
}

let parser: Parser | undefined;
function getParser(): Parser {
  if (!parser) {
    parser = new ParserClass();
    parser.setLanguage(Go);
  }
  return parser;
}

export interface Decoded {
  text: string;
  encoding: 'utf8' | 'latin1';
}

/**
 * Decodes bytes so that encoding the text back gives the same bytes:
 * UTF-8 when the bytes are valid UTF-8, otherwise latin1 (one char per byte), which
 * round-trips anything. Go source must be UTF-8, but a stray byte in a comment or string
 * must never be lost.
 */
export function decode(bytes: Buffer): Decoded {
  const text = bytes.toString('utf8');
  if (!text.includes('\uFFFD') || Buffer.from(text, 'utf8').equals(bytes)) return { text, encoding: 'utf8' };
  return { text: bytes.toString('latin1'), encoding: 'latin1' };
}

/**
 * A parsed file. Its bytes are not kept: `text` in `encoding` gives them back (decode), as
 * bytesOf does for the few files that change (over ten copies of std, the files parsed held 32 MB).
 */
export interface ParsedFile {
  sf: SourceFile;
  text: string;
  encoding: 'utf8' | 'latin1';
  tree: Tree;
  root: Node;
  /** First syntax error (ERROR or MISSING node), 1-based, or undefined. */
  error?: { line: number; column: number; message: string };
  /** `// Code generated ... DO NOT EDIT.` before the package clause. */
  generated: boolean;
  /**
   * Parsed for its declarations only (parseDeclarations): the bodies of its functions are blank in
   * the tree (`text` is the file's own). Never walked, never edited.
   */
  declarationsOnly?: true;
  /**
   * Parsed with only the function bodies that may hold a literal the code runs (facts' runBodies),
   * the others blank: for a file-local transform that looks at nothing else (ctx-closure). Never
   * walked, never edited otherwise.
   */
  runBodiesOnly?: true;
  /**
   * With runBodiesOnly: the bodies kept are only those whose run literals may capture a context
   * (facts' captureBodies), for transforms that look at nothing else (capturingLiteralsOnly).
   */
  captureBodiesOnly?: true;
}

/** Stands for a tree let go (withoutTree): any use of it is an internal error, never a silent one. */
const RELEASED = new Proxy(
  {},
  {
    get() {
      throw new Error('internal error: a syntax tree was read after it was let go');
    },
  },
) as Tree & Node;

/**
 * A string cut from a file's text (node.text) as a string of its own: V8 keeps a cut of 13
 * characters or more as a view of the whole text, which it then keeps alive. For what outlives the
 * file's tree in tables (the names a package declares, import paths): a file let go (Program.release)
 * otherwise left its text behind, held by a name, to the end of the run.
 */
export function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** The file's bytes, as read: its text encoded back (decode round-trips). */
export function bytesOf(pf: ParsedFile): Buffer {
  return Buffer.from(pf.text, pf.encoding);
}

/** The file as it stays once its tree is let go (Program.release): its text, no tree. */
export function withoutTree(pf: ParsedFile): ParsedFile {
  return { ...pf, tree: RELEASED, root: RELEASED };
}

export function readSource(sf: SourceFile): { bytes: Buffer } | { error: string } {
  try {
    return { bytes: readFileSync(sf.abs) };
  } catch (e) {
    return readError(e);
  }
}

/** One byte read past a file's size: none there means it did not grow since fstat. */
const PROBE = Buffer.alloc(1);
/** Bytes of the slabs SlabReader reads files into (a file larger than a quarter of one gets a buffer of its own). */
const SLAB_BYTES = 8 * 1024 * 1024;

/**
 * Reads many files for a while, each into the current slab (a large buffer), and hands out views of
 * it. A file read by readFileSync gets a buffer of its own, from malloc's heap: once the run lets
 * go of every file's bytes (after their facts), that memory stays with the process, mixed with what
 * is still in use. Slabs are as large as allocations that malloc maps on their own, and given back
 * as soon as the last view of one is gone (over ten copies of std: 430 MB held to the end of the
 * run, against none). A view keeps its whole slab: whatever keeps bytes past that while copies them.
 */
export class SlabReader {
  private slab: Buffer | null = null;
  private at = 0;

  read(sf: SourceFile): { bytes: Buffer } | { error: string } {
    let fd: number;
    try {
      fd = openSync(sf.abs, 'r');
    } catch (e) {
      return readError(e);
    }
    try {
      const size = fstatSync(fd).size;
      if (size > SLAB_BYTES / 4) return readSource(sf);
      if (!this.slab || this.at + size > this.slab.length) {
        this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
        this.at = 0;
      }
      const into = this.slab;
      let n = 0;
      while (n < size) {
        const r = readSync(fd, into, this.at + n, size - n, null);
        if (r === 0) break;
        n += r;
      }
      // A file that grew since fstat (or was cut short) is read again, as a whole.
      if (n < size || readSync(fd, PROBE, 0, 1, null) !== 0) return readSource(sf);
      const bytes = into.subarray(this.at, this.at + n);
      this.at += n;
      return { bytes };
    } catch (e) {
      return readError(e);
    } finally {
      closeSync(fd);
    }
  }
}

function readError(e: unknown): { error: string } {
  // The file was listed a moment ago: gone now means removed during the run.
  return { error: `cannot read: ${describeFsError(e)}${errCode(e) === 'ENOENT' ? ' (removed during the run?)' : ''}` };
}

/**
 * A parse done elsewhere (on a worker thread, by parseAhead): the flat tree of the text, and the ranges it
 * was parsed from (rangesLeavingOut's, for the runs of literals), or none when parsed whole.
 */
export interface ParsedAhead {
  data: FlatData;
  ranges?: number[];
}

/**
 * The parse parseSource would do, of the text the bytes decode to, as plain data (for a worker
 * thread: parseSource then takes it as `ahead`).
 */
export function parseAhead(bytes: Buffer, inert?: number[]): ParsedAhead {
  const { text, encoding } = decode(bytes);
  if (inert?.length && encoding === 'utf8') {
    const r = rangesLeavingOut(text, [], inert);
    const data = r && flatParse(text, r.ranges);
    if (data) return { data, ranges: r.ranges };
  }
  return { data: flatParse(text) };
}

/** A whole file's tree (from its facts' runs of literals, `inert`, left out when they are where the facts say). `ahead`: parseAhead's of these bytes. */
export function parseSource(sf: SourceFile, bytes: Buffer, inert?: number[], ahead?: ParsedAhead): ParsedFile {
  const { text, encoding } = decode(bytes);
  // Without the runs of literals its facts found, when they are where the facts say (else whole).
  if (inert?.length && encoding === 'utf8' && (!ahead || ahead.ranges)) {
    const pf = parseLeavingOut(sf, text, [], inert, ahead);
    if (pf) return pf;
  }
  const tree = asTree(new FlatTree(text, ahead && !ahead.ranges ? ahead.data : flatParse(text)));
  const root = tree.rootNode;
  const pf: ParsedFile = { sf, text, encoding, tree, root, generated: isGenerated(text, root) };
  if (root.hasError) pf.error = firstError(root);
  return pf;
}

/**
 * A file read only for what it declares (a type, a function's signature, a variable looked up from
 * another file): the bodies of its top-level functions (`bodies`, from its facts) are left out, so
 * that parsing costs what the declarations do. With `keep` (indices into the pairs of `bodies`),
 * those bodies stay (runBodiesOnly; captureBodiesOnly too with `capture`). Null when the bodies are
 * not where the facts say (a file that is not UTF-8) or the rest does not parse cleanly: then the
 * file is parsed whole.
 *
 * The parser reads only the text between the bodies left out (included ranges), so every node keeps
 * its offset, row and column; and their text reads as if those bodies were blank (the flat tree's
 * `text`, from the ranges left out it keeps), as it did when each was blanked in a copy
 * of the text that was parsed whole: the tree is the same, node for node, and so is every node's
 * text (compared over every .go file of GOROOT/src in the three modes; test/units.test.ts on std's
 * files). Neither the copy nor the parser's stepping through its blanks (a sixth to a quarter of a
 * declarations-only parse's time over std) is paid any more.
 */
export function parseDeclarations(sf: SourceFile, bytes: Buffer, bodies: number[], keep?: number[], capture?: boolean, inert: number[] = []): ParsedFile | null {
  const { text, encoding } = decode(bytes);
  if (encoding !== 'utf8') return null;
  const kept = new Set(keep);
  const left: number[] = [];
  let at = 0;
  for (let i = 0; i + 1 < bodies.length; i += 2) {
    const a = bodies[i];
    const b = bodies[i + 1];
    if (a < at || b < a || b >= text.length || text.charCodeAt(a - 1) !== 123 /* { */ || text.charCodeAt(b) !== 125 /* } */) return null;
    if (kept.has(i / 2)) continue;
    at = b;
    if (a < b) left.push(a, b);
  }
  const pf = parseLeavingOut(sf, text, left, inert);
  if (!pf) return null;
  return { ...pf, ...(keep ? { runBodiesOnly: true, ...(capture ? { captureBodiesOnly: true as const } : {}) } : { declarationsOnly: true }) };
}

/**
 * A file parsed without the function bodies `left` (pairs of offsets, in order: each reads as blank,
 * flat.ts's withBlanks) and without the runs of literals `inert` (FileFacts.inert) not inside one of
 * those: the parser reads only the text between them (included ranges), so every node keeps its
 * offset, row and column. A run of literals leaves no node inside its braces or quotes, and every
 * node's text is the file's own. Null when the rest does not parse cleanly, or a run of literals is
 * not the inside of a composite literal's braces or of a string literal (the facts were not of this
 * text, or tree-sitter reads it otherwise): then the caller parses the file whole.
 */
function parseLeavingOut(sf: SourceFile, text: string, left: number[], inert: number[], ahead?: ParsedAhead): ParsedFile | null {
  const r = rangesLeavingOut(text, left, inert);
  if (!r) return null;
  const { ranges, runs } = r;
  const data = ahead ? ahead.data : flatParse(text, ranges);
  if (!data) return null;
  const tree = asTree(new FlatTree(text, data, left.length ? left : undefined, ranges));
  const root = tree.rootNode;
  if (root.hasError) return null;
  for (let j = 0; j < runs.length; j += 2) {
    const a = runs[j] - 1;
    const b = runs[j + 1] + 1;
    const n = root.descendantForIndex(a, b);
    const want = text.charCodeAt(a) === 123 /* { */ ? 'literal_value' : 'interpreted_string_literal';
    if (n.type !== want || n.startIndex !== a || n.endIndex !== b) return null;
  }
  return { sf, text, encoding: 'utf8', tree, root, generated: isGenerated(text, root) };
}

/**
 * What the parser reads of a text without the bodies `left` and the runs of literals `inert` outside
 * them (parseLeavingOut): the ranges between them (pairs of offsets, in order), and the runs. Null
 * when the runs are not in order inside the text (facts of another text).
 */
export function rangesLeavingOut(text: string, left: number[], inert: number[]): { ranges: number[]; runs: number[] } | null {
  // The runs of literals outside the bodies left out (a run is inside a body, or apart from it).
  const runs: number[] = [];
  for (let i = 0, j = 0; i + 1 < inert.length; i += 2) {
    const a = inert[i];
    const b = inert[i + 1];
    if (b <= a || b >= text.length || (runs.length && a < runs[runs.length - 1])) return null;
    while (j < left.length && left[j + 1] <= a) j += 2;
    if (j < left.length && left[j] <= a) continue;
    runs.push(a, b);
  }
  // The parser reads what lies between the ranges left out.
  const out: number[] = [];
  for (let i = 0, j = 0; i < left.length || j < runs.length; ) {
    if (j >= runs.length || (i < left.length && left[i] < runs[j])) out.push(left[i++], left[i++]);
    else out.push(runs[j++], runs[j++]);
  }
  const ranges: number[] = [];
  for (let k = 0, from = 0; k <= out.length; k += 2) {
    ranges.push(from, k < out.length ? out[k] : text.length);
    from = out[k + 1];
  }
  return { ranges, runs };
}

/** The first syntax error of a text, or undefined when it parses cleanly. */
export function syntaxErrorOf(text: string): { line: number; column: number; message: string } | undefined {
  const tree = getParser().parse(text, undefined, { bufferSize: Math.max(64 * 1024, text.length * 2 + 16) });
  return tree.rootNode.hasError ? firstError(tree.rootNode) : undefined;
}

function firstError(root: Node): { line: number; column: number; message: string } {
  let found: Node | undefined;
  const walk = (n: Node): boolean => {
    if (!n.hasError && !n.isMissing) return false;
    if (n.type === 'ERROR' || n.isMissing) {
      found = n;
      return true;
    }
    for (const c of n.children) if (walk(c)) return true;
    found ??= n;
    return false;
  };
  walk(root);
  const n = found ?? root;
  const what = n.isMissing ? `missing ${n.type}` : `unexpected ${JSON.stringify(n.text.slice(0, 20))}`;
  return { line: n.startPosition.row + 1, column: n.startPosition.column + 1, message: `syntax error: ${what}` };
}

const generatedRe = /^\/\/ Code generated .* DO NOT EDIT\.$/m;

/** The Go convention (go help generate): a line comment matching the pattern before the package clause. */
function isGenerated(text: string, root: Node): boolean {
  const pkg = root.children.find((c) => c.type === 'package_clause');
  const head = text.slice(0, pkg ? pkg.startIndex : text.length);
  return generatedRe.test(head.replace(/\r\n/g, '\n'));
}

/** The expression inside any parentheses around it: `((f))` → `f`. */
export function unparen(n: Node): Node {
  while (n.type === 'parenthesized_expression' && n.namedChildren.length === 1) n = n.namedChildren[0];
  return n;
}

/** 1-based line of an index. */
export function lineOf(n: Node): number {
  return n.startPosition.row + 1;
}

/**
 * The import specs of a file, in order: those of its top-level import declarations (an import is
 * nowhere else), without walking the whole tree.
 */
export function importSpecs(root: Node): Node[] {
  const out: Node[] = [];
  for (const c of root.namedChildren) if (c.type === 'import_declaration') out.push(...c.descendantsOfType('import_spec'));
  return out;
}

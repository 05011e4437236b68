// Reading and parsing one Go file: bytes in, a tree (or a located parse error) out.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Parser from 'tree-sitter';
import Go from 'tree-sitter-go-goshift';
import { describeFsError, errCode } from './fserr.js';
import type { SourceFile } from './types.js';

export type Node = Parser.SyntaxNode;
export type Tree = Parser.Tree;

// node-tree-sitter registers every node object it hands out in a per-tree native cache: a weak
// reference and a finalizer each, so that asking for the same node again returns the same object.
// goshift compares nodes by id and position, never by object identity, and the registration cost
// more than the rest of the node API together (over std: a tenth of a run's time and 160 MB, plus a
// finalizer per node for the garbage collector to run). Without it, each request builds a new object.
const treeProto = (Parser as unknown as { Tree: { prototype: Record<string, unknown> } }).Tree.prototype;
treeProto._cacheNode = () => undefined;
treeProto._cacheNodes = () => undefined;

// A node object holds tree-sitter's TSNode as six numbers: the subtree's address (low, high word)
// and its context (start byte, start row, start column, alias). Every getter of node-tree-sitter
// copies them back to native code and calls it; the ones below read the numbers where they are
// (byte offsets and columns in UTF-16 bytes, halved as the native getters do), and a field is asked
// for by id instead of by a name the native side converts and looks up. test/units.test.ts checks
// them against the native getters over every node of large std files.
const nodeProto = (Parser as unknown as { SyntaxNode: { prototype: object } }).SyntaxNode.prototype as Record<string, unknown>;
type Raw = Record<number, number> & {
  childForFieldId(id: number): Node | null;
  childrenForFieldId(id: number): Node[];
};
export const nativeGetters = {
  id: Object.getOwnPropertyDescriptor(nodeProto, 'id')!.get!,
  startIndex: Object.getOwnPropertyDescriptor(nodeProto, 'startIndex')!.get!,
  startPosition: Object.getOwnPropertyDescriptor(nodeProto, 'startPosition')!.get!,
  childForFieldName: nodeProto.childForFieldName as (this: Node, name: string) => Node | null,
  childrenForFieldName: nodeProto.childrenForFieldName as (this: Node, name: string) => Node[],
};
Object.defineProperties(nodeProto, {
  id: { get(this: Raw) { return this[1] * 0x100000000 + this[0]; }, configurable: true, enumerable: false },
  startIndex: { get(this: Raw) { return this[2] >>> 1; }, configurable: true, enumerable: false },
  startPosition: { get(this: Raw) { return { row: this[3], column: this[4] >>> 1 }; }, configurable: true, enumerable: false },
});
const fieldIds = new Map<string, number>();
{
  // The same native module node-tree-sitter loaded (node-gyp-build resolves the same file, and
  // require returns the loaded module): its table of field names by id.
  const pkg = createRequire(import.meta.url).resolve('tree-sitter/package.json');
  const binding = createRequire(pkg)('node-gyp-build')(path.dirname(pkg)) as { getNodeFieldNamesById(l: unknown): (string | null)[] };
  binding.getNodeFieldNamesById(Go).forEach((name, id) => {
    if (name) fieldIds.set(name, id);
  });
}
nodeProto.childForFieldName = function (this: Raw, name: string) {
  const id = fieldIds.get(name);
  return id === undefined ? nativeGetters.childForFieldName.call(this as unknown as Node, name) : this.childForFieldId(id);
};
nodeProto.childrenForFieldName = function (this: Raw, name: string) {
  const id = fieldIds.get(name);
  return id === undefined ? nativeGetters.childrenForFieldName.call(this as unknown as Node, name) : this.childrenForFieldId(id);
};

let parser: Parser | undefined;
function getParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Go as unknown as Parser.Language);
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

export interface ParsedFile {
  sf: SourceFile;
  bytes: Buffer;
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
}

export function readSource(sf: SourceFile): { bytes: Buffer } | { error: string } {
  try {
    return { bytes: readFileSync(sf.abs) };
  } catch (e) {
    // The file was listed a moment ago: gone now means removed during the run.
    return { error: `cannot read: ${describeFsError(e)}${errCode(e) === 'ENOENT' ? ' (removed during the run?)' : ''}` };
  }
}

export function parseSource(sf: SourceFile, bytes: Buffer): ParsedFile {
  const { text, encoding } = decode(bytes);
  // A string input (not the callback form) lets node.text slice the string directly.
  const tree = getParser().parse(text, undefined, { bufferSize: Math.max(64 * 1024, text.length * 2 + 16) });
  const root = tree.rootNode;
  const pf: ParsedFile = { sf, bytes, text, encoding, tree, root, generated: isGenerated(text, root) };
  if (root.hasError) pf.error = firstError(root);
  return pf;
}

/**
 * A file read only for what it declares (a type, a function's signature, a variable looked up from
 * another file): the bodies of its top-level functions (`bodies`, from its facts) are blanked,
 * newlines kept, so that every node keeps its offset, row and column, and parsing costs what the
 * declarations do. Null when the bodies are not where the facts say (a file that is not UTF-8) or
 * the rest does not parse cleanly: then the file is parsed whole.
 */
export function parseDeclarations(sf: SourceFile, bytes: Buffer, bodies: number[]): ParsedFile | null {
  const { text, encoding } = decode(bytes);
  if (encoding !== 'utf8') return null;
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i + 1 < bodies.length; i += 2) {
    const a = bodies[i];
    const b = bodies[i + 1];
    if (a < at || b < a || b >= text.length || text.charCodeAt(a - 1) !== 123 /* { */ || text.charCodeAt(b) !== 125 /* } */) return null;
    parts.push(text.slice(at, a), text.slice(a, b).replace(/[^\n]/g, ' '));
    at = b;
  }
  parts.push(text.slice(at));
  const skeleton = parts.join('');
  const tree = getParser().parse(skeleton, undefined, { bufferSize: Math.max(64 * 1024, skeleton.length * 2 + 16) });
  const root = tree.rootNode;
  if (root.hasError) return null;
  return { sf, bytes, text, encoding, tree, root, generated: isGenerated(text, root), declarationsOnly: true };
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

// Flat syntax trees: a file's whole tree as plain arrays, built by one native call (the grammar
// package's flatParse, bindings/node/flat.cc) and read here without any.
//
// node-tree-sitter answers every step of a walk (a node's children, a field, its end) with a call
// into native code that builds node objects; over std, ctx-last's linker made some 9 million of
// them, a third of its time, on top of the parse. And a tree-sitter tree cannot leave the thread that
// parsed it. A flat tree is the same tree (tree-sitter's own runtime builds it, from the text as
// UTF-16, as node-tree-sitter parses a string) copied out once, in preorder: per node its type id,
// field id, flags, offsets, parent, siblings and number of children. It is plain data, so it can be
// built on a worker thread (FlatData) and read on another.
//
// FlatNode answers the part of node-tree-sitter's SyntaxNode that goshift uses, with the same
// answers (test/flat.test.ts compares every node of large std files), and FlatCursor the part of
// TreeCursor. Offsets and columns are in UTF-16 code units, as node-tree-sitter's are for a string.
import { createRequire } from 'node:module';
import type ParserTypes from 'tree-sitter';

interface Native {
  flatParse(text: string, ranges?: Int32Array): FlatData | null;
  flatNames(): { types: string[]; fields: (string | null)[] };
}
const native = createRequire(import.meta.url)('tree-sitter-go-goshift') as Native;

/** What flatParse returns: one buffer holding the arrays, and the number of nodes. Transferable. */
export interface FlatData {
  buffer: ArrayBuffer;
  count: number;
}

const NONE = 0xffffffff;
const ERROR_TYPE_ID = 0xffff;
const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;
const EXTRA = 8;

const names = native.flatNames();
const typeNames = names.types;
const fieldIds = new Map<string, number>();
names.fields.forEach((n, id) => {
  if (n) fieldIds.set(n, id);
});
const typeName = (id: number) => (id === ERROR_TYPE_ID ? 'ERROR' : typeNames[id]);

const typeSets = new Map<string, Set<number>>();
/** The ids of a list of type names (an unknown name matches nothing), made once per list. */
function typeSet(types: string | string[]): Set<number> {
  const key = typeof types === 'string' ? types : types.join(' ');
  let out = typeSets.get(key);
  if (out) return out;
  out = new Set<number>();
  for (const t of typeof types === 'string' ? [types] : types) {
    if (t === 'ERROR') out.add(ERROR_TYPE_ID);
    for (let id = 0; id < typeNames.length; id++) if (typeNames[id] === t) out.add(id);
  }
  typeSets.set(key, out);
  return out;
}

/**
 * Parses text into a flat tree's data; `ranges` (pairs of offsets, in order) are the only parts the
 * parser reads (tree-sitter's included ranges). Null when tree-sitter refuses the ranges.
 */
export function flatParse(text: string, ranges: number[]): FlatData | null;
export function flatParse(text: string): FlatData;
export function flatParse(text: string, ranges?: number[]): FlatData | null {
  const data = native.flatParse(text, ranges ? Int32Array.from(ranges) : undefined);
  if (!data && !ranges) throw new Error('internal error: tree-sitter parsed nothing');
  return data;
}

/**
 * Node ids: negative, so that none is ever a native node's (an address), and distinct across every
 * flat tree of the run.
 */
let nextBase = 1;

export class FlatTree {
  readonly start: Uint32Array;
  readonly end: Uint32Array;
  readonly parent: Uint32Array;
  readonly next: Uint32Array;
  readonly prev: Uint32Array;
  readonly children: Uint32Array;
  readonly type: Uint16Array;
  readonly field: Uint8Array;
  readonly flags: Uint8Array;
  readonly count: number;
  /** Minus the id of node 0. */
  readonly base: number;
  readonly rootNode: FlatNode;
  /** Offsets at which lines start, computed when a position is first asked for. */
  private lines: number[] | undefined;

  /**
   * `left`: ranges of the input the parser was told to leave out (pairs, in order), which a node's
   * text reads as blank (withBlanks).
   */
  constructor(
    readonly input: string,
    data: FlatData,
    readonly left?: number[],
    /** The ranges the parser read (pairs), when it was told to read only those. */
    readonly ranges?: number[],
  ) {
    const n = data.count;
    const b = data.buffer;
    this.count = n;
    this.start = new Uint32Array(b, 0, n);
    this.end = new Uint32Array(b, 4 * n, n);
    this.parent = new Uint32Array(b, 8 * n, n);
    this.next = new Uint32Array(b, 12 * n, n);
    this.prev = new Uint32Array(b, 16 * n, n);
    this.children = new Uint32Array(b, 20 * n, n);
    this.type = new Uint16Array(b, 24 * n, n);
    this.field = new Uint8Array(b, 26 * n, n);
    this.flags = new Uint8Array(b, 27 * n, n);
    this.base = nextBase;
    nextBase += n;
    this.rootNode = new FlatNode(this, 0);
  }

  walk(): FlatCursor {
    return this.rootNode.walk();
  }

  /** As node-tree-sitter's, offsets only: the parts of the text the parser read. */
  getIncludedRanges(): { startIndex: number; endIndex: number }[] {
    const r = this.ranges ?? [0, this.input.length];
    const out: { startIndex: number; endIndex: number }[] = [];
    for (let i = 0; i + 1 < r.length; i += 2) out.push({ startIndex: r[i], endIndex: r[i + 1] });
    return out;
  }

  node(i: number): FlatNode | null {
    return i === NONE ? null : new FlatNode(this, i);
  }

  text(i: number): string {
    const a = this.start[i];
    const b = this.end[i];
    return this.left ? withBlanks(this.input, a, b, this.left) : this.input.slice(a, b);
  }

  /** Row and column of an offset. */
  point(offset: number): ParserTypes.Point {
    let lines = this.lines;
    if (!lines) {
      lines = this.lines = [0];
      const s = this.input;
      for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) lines.push(i + 1);
    }
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (lines[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: offset - lines[lo] };
  }

  /** The index just past i's subtree (preorder). */
  subtreeEnd(i: number): number {
    for (let j = i; j !== NONE; j = this.parent[j]) if (this.next[j] !== NONE) return this.next[j];
    return this.count;
  }
}

export class FlatNode {
  constructor(
    readonly tree: FlatTree,
    readonly i: number,
  ) {}

  get id(): number {
    return -(this.tree.base + this.i);
  }
  get typeId(): number {
    return this.tree.type[this.i];
  }
  get type(): string {
    return typeName(this.tree.type[this.i]);
  }
  get text(): string {
    return this.tree.text(this.i);
  }
  get startIndex(): number {
    return this.tree.start[this.i];
  }
  get endIndex(): number {
    return this.tree.end[this.i];
  }
  get startPosition(): ParserTypes.Point {
    return this.tree.point(this.tree.start[this.i]);
  }
  get endPosition(): ParserTypes.Point {
    return this.tree.point(this.tree.end[this.i]);
  }
  get isNamed(): boolean {
    return (this.tree.flags[this.i] & NAMED) !== 0;
  }
  get isMissing(): boolean {
    return (this.tree.flags[this.i] & MISSING) !== 0;
  }
  get hasError(): boolean {
    return (this.tree.flags[this.i] & HAS_ERROR) !== 0;
  }
  get isExtra(): boolean {
    return (this.tree.flags[this.i] & EXTRA) !== 0;
  }
  get isError(): boolean {
    return this.tree.type[this.i] === ERROR_TYPE_ID;
  }
  get parent(): FlatNode | null {
    return this.tree.node(this.tree.parent[this.i]);
  }
  get childCount(): number {
    return this.tree.children[this.i];
  }
  get namedChildCount(): number {
    const t = this.tree;
    let n = 0;
    for (let k = t.children[this.i] ? this.i + 1 : NONE; k !== NONE; k = t.next[k]) if (t.flags[k] & NAMED) n++;
    return n;
  }
  get descendantCount(): number {
    return this.tree.subtreeEnd(this.i) - this.i;
  }
  get children(): FlatNode[] {
    const t = this.tree;
    const out: FlatNode[] = [];
    for (let k = t.children[this.i] ? this.i + 1 : NONE; k !== NONE; k = t.next[k]) out.push(new FlatNode(t, k));
    return out;
  }
  get namedChildren(): FlatNode[] {
    const t = this.tree;
    const out: FlatNode[] = [];
    for (let k = t.children[this.i] ? this.i + 1 : NONE; k !== NONE; k = t.next[k]) if (t.flags[k] & NAMED) out.push(new FlatNode(t, k));
    return out;
  }
  get firstChild(): FlatNode | null {
    return this.tree.children[this.i] ? new FlatNode(this.tree, this.i + 1) : null;
  }
  get lastChild(): FlatNode | null {
    const t = this.tree;
    let last = NONE;
    for (let k = t.children[this.i] ? this.i + 1 : NONE; k !== NONE; k = t.next[k]) last = k;
    return t.node(last);
  }
  get firstNamedChild(): FlatNode | null {
    return this.namedChild(0);
  }
  get lastNamedChild(): FlatNode | null {
    const t = this.tree;
    let last = NONE;
    for (let k = t.children[this.i] ? this.i + 1 : NONE; k !== NONE; k = t.next[k]) if (t.flags[k] & NAMED) last = k;
    return t.node(last);
  }
  get nextSibling(): FlatNode | null {
    return this.tree.node(this.tree.next[this.i]);
  }
  get previousSibling(): FlatNode | null {
    return this.tree.node(this.tree.prev[this.i]);
  }
  get nextNamedSibling(): FlatNode | null {
    const t = this.tree;
    let k = t.next[this.i];
    while (k !== NONE && !(t.flags[k] & NAMED)) k = t.next[k];
    return t.node(k);
  }
  get previousNamedSibling(): FlatNode | null {
    const t = this.tree;
    let k = t.prev[this.i];
    while (k !== NONE && !(t.flags[k] & NAMED)) k = t.prev[k];
    return t.node(k);
  }
  child(index: number): FlatNode | null {
    const t = this.tree;
    let n = 0;
    for (let k = t.children[this.i] ? this.i + 1 : NONE; k !== NONE; k = t.next[k]) if (n++ === index) return new FlatNode(t, k);
    return null;
  }
  namedChild(index: number): FlatNode | null {
    const t = this.tree;
    let n = 0;
    for (let k = t.children[this.i] ? this.i + 1 : NONE; k !== NONE; k = t.next[k]) if (t.flags[k] & NAMED && n++ === index) return new FlatNode(t, k);
    return null;
  }
  childForFieldId(id: number): FlatNode | null {
    const t = this.tree;
    for (let k = t.children[this.i] ? this.i + 1 : NONE; k !== NONE; k = t.next[k]) if (t.field[k] === id) return new FlatNode(t, k);
    return null;
  }
  childrenForFieldId(id: number): FlatNode[] {
    const t = this.tree;
    const out: FlatNode[] = [];
    for (let k = t.children[this.i] ? this.i + 1 : NONE; k !== NONE; k = t.next[k]) if (t.field[k] === id) out.push(new FlatNode(t, k));
    return out;
  }
  childForFieldName(name: string): FlatNode | null {
    const id = fieldIds.get(name);
    return id === undefined ? null : this.childForFieldId(id);
  }
  childrenForFieldName(name: string): FlatNode[] {
    const id = fieldIds.get(name);
    return id === undefined ? [] : this.childrenForFieldId(id);
  }
  fieldNameForChild(index: number): string | null {
    const c = this.child(index);
    return c ? (names.fields[this.tree.field[c.i]] ?? null) : null;
  }
  /** The node and its descendants of the given types, in preorder. */
  descendantsOfType(types: string | string[]): FlatNode[] {
    const t = this.tree;
    const want = typeSet(types);
    const out: FlatNode[] = [];
    const end = t.subtreeEnd(this.i);
    for (let k = this.i; k < end; k++) if (want.has(t.type[k])) out.push(new FlatNode(t, k));
    return out;
  }
  /** The smallest node within this one that spans [start, end] (tree-sitter's descendant_for_byte_range, anonymous nodes included). */
  descendantForIndex(start: number, end: number = start): FlatNode | null {
    if (start > end) return null;
    const t = this.tree;
    let node = this.i;
    for (let descend = true; descend; ) {
      descend = false;
      for (let k = t.children[node] ? node + 1 : NONE; k !== NONE; k = t.next[k]) {
        const e = t.end[k];
        if (e < end) continue;
        if (t.start[k] === e ? e < start : e <= start) continue;
        if (start < t.start[k]) break;
        node = k;
        descend = true;
        break;
      }
    }
    return new FlatNode(t, node);
  }
  /** The nearest ancestor (not the node itself) of one of the types. */
  closest(types: string | string[]): FlatNode | null {
    const t = this.tree;
    const want = typeSet(types);
    for (let k = t.parent[this.i]; k !== NONE; k = t.parent[k]) if (want.has(t.type[k])) return new FlatNode(t, k);
    return null;
  }
  walk(): FlatCursor {
    return new FlatCursor(this.tree, this.i);
  }
  toString(): string {
    return `(${this.type})`;
  }
}

/** A tree cursor over a flat tree, bounded by the node it started at, as tree-sitter's is. */
export class FlatCursor {
  private cur: number;
  constructor(
    readonly tree: FlatTree,
    private root: number,
  ) {
    this.cur = root;
  }
  reset(n: FlatNode): void {
    this.root = this.cur = n.i;
  }
  get currentNode(): FlatNode {
    return new FlatNode(this.tree, this.cur);
  }
  get nodeTypeId(): number {
    return this.tree.type[this.cur];
  }
  get nodeType(): string {
    return typeName(this.tree.type[this.cur]);
  }
  get nodeIsNamed(): boolean {
    return (this.tree.flags[this.cur] & NAMED) !== 0;
  }
  get nodeIsMissing(): boolean {
    return (this.tree.flags[this.cur] & MISSING) !== 0;
  }
  get nodeText(): string {
    return this.tree.text(this.cur);
  }
  get startIndex(): number {
    return this.tree.start[this.cur];
  }
  get endIndex(): number {
    return this.tree.end[this.cur];
  }
  get currentFieldId(): number {
    return this.cur === this.root ? 0 : this.tree.field[this.cur];
  }
  get currentFieldName(): string | undefined {
    return names.fields[this.currentFieldId] ?? undefined;
  }
  gotoFirstChild(): boolean {
    if (!this.tree.children[this.cur]) return false;
    this.cur++;
    return true;
  }
  gotoNextSibling(): boolean {
    if (this.cur === this.root) return false;
    const n = this.tree.next[this.cur];
    if (n === NONE) return false;
    this.cur = n;
    return true;
  }
  gotoParent(): boolean {
    if (this.cur === this.root) return false;
    this.cur = this.tree.parent[this.cur];
    return true;
  }
}

/** input[start, end) with each range left out that it holds made blank (a node holds such a range whole, or none of it). */
export function withBlanks(input: string, start: number, end: number, left: number[]): string {
  // The first range ending after start (binary search over the pairs).
  let lo = 0;
  let hi = left.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (left[2 * mid + 1] <= start) lo = mid + 1;
    else hi = mid;
  }
  let out = '';
  let at = start;
  for (let k = 2 * lo; k < left.length && left[k] < end; k += 2) {
    const a = Math.max(left[k], start);
    const b = Math.min(left[k + 1], end);
    out += input.slice(at, a) + blank(input, a, b);
    at = b;
  }
  return out + input.slice(at, end);
}

/**
 * text[a, b) made blank: as long, with as many newlines, the last of them where it was, so that
 * whatever follows keeps its offset, row and column.
 */
export function blank(text: string, a: number, b: number): string {
  const last = text.lastIndexOf('\n', b - 1);
  if (last < a) return ' '.repeat(b - a);
  let lines = 0;
  for (let i = text.indexOf('\n', a); i >= 0 && i < last; i = text.indexOf('\n', i + 1)) lines++;
  return '\n'.repeat(lines) + ' '.repeat(last - a - lines) + '\n' + ' '.repeat(b - last - 1);
}

/** A flat tree as node-tree-sitter's Tree type (its nodes answer as SyntaxNodes do, for what goshift asks). */
export function asTree(t: FlatTree): ParserTypes.Tree {
  return t as unknown as ParserTypes.Tree;
}

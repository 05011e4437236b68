// node-tree-sitter's node objects, made cheaper to ask. Imported for its effect by source.ts, before
// any tree is parsed.
//
// A node object holds tree-sitter's TSNode as six numbers: the subtree's address (low and high
// word) and its context (start byte, start row, start column, alias). node-tree-sitter's getters
// copy the six back to native code for every call, and build each node they return with a
// constructor that defines its `tree` with Object.defineProperty, reads its address as a BigInt and
// registers it in a per-tree native cache (a weak reference and a finalizer per node, so that the
// same node asked for twice is the same object). goshift compares nodes by id and offsets, never as
// objects; over std the registration alone cost a tenth of a run's time and 160 MB.
//
// Here: no registration; the id, start offset and start position are read from the numbers, and
// the type's name by the type id (asked of native code once per id). The nodes a native call
// returns are built by one plain constructor for every type (GoNode), which keeps the six numbers
// as named properties: node-tree-sitter keeps them as elements 0-5 (a second allocation per node)
// and has a class per type (so that each `new` saw some two hundred constructors); over std's round
// trip, ctx-last's linker walk took a fifth longer with those. A field is asked for by id (the
// native name lookup converts the string and scans the grammar's field names). So every getter and
// method node-tree-sitter defines is defined again here, handing the numbers to native code from
// the named properties, or from the elements of a node node-tree-sitter built itself (a root, a tree
// cursor's currentNode). Offsets and columns are in UTF-16 bytes, halved as node-tree-sitter's own
// getters do. test/units.test.ts checks every getter here against the native one over every node
// of large std files, and fails if an upgrade of tree-sitter moves what this relies on.
import { createRequire } from 'node:module';
import path from 'node:path';
import type ParserTypes from 'tree-sitter';
import { FlatCursor, type FlatNode } from './flat.js';
import { Go, Parser } from './treesitter.js';

/**
 * A node: its type id (t) and the six numbers as named properties (a-f) when built here; as
 * elements 0-5, with a undefined, when node-tree-sitter built it (Tree.rootNode, TreeCursor.currentNode).
 */
type Raw = Record<number, number> & { tree: Tree; t: number; a: number | undefined; b: number; c: number; d: number; e: number; f: number };
interface Tree {
  language: { nodeSubclasses?: unknown[] };
}
interface Binding {
  NodeMethods: Record<string, (tree: Tree, ...args: unknown[]) => unknown>;
  nodeTransferArray: Uint32Array;
  pointTransferArray: Uint32Array;
  getNodeFieldNamesById(l: unknown): (string | null)[];
  Tree: unknown;
}

// The same native module node-tree-sitter loaded: node-gyp-build resolves the same file, and require
// returns the module already loaded.
const pkg = createRequire(import.meta.url).resolve('tree-sitter/package.json');
const binding = createRequire(pkg)('node-gyp-build')(path.dirname(pkg)) as Binding;
const P = Parser as unknown as { Tree: { prototype: Record<string, unknown> }; SyntaxNode: { prototype: Record<string, unknown> } & (new (tree: Tree) => object) };
if (binding.Tree !== P.Tree) throw new Error('internal error: tree-sitter\'s native module loaded twice');
const NM = binding.NodeMethods;
const proto = P.SyntaxNode.prototype;
const ERROR_TYPE_ID = 0xffff;

const getter = (name: string) => Object.getOwnPropertyDescriptor(proto, name)!.get! as (this: unknown) => unknown;
/** node-tree-sitter's own getters and methods, for the tests that compare. */
export const nativeNode = {
  id: getter('id'),
  endIndex: getter('endIndex'),
  endPosition: getter('endPosition'),
  text: getter('text'),
  hasError: getter('hasError'),
  isMissing: getter('isMissing'),
  isNamed: getter('isNamed'),
  childCount: getter('childCount'),
  namedChildCount: getter('namedChildCount'),
  descendantCount: getter('descendantCount'),
  closest: proto.closest as (this: unknown, types: string | string[]) => unknown,
  type: getter('type'),
  startIndex: getter('startIndex'),
  startPosition: getter('startPosition'),
  parent: getter('parent'),
  children: getter('children'),
  namedChildren: getter('namedChildren'),
  childForFieldName: proto.childForFieldName as (this: unknown, name: string) => unknown,
  childrenForFieldName: proto.childrenForFieldName as (this: unknown, name: string) => unknown[],
  descendantsOfType: proto.descendantsOfType as (this: unknown, types: string | string[]) => unknown[],
  descendantForIndex: proto.descendantForIndex as (this: unknown, start: number, end?: number) => unknown,
};

P.Tree.prototype._cacheNode = () => undefined;
P.Tree.prototype._cacheNodes = () => undefined;

/**
 * Every node built here is a GoNode: one constructor and one shape for every type (a constructor
 * per type, as node-tree-sitter has, makes each `new` site see hundreds), its type id kept with its
 * six numbers, and its type's name looked up by that id (asked of native code once per id; every
 * time for ERROR nodes).
 */
const typeNames: (string | undefined)[] = [];
const nodeProto = Object.create(P.SyntaxNode.prototype) as object;
const GoNode = function (this: Raw, tree: Tree, t: number, a?: number, b?: number, c?: number, d?: number, e?: number, f?: number) {
  this.tree = tree;
  this.t = t;
  this.a = a;
  this.b = b!;
  this.c = c!;
  this.d = d!;
  this.e = e!;
  this.f = f!;
} as unknown as new (tree: Tree, t: number, ...six: number[]) => Raw;
GoNode.prototype = nodeProto;
Object.defineProperty(nodeProto, 'type', {
  get(this: Raw) {
    const t = this.t;
    let name = typeNames[t];
    if (name === undefined) {
      marshal(this);
      name = NM.type(this.tree) as string;
      if (t !== ERROR_TYPE_ID) typeNames[t] = name;
    }
    return name;
  },
  configurable: true,
  enumerable: true,
});

/**
 * An identifier's text without asking native code for its end: node-tree-sitter's `text` slices the
 * tree's input from the start to `endIndex`, a native call, and names are most of the text the
 * stages read (over std, ctx-last's linker asked 1.3 s of them). A name is the longest run of
 * letters, digits and underscores from its start, as Go's lexer and the grammar's read it; the run
 * is taken only when it is ASCII and no other character continues it, and only in a tree without a
 * syntax error (where a name may be a MISSING one, with nothing in it). Anything else asks natively.
 */
const NAME_KINDS = new Set(['identifier', 'field_identifier', 'type_identifier', 'package_identifier', 'label_name']);
const nativeText = Object.getOwnPropertyDescriptor(proto, 'text')!.get! as (this: unknown) => string;
const CLEAN = Symbol('no syntax error');
const nameRun = /[A-Za-z0-9_]+/y;
Object.defineProperty(nodeProto, 'text', {
  get(this: Raw & { type: string; startIndex: number; endIndex: number }) {
    const tree = this.tree as Tree & { input?: unknown; rootNode?: { hasError: boolean }; [CLEAN]?: boolean };
    const input = tree.input;
    if (typeof input === 'string' && NAME_KINDS.has(this.type) && (tree[CLEAN] ??= !tree.rootNode!.hasError)) {
      const start = (this.a === undefined ? this[2] : this.c) >>> 1;
      nameRun.lastIndex = start;
      if (nameRun.test(input)) {
        const end = nameRun.lastIndex;
        if (end >= input.length || input.charCodeAt(end) < 0x80) return input.slice(start, end);
      }
    }
    return nativeText.call(this);
  },
  configurable: true,
  enumerable: true,
});

/** The node whose six numbers are at buf[at…]: native code gives a type id only for a node that exists (null otherwise). */
function build(typeId: number, tree: Tree, buf: Uint32Array, at: number): object {
  return new GoNode(tree, typeId, buf[at], buf[at + 1], buf[at + 2], buf[at + 3], buf[at + 4], buf[at + 5]);
}

// The nodes node-tree-sitter still builds itself (a tree's root, a tree cursor's currentNode, which
// cannot be reached past their wrappers) come from the language's classes: each becomes a function
// making a GoNode of its type, so that no node defines its `tree` with Object.defineProperty
// (node-tree-sitter then sets the node's elements 0-5). Setting the language once makes
// node-tree-sitter create the classes. (Their field getters, `bodyNode` and `argumentsNodes`, are
// gone with them: goshift asks for fields by name or id.)
new Parser().setLanguage(Go);
{
  const language = Go as unknown as Tree['language'];
  const subs = language.nodeSubclasses as unknown[] | undefined;
  if (!subs) throw new Error('internal error: tree-sitter made no node classes for Go');
  for (let id = 0; id < subs.length; id++) {
    const t = id;
    subs[id] = function (tree: Tree) {
      return new GoNode(tree, t);
    };
  }
}

/** Hands a node's six numbers to native code (at the k-th place of the transfer array). */
function marshal(n: Raw, k = 0): void {
  const buf = binding.nodeTransferArray;
  const o = k * 6;
  if (n.a === undefined) {
    buf[o] = n[0];
    buf[o + 1] = n[1];
    buf[o + 2] = n[2];
    buf[o + 3] = n[3];
    buf[o + 4] = n[4];
    buf[o + 5] = n[5];
  } else {
    buf[o] = n.a;
    buf[o + 1] = n.b;
    buf[o + 2] = n.c;
    buf[o + 3] = n.d;
    buf[o + 4] = n.e;
    buf[o + 5] = n.f;
  }
}

function one(n: Raw, v: unknown): object | null {
  return typeof v === 'number' ? build(v, n.tree, binding.nodeTransferArray, 0) : null;
}

function many(n: Raw, vs: unknown): (object | null)[] {
  if (!Array.isArray(vs)) return [];
  const buf = binding.nodeTransferArray;
  const out = new Array<object | null>(vs.length);
  // The native side writes six numbers for every entry, null ones included.
  for (let i = 0; i < vs.length; i++) out[i] = typeof vs[i] === 'number' ? build(vs[i] as number, n.tree, buf, i * 6) : null;
  return out;
}

const fieldIds = new Map<string, number>();
binding.getNodeFieldNamesById(Go).forEach((name, id) => {
  if (name) fieldIds.set(name, id);
});

const get = (f: (this: Raw) => unknown): PropertyDescriptor => ({ get: f, configurable: true, enumerable: false });
const oneGetter = (m: string) => get(function (this: Raw) {
  marshal(this);
  return one(this, NM[m](this.tree));
});
const manyGetter = (m: string) => get(function (this: Raw) {
  marshal(this);
  return many(this, NM[m](this.tree));
});
/** A getter answered by native code from the node's numbers. */
const valueGetter = (m: string) => get(function (this: Raw) {
  marshal(this);
  return NM[m](this.tree);
});
Object.defineProperties(proto, {
  id: get(function (this: Raw) { return this.a === undefined ? this[1] * 0x100000000 + this[0] : this.b * 0x100000000 + this.a; }),
  startIndex: get(function (this: Raw) { return (this.a === undefined ? this[2] : this.c) >>> 1; }),
  startPosition: get(function (this: Raw) { return this.a === undefined ? { row: this[3], column: this[4] >>> 1 } : { row: this.d, column: this.e >>> 1 }; }),
  endPosition: get(function (this: Raw) {
    marshal(this);
    NM.endPosition(this.tree);
    const p = binding.pointTransferArray;
    return { row: p[0], column: p[1] };
  }),
  ...Object.fromEntries(
    ['typeId', 'grammarId', 'grammarType', 'isExtra', 'isNamed', 'isMissing', 'hasChanges', 'hasError', 'isError', 'endIndex', 'childCount', 'namedChildCount', 'parseState', 'nextParseState', 'descendantCount'].map((m) => [m, valueGetter(m)]),
  ),
  // An ERROR node node-tree-sitter built itself (its SyntaxNode, not a GoNode) asks native code for its type's name.
  type: valueGetter('type'),
  parent: oneGetter('parent'),
  firstChild: oneGetter('firstChild'),
  lastChild: oneGetter('lastChild'),
  nextSibling: oneGetter('nextSibling'),
  previousSibling: oneGetter('previousSibling'),
  firstNamedChild: oneGetter('firstNamedChild'),
  lastNamedChild: oneGetter('lastNamedChild'),
  nextNamedSibling: oneGetter('nextNamedSibling'),
  previousNamedSibling: oneGetter('previousNamedSibling'),
  children: manyGetter('children'),
  namedChildren: manyGetter('namedChildren'),
});
/** A method taking one number (an index or a field id) and returning a node, or a list of them. */
const oneMethod = (m: string) => function (this: Raw, a: number) {
  marshal(this);
  return one(this, NM[m](this.tree, a));
};
const manyMethod = (m: string) => function (this: Raw, a: number) {
  marshal(this);
  return many(this, NM[m](this.tree, a));
};
/** A method whose arguments go to native code as they are, returning a value (not a node). */
const valueMethod = (m: string) => function (this: Raw, ...args: unknown[]) {
  marshal(this);
  return NM[m](this.tree, ...args);
};
/** A method taking a range (end defaulting to start) and returning a node. */
const rangeMethod = (m: string) => function (this: Raw, start: unknown, end?: unknown) {
  marshal(this);
  return one(this, NM[m](this.tree, start, end ?? start));
};
Object.assign(proto, {
  toString: valueMethod('toString'),
  fieldNameForChild: valueMethod('fieldNameForChild'),
  fieldNameForNamedChild: valueMethod('fieldNameForNamedChild'),
  firstChildForIndex: oneMethod('firstChildForIndex'),
  firstNamedChildForIndex: oneMethod('firstNamedChildForIndex'),
  namedDescendantForPosition: rangeMethod('namedDescendantForPosition'),
  descendantForPosition: rangeMethod('descendantForPosition'),
  childWithDescendant(this: Raw, d: Raw) {
    marshal(this, 0);
    marshal(d, 1);
    return one(this, NM.childWithDescendant(this.tree, d.tree));
  },
  closest(this: Raw, types: string | string[]) {
    marshal(this);
    return one(this, NM.closest(this.tree, typeof types === 'string' ? [types] : types));
  },
  walk(this: Raw) {
    marshal(this);
    const cursor = NM.walk(this.tree) as { tree: Tree };
    cursor.tree = this.tree;
    return cursor;
  },
  child: oneMethod('child'),
  namedChild: oneMethod('namedChild'),
  childForFieldId: oneMethod('childForFieldId'),
  childrenForFieldId: manyMethod('childrenForFieldId'),
  // A name that is no field of the grammar: no child, as the native lookup answers (which would
  // read elements 0-5 that a node built here lacks).
  childForFieldName(this: Raw & { childForFieldId(id: number): unknown }, name: string) {
    const id = fieldIds.get(name);
    return id === undefined ? null : this.childForFieldId(id);
  },
  childrenForFieldName(this: Raw & { childrenForFieldId(id: number): unknown }, name: string) {
    const id = fieldIds.get(name);
    return id === undefined ? [] : this.childrenForFieldId(id);
  },
  descendantsOfType(this: Raw, types: string | string[], start?: unknown, end?: unknown) {
    marshal(this);
    return many(this, NM.descendantsOfType(this.tree, typeof types === 'string' ? [types] : types, start, end));
  },
  descendantForIndex: rangeMethod('descendantForIndex'),
  namedDescendantForIndex: rangeMethod('namedDescendantForIndex'),
});

/**
 * Moves a cursor to a node of its tree (the native TreeCursor.reset reads the node from the
 * transfer array), so that a walk started often reuses one cursor instead of making one each time
 * (each is a native object freed by a finalizer). False, and the cursor untouched, for a node of
 * another tree.
 */
export function resetCursor(cursor: ParserTypes.TreeCursor, node: ParserTypes.SyntaxNode): boolean {
  if (cursor instanceof FlatCursor) {
    if (cursor.tree !== (node as unknown as FlatNode).tree) return false;
    cursor.reset(node as unknown as FlatNode);
    return true;
  }
  const c = cursor as unknown as { tree: Tree; reset(): void };
  const n = node as unknown as Raw;
  if (c.tree !== n.tree) return false;
  marshal(n);
  c.reset();
  return true;
}

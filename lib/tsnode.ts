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
// Here: no registration; the id, start offset, start position and (once per node type) the type
// name are read from the numbers and the node's class; the nodes a native call returns are built by
// a plain constructor per node type; a field is asked for by id (the native name lookup converts
// the string and scans the grammar's field names). Offsets and columns are in UTF-16 bytes,
// halved as node-tree-sitter's own getters do. test/units.test.ts checks every getter here against
// the native one over every node of large std files, and fails if an upgrade of tree-sitter moves
// what this relies on.
import { createRequire } from 'node:module';
import path from 'node:path';
import Parser from 'tree-sitter';
import Go from 'tree-sitter-go-goshift';

type Raw = Record<number, number> & { tree: Tree };
interface Tree {
  language: { nodeSubclasses?: (new (tree: Tree) => object)[] };
}
interface Binding {
  NodeMethods: Record<string, (tree: Tree, ...args: unknown[]) => unknown>;
  nodeTransferArray: Uint32Array;
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

/** A constructor per node type id: the class node-tree-sitter would use, without its costs. */
const ctors: (new (tree: Tree) => object)[] = [];
/** Whether the type's name is on its constructor's prototype (or, for ERROR, left to the native getter). */
const named: boolean[] = [];
function ctorOf(typeId: number, language: Tree['language']): new (tree: Tree) => object {
  let F = ctors[typeId];
  if (F) return F;
  const C = (typeId === ERROR_TYPE_ID ? undefined : language.nodeSubclasses?.[typeId]) ?? P.SyntaxNode;
  const f = function (this: { tree: Tree }, t: Tree) {
    this.tree = t;
  } as unknown as new (tree: Tree) => object;
  // Named types have their name on their class; the others (punctuation, keywords) get it from the
  // first node of the type. ERROR nodes keep the native getter.
  f.prototype = C === P.SyntaxNode && typeId !== ERROR_TYPE_ID ? Object.create(C.prototype) : C.prototype;
  named[typeId] = Object.prototype.hasOwnProperty.call(f.prototype, 'type') || typeId === ERROR_TYPE_ID;
  ctors[typeId] = F = f;
  return F;
}

/** The node whose six numbers are at buf[at…]: native code gives a type id only for a node that exists (null otherwise). */
function build(typeId: number, tree: Tree, buf: Uint32Array, at: number): object {
  const F = ctorOf(typeId, tree.language);
  const n = new F(tree) as Raw;
  n[0] = buf[at];
  n[1] = buf[at + 1];
  n[2] = buf[at + 2];
  n[3] = buf[at + 3];
  n[4] = buf[at + 4];
  n[5] = buf[at + 5];
  if (!named[typeId]) {
    Object.defineProperty(F.prototype, 'type', { value: nativeNode.type.call(n), enumerable: true });
    named[typeId] = true;
  }
  return n;
}

// The nodes node-tree-sitter still builds itself (a tree cursor's currentNode, which cannot be
// reached past its wrapper) come from the language's classes: those become the plain constructors
// too (same prototypes), so that no node defines its `tree` with Object.defineProperty. Setting
// the language once makes node-tree-sitter create the classes.
new Parser().setLanguage(Go as unknown as Parser.Language);
{
  const language = Go as unknown as Tree['language'];
  const subs = language.nodeSubclasses;
  if (!subs) throw new Error('internal error: tree-sitter made no node classes for Go');
  for (let id = 0; id < subs.length; id++) subs[id] = ctorOf(id, language);
}

function marshal(n: Raw): void {
  const buf = binding.nodeTransferArray;
  buf[0] = n[0];
  buf[1] = n[1];
  buf[2] = n[2];
  buf[3] = n[3];
  buf[4] = n[4];
  buf[5] = n[5];
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
Object.defineProperties(proto, {
  id: get(function (this: Raw) { return this[1] * 0x100000000 + this[0]; }),
  startIndex: get(function (this: Raw) { return this[2] >>> 1; }),
  startPosition: get(function (this: Raw) { return { row: this[3], column: this[4] >>> 1 }; }),
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
Object.assign(proto, {
  child: oneMethod('child'),
  namedChild: oneMethod('namedChild'),
  childForFieldId: oneMethod('childForFieldId'),
  childrenForFieldId: manyMethod('childrenForFieldId'),
  childForFieldName(this: Raw & { childForFieldId(id: number): unknown }, name: string) {
    const id = fieldIds.get(name);
    return id === undefined ? nativeNode.childForFieldName.call(this, name) : this.childForFieldId(id);
  },
  childrenForFieldName(this: Raw & { childrenForFieldId(id: number): unknown }, name: string) {
    const id = fieldIds.get(name);
    return id === undefined ? nativeNode.childrenForFieldName.call(this, name) : this.childrenForFieldId(id);
  },
  descendantsOfType(this: Raw, types: string | string[], start?: unknown, end?: unknown) {
    marshal(this);
    return many(this, NM.descendantsOfType(this.tree, typeof types === 'string' ? [types] : types, start, end));
  },
  descendantForIndex(this: Raw, start: number, end?: number) {
    marshal(this);
    return one(this, NM.descendantForIndex(this.tree, start, end ?? start));
  },
  namedDescendantForIndex(this: Raw, start: number, end?: number) {
    marshal(this);
    return one(this, NM.namedDescendantForIndex(this.tree, start, end ?? start));
  },
});

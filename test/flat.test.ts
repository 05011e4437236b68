// Flat trees (lib/flat.ts) against node-tree-sitter's trees of the same text: node for node, every
// getter and method goshift asks of a node or a cursor answers the same.
import test from 'ava';
import fs from 'node:fs/promises';
import path from 'node:path';
import { flatParse, FlatTree, type FlatNode } from '../lib/flat.js';
import type { Node } from '../lib/source.js';
import { Go, Parser } from '../lib/treesitter.js';
import { findGoroot } from '../scripts/roundtrip-lib.js';

const FIELDS = ['name', 'body', 'parameters', 'result', 'type', 'value', 'left', 'right', 'function', 'arguments', 'operand', 'field', 'receiver', 'type_parameters', 'type_arguments', 'alternative', 'consequence', 'initializer', 'condition', 'update', 'label', 'tag', 'operator', 'element', 'key', 'package', 'path', 'index', 'start', 'end', 'capacity', 'communication', 'channel', 'no_such_field'];

async function inputs(): Promise<[string, string][]> {
  const goroot = await findGoroot();
  const out: [string, string][] = [];
  for (const f of ['unicode/tables.go', 'net/http/server.go', 'fmt/fmt_test.go', 'strings/strings_test.go', 'go/printer/nodes.go']) {
    out.push([f, await fs.readFile(path.join(goroot, 'src', f), 'utf8')]);
  }
  // Syntax errors (ERROR and MISSING nodes), non-ASCII (UTF-16 offsets and columns), CRLF, an empty file, no final newline.
  out.push(['broken.go', 'package p\n\nfunc F(a int {\n\tx := [}\n\treturn é +\n}\n\nfunc G() { go func() { defer }() }\n']);
  out.push(['mixed.go', 'package p\r\n\r\nvar é = "ü𝔸" // ✓\r\nfunc (t *T) h() (r int) {\r\n\tr = len("αβγ") /* δ */\r\n\treturn\r\n}\r\ntype T struct{ ñ int }']);
  out.push(['empty.go', '']);
  return out;
}

const pos = (p: { row: number; column: number }) => `${p.row}:${p.column}`;
/** What identifies a node across the two trees: its type and offsets (ids differ). */
const key = (n: Node | FlatNode | null | undefined) => (n ? `${n.type}@${n.startIndex}-${n.endIndex}` : 'null');
const keys = (ns: (Node | FlatNode | null)[]) => ns.map(key).join(' ');

test('a flat tree answers what node-tree-sitter\'s tree of the same text does, node for node', async (t) => {
  const native = new Parser();
  native.setLanguage(Go);
  let nodes = 0;
  let bad = 0;
  const fail = (m: string) => {
    if (bad++ < 20) t.fail(m);
  };
  for (const [f, text] of await inputs()) {
    const tree = native.parse(text, undefined, { bufferSize: text.length * 2 + 65536 });
    const flat = new FlatTree(text, flatParse(text));
    const c = tree.walk();
    const fc = flat.walk();
    const ids = new Set<number>();
    for (;;) {
      const n = c.currentNode;
      const m = fc.currentNode;
      nodes++;
      const at = `${f}: ${n.type} at ${n.startIndex}`;
      if (key(n) !== key(m) || c.nodeTypeId !== fc.nodeTypeId || c.nodeType !== fc.nodeType || c.nodeIsNamed !== fc.nodeIsNamed || c.currentFieldName !== fc.currentFieldName || c.nodeText !== fc.nodeText) {
        fail(`${at}: cursor differs: ${key(m)} ${fc.currentFieldName}`);
        break;
      }
      if (ids.has(m.id) || m.id >= 0) fail(`${at}: id ${m.id} not negative or not distinct`);
      ids.add(m.id);
      if (pos(n.startPosition) !== pos(m.startPosition) || pos(n.endPosition) !== pos(m.endPosition)) fail(`${at}: positions differ`);
      for (const g of ['text', 'hasError', 'isMissing', 'isNamed', 'isExtra', 'isError', 'childCount', 'namedChildCount', 'descendantCount', 'typeId'] as const) {
        if ((n as unknown as Record<string, unknown>)[g] !== (m as unknown as Record<string, unknown>)[g]) fail(`${at}: ${g} differs`);
      }
      if (key(n.parent) !== key(m.parent)) fail(`${at}: parent differs`);
      if (keys(n.children) !== keys(m.children) || keys(n.namedChildren) !== keys(m.namedChildren)) fail(`${at}: children differ`);
      for (const g of ['firstChild', 'lastChild', 'firstNamedChild', 'lastNamedChild', 'nextSibling', 'previousSibling', 'nextNamedSibling', 'previousNamedSibling'] as const) {
        // tree-sitter's sibling search passes over a MISSING node (it has no width) that children lists: the flat tree answers as children does.
        const got = m[g];
        if (key(n[g]) !== key(got) && !(got?.isMissing && got.startIndex === got.endIndex)) fail(`${at}: ${g} differs`);
      }
      if (key(n.closest(['block', 'source_file', 'call_expression'])) !== key(m.closest(['block', 'source_file', 'call_expression']))) fail(`${at}: closest differs`);
      // Fields: on every fourth node with named children (each check is some 70 native calls).
      if (n.namedChildCount > 0 && nodes % 4 === 0) {
        for (const fd of FIELDS) {
          if (key(n.childForFieldName(fd)) !== key(m.childForFieldName(fd))) fail(`${at}: field ${fd} differs`);
          if (keys(n.childrenForFieldName(fd)) !== keys(m.childrenForFieldName(fd))) fail(`${at}: fields ${fd} differ`);
        }
        for (let i = 0; i <= n.childCount; i++) if (key(n.child(i)) !== key(m.child(i)) || key(n.namedChild(i)) !== key(m.namedChild(i))) fail(`${at}: child(${i}) or namedChild(${i}) differs`);
      }
      // Searches: on every eighth node (each walks a subtree).
      if (nodes % 8 === 0) {
        for (const types of ['identifier', ['call_expression', '(', 'ERROR'], 'no_such_type']) {
          if (keys(n.descendantsOfType(types)) !== keys(m.descendantsOfType(types))) fail(`${at}: descendantsOfType(${JSON.stringify(types)}) differs`);
        }
        const a = n.startIndex;
        const b = n.endIndex;
        const mid = (a + b) >> 1;
        for (const [x, y] of [[a, b], [mid, mid], [a, a], [b, b], [a, mid], [mid, b], [Math.max(0, a - 1), b + 1], [b, a]]) {
          if (key(n.descendantForIndex(x, y)) !== key(m.descendantForIndex(x, y))) fail(`${at}: descendantForIndex(${x}, ${y}) differs`);
        }
        if (key(n.descendantForIndex(mid)) !== key(m.descendantForIndex(mid))) fail(`${at}: descendantForIndex(${mid}) differs`);
      }
      if (c.gotoFirstChild() !== fc.gotoFirstChild()) {
        fail(`${at}: gotoFirstChild differs`);
        break;
      }
      if (c.currentNode.id !== n.id) continue;
      let up = false;
      for (;;) {
        const s = c.gotoNextSibling();
        if (s !== fc.gotoNextSibling()) {
          fail(`${at}: gotoNextSibling differs`);
          up = true;
          break;
        }
        if (s) break;
        const p = c.gotoParent();
        if (p !== fc.gotoParent()) fail(`${at}: gotoParent differs`);
        if (!p) {
          up = true;
          break;
        }
      }
      if (up) break;
    }
    // A cursor started below the root stays inside its node, as tree-sitter's does.
    const body = tree.rootNode.namedChildren.find((x) => x.type === 'function_declaration');
    const fbody = flat.rootNode.namedChildren.find((x) => x.type === 'function_declaration');
    if (body && fbody) {
      const bc = body.walk();
      const fbc = fbody.walk();
      t.is(bc.gotoNextSibling(), fbc.gotoNextSibling(), f);
      t.is(bc.gotoParent(), fbc.gotoParent(), f);
      t.is(key(bc.currentNode), key(fbc.currentNode), f);
    }
  }
  t.true(nodes > 200_000, `only ${nodes} nodes`);
  t.is(bad, 0);
});

test('a flat tree parsed from included ranges is the tree node-tree-sitter parses from them', async (t) => {
  const native = new Parser();
  native.setLanguage(Go);
  const text = 'package p\n\nvar é = "ü"\n\nfunc f() {\n\tx := 1\n\t_ = x\n}\n\nfunc g() { go func() {}() }\n';
  const a = text.indexOf('{\n\tx') + 1;
  const b = text.indexOf('}\n\nfunc g');
  const ranges = [0, a, b, text.length];
  const point = (o: number) => ({ row: text.slice(0, o).split('\n').length - 1, column: o - (text.lastIndexOf('\n', o - 1) + 1) });
  const tree = native.parse(text, undefined, { includedRanges: [{ startIndex: 0, endIndex: a, startPosition: point(0), endPosition: point(a) }, { startIndex: b, endIndex: text.length, startPosition: point(b), endPosition: point(text.length) }] });
  const flat = new FlatTree(text, flatParse(text, ranges)!, undefined, ranges);
  const dump = (root: Node | FlatNode): string[] => {
    const out = [`${key(root)} ${pos(root.startPosition)} ${pos(root.endPosition)} ${root.hasError}`];
    for (const k of root.children) out.push(...dump(k));
    return out;
  };
  t.deepEqual(dump(flat.rootNode), dump(tree.rootNode));
  t.deepEqual(flat.getIncludedRanges(), [{ startIndex: 0, endIndex: a }, { startIndex: b, endIndex: text.length }]);
  t.is(flatParse(text, [5, 3]), null, 'ranges out of order are refused');
});

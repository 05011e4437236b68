// Small engine helpers whose speed tricks must not change an answer.
import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { wordsRe, wordTest } from '../lib/select.js';
import { nativeGetters, parseSource } from '../lib/source.js';
import type { SourceFile } from '../lib/types.js';
import { findGoroot } from '../scripts/roundtrip-lib.js';

test('wordTest answers what wordsRe(words).test does, for plain, numbered, non-ASCII and regex-special words', async (t) => {
  const goroot = await findGoroot();
  const texts = [
    'func (c *Conn) Close() error { return c.close() }',
    'x := CloseAll(y); Close_ = 1; Close2; _Close; αClose; Closeβ; Close',
    'type T struct{ é int }; é.Close; x.é; ré',
    'a$b $b b$ a.b a+b',
    '',
  ];
  for (const f of ['net/http/server.go', 'context/context.go', 'unicode/tables.go']) {
    texts.push(await fs.readFile(path.join(goroot, 'src', f), 'utf8'));
  }
  const sets = [
    ['Close'],
    ['Close', 'Do', 'Run', 'context', 'Context'],
    ['é', 'Close'],
    ['ré'],
    ['a$b', 'a.b'],
    ['Close2', 'x'],
    ['ServeHTTP', 'Handler', 'nonexistentWord'],
  ];
  for (const words of sets) {
    const re = wordsRe(words);
    const test = wordTest(words);
    for (const text of texts) {
      // Each declaration-sized piece as well as the whole text.
      for (const piece of [text, ...text.split('\nfunc ')]) t.is(test(piece), re.test(piece), `${JSON.stringify(words)} on ${JSON.stringify(piece.slice(0, 60))}`);
    }
  }
});

test('node objects are not registered with their tree (goshift compares nodes by id, never by object)', (t) => {
  const text = 'package p\n\nfunc F() {}\n';
  const sf = { abs: '/x/p.go', rel: 'p.go' } as SourceFile;
  const pf = parseSource(sf, Buffer.from(text));
  const a = pf.root.namedChildren[1];
  const b = pf.root.namedChildren[1];
  // With node-tree-sitter's per-tree cache the second request returns the first object; with the
  // cache switched off (lib/source.ts) it builds another one: same node, same id.
  t.not(a, b);
  t.is(a.id, b.id);
  t.is(a.text, 'func F() {}');
});

test('the node getters read in JavaScript answer what the native ones do, on every node of large std files', async (t) => {
  const goroot = await findGoroot();
  const fields = ['name', 'body', 'parameters', 'result', 'type', 'value', 'left', 'right', 'function', 'arguments', 'operand', 'field', 'receiver', 'type_parameters', 'type_arguments', 'alternative', 'consequence', 'initializer', 'condition', 'update', 'label', 'tag', 'operator', 'element', 'key', 'package', 'path', 'index', 'start', 'end', 'capacity', 'communication', 'channel', 'no_such_field'];
  let nodes = 0;
  // Non-ASCII text (UTF-16 offsets and columns), deep expressions, every statement kind.
  for (const f of ['unicode/tables.go', 'net/http/server.go', 'fmt/fmt_test.go', 'strings/strings_test.go', 'go/printer/nodes.go']) {
    const abs = path.join(goroot, 'src', f);
    const pf = parseSource({ abs, rel: f } as SourceFile, await fs.readFile(abs));
    const c = pf.root.walk();
    for (;;) {
      const n = c.currentNode;
      nodes++;
      if (n.id !== nativeGetters.id.call(n) || n.startIndex !== nativeGetters.startIndex.call(n)) t.fail(`${f}: ${n.type} at ${n.startIndex}: id or startIndex differ`);
      const p = nativeGetters.startPosition.call(n) as { row: number; column: number };
      if (n.startPosition.row !== p.row || n.startPosition.column !== p.column) t.fail(`${f}: ${n.type} at ${n.startIndex}: startPosition differs`);
      // Fields: on every fourth node with named children (each check is 70 native calls).
      if (n.namedChildCount > 0 && nodes % 4 === 0) {
        for (const fd of fields) {
          const a = n.childForFieldName(fd);
          const b = nativeGetters.childForFieldName.call(n, fd);
          if ((a?.id ?? null) !== (b?.id ?? null)) t.fail(`${f}: ${n.type} at ${n.startIndex}: field ${fd} differs`);
          const as = n.childrenForFieldName(fd).map((x) => x.id).join();
          const bs = nativeGetters.childrenForFieldName.call(n, fd).map((x) => x.id).join();
          if (as !== bs) t.fail(`${f}: ${n.type} at ${n.startIndex}: fields ${fd} differ`);
        }
      }
      if (c.gotoFirstChild()) continue;
      let up = false;
      while (!c.gotoNextSibling()) if (!c.gotoParent()) { up = true; break; }
      if (up) break;
    }
  }
  t.true(nodes > 100_000, `only ${nodes} nodes`);
});

// Small engine helpers whose speed tricks must not change an answer.
import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { keyedNodes, NOTHING_INSIDE } from '../lib/link.js';
import { factsOf } from '../lib/facts.js';
import { wordsRe, wordTest } from '../lib/select.js';
import type { Node, TreeCursor } from '../lib/source.js';
import { parseDeclarations, parseSource, readSource, SlabReader } from '../lib/source.js';
import { blank } from '../lib/flat.js';
import { nativeNode } from '../lib/tsnode.js';
import { Go, Parser } from '../lib/treesitter.js';
import { trailingCommentRows } from '../lib/scope.js';
import type { RewriteAPI } from '../lib/rewrite.js';
import type { SourceFile, Transform } from '../lib/types.js';
import { findGoroot } from '../scripts/roundtrip-lib.js';
import { runWorkspace } from '../lib/parts.js';
import { discover } from '../lib/workspace.js';
import { cleanup, tempDir, writeTree } from './unit-tmp.js';

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
  // cache switched off (lib/tsnode.ts) it builds another one: same node, same id.
  t.not(a, b);
  t.is(a.id, b.id);
  t.is(a.text, 'func F() {}');
});

test('the kinds of node the linker does not look into hold no expression (NOTHING_INSIDE), and each is a kind std uses', async (t) => {
  const goroot = await findGoroot();
  // Only the parts of a string literal may be inside one of them.
  const parts = new Set(['interpreted_string_literal_content', 'escape_sequence', 'raw_string_literal_content']);
  const seen = new Set<string>();
  for (const f of ['unicode/tables.go', 'net/http/server.go', 'fmt/fmt_test.go', 'slices/iter_test.go', 'math/cmplx/cmath_test.go', 'time/time.go', 'go/printer/nodes.go', 'regexp/syntax/parse.go']) {
    const pf = parseSource({ abs: `/x/${f}`, rel: f } as SourceFile, await fs.readFile(path.join(goroot, 'src', f)));
    t.false(pf.root.hasError, f);
    for (const n of pf.root.descendantsOfType([...NOTHING_INSIDE])) {
      seen.add(n.type);
      const inside = n.descendantsOfType([...NOTHING_INSIDE, 'call_expression', 'selector_expression', 'func_literal', 'composite_literal']).filter((d) => d.id !== n.id);
      if (inside.length) t.fail(`${f}: ${n.type} at ${n.startIndex} holds ${inside[0]!.type}`);
      for (const c of n.namedChildren) if (!parts.has(c.type)) t.fail(`${f}: ${n.type} at ${n.startIndex} has a ${c.type}`);
    }
  }
  t.deepEqual([...NOTHING_INSIDE].filter((k) => !seen.has(k)), [], 'kinds never met (a name the grammar does not have?)');
});

test('the node getters answer what node-tree-sitter\'s native ones do, on every node of large std files', async (t) => {
  const goroot = await findGoroot();
  const fields = ['name', 'body', 'parameters', 'result', 'type', 'value', 'left', 'right', 'function', 'arguments', 'operand', 'field', 'receiver', 'type_parameters', 'type_arguments', 'alternative', 'consequence', 'initializer', 'condition', 'update', 'label', 'tag', 'operator', 'element', 'key', 'package', 'path', 'index', 'start', 'end', 'capacity', 'communication', 'channel', 'no_such_field'];
  const same = (a: unknown, b: unknown) => ((a as Node | null)?.id ?? null) === ((b as Node | null)?.id ?? null) && ((a as Node | null)?.type ?? null) === ((b as Node | null)?.type ?? null);
  const sameAll = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => same(x, b[i]));
  let nodes = 0;
  let bad = 0;
  const fail = (m: string) => {
    if (bad++ < 20) t.fail(m);
  };
  // Non-ASCII text (UTF-16 offsets and columns), deep expressions, every statement kind; and a file
  // with syntax errors (ERROR and MISSING nodes).
  const inputs: [string, Buffer][] = [];
  for (const f of ['unicode/tables.go', 'net/http/server.go', 'fmt/fmt_test.go', 'strings/strings_test.go', 'go/printer/nodes.go']) {
    inputs.push([f, await fs.readFile(path.join(goroot, 'src', f))]);
  }
  inputs.push(['broken.go', Buffer.from('package p\n\nfunc F(a int {\n\tx := [}\n\treturn é +\n}\n\nfunc G() { go func() { defer }() }\n')]);
  // node-tree-sitter's own trees (parseSource builds flat ones: test/flat.test.ts).
  const native = new Parser();
  native.setLanguage(Go);
  for (const [f, bytes] of inputs) {
    const text = bytes.toString('utf8');
    const c = native.parse(text, undefined, { bufferSize: text.length * 2 + 65536 }).rootNode.walk();
    for (;;) {
      const n = c.currentNode;
      nodes++;
      const at = `${f}: ${n.type} at ${n.startIndex}`;
      if (n.id !== nativeNode.id.call(n) || n.startIndex !== nativeNode.startIndex.call(n) || n.type !== nativeNode.type.call(n)) fail(`${at}: id, startIndex or type differ`);
      const p = nativeNode.startPosition.call(n) as { row: number; column: number };
      if (n.startPosition.row !== p.row || n.startPosition.column !== p.column) fail(`${at}: startPosition differs`);
      if (!same(n.parent, nativeNode.parent.call(n))) fail(`${at}: parent differs`);
      if (!sameAll(n.children, nativeNode.children.call(n) as unknown[]) || !sameAll(n.namedChildren, nativeNode.namedChildren.call(n) as unknown[])) fail(`${at}: children differ`);
      // Fields and searches: on every fourth node with named children (each check is 70 native calls).
      if (n.namedChildCount > 0 && nodes % 4 === 0) {
        for (const fd of fields) {
          if (!same(n.childForFieldName(fd), nativeNode.childForFieldName.call(n, fd))) fail(`${at}: field ${fd} differs`);
          if (!sameAll(n.childrenForFieldName(fd), nativeNode.childrenForFieldName.call(n, fd))) fail(`${at}: fields ${fd} differ`);
        }
        if (!sameAll(n.descendantsOfType(['identifier', 'call_expression', '(']), nativeNode.descendantsOfType.call(n, ['identifier', 'call_expression', '(']))) fail(`${at}: descendantsOfType differs`);
        for (let i = 0; i < n.childCount; i++) if (!same(n.child(i), n.children[i])) fail(`${at}: child(${i}) differs`);
        for (let i = 0; i < n.namedChildCount; i++) if (!same(n.namedChild(i), n.namedChildren[i])) fail(`${at}: namedChild(${i}) differs`);
        const mid = (n.startIndex + n.endIndex) >> 1;
        if (!same(n.descendantForIndex(n.startIndex, n.endIndex), nativeNode.descendantForIndex.call(n, n.startIndex, n.endIndex)) || !same(n.descendantForIndex(mid), nativeNode.descendantForIndex.call(n, mid))) fail(`${at}: descendantForIndex differs`);
        const kids = nativeNode.children.call(n) as Node[];
        const named = nativeNode.namedChildren.call(n) as Node[];
        // Nodes built here keep their numbers as named properties, those node-tree-sitter built as
        // elements: every other getter, asked of one built here, answers what the native one does of its twin.
        n.children.forEach((k, i) => {
          const twin = kids[i];
          const ask = (g: keyof typeof nativeNode) => JSON.stringify((nativeNode[g] as (this: unknown) => unknown).call(twin));
          for (const g of ['endIndex', 'endPosition', 'text', 'hasError', 'isMissing', 'isNamed', 'childCount', 'namedChildCount', 'descendantCount'] as const) {
            if (JSON.stringify((k as unknown as Record<string, unknown>)[g]) !== ask(g)) fail(`${at}: ${g} of child ${i} differs`);
          }
          if (!same(k.closest(['block', 'source_file']), nativeNode.closest.call(twin, ['block', 'source_file']))) fail(`${at}: closest of child ${i} differs`);
          if (k.childForFieldName('no_such_field') !== nativeNode.childForFieldName.call(twin, 'no_such_field') || k.childrenForFieldName('no_such_field').length !== (nativeNode.childrenForFieldName.call(twin, 'no_such_field') as unknown[]).length) fail(`${at}: a field the grammar lacks differs`);
        });
        if (!same(n.firstChild, kids[0]) || !same(n.lastChild, kids[kids.length - 1]) || !same(n.firstNamedChild, named[0]) || !same(n.lastNamedChild, named[named.length - 1])) fail(`${at}: first or last child differs`);
        if (kids.length < 200) {
          kids.forEach((k, i) => {
            if (!same(k.nextSibling, kids[i + 1]) || !same(k.previousSibling, kids[i - 1])) fail(`${at}: siblings of child ${i} differ`);
          });
          named.forEach((k, i) => {
            if (!same(k.nextNamedSibling, named[i + 1]) || !same(k.previousNamedSibling, named[i - 1])) fail(`${at}: named siblings of child ${i} differ`);
          });
        }
      }
      if (c.gotoFirstChild()) continue;
      let up = false;
      while (!c.gotoNextSibling()) if (!c.gotoParent()) { up = true; break; }
      if (up) break;
    }
  }
  t.true(nodes > 100_000, `only ${nodes} nodes`);
  t.is(bad, 0);
});

test('RewriteAPI.mayRunLiterals, mayCaptureContext and capturesListed: false only for a body the facts say runs no literal (that may capture a context); true for a file not read as UTF-8', async (t) => {
  const dir = tempDir('goshift-mayrun-');
  t.teardown(() => cleanup(dir));
  const code = [
    'func Go() { go func() {}() }',
    'func Bound() { f := func() {}; f() }',
    'func Paren() { g := (func() {}); g() }',
    'func Passed() { use(func() {}) }',
    'func Plain() { use(nil) }',
    'func use(f func()) {}',
    'func Captures(c Ctx) { go func() { _ = c }() }',
    'func Local() { c := pick(); defer func() { _ = c }() }',
    'func Typed(n *int) { go func() { _ = n }() }',
    'type Ctx interface{ Done() <-chan struct{} }',
    'func pick() Ctx { return nil }',
  ].join('\n');
  writeTree(dir, {
    'go.mod': 'module example.com/m\n\ngo 1.22\n',
    'a.go': `package m\n\n${code}\n`,
    // A stray byte in a comment: not UTF-8, read as latin1, so the facts' offsets do not apply.
    'b.go': Buffer.concat([Buffer.from('package m\n\n// \xff\n', 'latin1'), Buffer.from(code.replace(/func (\w+)\(/g, 'func $1B('))]),
  });
  const seen: string[] = [];
  const probe: Transform = {
    name: 'probe',
    description: 'records mayRunLiterals for each function',
    mentions: /^use/,
    rewriteFile(api) {
      for (const c of api.root.namedChildren) {
        const body = c.type === 'function_declaration' ? c.childForFieldName('body') : null;
        if (body) seen.push(`${c.childForFieldName('name')!.text} ${api.mayRunLiterals(body)} ${api.mayCaptureContext(body)} ${api.capturesListed(body)}`);
      }
    },
  };
  const ws = await discover(['.'], { cwd: dir });
  await runWorkspace(ws, [probe], { allowTypesBefore: [], api: 'change', cacheDir: null, jobs: 1 });
  // Run literals that read nothing of their function, or only a pointer, capture no context.
  // capturesListed: true only where the facts (which the latin1 file has none of) list the body.
  t.deepEqual(seen.sort(), [
    'Bound true false false', 'BoundB true true false', 'Captures true true true', 'CapturesB true true false', 'Go true false false', 'GoB true true false',
    'Local true true true', 'LocalB true true false', 'Paren true false false', 'ParenB true true false', 'Passed false false false', 'PassedB true true false',
    'Plain false false false', 'PlainB true true false', 'Typed true false false', 'TypedB true true false', 'pick false false false', 'pickB true true false',
    'use false false false', 'useB true true false',
  ]);
});

test('a name\'s text, read without asking for its end, is what node-tree-sitter reads: ASCII, non-ASCII, digits, syntax errors', async (t) => {
  const goroot = await findGoroot();
  const inputs: [string, Buffer][] = [];
  for (const f of ['unicode/tables.go', 'net/http/server.go', 'go/scanner/scanner_test.go', 'strings/strings_test.go']) inputs.push([f, await fs.readFile(path.join(goroot, 'src', f))]);
  inputs.push(['names.go', Buffer.from('package p\n\ntype é struct{ aé, éa, a1, _b2 int }\n\nfunc F(x é) { L:\n\tfor aβ := range x.éa { _ = aβ; goto L }\n\tvar ab\u00e9 = x.a1 + x._b2\n\t_ = ab\u00e9\n}\n')]);
  inputs.push(['broken.go', Buffer.from('package p\n\nfunc F(a int {\n\tx := [}\n\treturn é +\n}\nvar = 1\nfunc G(abc\n')]);
  const kinds = ['identifier', 'field_identifier', 'type_identifier', 'package_identifier', 'label_name'];
  let names = 0;
  let nonAscii = 0;
  // node-tree-sitter's own trees (parseSource builds flat ones, whose text is a slice).
  const native = new Parser();
  native.setLanguage(Go);
  for (const [f, bytes] of inputs) {
    const text = bytes.toString('utf8');
    const root = native.parse(text, undefined, { bufferSize: text.length * 2 + 65536 }).rootNode;
    t.is(root.hasError, f === 'broken.go', f);
    for (const n of root.descendantsOfType(kinds)) {
      const want = nativeNode.text.call(n) as string;
      if (n.text !== want) t.fail(`${f}: ${n.type} at ${n.startIndex}: ${JSON.stringify(n.text)}, not ${JSON.stringify(want)}`);
      names++;
      if (/[^\x00-\x7f]/.test(want)) nonAscii++;
    }
  }
  t.true(names > 10_000 && nonAscii >= 8, `${names} names, ${nonAscii} not ASCII`);
});

test('keyedNodes finds, from the keywords, the nodes a pass over the tree finds, in its order: whole files, declarations only, syntax errors', async (t) => {
  const goroot = await findGoroot();
  const inputs: [string, Buffer][] = [];
  for (const f of ['net/http/server.go', 'go/types/api_test.go', 'reflect/all_test.go', 'encoding/json/decode_test.go', 'internal/types/testdata/check/decls0.go', 'cmd/compile/internal/types2/testdata/local/issue47996.go']) {
    const abs = path.join(goroot, 'src', f);
    const bytes = await fs.readFile(abs).catch(() => null);
    if (bytes) inputs.push([f, bytes]);
  }
  // Keywords in comments, strings and identifiers; a type switch; a struct in a field before
  // another field (its fields come between the outer ones in tree order); local and grouped types;
  // a generic struct; a file that does not parse.
  inputs.push(['tricky.go', Buffer.from('package p\n\n// type A struct { x int }\nvar s = "interface{ M() }" + `struct{}`\nvar typeX, structY, interface_ = 1, 2, 3\n\ntype (\n\tB struct {\n\t\tin struct {\n\t\t\ta, b int\n\t\t\tc interface{ N() }\n\t\t}\n\t\tafter int\n\t}\n\tC = interface{ M(struct{ z int }) }\n)\n\ntype G[T interface{ ~int }] struct{ v T }\n\nfunc f(x any) {\n\ttype L struct{ q struct{ r int } }\n\tswitch x.(type) {\n\t}\n\t_ = []struct{ k, v string }{}\n}\n')]);
  inputs.push(['broken.go', Buffer.from('package p\n\ntype A struct {\n\tx int\n\nfunc f() { type B interface { M() } }\n')]);
  const kinds = ['type_spec', 'type_alias', 'interface_type', 'field_declaration'] as const;
  let compared = 0;
  for (const [f, bytes] of inputs) {
    const sf = { abs: `/x/${f}`, rel: f } as SourceFile;
    const facts = factsOf(bytes);
    for (const pf of [parseSource(sf, bytes), parseDeclarations(sf, bytes, facts.bodies)]) {
      if (!pf) continue;
      const got = keyedNodes(pf);
      const want = pf.root.descendantsOfType([...kinds]);
      for (const k of kinds) {
        t.deepEqual(got.get(k)!.map((n) => n.startIndex), want.filter((n) => n.type === k).map((n) => n.startIndex), `${f}${pf.declarationsOnly ? ' (declarations only)' : ''}: ${k}`);
        t.deepEqual(got.get(k)!.map((n) => n.id), want.filter((n) => n.type === k).map((n) => n.id));
      }
      compared++;
    }
  }
  t.true(compared >= 10);
  const tricky = keyedNodes(parseSource({ abs: '/x/t.go', rel: 't.go' } as SourceFile, inputs.find(([f]) => f === 'tricky.go')![1]));
  t.deepEqual(tricky.get('type_spec')!.map((n) => n.childForFieldName('name')!.text), ['B', 'G', 'L']);
  t.deepEqual(tricky.get('type_alias')!.map((n) => n.childForFieldName('name')!.text), ['C']);
  t.deepEqual(tricky.get('field_declaration')!.map((n) => n.text.split(/\s/)[0]), ['in', 'a,', 'c', 'after', 'z', 'v', 'q', 'r', 'k,']);
  t.is(tricky.get('interface_type')!.length, 3);
});

test('parseDeclarations: the parser told to skip the bodies left out (included ranges) builds the tree a parse of the text with them blanked builds, node for node and text for text, in each mode', async (t) => {
  const goroot = await findGoroot();
  const inputs: [string, Buffer][] = [];
  for (const f of ['net/http/server.go', 'strings/strings_test.go', 'go/scanner/scanner_test.go', 'unicode/utf8/utf8_test.go', 'runtime/proc.go', 'context/context.go']) inputs.push([f, await fs.readFile(path.join(goroot, 'src', f))]);
  // Non-ASCII before and inside bodies (columns count UTF-16 units), CRLF line ends, an empty body,
  // a body on one line, one ending on its `{` line, a run literal (kept in run mode), a method.
  inputs.push(['mixed.go', Buffer.from('package p\r\n\r\nvar é = "ü"\r\n\r\nfunc f() {}\r\n\r\nfunc g(ctx int) { go func() { _ = ctx }() }\r\n\r\n// ß\r\nfunc (t *T) h() (r int) {\r\n\tr = len("αβγ") // δ\r\n\treturn\r\n}\r\ntype T struct{ ñ int }\r\nfunc k() { /* ✓ */\r\n}\r\n')]);
  const plain = new Parser();
  plain.setLanguage(Go);
  const dump = (tree: { walk(): TreeCursor }) => {
    const c = tree.walk();
    const out: string[] = [];
    for (;;) {
      const n = c.currentNode;
      out.push(`${n.type} ${c.currentFieldName} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}${n.isMissing ? ' missing' : ''}${n.hasError ? ' error' : ''} ${JSON.stringify(n.text)}`);
      if (c.gotoFirstChild()) continue;
      while (!c.gotoNextSibling()) if (!c.gotoParent()) return out;
    }
  };
  let ranged = 0;
  for (const [f, bytes] of inputs) {
    const facts = factsOf(bytes);
    for (const mode of ['declarations', 'run bodies', 'capture bodies'] as const) {
      const keep = mode === 'run bodies' ? facts.runBodies : mode === 'capture bodies' ? facts.captureBodies : undefined;
      const pf = parseDeclarations({ abs: `/x/${f}`, rel: f } as SourceFile, bytes, facts.bodies, keep, mode === 'capture bodies');
      if (!pf) {
        t.fail(`${f}: not parsed for its ${mode}`);
        continue;
      }
      // The text as it was parsed before: every body not kept blanked in a copy.
      const kept = new Set(keep);
      let skeleton = '';
      let at = 0;
      for (let i = 0; i + 1 < facts.bodies.length; i += 2) {
        if (kept.has(i / 2)) continue;
        skeleton += pf.text.slice(at, facts.bodies[i]) + blank(pf.text, facts.bodies[i], facts.bodies[i + 1]);
        at = facts.bodies[i + 1];
      }
      skeleton += pf.text.slice(at);
      t.is(skeleton.length, pf.text.length);
      if (pf.tree.getIncludedRanges().length > 1) ranged++;
      t.deepEqual(dump(pf.tree), dump(plain.parse(skeleton, undefined, { bufferSize: skeleton.length * 2 + 65536 })), `${f}, ${mode}`);
    }
  }
  t.true(ranged >= 15);
});

test('trailingCommentRows: the rows where a comment starts after code, as a scan of every comment finds them', async (t) => {
  const goroot = await findGoroot();
  const inputs: [string, Buffer][] = [];
  for (const f of ['net/http/server.go', 'go/printer/nodes.go', 'syscall/types_windows.go', 'go/printer/testdata/comments.golden']) {
    inputs.push([f, await fs.readFile(path.join(goroot, 'src', f))]);
  }
  inputs.push(['mixed.go', Buffer.from('package p\n\n/* a */ var x = 1 // b\nvar y = "// not" /* c\n*/\n// d\nvar z = `/* no */` // é e\n\tvar w int /* f */ /* g */\n')]);
  let rows = 0;
  for (const [f, bytes] of inputs) {
    const pf = parseSource({ abs: `/x/${f}`, rel: f } as SourceFile, bytes);
    const want = new Set<number>();
    for (const c of pf.root.descendantsOfType('comment')) {
      const lineStart = pf.text.lastIndexOf('\n', c.startIndex - 1) + 1;
      if (pf.text.slice(lineStart, c.startIndex).trim() !== '') want.add(c.startPosition.row);
    }
    const got = trailingCommentRows({ text: pf.text, root: pf.root } as RewriteAPI);
    const last = pf.root.endPosition.row + 1;
    const differ: number[] = [];
    for (let r = -1; r <= last; r++) if (got.has(r) !== want.has(r)) differ.push(r);
    t.deepEqual(differ, [], `${f}: rows that differ`);
    rows += want.size;
  }
  t.true(rows > 100, `only ${rows} rows with a trailing comment`);
});

test('SlabReader: the bytes readFileSync reads, as views of shared slabs; a large file gets its own buffer; a missing one the same error as readSource', (t) => {
  const dir = tempDir('slab');
  try {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 300; i++) files[`f${i}.go`] = Buffer.from(`package p\n\n// file ${i}\n${'x'.repeat((i * 7919) % 40000)}\n`);
    files['empty.go'] = Buffer.alloc(0);
    files['big.go'] = Buffer.alloc(3 * 1024 * 1024, 0x61);
    writeTree(dir, files);
    const sf = (name: string) => ({ abs: path.join(dir, name), rel: name }) as SourceFile;
    const reader = new SlabReader();
    const slabs = new Set<ArrayBufferLike>();
    for (const [name, want] of Object.entries(files)) {
      const r = reader.read(sf(name));
      if (!('bytes' in r)) return t.fail(`${name}: ${r.error}`);
      t.true(r.bytes.equals(want), name);
      if (name === 'big.go') t.is(r.bytes.byteLength, r.bytes.buffer.byteLength, 'a large file has a buffer of its own');
      else if (want.length) slabs.add(r.bytes.buffer);
    }
    // Some 6 MB of small files: a handful of slabs, not a buffer each.
    t.true(slabs.size >= 1 && slabs.size <= 3, `${slabs.size} slabs`);
    const missing = reader.read(sf('gone.go'));
    t.deepEqual(missing, readSource(sf('gone.go')));
    t.true('error' in missing && /removed during the run/.test(missing.error));
  } finally {
    cleanup(dir);
  }
});

test('runs of literals (FileFacts.inert): found only where nothing but literals is, and a parse leaving them out has every other node of the whole parse, with its text', async (t) => {
  const goroot = await findGoroot();
  const nums = Array.from({ length: 20 }, (_, i) => `0x${i.toString(16)}`).join(', ');
  const esc = '\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n';
  const src = [
    'package p',
    '',
    `var table = []uint16{${nums}, -1, +2, (3 + 4) * 5, 1 << 3}`,
    `var nested = [][]string{{"a", "b", "c"}, {"d", "e"}, {"f", "g", 'x', 1.5, .5, 1e3},}`,
    `var keyed = map[int]string{1: "a", 2: "b", 3: "c", 4: "d", 5: "e", 6: "f"}`,
    `const blob = "PK${esc}é"`,
    `var named = []int{${nums}, x}`, // a name: not a run
    `var commented = []int{${nums} /* c */}`, // a comment: not a run
    `var lines = []int{\n${nums}\n}`, // no comma at the line's end: the spec's semicolon
    `var multi = []string{${nums.replace(/0x1,/, '`a\nb`,')}}`, // a raw string over lines
    `func f() []int { return []int{${nums}} }`,
    '',
  ].join('\n');
  const bytes = Buffer.from(src);
  const facts = factsOf(bytes);
  const text = bytes.toString('utf8');
  const runs: string[] = [];
  for (let i = 0; i < facts.inert.length; i += 2) runs.push(text.slice(facts.inert[i] - 1, facts.inert[i + 1] + 1));
  t.deepEqual(runs.map((r) => r.slice(0, 12)), [`{${nums.slice(0, 11)}`, '{{"a", "b", ', '{1: "a", 2: ', `"PK\\x00\\x01\\`, `{${nums.slice(0, 11)}`]);
  // What tree-sitter reads with an error is no run either.
  t.deepEqual(factsOf(Buffer.from(`package p\nvar a = []int{${nums}, 09}\nvar b = "\\q${esc}"\n`)).inert, []);
  const inputs: [string, Buffer][] = [['p.go', bytes]];
  for (const f of ['unicode/tables.go', 'strconv/isprint.go']) inputs.push([f, await fs.readFile(path.join(goroot, 'src', f))]);
  const plain = new Parser();
  plain.setLanguage(Go);
  let left = 0;
  for (const [f, b] of inputs) {
    const inert = factsOf(b).inert;
    const pf = parseSource({ abs: `/x/${f}`, rel: f } as SourceFile, b, inert);
    t.true(pf.tree.getIncludedRanges().length > 1, f);
    const whole = plain.parse(b.toString('utf8'), undefined, { bufferSize: b.length * 2 + 65536 });
    const inside = (n: Node) => {
      for (let i = 0; i < inert.length; i += 2) if (n.startIndex >= inert[i] && n.endIndex <= inert[i + 1]) return true;
      return false;
    };
    const dump = (root: Node, skip: boolean) => {
      const out: string[] = [];
      const walk = (n: Node) => {
        if (skip && inside(n)) {
          left++;
          return;
        }
        out.push(`${n.type} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}${n.hasError ? ' error' : ''} ${n.type === 'source_file' ? '' : JSON.stringify(n.text)}`);
        for (const c of n.children) walk(c);
      };
      walk(root);
      return out;
    };
    t.deepEqual(dump(pf.root, false), dump(whole.rootNode, true), f);
    // Facts of another text: runs that are not a literal's inside make it parse whole.
    const other = parseSource({ abs: `/x/${f}`, rel: f } as SourceFile, b, inert.map((x) => x + 1));
    t.is(other.tree.getIncludedRanges().length, 1, f);
  }
  t.true(left > 1000);
});

// The lexer's facts agree with the tree: same package clause, imports, top-level declarations
// (kinds, names, receivers, aliases), generated marker; every identifier of the tree is among the
// words; every later parameter's type name is among `later`, the local types are `localTypes`,
// a file with a func literal has `funcLits`, and one with a literal called where it is written or
// bound by an assignment, `:=` or `var` has `runLits` (and the body holding it is in `runBodies`);
// when that literal may capture a context (mayCapture), `captureLits` (and `captureBodies`). Over
// every fixture's Go files and large parts of std (runtime, syscall, net/http, …).
import test from 'ava';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { anyWordIn, factsOf, hasWord, importsOf, someWord, wordList } from '../lib/facts.js';
import { WARM_FILES } from '../lib/factswarm.js';
import type { Node } from '../lib/source.js';
import { items } from '../lib/scope.js';
import { parseDeclarations, parseSource, unparen } from '../lib/source.js';
import type { SourceFile } from '../lib/types.js';
import { findGoroot } from '../scripts/roundtrip-lib.js';
import { fixturesRoot } from './support/paths.js';

async function goFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath, e.name);
    if (e.isFile() && e.name.endsWith('.go') && !p.includes(`${path.sep}testdata${path.sep}`)) out.push(p);
  }
  return out.sort();
}

const ID_TYPES = new Set(['identifier', 'field_identifier', 'type_identifier', 'package_identifier', 'label_name']);

/** What the tree says, in the facts' terms; null when the file does not parse. */
interface TreeFacts {
  pkg: string | null;
  imports: string[];
  decls: string[];
  ids: Set<string>;
  generated: boolean;
  /** Type names of parameters after the first (plain or qualified): the facts' `later` must hold them. */
  laterTypes: Set<string>;
  funcLits: boolean;
  funcInBrackets: boolean;
  /** A func literal called where it is written or among the values of an assignment, `:=` or `var` (ctx-closure's run literals). */
  runLits: boolean;
  /** Which top-level bodies hold a literal called or bound, and how many such literals the file has. */
  runBodies: number[];
  runCount: number;
  /** Such a literal that may capture a context (mayCapture), and the bodies that hold one, and how many the file has. */
  captureLits: boolean;
  captureBodies: number[];
  captureCount: number;
  localTypes: Set<string>;
  /** Offsets just inside the braces of each top-level function's and method's body. */
  bodies: number[];
  /** Top-level declarations as parsed whole: type, span, and the text of each part but the body. */
  tops: string[];
}

/** A func literal called where it is written or bound by an assignment, `:=` or `var` (through parentheses). */
function isRunLiteral(lit: Node): boolean {
  let e: Node = lit;
  while (e.parent?.type === 'parenthesized_expression') e = e.parent;
  const p = e.parent;
  return (p?.type === 'call_expression' && p.childForFieldName('function')?.id === e.id) || (p?.type === 'expression_list' && ['assignment_statement', 'short_var_declaration', 'var_spec'].includes(p.parent?.type ?? '')) || p?.type === 'var_spec';
}

/** The function declaration or method declaration around n. */
function topFunc(n: Node): Node | null {
  let p = n.parent;
  while (p && p.type !== 'function_declaration' && p.type !== 'method_declaration') p = p.parent;
  return p;
}

/**
 * Whether a run literal may capture a context, as ctx-closure's scope walk (lib/scope.ts) can
 * decide it at best: it reads a name that its function declares outside it as a parameter,
 * receiver or result (of the function or of a literal) whose type is a name or a qualified name, or
 * with `:=` or `var` with such a type or a value that is (through parentheses) a name, a selector, a
 * call or a type assertion (one value for several names: a call or an assertion). Names only, not
 * scopes: any such declaration of the name anywhere in the function outside the literal counts.
 * A literal outside every function (in a package-level var) counts.
 */
function mayCapture(lit: Node): boolean {
  const fn = topFunc(lit);
  if (!fn) return true;
  const declared = new Set<string>();
  const typeMay = (ty: Node | null) => !!ty && (ty.type === 'type_identifier' || ty.type === 'qualified_type');
  const valueMay = (v: Node, alone: boolean) => {
    const u = unparen(v);
    return ['call_expression', 'type_assertion_expression'].includes(u.type) || (alone && ['identifier', 'selector_expression'].includes(u.type));
  };
  const bind = (names: Node[], type: Node | null, values: Node[]) => {
    names.forEach((id, i) => {
      if (type ? typeMay(type) : values.length === names.length ? valueMay(values[i], true) : values.length === 1 && valueMay(values[0], false)) declared.add(id.text);
    });
  };
  const stack: Node[] = [fn];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.id === lit.id) continue;
    if (n.type === 'parameter_declaration' && ['function_declaration', 'method_declaration', 'func_literal'].includes(n.parent?.parent?.type ?? '') && typeMay(n.childForFieldName('type'))) {
      for (const id of n.childrenForFieldName('name')) declared.add(id.text);
    }
    if (n.type === 'short_var_declaration') bind(items(n.childForFieldName('left')!), null, items(n.childForFieldName('right')!));
    if (n.type === 'var_spec') {
      const value = n.childForFieldName('value');
      bind(n.childrenForFieldName('name'), n.childForFieldName('type'), value ? items(value) : []);
    }
    for (const c of n.namedChildren) stack.push(c);
  }
  declared.delete('_');
  return lit.descendantsOfType('identifier').some((id) => declared.has(id.text));
}

function runCount(root: Node): number {
  return root.descendantsOfType('func_literal').filter(isRunLiteral).length;
}

/** The run literals that may capture a context. */
function captureCount(root: Node): number {
  return root.descendantsOfType('func_literal').filter((n) => isRunLiteral(n) && mayCapture(n)).length;
}

/** A tree's top-level declarations: type, span (offsets, rows and columns), and (a body only by its span) the text of each child. */
function topsOf(root: Node): string[] {
  const at = (n: Node) => `${n.startIndex}-${n.endIndex} (${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column})`;
  return root.namedChildren.map((top) => `${top.type} ${at(top)}: ${top.children.map((c) => (c.type === 'block' && c.id === top.childForFieldName('body')?.id ? `{${at(c)}}` : c.text)).join(' ')}`);
}

function fromTree(abs: string, bytes: Buffer): TreeFacts | null {
  const pf = parseSource({ abs, rel: abs } as SourceFile, bytes);
  if (pf.error) return null;
  let pkg: string | null = null;
  const imports: string[] = [];
  const decls: string[] = [];
  const bodies: number[] = [];
  const specs = (top: Node, type: string) => [...top.namedChildren, ...top.namedChildren.flatMap((c) => (c.type.endsWith('_spec_list') ? c.namedChildren : []))].filter((c) => c.type === type);
  for (const top of pf.root.namedChildren) {
    const body = top.type === 'function_declaration' || top.type === 'method_declaration' ? top.childForFieldName('body') : null;
    if (body) bodies.push(body.startIndex + 1, body.endIndex - 1);
    switch (top.type) {
      case 'package_clause':
        pkg = top.namedChildren[0]?.text ?? null;
        break;
      case 'import_declaration':
        for (const s of top.descendantsOfType('import_spec')) imports.push(`${s.childForFieldName('name')?.text ?? null} ${s.childForFieldName('path')!.text.slice(1, -1)}`);
        break;
      case 'function_declaration':
        decls.push(`func ${top.childForFieldName('name')!.text}`);
        break;
      case 'method_declaration': {
        let n = top.childForFieldName('receiver')!.namedChildren.find((c) => c.type === 'parameter_declaration')?.childForFieldName('type') ?? null;
        while (n && (n.type === 'pointer_type' || n.type === 'parenthesized_type')) n = n.namedChildren[0] ?? null;
        if (n?.type === 'generic_type') n = n.childForFieldName('type');
        decls.push(`method ${top.childForFieldName('name')!.text} ${n?.text}`);
        break;
      }
      case 'type_declaration':
        for (const s of top.namedChildren) if (s.type === 'type_spec' || s.type === 'type_alias') decls.push(`type ${s.childForFieldName('name')!.text}${s.type === 'type_alias' ? ' =' : ''}`);
        break;
      case 'var_declaration':
      case 'const_declaration': {
        const kind = top.type === 'var_declaration' ? 'var' : 'const';
        for (const s of specs(top, `${kind}_spec`)) for (const nm of s.childrenForFieldName('name').filter((x) => x.isNamed)) decls.push(`${kind} ${nm.text}`);
        break;
      }
    }
  }
  const ids = new Set<string>();
  const laterTypes = new Set<string>();
  const localTypes = new Set<string>();
  let funcLits = false;
  let runLits = false;
  let captureLits = false;
  const runAt: number[] = [];
  const captureAt: number[] = [];
  const stack: Node[] = [pf.root];
  while (stack.length) {
    const n = stack.pop()!;
    if (ID_TYPES.has(n.type)) ids.add(n.text);
    if (n.type === 'func_literal') {
      funcLits = true;
      if (isRunLiteral(n)) {
        runLits = true;
        runAt.push(n.startIndex);
        if (mayCapture(n)) {
          captureLits = true;
          captureAt.push(n.startIndex);
        }
      }
    }
    if (n.type === 'parameter_list') {
      let k = 0;
      for (const d of n.namedChildren) {
        if (d.type !== 'parameter_declaration' && d.type !== 'variadic_parameter_declaration') continue;
        const names = Math.max(1, d.childrenForFieldName('name').length);
        const ty = d.childForFieldName('type');
        if (k + names > 1 && ty && (ty.type === 'type_identifier' || ty.type === 'qualified_type')) laterTypes.add(ty.type === 'qualified_type' ? ty.childForFieldName('name')!.text : ty.text);
        k += names;
      }
    }
    if ((n.type === 'type_spec' || n.type === 'type_alias') && n.parent?.parent?.type !== 'source_file' && n.parent?.type !== 'source_file') localTypes.add(n.childForFieldName('name')!.text);
    if (n.type !== 'comment') for (const c of n.children) stack.push(c);
  }
  const bodiesOf = (ats: number[]) => {
    const out = new Set<number>();
    for (const at of ats) for (let i = 0; i + 1 < bodies.length; i += 2) if (bodies[i] <= at && at < bodies[i + 1]) out.add(i / 2);
    return [...out].sort((a, b) => a - b);
  };
  return { pkg, imports, decls, ids, generated: pf.generated, laterTypes, funcLits, runLits, runBodies: bodiesOf(runAt), runCount: runAt.length, captureLits, captureBodies: bodiesOf(captureAt), captureCount: captureAt.length, localTypes, bodies, tops: topsOf(pf.root), funcInBrackets: funcInBracketsOf(pf.root) };
}

/** Whether a `func` keyword stands inside square brackets, by the tree's tokens in order (a comment or a literal is one token). */
function funcInBracketsOf(root: Node): boolean {
  let squares = 0;
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.childCount === 0) {
      if (n.type === '[') squares++;
      else if (n.type === ']') squares--;
      else if (n.type === 'func' && squares > 0) return true;
      continue;
    }
    if (n.type === 'comment' || (n.type.endsWith('_literal') && n.type !== 'func_literal' && n.type !== 'composite_literal')) continue;
    const ch = n.children;
    for (let i = ch.length - 1; i >= 0; i--) stack.push(ch[i]);
  }
  return false;
}

async function agree(t: import('ava').ExecutionContext, files: string[]): Promise<void> {
  let checked = 0;
  for (const abs of files) {
    const bytes = await fs.readFile(abs);
    const facts = factsOf(bytes);
    const tree = fromTree(abs, bytes);
    if (!tree) continue; // a file that does not parse is parsed (and reported) whatever its facts say
    t.is(facts.unsure, undefined, `${abs}: the lexer is unsure of a file that parses`);
    const decls = facts.decls.map((d) => (d.kind === 'method' ? `method ${d.name} ${d.recv}` : d.kind === 'type' ? `type ${d.name}${d.alias ? ' =' : ''}` : `${d.kind} ${d.name}`));
    t.deepEqual(decls, tree.decls.filter((d) => !d.startsWith('const ')), `${abs}: declarations`);
    t.deepEqual(wordList(facts.consts), tree.decls.filter((d) => d.startsWith('const ')).map((d) => d.slice('const '.length)), `${abs}: constants`);
    t.deepEqual(facts.imports.map((i) => `${i.name} ${i.path}`), tree.imports, `${abs}: imports`);
    t.is(facts.pkg, tree.pkg, `${abs}: package`);
    t.is(facts.generated, tree.generated, `${abs}: generated`);
    const words = new Set(wordList(facts.words));
    const missing = [...tree.ids].filter((id) => !words.has(id));
    t.deepEqual(missing, [], `${abs}: identifiers missing from the words`);
    const later = new Set(facts.later);
    t.deepEqual([...tree.laterTypes].filter((w) => !later.has(w)), [], `${abs}: types of later parameters missing from later`);
    if (tree.funcLits) t.true(facts.funcLits, `${abs}: a func literal the facts do not see`);
    t.is(!!facts.funcInBrackets, tree.funcInBrackets, `${abs}: a func inside square brackets`);
    if (tree.runLits) t.true(facts.runLits, `${abs}: a literal called or bound that the facts do not see`);
    if (tree.captureLits) t.true(facts.captureLits, `${abs}: a literal called or bound that may capture a context, which the facts do not see`);
    t.deepEqual(facts.captureBodies.filter((i) => !facts.runBodies.includes(i)), [], `${abs}: captureBodies not among runBodies`);
    t.deepEqual(facts.localTypes, [...tree.localTypes].sort(), `${abs}: local types`);
    t.deepEqual(facts.bodies, tree.bodies, `${abs}: function bodies`);
    // Read for its declarations only (bodies blanked), a file has the same top-level declarations,
    // at the same places, with the same text but for the bodies.
    const decl = parseDeclarations({ abs, rel: abs } as SourceFile, bytes, facts.bodies);
    if (decl) t.deepEqual(topsOf(decl.root), tree.tops, `${abs}: declarations only`);
    else t.true(bytes.toString('utf8') !== bytes.toString('latin1') && !Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes), `${abs}: the declarations alone do not parse`);
    // Every body with a literal called or bound is among runBodies, and every one with such a literal
    // that may capture a context among captureBodies; read with only those bodies, a file has the
    // same declarations and every such literal.
    t.deepEqual(tree.runBodies.filter((i) => !facts.runBodies.includes(i)), [], `${abs}: bodies with a literal called or bound, missing from runBodies`);
    t.deepEqual(tree.captureBodies.filter((i) => !facts.captureBodies.includes(i)), [], `${abs}: bodies with a literal called or bound that may capture a context, missing from captureBodies`);
    const run = decl && parseDeclarations({ abs, rel: abs } as SourceFile, bytes, facts.bodies, facts.runBodies);
    if (run) {
      t.deepEqual(topsOf(run.root), tree.tops, `${abs}: only the bodies that run literals`);
      t.is(runCount(run.root), tree.runCount, `${abs}: literals called or bound, with only the bodies that run literals`);
    }
    const capture = decl && parseDeclarations({ abs, rel: abs } as SourceFile, bytes, facts.bodies, facts.captureBodies, true);
    if (capture) {
      t.deepEqual(topsOf(capture.root), tree.tops, `${abs}: only the bodies with literals that may capture a context`);
      t.is(captureCount(capture.root), tree.captureCount, `${abs}: literals that may capture a context, with only the bodies that hold one`);
    }
    checked++;
  }
  t.true(checked > 0);
}

test('facts keep words as one string: each word found whole, never a part of another', (t) => {
  const f = factsOf(Buffer.from('package p\n\nimport "context"\n\nfunc Run(ctx context.Context, ctxs []int) {}\n\nvar é, x = 1, 2\n'));
  t.is(f.words, 'p Run ctx context Context ctxs int é x');
  t.deepEqual(wordList(f.words), ['p', 'Run', 'ctx', 'context', 'Context', 'ctxs', 'int', 'é', 'x']);
  t.deepEqual(wordList(''), []);
  for (const w of ['p', 'ctx', 'ctxs', 'x', 'é', 'Context']) t.true(hasWord(f.words, w), w);
  for (const w of ['', 'cont', 'Run ', 'tx', 'ctxs2', 'xé', 'Contex']) t.false(hasWord(f.words, w), JSON.stringify(w));
  t.is(f.decls[0].words, 'ctx context Context ctxs int');
  t.true(someWord(f.words, (w) => w.length > 6));
  t.false(someWord('', () => true));
  // Few words are looked for in the string, many looked up word by word: the same answers.
  const many = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
  t.false(anyWordIn(f.words, many));
  t.true(anyWordIn(f.words, new Set([...many, 'ctxs'])));
  t.true(anyWordIn(f.words, new Set(['nope', 'x'])));
  t.false(anyWordIn(f.words, new Set(['nope', 'ct'])));
  t.false(anyWordIn(f.words, new Set()));
  // Constants: their names alone, in order, none of them a DeclFacts.
  const c = factsOf(Buffer.from('package p\n\nconst _ = 1\n\nconst (\n\tA = iota\n\tB\n\tC, D = 1, 2\n\t_ = 3\n)\n\nvar V = A\n'));
  t.is(c.consts, '_ A B C D _');
  t.deepEqual(c.decls.map((d) => `${d.kind} ${d.name}: ${d.words}`), ['var V: V A']);
  t.is(factsOf(Buffer.from('package p\n')).consts, '');
});

test('facts agree with the tree over every fixture', async (t) => {
  await agree(t, await goFiles(fixturesRoot));
});

test('facts agree with the tree over parts of std (runtime, syscall, net/http, go/types, context, os, reflect)', async (t) => {
  const src = path.join(await findGoroot(), 'src');
  const files = (await Promise.all(['runtime', 'syscall', 'net/http', 'go/types', 'context', 'os', 'reflect'].map((p) => goFiles(path.join(src, p))))).flat();
  t.true(files.length > 1000);
  await agree(t, files);
});

test('facts: which run literals may capture a context, by how their function declares what they read', (t) => {
  // One function per case: its name says whether its run literal may capture a context.
  const cases = [
    'func YesParam(c Ctx) { go func() { _ = c }() }',
    'func YesQualified(c ctxpkg.Context) { defer func() { _ = c }() }',
    'func YesGrouped(a, c Ctx, n *int) { go func() { _ = a }() }',
    'func YesCall() { c := pick(); go func() { _ = c }() }',
    'func YesTwo() { n, c := two(); go func() { _, _ = n, c }() }',
    'func YesCopy(p Ctx) { c := p; f := func() { _ = c }; f() }',
    'func YesSelector(s S) { c := s.ctx; go func() { _ = c }() }',
    'func YesAssert(v any) { c, ok := v.(Ctx); go func() { _, _ = c, ok }() }',
    'func YesVarType() { var c Ctx; go func() { _ = c }() }',
    'func YesVarGroup() { var ( n = 1; c = pick() ); go func() { _, _ = n, c }() }',
    'func YesLiteralParam() { func(c Ctx) { go func() { _ = c }() }(nil) }',
    'func YesNested() { c := wrap(func() { switch x := v.(type) { default: _ = x } }); go func() { _ = c }() }',
    'func YesShadowed() { c := pick(); go func(c int) { _ = c }(1) }',
    'func NoPointer(c *T) { go func() { _ = c }() }',
    'func NoSlice(cs []Ctx) { go func() { _ = cs }() }',
    'func NoFunc(f func() Ctx) { go func() { _ = f }() }',
    'func NoVariadic(cs ...Ctx) { go func() { _ = cs }() }',
    'func NoComposite() { c := T{}; go func() { _ = c }() }',
    'func NoOperation() { c := <-ch; n := 1 + m; go func() { _, _ = c, n }() }',
    'func NoIndex() { c := cs[0]; go func() { _ = c }() }',
    'func NoRange() { for _, c := range cs { go func() { _ = c }() } }',
    'func NoReceive() { select { case c := <-ch: go func() { _ = c }() } }',
    'func NoTypeSwitch() { switch c := v.(type) { default: go func() { _ = c }() } }',
    'func NoField() { c := pick(); go func() { _ = s.c }() }',
    'func NoNothing() { go func() { println(1) }() }',
  ];
  const src = `package p\n\n${cases.join('\n\n')}\n`;
  const facts = factsOf(Buffer.from(src));
  t.is(facts.unsure, undefined);
  t.is(facts.runBodies.length, cases.length);
  const got = cases.map((c, i) => `${/^func (\w+)/.exec(c)![1]} ${facts.captureBodies.includes(i)}`);
  t.deepEqual(got, cases.map((c) => { const name = /^func (\w+)/.exec(c)![1]; return `${name} ${name.startsWith('Yes')}`; }));
});

test('facts: what the run literals capture, for the engine to rule out with the workspace\'s declarations (captureWhy)', (t) => {
  // One function per case, each with one body that may capture a context; its entries as expected.
  const cases: [string, string[]][] = [
    ['func Typed(c pkg.Ctx, d Ctx) { go func() { _, _ = c, d }() }', ['n:c', 't:Ctx', 'n:d', 't:Ctx']],
    ['func Call() { c := pkg.Make(1); go func() { _ = c }() }', ['n:c', 'c:Make']],
    ['func Generic() { c := pick[int](1); go func() { _ = c }() }', ['n:c', 'c:pick']],
    ['func Field(s S) { c := s.a.ctx; go func() { _ = c }() }', ['n:c', 's:ctx']],
    ['func FieldOfCall() { c := get().ctx; go func() { _ = c }() }', ['n:c', 's:ctx']],
    ['func Copy(p Ctx) { q := p; c := q; go func() { _ = c }() }', ['n:c', 'v:q', 'v:p', 't:Ctx']],
    ['func Assert(v any) { c := v.(pkg.Ctx); d := v.(*T); go func() { _, _ = c, d }() }', ['n:c', 'a:Ctx', 'n:d', 'a:*']],
    ['func Mismatch() { a, c := f(), g(), h(); go func() { _ = c }() }', ['n:c', '?']],
    ['func Method() { c := f(); go func() { <-c.Done() }() }', ['n:c', 'c:f', 'm']],
    ['func Passed() { c := f(); go func() { use(1, c); x.Run(c, 2) }() }', ['n:c', 'c:f', 'p:use:1', 'p:Run:0']],
    ['func Parens() { c := f(); go func() { <-(c).Done() }() }', ['n:c', 'c:f', 'p:?']],
    ['func LocalFunc(len func() int) { c := len(); go func() { _ = c }() }', ['n:c', 'l:len']],
    ['func Members() { s := struct{ a, b int; C }{}; type i interface{ M() int; J }; c := s.a; go func() { _ = c }() }', ['f:a', 'f:b', 'f:C', 'f:M', 'n:c', 's:a']],
    ['func LiteralArg() { c := f(); go func(x T) { _, _ = x, c }(c); g[int](c) }', ['n:c', 'c:f']],
  ];
  const src = `package p\n\n${cases.map(([c]) => c).join('\n\n')}\n`;
  const facts = factsOf(Buffer.from(src));
  t.is(facts.unsure, undefined);
  t.deepEqual(facts.captureBodies, cases.map((_, i) => i));
  t.deepEqual(facts.captureWhy, cases.map(([, why]) => why));
  t.is(facts.captureTop, undefined);
  // A literal outside every body is marked, and every body kept without a reading when the tests ask for all.
  t.true(factsOf(Buffer.from('package p\n\nvar x = func() int { return y }()\n')).captureTop);
  // Where a signature's Context stands, and an interface's methods with one.
  const decls = factsOf(
    Buffer.from(
      'package p\n\nfunc Takes(n int, a, b context.Context, c int) error { return nil }\n\nfunc Gives[C context.Context]() (c C) { return }\n\nfunc Both(context.Context, int, ...context.Context) context.Context { return nil }\n\nfunc Neither(n int) int { return n }\n\ntype I interface {\n\tCtx() context.Context\n\tRun(n int, ctx context.Context)\n\tName() string\n}\n',
    ),
  ).decls;
  t.deepEqual(
    decls.map((d) => [d.name, d.cr ?? null, d.cp ?? null, d.im ?? null]),
    [
      ['Takes', null, [1, 2], null],
      ['Gives', true, null, null],
      // A lone name may be a parameter's name grouped with the next one's type: int counts too.
      ['Both', true, [0, 1, -1], null],
      ['Neither', null, null, null],
      ['I', null, null, ['r:Ctx', 'p:Run:1']],
    ],
  );
});

test('importsOf: the imports factsOf gives, over std files and texts where a declaration keyword starts a line early', async (t) => {
  const goroot = await findGoroot();
  let n = 0;
  for (const dir of ['net/http', 'context', 'os']) {
    for (const f of (await goFiles(path.join(goroot, 'src', dir))).slice(0, 60)) {
      const text = await fs.readFile(f, 'utf8');
      t.deepEqual(importsOf(text), factsOf(Buffer.from(text)).imports, f);
      n++;
    }
  }
  t.true(n > 100);
  const tricky = [
    'package p\n\n/*\nfunc not code\n*/\nimport "fmt"\n\nfunc F() { fmt.Println() }\n',
    'package p\n\nimport (\n\t"fmt"\n\tx `os\nfunc`\n)\n\nfunc F() {}\n',
    'package p\r\n\r\nimport "fmt"\r\n\r\nvar _ = fmt.Sprint\r\n',
    'package p\n\nfunc F() {}\n',
    'package p\n\nfunc F() {}\n\nimport "late"\n',
  ];
  for (const text of tricky) t.deepEqual(importsOf(text), factsOf(Buffer.from(text)).imports, text);
});

test('facts: what the lexer cannot be sure of is marked, never thrown', (t) => {
  for (const src of ['package p\nvar s = "unterminated\n', 'package p\nfunc f() { /* open', 'package p\nfunc f() {', 'package p\nvar r = `raw', 'package p\n#\n', 'package p\nfunc f() )']) {
    const f = factsOf(Buffer.from(src));
    t.truthy(f.unsure, JSON.stringify(src));
  }
  const ok = factsOf(Buffer.from('package p\n\nimport (\n\tx "example.com/y"\n\t. "fmt"\n)\n\ntype A = B\ntype B[T any] struct{ f func(ctx Ctx); *Embedded; a, b [4]int }\nfunc (r *B[T]) M(c Ctx) (x int) { return }\n'));
  t.is(ok.unsure, undefined);
  t.deepEqual(ok.imports, [{ name: 'x', path: 'example.com/y' }, { name: '.', path: 'fmt' }]);
  t.deepEqual(ok.decls.map((d) => [d.kind, d.name, d.recv ?? d.aliasOf ?? '']), [['type', 'A', 'B'], ['type', 'B', ''], ['method', 'M', 'B']]);
  const b = ok.decls[1];
  t.deepEqual(b.fields?.map((f) => f.name).sort(), ['Embedded', 'a', 'b', 'f']);
  t.true(hasWord(b.fields!.find((f) => f.name === 'f')!.words, 'Ctx'));
  t.true(hasWord(ok.decls[2].words, 'Ctx'));
});

test("the lexer's warm-up files read cleanly, agree with the tree, and take the paths they are there for", async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'goshift-warm-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const files = await Promise.all(WARM_FILES.map(async (src, i) => {
    const abs = path.join(dir, `w${i}.go`);
    await fs.writeFile(abs, src);
    return abs;
  }));
  await agree(t, files);
  const [ascii, wide, end] = WARM_FILES.map((src) => factsOf(Buffer.from(src)));
  for (const f of [ascii, wide, end]) t.is(f.unsure, undefined);
  t.true(ascii.generated);
  t.is(ascii.linknames.length, 2);
  t.deepEqual([...new Set(ascii.decls.map((d) => d.kind))].sort(), ['func', 'method', 'type', 'var']);
  t.not(ascii.consts, '');
  t.true(ascii.decls.some((d) => d.aliasOf) && ascii.decls.some((d) => d.fields?.length));
  t.true(ascii.runBodies.length > ascii.captureBodies.length && ascii.captureBodies.length > 0 && ascii.localTypes.length > 0 && ascii.later.length > 0);
  t.true(someWord(wide.words, (w) => /[^\x00-\x7f]/.test(w)));
  // The second file ends in a comment without a line end, the third right after an operator.
  t.true(/\/\/[^\n]*$/.test(WARM_FILES[1]) && WARM_FILES[2].endsWith('}'));
});

// The patched Go grammar (grammar/tree-sitter-go-goshift): Go 1.21–1.26 syntax parses without errors, trees
// of what upstream tree-sitter-go already parsed stay exactly upstream's, and real syntax errors stay errors.
import test from 'ava';
import Parser from 'tree-sitter';
import Upstream from 'tree-sitter-go';
import Ours from 'tree-sitter-go-goshift';
import { parseSource } from '../lib/source.js';
import type { SourceFile } from '../lib/types.js';

const lang = (l: unknown) => l as Parser.Language;
const ours = new Parser();
ours.setLanguage(lang(Ours));
const upstream = new Parser();
upstream.setLanguage(lang(Upstream));

/** A function body holding `body`, so snippets can be statements. */
const inFunc = (body: string) => `package p\n\nfunc f() {\n${body}\n}\n`;

/** Parses with goshift's own entry point, so a revert of lib/source.ts's grammar import shows here. */
function goshiftParse(text: string) {
  const sf = { abs: '/x/p.go', rel: 'p.go', dir: '/x', importPath: 'p', isTest: false, target: true } as unknown as SourceFile;
  return parseSource(sf, Buffer.from(text, 'utf8'));
}

/** The first call_expression's argument list, as an s-expression. */
function firstCallArgs(parser: Parser, text: string): string {
  const call = parser.parse(text).rootNode.descendantsOfType('call_expression')[0];
  if (!call) throw new Error(`no call in ${text}`);
  return `${call.childForFieldName('function')?.type} ${call.childForFieldName('arguments')?.toString()}`;
}

const modern: [string, string][] = [
  ['new(int literal)', inFunc('p := new(42)\n_ = p')],
  ['new(binary expression)', inFunc('x := 1\n_ = new(x + 1)')],
  ['new(call)', inFunc('_ = new(f())')],
  ['new(conversion), as in runtime/secret', inFunc('_ = new(secretType(secretValue))')],
  ['new(call with a context argument)', inFunc('_ = new(Greet("x", ctx))')],
  ['new(string, float, rune, bool, nil)', inFunc('_, _, _, _, _ = new("s"), new(1.5), new(\'a\'), new(true), new(nil)')],
  ['new(unary, composite literal, func literal)', inFunc('_, _, _ = new(-x), new([]int{1}), new(func() {})')],
  ['new(len(s) + 1) in an if header', inFunc('if p := new(len(s) + 1); *p > 0 {\n}')],
  ['new(expr) at package level', 'package p\n\nvar P = new(len("abc") + 1)\n'],
  ['a local make shadowing the builtin, as in encoding/json/v2', inFunc([
    'var make func(int) *X',
    'make = func(n int) *X {',
    '\tif n == 0 {',
    '\t\treturn nil',
    '\t}',
    '\treturn &X{make(n - 1), make(n - 1)}',
    '}',
    '_ = make(100)',
  ].join('\n'))],
  ['a local new shadowing the builtin, variadic', inFunc('new := func(xs ...int) {}\nnew(xs...)\nnew()\nnew(1, 2)')],
  ['range over func (iter.Seq, iter.Seq2)', inFunc('for w := range Words(s, ctx) {\n\t_ = Greet(w, ctx)\n}\nfor i, v := range seq2 {\n\t_, _ = i, v\n}\nfor range seq {\n}')],
  ['an iterator function', 'package p\n\nimport "iter"\n\nfunc Count(n int) iter.Seq[int] {\n\treturn func(yield func(int) bool) {\n\t\tfor i := range n {\n\t\t\tif !yield(i) {\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}\n'],
  ['range over int', inFunc('for i := range 10 {\n\t_ = i\n}\nfor range 3 {\n}')],
  ['generic type aliases', 'package p\n\ntype Set[T comparable] = map[T]struct{}\n\ntype Pair[K comparable, V any] = struct {\n\tKey K\n\tVal V\n}\n\nvar s Set[string]\n'],
  ['a type parameter referring to its own type', 'package p\n\ntype Adder[A Adder[A]] interface {\n\tAdd(A) A\n}\n\nfunc Sum[A Adder[A]](xs ...A) (z A) {\n\treturn\n}\n'],
  ['min, max, clear', inFunc('_ = min(1, 2, 3)\n_ = max(a, b)\nclear(m)')],
  // Not new syntax, but valid Go upstream rejects: no newline after a last const/type/var declaration.
  ['no newline at the end, after a type declaration', 'package p\n\ntype T struct {\n\tA int\n}'],
  ['no newline at the end, after a grouped var declaration', 'package p\n\nvar (\n\tx = 1\n)'],
  ['no newline at the end, after a const declaration and a comment', 'package p\n\nconst c int = 1 // the end'],
  ['no newline at the end, after a func declaration', 'package p\n\nfunc f() {}'],
];

for (const [name, text] of modern) {
  test(`parses without errors: ${name}`, (t) => {
    const pf = goshiftParse(text);
    t.is(pf.error, undefined, `${text}\n${pf.root.toString()}`);
  });
}

test('new(expr) is a call_expression whose argument_list holds the expression', (t) => {
  const text = inFunc('_ = new(x + 1)');
  t.is(firstCallArgs(ours, text), 'identifier (argument_list (binary_expression left: (identifier) right: (int_literal)))');
  const call = ours.parse(text).rootNode.descendantsOfType('call_expression')[0]!;
  t.is(call.childForFieldName('function')!.text, 'new');
  t.is(call.childForFieldName('arguments')!.namedChildren[0]!.text, 'x + 1');
  t.is(firstCallArgs(ours, inFunc('_ = new(42)')), 'identifier (argument_list (int_literal))');
  t.is(firstCallArgs(ours, inFunc('_ = new(f())')), 'identifier (argument_list (call_expression function: (identifier) arguments: (argument_list)))');
  t.is(firstCallArgs(ours, inFunc('_ = make(n - 1)')), 'identifier (argument_list (binary_expression left: (identifier) right: (int_literal)))');
});

// What upstream already parsed must give upstream's tree, to the byte: a type operand stays a type.
const unchanged = [
  'new(T)', 'new(int)', 'new([]int)', 'new(pkg.T)', 'new(*T)', 'new(T[int])', 'new(pkg.T[int, string])',
  'new(map[string]int)', 'new(chan int)', 'new(func(int) error)', 'new(struct{ a int })', 'new(interface{})',
  'new((T))', 'new([4]byte)', 'make([]int, n)', 'make([]int, 0, n)', 'make(map[string]int)', 'make(map[K]V, len(xs))',
  'make(chan int, 1)', 'make(T)', 'make(pkg.T, n+1)',
];
for (const expr of unchanged) {
  test(`same tree as upstream tree-sitter-go: ${expr}`, (t) => {
    const text = inFunc(`_ = ${expr}`);
    const a = upstream.parse(text).rootNode, b = ours.parse(text).rootNode;
    t.false(a.hasError, 'upstream parses it');
    t.false(b.hasError);
    t.is(b.toString(), a.toString());
  });
}

// The grammar declares no supertypes (so that tree-sitter leaves out the hidden node it would otherwise
// keep around every expression, statement and simple type): node-types.json then lists, where upstream
// names a supertype, the types it stands for. Every node type, field and child is upstream's.
test('node types are upstream\'s, with its supertypes spelled out', (t) => {
  type Ref = { type: string; named: boolean };
  type Info = { type: string; named: boolean; subtypes?: Ref[]; fields?: Record<string, { multiple: boolean; required: boolean; types: Ref[] }>; children?: { multiple: boolean; required: boolean; types: Ref[] } };
  const info = (l: unknown) => (l as { nodeTypeInfo: Info[] }).nodeTypeInfo;
  const up = info(Upstream);
  const supers = new Map(up.filter((n) => n.subtypes).map((n) => [n.type, n.subtypes!]));
  t.deepEqual([...supers.keys()].sort(), ['_expression', '_simple_statement', '_simple_type', '_statement', '_type']);
  const expand = (refs: Ref[]): string[] => [...new Set(refs.flatMap((r) => (supers.has(r.type) ? expand(supers.get(r.type)!) : [`${r.type}${r.named ? '' : '!'}`])))].sort();
  const norm = (ns: Info[]) =>
    ns
      .filter((n) => !n.subtypes)
      .map((n) => ({
        type: `${n.type}${n.named ? '' : '!'}`,
        fields: Object.fromEntries(Object.entries(n.fields ?? {}).map(([k, f]) => [k, { multiple: f.multiple, required: f.required, types: expand(f.types) }])),
        children: n.children ? { multiple: n.children.multiple, required: n.children.required, types: expand(n.children.types) } : null,
      }))
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  t.false(info(Ours).some((n) => n.subtypes), 'no supertypes');
  t.deepEqual(norm(info(Ours)), norm(up));
});

const broken: [string, string][] = [
  ['an unclosed new(', inFunc('_ = new(42')],
  ['new with a dangling operator', inFunc('_ = new(x +)')],
  ['make with an empty first argument', inFunc('_ = make(, n)')],
  ['new followed by a statement keyword', inFunc('_ = new(return)')],
  ['a call with a dangling comma pair', inFunc('f(a,, b)')],
  ['a range clause without an expression', inFunc('for i := range {\n}')],
  ['an unclosed parameter list', 'package p\n\nfunc f(a int {\n}\n'],
  ['a generic alias without a type', 'package p\n\ntype Set[T comparable] =\n'],
  ['an unclosed struct at the end of the file', 'package p\n\ntype T struct{ a int '],
];
for (const [name, text] of broken) {
  test(`still a syntax error: ${name}`, (t) => {
    const pf = goshiftParse(text);
    t.truthy(pf.error, `${text}\n${pf.root.toString()}`);
    t.regex(pf.error!.message, /^syntax error/);
  });
}

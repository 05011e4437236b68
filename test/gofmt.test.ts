// lib/gofmt.ts against gofmt itself: for each expression, the text goshift gives the only argument
// of a call that gains a second must be what gofmt prints for the call with both.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { asOneOfSeveral } from '../lib/gofmt.js';
import { parseSource } from '../lib/source.js';
import type { Node } from '../lib/source.js';
import type { SourceFile } from '../lib/types.js';

const EXPRS = [
  '"load " + id', 'a + b + c', 'a*b + c', 'a + b*c', 'a * b', 'a - -b', 'a + +b', 'a / *p', 'a & ^b', 'a & &b[0]',
  'a == b+c', 'a+b == c', 'a < b && c > d', 'x || y', '(a + b)', '-(a + b)', 'g(a + b)', 'g(a + b, c)',
  'g(a + b)(c + d)', 's[a+1 : b]', 's[a:b]', 's[a : b+1 : c]', 's[a+b]', 'T{a + b}', 'func() int { return a + b }()',
  'x.f(a + b).g', 'v.(T)', 'a << 2 | b', 'a &^ b + c', 'h(s[a+1 : b])', 'a +\n\tb',
];

function gofmt(src: string): string {
  return execFileSync('gofmt', [], { input: src, encoding: 'utf8' });
}

test('asOneOfSeveral gives what gofmt prints once a call of one argument has two', (t) => {
  for (const e of EXPRS) {
    const one = gofmt(`package p\n\nfunc _() {\n\tf(${e})\n}\n`);
    const two = gofmt(`package p\n\nfunc _() {\n\tf(x, ${e})\n}\n`);
    const pf = parseSource({ abs: 'x.go', rel: 'x.go' } as SourceFile, Buffer.from(one));
    const call = pf.root.descendantsOfType('call_expression').find((c: Node) => c.childForFieldName('function')?.text === 'f')!;
    const args = call.childForFieldName('arguments')!;
    const arg = args.namedChildren.filter((c: Node) => c.type !== 'comment')[0];
    const edits = asOneOfSeveral(arg, pf.text);
    if (!edits) {
      t.fail(`${e}: unsure`);
      continue;
    }
    let text = pf.text;
    for (const r of [...edits].sort((a, b) => b.start - a.start)) text = text.slice(0, r.start) + r.text + text.slice(r.end);
    text = text.slice(0, args.startIndex + 1) + 'x, ' + text.slice(args.startIndex + 1);
    t.is(text, two, JSON.stringify(e));
  }
});

test('asOneOfSeveral is unsure of a comment between an operand and its operator', (t) => {
  const src = 'package p\n\nfunc _() {\n\tf(a + /* b */ b)\n}\n';
  const pf = parseSource({ abs: 'x.go', rel: 'x.go' } as SourceFile, Buffer.from(src));
  const call = pf.root.descendantsOfType('call_expression')[0];
  t.is(asOneOfSeveral(call.childForFieldName('arguments')!.namedChildren.filter((c: Node) => c.type !== 'comment')[0], pf.text), null);
});

// A short seeded fuzz run (the long one is `npm run fuzz`, 10,000 mutants), and checks that the
// fuzzer's own checks catch what they are meant to catch (otherwise 0 findings would prove nothing).
import test from 'ava';
import { checkChange, defaultPasses, formatFuzz, fuzz, goroot, loadCorpus, makeMutant, type Pass } from '../scripts/fuzz-lib.js';
import type { FileChange, SourceFile } from '../lib/types.js';

const sf: SourceFile = { abs: '/x/p.go', rel: 'p/p.go', dir: '/x', importPath: 'x/p', module: { root: '/x', path: 'x' }, isTest: false, target: true };
const change = (before: string | Buffer, after: string, encoding: 'utf8' | 'latin1' = 'utf8'): FileChange => ({
  file: sf,
  before: typeof before === 'string' ? Buffer.from(before, encoding) : before,
  after,
  encoding,
});
const pass = (check: Pass['check']): Pass => ({ name: 'test', transforms: [], check });

const SRC = `package p

import "context"

func F(a int, ctx context.Context, b string) {
	G(1, ctx)
	H(x, y)
}
`;

test('checker: a permutation of parameters and arguments is fine', (t) => {
  const after = SRC.replace('F(a int, ctx context.Context, b string)', 'F(ctx context.Context, a int, b string)').replace('G(1, ctx)', 'G(ctx, 1)');
  t.is(checkChange(change(SRC, after), pass('permutation'), true), null);
  // Nested: a moved argument carries its own permutation.
  const nested = SRC.replace('H(x, y)', 'H(G(1, ctx), y)');
  t.is(checkChange(change(nested, nested.replace('H(G(1, ctx), y)', 'H(y, G(ctx, 1))')), pass('permutation'), true), null);
});

test('checker: evaluation-order temporaries (lib/temps.ts) count as the permutation they stand for', (t) => {
  const src = SRC.replace('G(1, ctx)', 'G(f(), ctx, g())');
  const re = (s: string | null) => s ?? '(no problem found)';
  // What ctx-first writes when G's context moves first and f() must still run before g().
  const temps = src.replace('\tG(f(), ctx, g())\n', '\targ, arg2 := f(), g()\n\tG(ctx, arg, arg2)\n');
  t.is(checkChange(change(src, temps), pass('permutation'), true), null);
  // A binding the input already had, in that shape, stays as it was.
  const had = src.replace('\tG(f(), ctx, g())\n', '\tv := f()\n\tG(v, ctx, g())\n');
  t.is(checkChange(change(had, had.replace('G(v, ctx, g())', 'G(ctx, v, g())')), pass('permutation'), true), null);
  // Not a temporary: its name is used again, or what it binds is not what the call passed.
  const twice = src.replace('\tG(f(), ctx, g())\n', '\targ := f()\n\tG(ctx, arg, g())\n\tH(arg, y)\n');
  t.regex(re(checkChange(change(src, twice), pass('permutation'), true)), /changed outside parameter and argument lists/);
  const other = src.replace('\tG(f(), ctx, g())\n', '\targ, arg2 := f(), h()\n\tG(ctx, arg, arg2)\n');
  t.regex(re(checkChange(change(src, other), pass('permutation'), true)), /not one of its old items/);
});

test('checker: anything else is a bad write', (t) => {
  const re = (s: string | null) => s ?? '(no problem found)';
  // Statements swapped: outside any list.
  const swapped = SRC.replace('\tG(1, ctx)\n\tH(x, y)\n', '\tH(x, y)\n\tG(1, ctx)\n');
  t.regex(re(checkChange(change(SRC, swapped), pass('permutation'), true)), /changed outside parameter and argument lists/);
  // An item of a list edited, not moved.
  t.regex(re(checkChange(change(SRC, SRC.replace('G(1, ctx)', 'G(2, ctx)')), pass('permutation'), true)), /not one of its old items/);
  // A token lost.
  t.regex(re(checkChange(change(SRC, SRC.replace('G(1, ctx)', 'G(1)')), pass('insertion'), true)), /not only insertions/);
  // Insertions only are fine for an inserting transform.
  t.is(checkChange(change(SRC, SRC.replace('G(1, ctx)', 'G(1, ctx, ctx)')), pass('insertion'), true), null);
  // Broken afterwards.
  t.regex(re(checkChange(change(SRC, SRC.replace('H(x, y)', 'H(x, y')), pass('none'), true)), /parsed it before, not after/);
  // Broken before: must not change at all.
  t.regex(re(checkChange(change(SRC, SRC), pass('none'), false)), /could not parse it, yet it was changed/);
  // Bytes outside the change: a BOM lost, CRLF turned into LF.
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SRC)]);
  t.regex(re(checkChange(change(bom, SRC.replace('G(1, ctx)', 'G(ctx, 1)')), pass('none'), true)), /the BOM is lost/);
  const crlf = SRC.replace(/\n/g, '\r\n');
  t.regex(re(checkChange(change(crlf, SRC.replace('G(1, ctx)', 'G(ctx, 1)')), pass('none'), true)), /line endings were CRLF, are LF/);
  t.regex(re(checkChange(change(SRC, SRC.slice(0, -1)), pass('none'), true)), /the final newline is lost/);
  const utf = SRC.replace('package p', 'package p // café');
  t.regex(re(checkChange(change(utf, utf.replace('é', 'e')), pass('none'), true)), /not ASCII changed/);
  // Read as latin1, written as UTF-8.
  const l1 = Buffer.from(SRC.replace('package p', 'package p // caf\xe9'), 'latin1');
  t.regex(re(checkChange(change(l1, l1.toString('latin1'), 'utf8'), pass('none'), true)), /read as latin1, written as utf8/);
});

test('mutants depend only on the seed and their index', (t) => {
  const corpus = loadCorpus(goroot());
  t.true(corpus.length > 100, `${corpus.length} standard library files use context`);
  const a = makeMutant(corpus, 5, 17);
  const b = makeMutant(corpus, 5, 17);
  t.deepEqual([a.origin, a.ops, a.bytes], [b.origin, b.ops, b.bytes]);
  t.notDeepEqual(makeMutant(corpus, 6, 17).bytes, a.bytes);
});

test('short fuzz run: 250 mutants of the standard library, no crash, no bad write', async (t) => {
  // Each pass alone (the default set together is left to npm run fuzz); no second runs: the fixtures
  // check idempotence, npm run fuzz checks it on mutants.
  const passes = defaultPasses().map((p) => p.name).filter((n) => n !== 'default');
  const r = await fuzz({ seed: 4, count: 250, batch: 125, passes, idempotence: false });
  t.log(formatFuzz(r));
  t.is(r.crashes, 0);
  t.is(r.badWrites, 0);
  // Not vacuous: mutants that parse and mutants that do not, and changes to check.
  t.true(r.parsed > 50 && r.parsed < r.count, `${r.parsed} of ${r.count} parse`);
  t.not(r.gofmtParsed, null, 'gofmt is on PATH (it comes with Go), so parses are checked with it too');
  t.true(r.passes['ctx-first'].changed >= 10, 'ctx-first changed files');
  t.true(r.passes['ctx-last'].changed >= 10, 'ctx-last changed files');
});

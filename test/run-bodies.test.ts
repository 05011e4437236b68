// The facts leave out of runBodies (and a file with no other such body out of runLits) the
// function bodies whose run literals read no variable that may be a context (lib/facts.ts,
// localNames): ctx-closure neither parses nor walks them. That must never change a result: every
// fixture, std packages where ctx-closure changes and reports literals, and the semantic
// fuzzer's modules give the same changes and the same report with those bodies left out as with
// every body kept (GOSHIFT_DEBUG_EVERY_RUN_BODY); and over std the first parses fewer files. The
// bodies left out include those the workspace's declarations rule out (refineCaptures), which is
// also checked case by case below. A file
// only such a transform reads is parsed in the edit stage, and its tree let go after its rewrite.
import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EVERY_RUN_BODY } from '../lib/debug.js';
import { factsOf } from '../lib/facts.js';
import type { FileFacts } from '../lib/facts.js';
import type { Program } from '../lib/program.js';
import { mentionsFor, refineCaptures } from '../lib/select.js';
import { fullCollection } from '../lib/gc.js';
import { runWorkspace } from '../lib/parts.js';
import type { RunResult, Transform } from '../lib/types.js';
import { discover } from '../lib/workspace.js';
import { transforms as allTransforms, defaultTransforms } from '../transforms/index.js';
import { ctxClosure } from '../transforms/ctx-closure.js';
import { findGoroot } from '../scripts/roundtrip-lib.js';
import { generateModule } from '../scripts/semfuzz-lib.js';
import { findFixtures } from './support/fixtures.js';
import { fixturesRoot } from './support/paths.js';
import { copyTree, makeTempDir, removeTree, writeFiles } from './support/tree.js';

/** What a run says: every changed file's new text, and the report (but how many files it parsed). */
function outcome(r: RunResult): string {
  return JSON.stringify({ changes: r.changes.map((c) => [c.file.rel, c.after, c.notes]), report: { ...r.report, filesParsed: undefined }, sets: r.sets });
}

/** Where two outcomes differ, briefly (the files whose new text differs, or the report), or '' when they are the same. */
function difference(a: string, b: string): string {
  if (a === b) return '';
  const x = JSON.parse(a) as { changes: [string, string][]; report: unknown };
  const y = JSON.parse(b) as { changes: [string, string][]; report: unknown };
  const texts = (o: typeof x) => new Map(o.changes.map(([rel, after]) => [rel, after]));
  const tx = texts(x);
  const ty = texts(y);
  const files = [...new Set([...tx.keys(), ...ty.keys()])].filter((f) => tx.get(f) !== ty.get(f));
  return files.length ? `new text differs in ${files.join(', ')}` : `reports differ: ${JSON.stringify(x.report)} against ${JSON.stringify(y.report)}`;
}

/** The result over root with the bodies left out and with every body kept, and how many files each parsed. */
async function both(root: string, transforms: Transform[], api: 'keep' | 'change' = 'change') {
  const run = async (every: boolean) => {
    if (every) process.env[EVERY_RUN_BODY] = '1';
    else delete process.env[EVERY_RUN_BODY];
    try {
      const r = await runWorkspace(await discover([], { cwd: root }), transforms, { allowTypesBefore: [], api, jobs: 1, cacheDir: null });
      return { out: outcome(r), parsed: r.report.filesParsed };
    } finally {
      delete process.env[EVERY_RUN_BODY];
    }
  };
  return { pruned: await run(false), every: await run(true) };
}

test.serial('every fixture: the same result whether or not the bodies whose run literals capture no context are left out', async (t) => {
  const { fixtures } = await findFixtures(fixturesRoot);
  let compared = 0;
  for (const f of fixtures) {
    if (f.gopath) continue;
    const chosen = f.transform === 'ctx-closure' ? defaultTransforms() : allTransforms.filter((x) => x.name === f.transform);
    if (!chosen.some((x) => x.name === 'ctx-closure')) continue;
    const { pruned, every } = await both(f.input, chosen, f.args.includes('keep') ? 'keep' : 'change');
    t.is(difference(pruned.out, every.out), '', `${f.input}: a result that depends on the bodies left out`);
    compared++;
  }
  t.true(compared > 20);
});

test.serial('std packages where ctx-closure changes and reports literals: the same result, fewer files parsed', async (t) => {
  const goroot = await findGoroot();
  const tmp = await makeTempDir('goshift-runbodies-');
  try {
    for (const pkg of ['context', 'database/sql', 'os/exec', 'net/http/httputil', 'runtime/pprof', 'log/slog', 'internal/fuzz', 'weak']) await copyTree(path.join(goroot, 'src', pkg), path.join(tmp, pkg));
    for (const e of await fs.readdir(tmp, { withFileTypes: true, recursive: true })) {
      const p = path.join(e.parentPath, e.name);
      if (e.isFile() && p.includes(`${path.sep}testdata${path.sep}`)) await fs.rm(p);
    }
    await fs.writeFile(path.join(tmp, 'go.mod'), 'module std\n\ngo 1.26\n');
    const { pruned, every } = await both(tmp, defaultTransforms());
    t.is(difference(pruned.out, every.out), '');
    const r = JSON.parse(pruned.out) as { report: { counts: { n: number }[]; leftAlone: unknown[] } };
    t.true(r.report.counts.some((c) => c.n > 0) && r.report.leftAlone.length > 0, 'ctx-closure changes and reports literals here');
    t.true(pruned.parsed < every.parsed, `files parsed: ${pruned.parsed} with the bodies left out, ${every.parsed} with every body`);
  } finally {
    await removeTree(tmp);
  }
});

test.serial('semantic fuzzer modules: the same result whether or not the bodies whose run literals capture no context are left out', async (t) => {
  const tmp = await makeTempDir('goshift-runbodies-fuzz-');
  try {
    for (let i = 0; i < 10; i++) {
      const dir = path.join(tmp, `gen${i}`);
      await writeFiles(dir, generateModule(11, i).files);
      const { pruned, every } = await both(dir, defaultTransforms());
      t.is(difference(pruned.out, every.out), '', `module ${i}`);
    }
  } finally {
    await removeTree(tmp);
  }
});

test.serial('a file read only for a transform looking at run literals is parsed when the edit stage comes to it and let go after', async (t) => {
  // Every file holds a goroutine literal and nothing else: with no transform moving contexts, each
  // is read only for the probe, which looks at run literals. When it comes to a file, the trees of
  // the files before it must be garbage (a full collection frees them), not all alive at once.
  const files: Record<string, string> = { 'go.mod': 'module probe\n\ngo 1.22\n' };
  const n = 12;
  for (let i = 0; i < n; i++) files[`f${i}.go`] = `package probe\n\nfunc F${i}(x int) {\n\tgo func() { println(x + ${i}) }()\n}\n`;
  const tmp = await makeTempDir('goshift-release-');
  const gc = fullCollection();
  t.truthy(gc, 'a full collection on demand');
  const trees: WeakRef<object>[] = [];
  let mostAlive = 0;
  const probe: Transform = {
    name: 'probe',
    description: 'counts the trees of the files rewritten before this one that are still alive',
    runLiteralsOnly: true,
    rewriteFile(api) {
      gc?.();
      mostAlive = Math.max(mostAlive, trees.filter((r) => r.deref() !== undefined).length);
      trees.push(new WeakRef(api.root.tree));
      t.true(/go func\(\) \{ println/.test(api.text));
    },
  };
  try {
    await writeFiles(tmp, Object.entries(files));
    const r = await runWorkspace(await discover([], { cwd: tmp }), [probe], { allowTypesBefore: [], api: 'change', jobs: 1, cacheDir: null });
    t.is(trees.length, n, 'every file rewritten');
    t.is(r.report.filesParsed, n);
    t.deepEqual(r.report.errors, []);
    t.is(mostAlive, 0, 'trees of files already rewritten still alive');
  } finally {
    await removeTree(tmp);
  }
});

test('whether ctx-closure reads a file follows its facts when refineCaptures rules its bodies out', (t) => {
  // mentionsFor keeps its answers per file: asked while the facts come in (parsedEarly), before the
  // workspace's declarations are known, it must answer again once refineCaptures changed the facts.
  const facts = factsOf(Buffer.from('package a\n\nfunc OutTyped(ctx Number) { go func() { _ = ctx }() }\n'));
  const prog = { facts: new Map([['/w/a/a.go', facts]]) } as unknown as Program;
  t.true(mentionsFor(ctxClosure, facts), 'before: a literal that may capture a context');
  t.is(refineCaptures(prog, new Set(), 0), 1);
  t.false(facts.captureLits);
  t.false(mentionsFor(ctxClosure, facts), 'after: its only body ruled out');
});

test('the workspace\'s declarations rule out the bodies whose captures cannot be contexts, and keep every other', (t) => {
  // Package a's functions, one body each, named for whether refineCaptures must keep the body.
  const a = `package a

import "context"

var top = context.Background()

func KeepTyped(c Ctx) { go func() { _ = c }() }
func KeepLocalType() { type L = int; var c L; go func() { _ = c }() }
func KeepInterfaceMethod(g Getter) { c := g.Ctx(); go func() { _ = c }() }
func KeepFunc() { c := b.Derive(); go func() { _ = c }() }
func KeepField(j b.Job) { c := j.ctx; go func() { _ = c }() }
func KeepFileVar() { c := top; go func() { _ = c }() }
func KeepRedeclared() { c := len(nil); go func() { _ = c }() }
func KeepNamed() { myCtx := b.Unknown(); go func() { _ = myCtx }() }
func KeepDone() { c := b.Unknown(); go func() { <-c.Done() }() }
func KeepPassed() { c := b.Unknown(); go func() { b.Use(c) }() }
func KeepPassedContext() { c := b.Unknown(); go func() { x.WithContext(c) }() }
func KeepParens() { c := b.Unknown(); go func() { <-(c).Done() }() }
func KeepLocalStruct() { h := struct{ inner context.Context }{}; c := h.inner; go func() { _ = c }() }
func KeepLocalIface() { type g interface{ Give() context.Context }; var x g; c := x.Give(); go func() { _ = c }() }
func KeepLocalIfaceParam() { type u interface{ Use(n int, ctx context.Context) }; var x u; c := b.Unknown(); go func() { x.Use(1, c) }() }
func KeepLocalBuiltin() { cap := b.Unknown; myCtx := cap(); go func() { _ = myCtx }() }
func KeepContextCall(r R) { c := r.Context(); go func() { _ = c }() }
func KeepBackground() { c := context.Background(); go func() { _ = c }() }
func OutTyped(n Number) { go func() { _ = n }() }
func OutTakesNotGives() { c, err := b.Use(nil); go func() { _, _ = c, err }() }
func OutUnknownUnused() { c := b.Unknown(); go func() { println(c) }() }
func OutBuiltin() { c := cap(nil); go func() { _ = c }() }
func OutOtherFileVar() { c := other; go func() { _ = c }() }
func OutField(j b.Job) { c := j.name; go func() { _ = c }() }
func OutAssert(v any) { c := v.(*Number); go func() { _ = c }() }
`;
  const aliases = `package a

import "context"

type Ctx = context.Context

type Getter interface{ Ctx() context.Context }

func len(x any) context.Context { return nil }
`;
  const b = `package b

import "context"

type Job struct {
\tctx  context.Context
\tname string
}

func Derive() context.Context { return nil }

func Use(ctx context.Context) (int, error) { return 0, nil }

func Unknown() int { return 0 }

var other = 1
`;
  const files = new Map<string, FileFacts>([
    ['/w/a/a.go', factsOf(Buffer.from(a))],
    ['/w/a/aliases.go', factsOf(Buffer.from(aliases))],
    ['/w/b/b.go', factsOf(Buffer.from(b))],
  ]);
  const names = [...a.matchAll(/^func (\w+)/gm)].map((m) => m[1]);
  const fresh = () => new Map([...files].map(([k, v]) => [k, structuredClone(v)]));
  const kept = (facts: FileFacts) => facts.captureBodies.map((i) => names[i]);
  const prog = { facts: fresh() } as unknown as Program;
  t.deepEqual(kept(prog.facts.get('/w/a/a.go')!), names, 'every body listed before');
  const out = refineCaptures(prog, new Set(['Ctx']), 0);
  t.deepEqual(kept(prog.facts.get('/w/a/a.go')!), names.filter((n) => n.startsWith('Keep')));
  t.is(out, names.filter((n) => n.startsWith('Out')).length);
  t.true(prog.facts.get('/w/a/a.go')!.captureLits);
  // With a file that could not be read, nothing is ruled out.
  const unread = { facts: fresh() } as unknown as Program;
  t.is(refineCaptures(unread, new Set(['Ctx']), 1), 0);
  // A file the lexer was unsure of may declare an alias of context.Context, or a function returning one.
  const e = factsOf(Buffer.from('package e\n\nfunc f(c MyCtx) { go func() { _ = c }() }\n\nfunc g() { c := h(); go func() { _ = c }() }\n'));
  const unsure = factsOf(Buffer.from('package e\n\ntype MyCtx = context.Context\n\nfunc h() context.Context { return nil }\n\nvar s = "unterminated\n'));
  t.truthy(unsure.unsure);
  t.is(refineCaptures({ facts: new Map([['/w/e/e.go', structuredClone(e)]]) } as unknown as Program, new Set(), 0), 2, 'without the file the lexer was unsure of, both bodies are ruled out');
  const withUnsure = { facts: new Map([['/w/e/e.go', e], ['/w/e/u.go', unsure]]) } as unknown as Program;
  t.is(refineCaptures(withUnsure, new Set(), 0), 0);
  t.deepEqual(withUnsure.facts.get('/w/e/e.go')!.captureBodies, [0, 1]);
  // A file whose every body is ruled out no longer has literals that may capture a context.
  const only = { facts: new Map([['/w/d/d.go', factsOf(Buffer.from('package d\n\nfunc f(n int) { m := g(); go func() { _ = m + n }() }\n'))]]) } as unknown as Program;
  t.is(refineCaptures(only, new Set(), 0), 1);
  t.false(only.facts.get('/w/d/d.go')!.captureLits);
});

// ctx-legacy without a Go toolchain: the go.mod note (Transform.afterRun), what is left alone, the
// prefilter. The fixtures (fixtures/ctx-legacy/) check the rewrites themselves with go.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, tempDir, writeTree } from './unit-tmp.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/goshift.js');
const dirs: string[] = [];
test.after.always(() => {
  for (const d of dirs) cleanup(d);
});

function module(files: Record<string, string>, gomod = 'module example.com/m\n\ngo 1.22\n\nrequire golang.org/x/net v0.1.0\n'): string {
  const d = tempDir('legacy');
  dirs.push(d);
  writeTree(d, { 'go.mod': gomod, ...files });
  return d;
}

function goshift(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, '-t', 'ctx-legacy', '--no-cache', ...args, '.'], { cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const legacy = 'package a\n\nimport "golang.org/x/net/context"\n\nfunc F(ctx context.Context) context.Context { return ctx }\n';
const NOTE = 'golang.org/x/net may no longer be needed by example.com/m: no file of it imports golang.org/x/net/... any more; run go mod tidy';

test('the summary says when no file imports golang.org/x/net any more, and the JSON document has it too', (t) => {
  const d = module({ 'a/a.go': legacy, 'a/b_test.go': 'package a\n\nimport xctx "golang.org/x/net/context"\n\nvar _ xctx.Context\n' });
  const r = goshift(d, '-l');
  t.is(r.code, 0, r.stderr);
  t.true(r.stderr.includes(`goshift: ${NOTE}\n`), r.stderr);
  t.is(r.stdout, 'a/a.go\na/b_test.go\n');
  const j = goshift(d, '--json');
  // (A note may say the module cache lacks golang.org/x/net's go.mod: see lib/depends.ts.)
  t.true(JSON.parse(j.stdout).notes.includes(NOTE), j.stdout);
});

test('no go.mod note while a file still imports golang.org/x/net/..., the requirement is indirect, or nothing changed', (t) => {
  const sub = module({ 'a/a.go': legacy, 'b/b.go': 'package b\n\nimport _ "golang.org/x/net/context/ctxhttp"\n' });
  let r = goshift(sub, '-l');
  t.is(r.stdout, 'a/a.go\n');
  t.false(r.stderr.includes('go mod tidy'), r.stderr);
  // A program under testdata/ is built by go too.
  const td = module({ 'a/a.go': legacy, 'a/testdata/p/p.go': 'package main\n\nimport "golang.org/x/net/html"\n\nfunc main() {}\n' });
  r = goshift(td, '-l');
  t.is(r.stdout, 'a/a.go\n');
  t.false(r.stderr.includes('go mod tidy'), r.stderr);
  const ind = module({ 'a/a.go': legacy }, 'module example.com/m\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/net v0.1.0 // indirect\n)\n');
  r = goshift(ind, '-l');
  t.is(r.stdout, 'a/a.go\n');
  t.false(r.stderr.includes('go mod tidy'), r.stderr);
  const done = module({ 'a/a.go': 'package a\n\nimport "context"\n\nvar _ context.Context\n' });
  r = goshift(done, '-l');
  t.is(r.stdout, '');
  t.false(r.stderr.includes('go mod tidy'), r.stderr);
});

test('files that do not import golang.org/x/net/context are not parsed', (t) => {
  const d = module({
    'a/a.go': 'package a\n\nimport "context"\n\n// golang.org/x/net/context in a comment\nfunc F(ctx context.Context) {}\n',
    'a/b.go': 'package a\n\nconst s = "golang.org/x/net/context"\n',
  });
  const r = goshift(d, '-l');
  t.is(r.code, 0);
  t.regex(r.stderr, /^goshift: 2 files scanned, 0 files parsed, 0 files changed/);
});

test('left alone and reported: a name the standard package lacks, a clash, a trailing comment gofmt aligns, two x/net imports', (t) => {
  const d = module({
    'a/lacks.go': 'package a\n\nimport "golang.org/x/net/context"\n\nvar _ = context.WithValues\n',
    'a/clash.go': 'package a\n\nimport (\n\t"context"\n\n\tx "golang.org/x/net/context"\n)\n\nfunc G(ctx x.Context) context.Context { x := ctx; return x }\n',
    'a/comment.go': 'package a\n\nimport (\n\t"fmt"     // f\n\t"golang.org/x/net/context" // c\n\t"strings" // s\n)\n\nvar _ context.Context\nvar _ = fmt.Sprint\nvar _ = strings.ToUpper\n',
    'a/twice.go': 'package a\n\nimport (\n\t. "golang.org/x/net/context"\n\tx "golang.org/x/net/context"\n)\n\nvar _ Context = x.TODO()\n',
  });
  const r = goshift(d, '-l');
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, '');
  t.regex(r.stderr, /a\/lacks\.go:5: left alone: ctx-legacy: uses context\.WithValues, which the standard context package does not have/);
  t.regex(r.stderr, /a\/clash\.go:9: left alone: ctx-legacy: the file imports "context" too, but x also names something other than an import/);
  t.regex(r.stderr, /a\/comment\.go:5: left alone: ctx-legacy: the import's trailing comment is aligned/);
  t.regex(r.stderr, /a\/twice\.go:5: left alone: ctx-legacy: the file imports golang\.org\/x\/net\/context more than once/);
});

test('a dot import keeps its dot, a blank import goes, an explicit context name is dropped', (t) => {
  const d = module({
    'a/dot.go': 'package a\n\nimport . "golang.org/x/net/context"\n\nvar _ Context = Background()\n',
    'a/blank.go': 'package a\n\nimport (\n\t"fmt"\n\n\t_ "golang.org/x/net/context"\n)\n\nvar _ = fmt.Sprint\n',
    'a/named.go': 'package a\n\nimport context "golang.org/x/net/context"\n\nvar _ context.Context\n',
  });
  const r = goshift(d, '-w');
  t.is(r.code, 0, r.stderr);
  const read = (f: string) => spawnSync('cat', [path.join(d, f)], { encoding: 'utf8' }).stdout;
  t.is(read('a/dot.go'), 'package a\n\nimport . "context"\n\nvar _ Context = Background()\n');
  t.is(read('a/blank.go'), 'package a\n\nimport (\n\t"fmt"\n)\n\nvar _ = fmt.Sprint\n');
  t.is(read('a/named.go'), 'package a\n\nimport "context"\n\nvar _ context.Context\n');
});

test('with --api compat, a wrapper that copies the old x/net-typed parameters keeps the x/net import', (t) => {
  const d = module({
    'p/p.go': 'package p\n\nimport (\n\t"context"\n\n\txctx "golang.org/x/net/context"\n)\n\n// Fetch fetches.\nfunc Fetch(id string, ctx xctx.Context) string { return id }\n\nvar _ context.Context\n',
  });
  const r = spawnSync(process.execPath, [bin, '--no-cache', '--api', 'compat', '-w', '.'], { cwd: d, encoding: 'utf8', timeout: 20_000 });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stderr, /p\/p\.go:6: left alone: ctx-legacy: the file imports "context" too, but text another change adds to it \(an --api compat wrapper\) names xctx/);
  const text = spawnSync('cat', [path.join(d, 'p/p.go')], { encoding: 'utf8' }).stdout;
  t.true(text.includes('\txctx "golang.org/x/net/context"\n'), text);
  t.true(text.includes('func Fetch(id string, ctx xctx.Context) string {'), text);
});

// The oracle itself (test/oracle/): deliberately wrong rewrites that still build must be reported with
// the right relation and position; a correct rewrite (ctx-first and ctx-closure) must pass.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { describe } from './support/run.js';
import { runOracle } from './support/oracle.js';
import { makeTempDir, removeTree } from './support/tree.js';
import { goEnv } from './support/paths.js';
import { run } from './support/run.js';

type Files = Record<string, string>;

const GOMOD = 'module example.com/m\n\ngo 1.22\n';

async function writeModule(dir: string, files: Files): Promise<void> {
  for (const [rel, text] of Object.entries({ 'go.mod': GOMOD, ...files })) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
}

/** Writes BEFORE and AFTER, checks that AFTER still builds (the point: the build does not catch it), runs the oracle. */
async function pair(t: import('ava').ExecutionContext, before: Files, after: Files, goos = ['linux']) {
  const dir = await makeTempDir('goshift-oracle-test-');
  t.teardown(() => removeTree(dir));
  await writeModule(path.join(dir, 'before'), before);
  await writeModule(path.join(dir, 'after'), after);
  for (const side of ['before', 'after']) {
    const vet = await run('go', ['vet', './...'], { cwd: path.join(dir, side), env: goEnv(), timeoutMs: 120_000 });
    t.is(vet.code, 0, `${side} must build and vet\n${describe(vet)}`);
  }
  const r = await runOracle(path.join(dir, 'before'), path.join(dir, 'after'), { goos });
  t.log(r.run.stdout.trim(), r.run.stderr.trim());
  return r;
}

const getterBefore = `package m

import "context"

type Getter interface{ Get(k string, ctx context.Context) string }

type Store struct{}

func (Store) Get(k string, ctx context.Context) string { return k }

var Default any = Store{}

func Lookup(ctx context.Context, v any) string {
	if g, ok := v.(Getter); ok {
		return g.Get("k", ctx)
	}
	return "none"
}
`;

test('interface method rewritten, its implementation not: reported as implements and as a type assertion that no longer matches', async (t) => {
  const after = getterBefore
    .replace('Get(k string, ctx context.Context) string }', 'Get(ctx context.Context, k string) string }')
    .replace('g.Get("k", ctx)', 'g.Get(ctx, "k")');
  const r = await pair(t, { 'm.go': getterBefore }, { 'm.go': after });
  t.is(r.code, 1);
  t.true(r.broken.some((l) => l.startsWith('m.go:7:6: implements: m.Store implements m.Getter = true → m.Store implements m.Getter = false')), r.broken.join('\n'));
  t.true(r.broken.some((l) => l.startsWith('m.go:7:6: implements: *m.Store implements m.Getter = true')), r.broken.join('\n'));
  t.true(r.broken.some((l) => l.startsWith('m.go:14:17: type assertion: value m.Store stored in an interface at m.go:11:19 matches .(m.Getter) = true → ')
    && l.endsWith('= false')), r.broken.join('\n'));
  t.regex(r.summary, /^oracle: 1 packages, \d+ relations checked, 3 broken$/);
});

test('two string arguments swapped at a call: reported as a call binding', async (t) => {
  const before = `package m

import "context"

func Join(a, b string, ctx context.Context) string { return a + b }

func Use(ctx context.Context) string { return Join("x", "y", ctx) }
`;
  const after = before
    .replace('Join(a, b string, ctx context.Context)', 'Join(ctx context.Context, a, b string)')
    .replace('Join("x", "y", ctx)', 'Join(ctx, "y", "x")');
  const r = await pair(t, { 'm.go': before }, { 'm.go': after });
  t.is(r.code, 1);
  t.deepEqual(r.broken, ['m.go:7:47: call binding of Join: "x" → a; "y" → b; ⟨ctx⟩ → ctx → "x" → b; "y" → a; ⟨ctx⟩ → ctx']);
});

test('a func literal stored in map[string]any: assertion rewritten, literal not: reported as a type assertion', async (t) => {
  const before = `package m

import "context"

var Handlers = map[string]any{
	"greet": func(name string, ctx context.Context) string { return name },
}

func Call(ctx context.Context, n string) string {
	if f, ok := Handlers["greet"].(func(string, context.Context) string); ok {
		return f(n, ctx)
	}
	return ""
}
`;
  const after = before
    .replace('.(func(string, context.Context) string)', '.(func(context.Context, string) string)')
    .replace('f(n, ctx)', 'f(ctx, n)');
  const r = await pair(t, { 'm.go': before }, { 'm.go': after });
  t.is(r.code, 1);
  t.is(r.broken.length, 1, r.broken.join('\n'));
  t.true(r.broken[0].startsWith('m.go:10:33: type assertion: value func(name string, ctx context.Context) string stored in an interface at m.go:6:11 '
    + 'matches .(func(string, context.Context) string) = true → '), r.broken[0]);
  t.true(r.broken[0].endsWith('matches .(func(context.Context, string) string) = false'), r.broken[0]);
});

test('a promoted method whose outer type shadows it: wrong binding through the embedded field is reported', async (t) => {
  // Inner.Put(k, v string, ctx) is rewritten; Outer's call through the promoted method swaps k and v.
  const before = `package m

import "context"

type Inner struct{ last string }

func (i *Inner) Put(k, v string, ctx context.Context) { i.last = k + "=" + v }

type Outer struct{ *Inner }

func Use(ctx context.Context, o Outer) { o.Put("key", "val", ctx) }
`;
  const after = before
    .replace('Put(k, v string, ctx context.Context)', 'Put(ctx context.Context, k, v string)')
    .replace('o.Put("key", "val", ctx)', 'o.Put(ctx, "val", "key")');
  const r = await pair(t, { 'm.go': before }, { 'm.go': after });
  t.is(r.code, 1);
  t.deepEqual(r.broken, ['m.go:11:42: call binding of o . Put: "key" → k; "val" → v; ⟨ctx⟩ → ctx → "key" → v; "val" → k; ⟨ctx⟩ → ctx']);
});

test('a correct rewrite passes: interface + implementation + callers, func types and values, inserted ctx closure parameter and import', async (t) => {
  const before: Files = {
    'm.go': `package m

import "context"

type Getter interface{ Get(k string, ctx context.Context) string }

type Store struct{}

func (Store) Get(k string, ctx context.Context) string { return k + ":" + ctx.Value("u").(string) }

type Fn func(string, context.Context) string

var Handlers = map[string]any{
	"greet": func(name string, ctx context.Context) string { return name },
}

func NewCtx() context.Context { return context.WithValue(context.Background(), "u", "y") }

func Call(ctx context.Context, n string, g Getter) (string, string) {
	var f Fn = Store{}.Get
	h := Handlers["greet"].(func(string, context.Context) string)
	done := make(chan string, 1)
	go func() { done <- g.Get(n, ctx) }()
	return f(n, ctx) + h(n, ctx), <-done
}
`,
    'other.go': `package m

func Spawn(g Getter) string {
	ctx := NewCtx()
	return func() string { return g.Get("s", ctx) }()
}
`,
    'm_test.go': `package m

import (
	"context"
	"testing"
)

func TestCall(t *testing.T) {
	ctx := context.WithValue(context.Background(), "u", "x")
	a, b := Call(ctx, "n", Store{})
	if a != "n:xn" || b != "n:x" {
		t.Fatal(a, b)
	}
	if s := Spawn(Store{}); s != "s:y" {
		t.Fatal(s)
	}
}
`,
  };
  const after: Files = {
    ...before,
    'm.go': before['m.go']
      .replace(/Get\(k string, ctx context\.Context\)/g, 'Get(ctx context.Context, k string)')
      .replace('func(string, context.Context) string\n', 'func(context.Context, string) string\n')
      .replace('func(name string, ctx context.Context)', 'func(ctx context.Context, name string)')
      .replace('.(func(string, context.Context) string)', '.(func(context.Context, string) string)')
      .replace('go func() { done <- g.Get(n, ctx) }()', 'go func(ctx context.Context) { done <- g.Get(ctx, n) }(ctx)')
      .replace('f(n, ctx) + h(n, ctx)', 'f(ctx, n) + h(ctx, n)'),
    'other.go': before['other.go']
      .replace('package m\n', 'package m\n\nimport "context"\n')
      .replace('func() string { return g.Get("s", ctx) }()', 'func(ctx context.Context) string { return g.Get(ctx, "s") }(ctx)'),
  };
  const r = await pair(t, before, after, ['linux', 'windows']);
  t.is(r.code, 0, r.broken.join('\n'));
  t.deepEqual(r.broken, []);
  t.regex(r.summary, /^oracle: 1 packages, \d+ relations checked, 0 broken$/);
});

test('bad usage exits 2', async (t) => {
  const dir = await makeTempDir('goshift-oracle-test-');
  t.teardown(() => removeTree(dir));
  const r = await runOracle(path.join(dir, 'nope'), dir);
  t.is(r.code, 2, describe(r.run));
});

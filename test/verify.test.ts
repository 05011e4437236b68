// --verify: go build and go vet before and after the rewrite, only what the rewrite broke counts.
// A clean run verifies as it would have exited without --verify; a hand-made broken "after"
// (verify's function called directly, in dry-run and -w form) is reported at the broken file and
// gives exit 2; problems the tree already had are not reported, even where lines moved; a go.work
// of two modules is checked as one build; without go on PATH it says so and exits 2.
import test from 'ava';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../lib/types.js';
import { formatVerify, verify, verifyExitCode, type VerifyChange } from '../lib/verify.js';
import { discover } from '../lib/workspace.js';
import { cliPath, goEnv, repoRoot } from './support/paths.js';
import { describe, run } from './support/run.js';
import { compareTrees, copyTree, makeTempDir, removeTree } from './support/tree.js';
import { writeTree } from './unit-tmp.js';

const goshift = (args: string[], cwd: string, env: NodeJS.ProcessEnv = goEnv()) =>
  run(process.execPath, [cliPath(), ...args], { cwd, env: { ...env, GOSHIFT_DEBUG: '' } });

async function withTemp<T>(prefix: string, f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeTempDir(prefix);
  try {
    return await f(await fs.realpath(dir));
  } finally {
    await removeTree(dir);
  }
}

/** A change of one file of ws: its text after `edit`. */
function change(ws: Workspace, rel: string, edit: (s: string) => string): VerifyChange {
  const file = ws.files.find((f) => f.rel === rel);
  if (!file) throw new Error(`no ${rel} in the workspace`);
  const before = readFileSync(file.abs);
  const after = edit(before.toString('utf8'));
  if (after === before.toString('utf8')) throw new Error(`the edit changes nothing in ${rel}`);
  return { file, before, after, encoding: 'utf8' };
}

/** The shop's interface method Get moved, but not its implementation: *Mem no longer implements Store. */
const halfMoved = (s: string) =>
  s.replace('\tGet(id string, ctx context.Context) (Order, error)\n', '\tGet(ctx context.Context, id string) (Order, error)\n');

test('verify: a clean run verifies, for three GOOS values, and exits as it would without --verify', async (t) => {
  await withTemp('goshift-verify-ok-', async (dir) => {
    await copyTree(path.join(repoRoot, 'examples/shop'), dir);
    const plain = await goshift(['.'], dir);
    const v = await goshift(['--verify', '--goos', 'linux,windows,darwin', '.'], dir);
    t.is(v.code, 0, describe(v));
    t.is(v.code, plain.code);
    t.is(v.stdout, plain.stdout, 'the diff is unchanged');
    t.regex(v.stderr, /--verify: go build and go vet find nothing new after the rewrite \(GOOS=linux,windows,darwin; in \.\)/);
    t.deepEqual(await compareTrees(path.join(repoRoot, 'examples/shop'), dir), [], 'a dry run with --verify writes nothing');
    const c = await goshift(['--check', '-l', '--verify', '.'], dir);
    t.is(c.code, 1, 'with --check: 1, as without --verify');
    const w = await goshift(['-w', '--verify', '.'], dir);
    t.is(w.code, 0, describe(w));
    t.regex(w.stderr, /find nothing new/);
  });
});

test('verify: a rewrite that breaks the build is reported at the broken file (dry run and -w), exit 2', async (t) => {
  await withTemp('goshift-verify-broken-', async (dir) => {
    await copyTree(path.join(repoRoot, 'examples/shop'), dir);
    const ws = await discover(['.'], { cwd: dir });
    const c = change(ws, 'store/store.go', halfMoved);
    const r = await verify({ ws, changes: [c], written: false, goos: ['linux', 'windows'], env: goEnv() });
    t.is(verifyExitCode(r), 2);
    t.is(r.broken.length, 1, JSON.stringify(r, null, 1));
    const [d] = r.broken;
    t.is(d.file, 'store/store.go');
    t.true(d.changed);
    t.regex(d.message, /\*Mem does not implement Store \(wrong type for method Get\)/);
    t.deepEqual(d.commands, ['go build', 'go vet']);
    t.deepEqual(d.goos, ['linux', 'windows']);
    const text = formatVerify(r).join('\n');
    t.regex(text, /^goshift: --verify: the rewrite breaks the build: 1 new problem/m);
    t.regex(text, /^store\/store\.go:\d+:\d+: cannot use \(\*Mem\)\(nil\).*\(go build, go vet; GOOS=linux,windows\)$/m);
    t.regex(text, /^\twant Get\(context\.Context, string\)/m);
    t.deepEqual(await compareTrees(path.join(repoRoot, 'examples/shop'), dir), [], 'the dry-run check leaves the tree alone');

    // -w: the broken text is in the tree, the original is what is compared with.
    await fs.writeFile(c.file.abs, c.after);
    const w = await verify({ ws, changes: [c], written: true, goos: ['linux'], env: goEnv() });
    t.is(verifyExitCode(w), 2);
    t.deepEqual(w.broken.map((x) => [x.file, x.line, x.message.split('\n')[0]]), r.broken.map((x) => [x.file, x.line, x.message.split('\n')[0]]));
  });
});

test('verify: what the tree already got wrong is not reported, even where the rewrite moved its line; new problems in an already failing package do not fail the run', async (t) => {
  await withTemp('goshift-verify-before-', async (dir) => {
    writeTree(dir, {
      'go.mod': 'module example.com/v\n\ngo 1.22\n',
      'a/a.go': 'package a\n\nimport (\n\t"context"\n\t"fmt"\n)\n\nfunc F(x int, ctx context.Context) int { _ = ctx; return x }\n\nfunc G() string { return fmt.Sprintf("%d", "not a number") }\n',
      'b/b.go': 'package b\n\nimport "context"\n\nfunc H(ctx context.Context) int { return 1 }\n',
    });
    const ws = await discover(['.'], { cwd: dir });
    // Two lines more above the printf problem, and the signature of F moved (nothing calls it).
    const c = change(ws, 'a/a.go', (s) => s.replace('func F(x int, ctx context.Context) int', '// F does little.\n//\nfunc F(ctx context.Context, x int) int'));
    const r = await verify({ ws, changes: [c], written: false, env: goEnv() });
    t.is(verifyExitCode(r), 0, formatVerify(r).join('\n'));
    t.deepEqual(r.broken, []);
    t.deepEqual(r.alsoNew, []);
    t.is(r.failedBefore.length, 1);
    t.regex(r.failedBefore[0], /^go vet \.\/\.\.\. in \. \(GOOS=linux\): a\/a\.go:10: fmt\.Sprintf format %d has arg "not a number" of wrong type string/);
    t.regex(formatVerify(r).join('\n'), /find nothing new/);

    // A second problem in package a (it failed go vet before): reported, not counted as broken.
    const c2 = change(ws, 'a/a.go', (s) => s.replace('return x }', 'return x }\n\nfunc K() string { return fmt.Sprintf("%s", 1) }'));
    const r2 = await verify({ ws, changes: [c2], written: false, env: goEnv() });
    t.deepEqual(r2.broken, []);
    t.is(r2.alsoNew.length, 1, JSON.stringify(r2, null, 1));
    t.is(r2.alsoNew[0].file, 'a/a.go');
    t.is(r2.alsoNew[0].line, 10);
    t.is(verifyExitCode(r2), 0);
    t.regex(formatVerify(r2).join('\n'), /1 new problem in packages that did not pass before the rewrite either/);

    // The same in package b, which passed: broken.
    const c3 = change(ws, 'b/b.go', (s) => s.replace('return 1 }', 'return 1 }\n\nfunc K() { println(fmt.Sprint(1)) }'));
    const r3 = await verify({ ws, changes: [c3], written: false, env: goEnv() });
    t.is(verifyExitCode(r3), 2);
    t.deepEqual(r3.broken.map((d) => [d.file, d.line, d.message]), [['b/b.go', 7, 'undefined: fmt']]);
  });
});

test('verify: a go.work of two modules is one build: a caller in the other module that goshift did not change is reported, with the files it did', async (t) => {
  await withTemp('goshift-verify-work-', async (dir) => {
    writeTree(dir, {
      'go.work': 'go 1.22\n\nuse (\n\t./app\n\t./lib\n)\n',
      'lib/go.mod': 'module example.com/lib\n\ngo 1.22\n',
      'lib/lib.go': 'package lib\n\nimport "context"\n\nfunc Fetch(key string, ctx context.Context) string { _ = ctx; return key }\n',
      'app/go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\n',
      'app/main.go': 'package main\n\nimport (\n\t"context"\n\n\t"example.com/lib"\n)\n\nfunc main() { println(lib.Fetch("k", context.Background())) }\n',
    });
    const ws = await discover(['.'], { cwd: dir });
    t.is(ws.modules.length, 2);
    const env = goEnv({ GOWORK: '' });
    const libMoved = change(ws, 'lib/lib.go', (s) => s.replace('Fetch(key string, ctx context.Context)', 'Fetch(ctx context.Context, key string)'));
    const both = [libMoved, change(ws, 'app/main.go', (s) => s.replace('lib.Fetch("k", context.Background())', 'lib.Fetch(context.Background(), "k")'))];
    const ok = await verify({ ws, changes: both, written: false, goos: ['linux', 'windows'], env });
    t.is(verifyExitCode(ok), 0, formatVerify(ok).join('\n'));
    t.deepEqual(ok.dirs, ['app', 'lib']);
    t.deepEqual(ok.failedBefore, []);

    const half = await verify({ ws, changes: [libMoved], written: false, env });
    t.is(verifyExitCode(half), 2);
    t.true(half.broken.length >= 1, formatVerify(half).join('\n'));
    t.true(half.broken.every((d) => d.file === 'app/main.go' && !d.changed && d.related.join() === 'lib/lib.go'), JSON.stringify(half.broken, null, 1));
    t.regex(formatVerify(half).join('\n'), /^\tgoshift did not change app\/main\.go; it changed lib\/lib\.go$/m);
  });
});

test('verify: a break seen only with GOOS=windows is reported for windows', async (t) => {
  await withTemp('goshift-verify-goos-', async (dir) => {
    writeTree(dir, {
      'go.mod': 'module example.com/g\n\ngo 1.22\n',
      'g.go': 'package g\n\nimport "context"\n\nfunc Do(n int, ctx context.Context) int { _ = ctx; return n }\n',
      'call_windows.go': 'package g\n\nimport "context"\n\nvar W = Do(1, context.Background())\n',
      'call_other.go': '//go:build !windows\n\npackage g\n\nimport "context"\n\nvar W = Do(1, context.Background())\n',
    });
    const ws = await discover(['.'], { cwd: dir });
    const changes = [
      change(ws, 'g.go', (s) => s.replace('Do(n int, ctx context.Context)', 'Do(ctx context.Context, n int)')),
      change(ws, 'call_other.go', (s) => s.replace('Do(1, context.Background())', 'Do(context.Background(), 1)')),
    ];
    const r = await verify({ ws, changes, written: false, goos: ['linux', 'windows'], env: goEnv() });
    t.is(verifyExitCode(r), 2);
    t.true(r.broken.length > 0);
    for (const d of r.broken) {
      t.is(d.file, 'call_windows.go');
      t.deepEqual(d.goos, ['windows']);
    }
  });
});

test('verify: without a Go toolchain it says so and exits 2; an unknown GOOS is an error', async (t) => {
  await withTemp('goshift-verify-nogo-', async (dir) => {
    await copyTree(path.join(repoRoot, 'examples/shop'), dir);
    const noGo = { ...goEnv(), PATH: path.join(dir, 'no-such-bin') };
    const r = await goshift(['--verify', '.'], dir, noGo);
    t.is(r.code, 2, describe(r));
    t.regex(r.stderr, /goshift: --verify: no Go toolchain: `go` is not on PATH; cannot check that the code still builds/);
    t.regex(r.stdout, /^diff --git/m, 'the diff is still printed');
    const ws = await discover(['.'], { cwd: dir });
    const v = await verify({ ws, changes: [change(ws, 'store/store.go', halfMoved)], written: false, env: noGo });
    t.truthy(v.noToolchain);
    t.is(verifyExitCode(v), 2);

    const bad = await goshift(['--verify', '--goos', 'linux,plan10', '.'], dir);
    t.is(bad.code, 2);
    t.regex(bad.stderr, /--verify: unknown GOOS "plan10"/);
    const stray = await goshift(['--goos', 'linux', '.'], dir);
    t.is(stray.code, 2);
    t.regex(stray.stderr, /--goos goes with --verify/);
  });
});

test('verify: GOPATH mode checks the packages in scope with GO111MODULE=off; a caller in another package is reported', async (t) => {
  await withTemp('goshift-verify-gopath-', async (dir) => {
    await copyTree(path.join(repoRoot, 'fixtures/ctx-first/gopath-legacy/input'), dir);
    const ws = await discover(['src/github.com'], { cwd: dir, gopath: dir });
    const store = ws.files.find((f) => f.rel.endsWith('store/store.go'));
    t.truthy(store);
    const env = goEnv({ GOPATH: dir });
    const c = change(ws, store!.rel, (s) => s.replace('Add(key string, ctx context.Context, d int)', 'Add(ctx context.Context, key string, d int)'));
    const r = await verify({ ws, changes: [c], written: false, env });
    t.is(verifyExitCode(r), 2, formatVerify(r).join('\n'));
    t.true(r.broken.some((d) => d.file === 'src/github.com/acme/app/api/api.go' && !d.changed), formatVerify(r).join('\n'));
    const none = await verify({ ws, changes: [], written: false, env });
    t.is(verifyExitCode(none), 0);
    t.deepEqual(formatVerify(none), ['goshift: --verify: nothing changes, so nothing to check']);
  });
});

import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discover, gopathRoots, importPathsIn, parseModulePath, parseReplaces, parseWorkUses, rebaseGitignore } from '../lib/workspace.js';
import { mergeReports, splitWorkspace } from '../lib/parts.js';
import type { Workspace } from '../lib/types.js';
import { cleanup, isRoot, tempDir, tempDirs, writeTree } from './unit-tmp.js';

const tmp = tempDirs(test, 'ws');

const rels = (ws: Workspace) => ws.files.map((f) => f.rel);
const targets = (ws: Workspace) => ws.files.filter((f) => f.target).map((f) => f.rel);
const pkg = 'package p\n';

test('parseModulePath: plain, quoted, commented, block form', (t) => {
  t.is(parseModulePath('module example.com/a\n\ngo 1.22\n'), 'example.com/a');
  t.is(parseModulePath('// a comment\nmodule "example.com/q" // trailing\n'), 'example.com/q');
  t.is(parseModulePath('module `example.com/raw`\r\ngo 1.21\r\n'), 'example.com/raw');
  t.is(parseModulePath('module example.com/c// comment glued\n'), 'example.com/c');
  t.is(parseModulePath('module (\n\texample.com/blk\n)\n'), 'example.com/blk');
  t.is(parseModulePath('go 1.22\n// module not.this\n'), null);
  t.is(parseModulePath('modules x\nmodule std\n'), 'std');
});

test('parseWorkUses: single, block, quoted, comments', (t) => {
  const text = [
    'go 1.22',
    'use ./a // first',
    'use "./with space"',
    'use (',
    '\t./b',
    '\t"./c" // quoted',
    '\t// ./commented',
    '',
    ')',
    'use ( ./d )',
    'replace x => ./y',
  ].join('\n');
  t.deepEqual(parseWorkUses(text), ['./a', './with space', './b', './c', './d']);
});

test('rebaseGitignore: anchors nested rules to their directory', (t) => {
  t.deepEqual(rebaseGitignore('# c\n\n*.pb.go\n/gen\nsub/x.go\n!keep.pb.go\nout/\n', 'a/b'), [
    'a/b/**/*.pb.go',
    'a/b/gen',
    'a/b/sub/x.go',
    '!a/b/**/keep.pb.go',
    'a/b/**/out/',
  ]);
  t.deepEqual(rebaseGitignore('*.tmp\r\n/x\n', ''), ['*.tmp', '/x']);
});

test('module scope, targets, import paths, skips, sorting', async (t) => {
  const root = tmp();
  writeTree(root, {
    'go.mod': 'module "example.com/m" // the module\n\ngo 1.22\n',
    'root.go': pkg,
    'a/a.go': pkg,
    'a/a_test.go': 'package p_test\n',
    'a/a_linux.go': '//go:build linux\n' + pkg,
    'a/w_windows.go': '//go:build windows\n' + pkg,
    'a/deep/d.go': pkg,
    'b/b.go': pkg,
    'b/notes.txt': 'x',
    'vendor/v/v.go': pkg,
    'a/testdata/t.go': pkg,
    'node_modules/n/n.go': pkg,
    '.hidden/h.go': pkg,
    '_under/u.go': pkg,
    'a/_skip.go': pkg,
    'nested/go.mod': 'module example.com/nested\n',
    'nested/n.go': pkg,
  });
  const ws = await discover(['a/...'], { cwd: root });
  t.deepEqual(ws.errors, []);
  t.deepEqual(ws.modules, [{ root, path: 'example.com/m' }]);
  t.deepEqual(rels(ws), ['a/a.go', 'a/a_linux.go', 'a/a_test.go', 'a/deep/d.go', 'a/w_windows.go', 'b/b.go', 'root.go']);
  t.deepEqual(targets(ws), ['a/a.go', 'a/a_linux.go', 'a/a_test.go', 'a/deep/d.go', 'a/w_windows.go']);
  const byRel = new Map(ws.files.map((f) => [f.rel, f]));
  t.is(byRel.get('root.go')!.importPath, 'example.com/m');
  t.is(byRel.get('a/deep/d.go')!.importPath, 'example.com/m/a/deep');
  t.true(byRel.get('a/a_test.go')!.isTest);
  t.false(byRel.get('a/a.go')!.isTest);
  t.is(byRel.get('a/a.go')!.abs, path.join(root, 'a/a.go'));
  t.is(byRel.get('a/a.go')!.dir, path.join(root, 'a'));
  t.is(ws.cwd, root);

  // A plain directory is recursive too; the default is '.'.
  t.deepEqual(targets(await discover(['a'], { cwd: root })), targets(ws));
  const all = await discover([], { cwd: root });
  t.is(all.files.length, 7);
  t.true(all.files.every((f) => f.target));
  // A single file: only it is a target.
  const one = await discover(['a/deep/d.go'], { cwd: root });
  t.deepEqual(targets(one), ['a/deep/d.go']);
  t.is(one.files.length, 7);
});

test('onManyFiles: called once, as the walk finds the given number of .go files; not at all with fewer', async (t) => {
  const d = tmp();
  const files: Record<string, string> = { 'go.mod': 'module example.com/m\n' };
  for (let i = 0; i < 7; i++) files[`p${i % 3}/f${i}.go`] = pkg;
  writeTree(d, files);
  for (const [atLeast, calls] of [[1, 1], [7, 1], [8, 0]] as const) {
    let n = 0;
    let seen = -1;
    const ws = await discover([], { cwd: d, onManyFiles: { atLeast, call: () => void (n++, (seen = n)) } });
    t.is(n, calls, `atLeast ${atLeast}`);
    t.is(ws.files.length, 7);
    if (calls) t.is(seen, 1);
  }
});

test('rel paths are relative to cwd, also outside it', async (t) => {
  const root = tmp();
  writeTree(root, { 'go.mod': 'module m\n', 'x/x.go': pkg, 'y/y.go': pkg });
  const ws = await discover(['../y'], { cwd: path.join(root, 'x') });
  t.deepEqual(rels(ws), ['../y/y.go', 'x.go']);
  t.deepEqual(targets(ws), ['../y/y.go']);
  t.is(ws.files[0].importPath, 'm/y');
});

test('nested module: its own when named, and both in a go.work', async (t) => {
  const root = tmp();
  writeTree(root, {
    'go.mod': 'module example.com/top\n',
    'top.go': pkg,
    'inner/go.mod': 'module example.com/inner\n',
    'inner/i.go': pkg,
    'inner/sub/s.go': pkg,
  });
  const inner = await discover(['inner/sub'], { cwd: root });
  t.deepEqual(inner.modules.map((m) => m.path), ['example.com/inner']);
  t.deepEqual(rels(inner), ['inner/i.go', 'inner/sub/s.go']);
  t.deepEqual(targets(inner), ['inner/sub/s.go']);
  t.is(inner.files[1].importPath, 'example.com/inner/sub');

  const top = await discover(['./...'], { cwd: root });
  t.deepEqual(rels(top), ['top.go']);

  fs.writeFileSync(path.join(root, 'go.work'), 'go 1.22\n\nuse (\n\t.\n\t"./inner" // nested\n)\n');
  const work = await discover(['./...'], { cwd: root });
  t.deepEqual(work.modules.map((m) => m.path), ['example.com/top', 'example.com/inner']);
  t.deepEqual(rels(work), ['inner/i.go', 'inner/sub/s.go', 'top.go']);
  t.deepEqual(targets(work), ['inner/i.go', 'inner/sub/s.go', 'top.go']);
  const onlyTop = await discover(['top.go'], { cwd: root });
  t.deepEqual(rels(onlyTop), ['inner/i.go', 'inner/sub/s.go', 'top.go']);
  t.deepEqual(targets(onlyTop), ['top.go']);
});

test('go.work without a root module, single-line use, missing use directory', async (t) => {
  const root = tmp();
  writeTree(root, {
    'go.work': 'go 1.22\nuse ./svc\nuse ./lib\nuse ./gone\n',
    'svc/go.mod': 'module example.com/svc\n',
    'svc/main.go': 'package main\n',
    'lib/go.mod': 'module example.com/lib\n',
    'lib/l.go': pkg,
    'other/go.mod': 'module example.com/other\n',
    'other/o.go': pkg,
  });
  const ws = await discover(['svc'], { cwd: root });
  t.deepEqual(ws.modules.map((m) => m.path).sort(), ['example.com/lib', 'example.com/svc']);
  t.deepEqual(rels(ws), ['lib/l.go', 'svc/main.go']);
  t.deepEqual(targets(ws), ['svc/main.go']);
  t.is(ws.errors.length, 1);
  t.is(ws.errors[0].file, 'go.work');
  t.regex(ws.errors[0].message, /use \.\/gone: no go\.mod/);

  const fromRoot = await discover(['./...'], { cwd: root });
  t.deepEqual(targets(fromRoot), ['lib/l.go', 'svc/main.go']);
});

test('not in a module, nonexistent paths, bad patterns: errors, the rest goes on', async (t) => {
  const root = tmp();
  writeTree(root, { 'mod/go.mod': 'module m\n', 'mod/m.go': pkg, 'loose/l.go': pkg, 'mod/readme.txt': 'x' });
  const ws = await discover(['mod', 'loose', 'nope', 'mod/readme.txt', 'mod/m.go/...', 'a...b'], { cwd: root });
  t.deepEqual(rels(ws), ['mod/m.go']);
  const msgs = Object.fromEntries(ws.errors.map((e) => [e.file, e.message]));
  t.regex(msgs['loose'], /not in a Go module: no go\.mod/);
  t.is(msgs['nope'], 'no such file or directory');
  t.regex(msgs['mod/readme.txt'], /not a \.go file/);
  t.regex(msgs['mod/m.go/...'], /not a directory/);
  t.regex(msgs['a...b'], /unsupported pattern/);
});

test('go.mod without a module directive is an error', async (t) => {
  const root = tmp();
  writeTree(root, { 'go.mod': 'go 1.22\n', 'x.go': pkg });
  const ws = await discover(['.'], { cwd: root });
  t.deepEqual(ws.files, []);
  t.deepEqual(ws.errors, [{ file: 'go.mod', message: 'no module directive: its files are left out' }]);
});

test('.gitignore: root, nested, anchored, negated, and from above the module', async (t) => {
  const root = tmp();
  fs.mkdirSync(path.join(root, '.git', 'info'), { recursive: true });
  writeTree(root, {
    '.git/info/exclude': 'excluded.go\n',
    '.gitignore': '*.gen.go\nbuild/\n',
    'mod/go.mod': 'module m\n',
    'mod/.gitignore': '/out\n!keep.gen.go\n',
    'mod/a.go': pkg,
    'mod/a.gen.go': pkg,
    'mod/keep.gen.go': pkg,
    'mod/excluded.go': pkg,
    'mod/out/o.go': pkg,
    'mod/x/out/o.go': pkg,
    'mod/build/b.go': pkg,
    'mod/x/.gitignore': 'local.go\n',
    'mod/x/local.go': pkg,
    'mod/x/y/local.go': pkg,
    'mod/y/local.go': pkg,
  });
  const ws = await discover(['mod'], { cwd: root });
  t.deepEqual(ws.errors, []);
  t.deepEqual(rels(ws), ['mod/a.go', 'mod/keep.gen.go', 'mod/x/out/o.go', 'mod/y/local.go']);
  // Named explicitly, an ignored file or directory still counts.
  const named = await discover(['mod/build', 'mod/a.gen.go'], { cwd: root });
  t.deepEqual(targets(named), ['mod/a.gen.go', 'mod/build/b.go']);
});

test('.gitignore: a deeper file re-includes what a shallower one excludes', async (t) => {
  const root = tmp();
  writeTree(root, {
    'go.mod': 'module m\n',
    '.gitignore': 'a/b/\n',
    'a/.gitignore': '!b/\n',
    'a/b/x.go': pkg,
    'c/b/y.go': pkg,
  });
  t.deepEqual(rels(await discover(['.'], { cwd: root })), ['a/b/x.go', 'c/b/y.go']);
});

test('a module root that an ancestor .gitignore ignores is still walked', async (t) => {
  const root = tmp();
  fs.mkdirSync(path.join(root, '.git'));
  writeTree(root, { '.gitignore': 'gen/\n', 'gen/mod/go.mod': 'module g\n', 'gen/mod/g.go': pkg });
  t.deepEqual(rels(await discover(['gen/mod'], { cwd: root })), ['gen/mod/g.go']);
});

test('testdata and vendor named explicitly are walked', async (t) => {
  const root = tmp();
  writeTree(root, { 'go.mod': 'module m\n', 'm.go': pkg, 'testdata/src/t.go': pkg, 'vendor/v/v.go': pkg });
  const ws = await discover(['testdata/...'], { cwd: root });
  t.deepEqual(rels(ws), ['m.go', 'testdata/src/t.go']);
  t.deepEqual(targets(ws), ['testdata/src/t.go']);
  t.is(ws.files[1].importPath, 'm/testdata/src');
});

test('symlinks: directories not followed, files counted once, dangling and loops reported', async (t) => {
  const root = tmp();
  const outside = tmp('outside');
  writeTree(root, { 'go.mod': 'module m\n', 'real/r.go': pkg, 'real/same.go': pkg });
  writeTree(outside, { 'ext.go': pkg });
  fs.symlinkSync(path.join(root, 'real'), path.join(root, 'linkdir'));
  fs.symlinkSync(root, path.join(root, 'real', 'up')); // would loop if followed
  fs.symlinkSync('same.go', path.join(root, 'real', 'alias.go'));
  fs.symlinkSync(path.join(outside, 'ext.go'), path.join(root, 'real', 'ext.go'));
  fs.symlinkSync('missing.go', path.join(root, 'real', 'dangling.go'));
  fs.symlinkSync('loop2', path.join(root, 'loop1'));
  fs.symlinkSync('loop1', path.join(root, 'loop2'));
  const ws = await discover(['.'], { cwd: root });
  t.deepEqual(rels(ws), ['real/ext.go', 'real/r.go', 'real/same.go']);
  const msgs = ws.errors.map((e) => `${e.file}: ${e.message}`).sort();
  t.is(msgs.length, 3);
  t.regex(msgs[0], /^loop1: symlink loop/);
  t.regex(msgs[1], /^loop2: symlink loop/);
  t.regex(msgs[2], /^real\/dangling\.go: dangling symlink: its target missing\.go does not exist/);

  // Given directly.
  const given = await discover(['loop1', 'real/dangling.go', 'linkdir'], { cwd: root });
  t.regex(given.errors.find((e) => e.file === 'loop1')!.message, /symlink loop/);
  t.regex(given.errors.find((e) => e.file === 'real/dangling.go')!.message, /dangling symlink/);
  // A symlinked directory named directly is followed: its real files are the targets.
  t.deepEqual(targets(given), ['real/ext.go', 'real/r.go', 'real/same.go']);
});

test('unreadable directory: an error, the rest goes on', async (t) => {
  if (isRoot) {
    t.pass('permissions do not apply to root');
    return;
  }
  const root = tmp();
  writeTree(root, { 'go.mod': 'module m\n', 'ok/ok.go': pkg, 'locked/l.go': pkg });
  fs.chmodSync(path.join(root, 'locked'), 0o000);
  const ws = await discover(['.'], { cwd: root });
  t.deepEqual(rels(ws), ['ok/ok.go']);
  t.deepEqual(ws.errors, [{ file: 'locked', message: 'cannot read directory: permission denied' }]);
  const named = await discover(['locked'], { cwd: root });
  t.regex(named.errors[0].message, /permission denied/);
});

test('deterministic: same input, same output', async (t) => {
  const root = tmp();
  const files: Record<string, string> = { 'go.mod': 'module m\n' };
  for (let i = 0; i < 40; i++) files[`p${i % 7}/f${(i * 13) % 40}.go`] = pkg;
  writeTree(root, files);
  const a = await discover(['./...'], { cwd: root });
  const b = await discover(['.'], { cwd: root });
  t.deepEqual(a, b);
  const sorted = [...rels(a)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  t.deepEqual(rels(a), sorted);
});

const goroot = '/usr/local/go/src';
const hasGoroot = fs.existsSync(path.join(goroot, 'go.mod'));
(hasGoroot ? test : test.skip)('the Go tree: module std, cmd left out as a nested module, fast', async (t) => {
  const start = Date.now();
  const ws = await discover(['./...'], { cwd: goroot });
  const ms = Date.now() - start;
  t.true(ms < 5000, `took ${ms} ms`);
  t.deepEqual(ws.errors, []);
  t.deepEqual(ws.modules, [{ root: goroot, path: 'std' }]);
  t.true(ws.files.length > 2000);
  t.false(ws.files.some((f) => f.rel.startsWith('cmd/') || f.rel.includes('/testdata/') || f.rel.startsWith('vendor/')));
  // Standard-library packages are imported without the module name.
  t.is(ws.files.find((f) => f.rel === 'net/http/server.go')?.importPath, 'net/http');

  const cmd = await discover(['cmd/go/...'], { cwd: goroot });
  t.deepEqual(cmd.modules.map((m) => m.path), ['cmd']);
  t.is(cmd.files.find((f) => f.rel === 'cmd/go/main.go')?.importPath, 'cmd/go');
  t.true(cmd.files.some((f) => !f.target && f.rel.startsWith('cmd/compile/')));
});

// ---------------------------------------------------------------------------------------------
// Paths in no module: modules below them, local replaces, GOPATH mode.

test('parseReplaces: single and block form, versions, quotes, comments, local or not', (t) => {
  const text = [
    'module example.com/svc',
    'replace example.com/lib => ../lib // local',
    'replace example.com/old v1.2.3 => example.com/new v1.3.0',
    'replace (',
    '\texample.com/a v0.1.0 => ./a',
    '\t"example.com/b" => "../with space/b"',
    '\t// example.com/c => ../c',
    '\texample.com/d => /abs/d',
    '\texample.com/e => example.com/e2 v0.0.1',
    '\tbroken line',
    ')',
    'replace ( example.com/f => . )',
  ].join('\n');
  t.deepEqual(parseReplaces(text), [
    { from: 'example.com/lib', to: '../lib', local: true },
    { from: 'example.com/old', fromVersion: 'v1.2.3', to: 'example.com/new', toVersion: 'v1.3.0', local: false },
    { from: 'example.com/a', fromVersion: 'v0.1.0', to: './a', local: true },
    { from: 'example.com/b', to: '../with space/b', local: true },
    { from: 'example.com/d', to: '/abs/d', local: true },
    { from: 'example.com/e', to: 'example.com/e2', toVersion: 'v0.0.1', local: false },
    { from: 'example.com/f', to: '.', local: true },
  ]);
  t.deepEqual(parseReplaces('module m\nrequire x v1\n'), []);
});

test('modules below a path in no module: linked by local replace, separate otherwise', async (t) => {
  const root = tmp();
  writeTree(root, {
    'svc/go.mod': 'module example.com/svc\n\nrequire example.com/lib v0.0.0\n\nreplace (\n\texample.com/lib v0.0.0 => ../lib\n)\n',
    'svc/api/api.go': pkg,
    'lib/go.mod': 'module example.com/lib\n',
    'lib/lib.go': pkg,
    'lib/sub/s.go': pkg,
    // Another copy of example.com/lib, linked to nothing.
    'fork/go.mod': 'module example.com/lib\n',
    'fork/f.go': pkg,
    // Skipped like any module walk skips them.
    'testdata/go.mod': 'module example.com/td\n',
    'testdata/t.go': pkg,
    '_old/go.mod': 'module example.com/old\n',
    'vendor/v/go.mod': 'module example.com/v\n',
    'gen/go.mod': 'module example.com/gen\n',
    'gen/g.go': pkg,
    '.gitignore': 'gen/\n',
    'loose.go': pkg,
  });
  fs.mkdirSync(path.join(root, '.git'));
  const ws = await discover(['.'], { cwd: root, gopath: '/nonexistent' });
  t.deepEqual(ws.errors, []);
  t.deepEqual(rels(ws), ['fork/f.go', 'lib/lib.go', 'lib/sub/s.go', 'svc/api/api.go']);
  t.deepEqual(targets(ws), rels(ws));
  t.deepEqual(ws.files.map((f) => f.importPath), ['example.com/lib', 'example.com/lib', 'example.com/lib/sub', 'example.com/svc/api']);
  t.deepEqual(ws.parts, [[path.join(root, 'fork')], [path.join(root, 'lib'), path.join(root, 'svc')]]);
  t.deepEqual(ws.notes, [
    'no go.mod above .: 3 modules found below it; 1 .go file in no module left out',
    '2 separate builds, each run on its own: modules build together only when a go.work or a local replace links them',
  ]);

  // Each part on its own: the fork never shares a package with lib.
  const parts = splitWorkspace(ws);
  t.deepEqual(parts.map(rels), [['fork/f.go'], ['lib/lib.go', 'lib/sub/s.go', 'svc/api/api.go']]);
  t.deepEqual(parts.map((p) => p.modules.map((m) => m.root)), ws.parts);
});

test('modules below: a replace target outside the path comes along, not as a target; a go.work below links its uses', async (t) => {
  const root = tmp();
  writeTree(root, {
    'repo/svc/go.mod': 'module example.com/svc\nreplace example.com/lib => ../../shared/lib\nreplace example.com/gone => ../gone\n',
    'repo/svc/s.go': pkg,
    'shared/lib/go.mod': 'module example.com/lib\n',
    'shared/lib/l.go': pkg,
    'ws/go.work': 'go 1.22\nuse (\n\t./a\n\t./b\n)\n',
    'ws/a/go.mod': 'module example.com/a\n',
    'ws/a/a.go': pkg,
    'ws/b/go.mod': 'module example.com/b\n',
    'ws/b/b.go': pkg,
  });
  const ws = await discover(['repo', 'ws'], { cwd: root, gopath: '/nonexistent' });
  t.deepEqual(ws.errors, []);
  t.deepEqual(rels(ws), ['repo/svc/s.go', 'shared/lib/l.go', 'ws/a/a.go', 'ws/b/b.go']);
  t.deepEqual(targets(ws), ['repo/svc/s.go', 'ws/a/a.go', 'ws/b/b.go']);
  t.deepEqual(ws.parts, [[path.join(root, 'repo/svc'), path.join(root, 'shared/lib')], [path.join(root, 'ws/a'), path.join(root, 'ws/b')]]);
});

test('modules named separately: linked when one replaces the other, separate builds otherwise', async (t) => {
  const root = tmp();
  writeTree(root, {
    'svc/go.mod': 'module example.com/svc\nreplace example.com/lib => ../lib\nreplace golang.org/x/net => ./xnet\n',
    'svc/s.go': pkg,
    'svc/xnet/go.mod': 'module golang.org/x/net\n',
    'svc/xnet/context/c.go': pkg,
    'lib/go.mod': 'module example.com/lib\n',
    'lib/l.go': pkg,
    'other/go.mod': 'module example.com/other\n',
    'other/o.go': pkg,
  });
  const ws = await discover(['svc', 'lib', 'other'], { cwd: root });
  // A module found above a path brings no replaced module along (svc/xnet stays another module's code).
  t.deepEqual(rels(ws), ['lib/l.go', 'other/o.go', 'svc/s.go']);
  t.deepEqual(ws.parts, [[path.join(root, 'lib'), path.join(root, 'svc')], [path.join(root, 'other')]]);
  const one = await discover(['svc'], { cwd: root });
  t.deepEqual(rels(one), ['svc/s.go']);
  t.is(one.parts, undefined);
});

test('modules below: one module path twice in one build is an error, its files are left out', async (t) => {
  const root = tmp();
  writeTree(root, {
    'svc/go.mod': 'module example.com/svc\nreplace example.com/lib => ../lib\n',
    'svc/s.go': pkg,
    'lib/go.mod': 'module example.com/svc\n',
    'lib/l.go': pkg,
    'other/go.mod': 'module example.com/other\n',
    'other/o.go': pkg,
  });
  const ws = await discover(['.'], { cwd: root, gopath: '/nonexistent' });
  t.deepEqual(rels(ws), ['other/o.go']);
  t.is(ws.errors.length, 1);
  t.regex(ws.errors[0].message, /module example\.com\/svc is also declared by (lib|svc)\/go\.mod.*left out/);
  t.is(ws.parts, undefined);
});

test('GOPATH mode: import paths from the place under <gopath>/src, scope as named', async (t) => {
  const root = tmp();
  writeTree(root, {
    'gp/src/github.com/acme/app/store/s.go': pkg,
    'gp/src/github.com/acme/app/api/a.go': pkg,
    'gp/src/github.com/acme/app/api/testdata/x.go': pkg,
    'gp/src/github.com/other/o.go': pkg,
    'gp/bin/tool.go': pkg,
    'elsewhere/e.go': pkg,
  });
  const gp = path.join(root, 'gp');
  const ws = await discover(['.'], { cwd: path.join(gp, 'src/github.com/acme/app'), gopath: ['/nonexistent', gp].join(path.delimiter) });
  t.deepEqual(ws.errors, []);
  t.deepEqual(ws.files.map((f) => [f.rel, f.importPath, f.target]), [
    ['api/a.go', 'github.com/acme/app/api', true],
    ['store/s.go', 'github.com/acme/app/store', true],
  ]);
  t.deepEqual(ws.notes, [`GOPATH mode: import paths from ${path.join(gp, 'src')} (no go.mod found)`]);

  // The GOPATH root named: all of its src, nothing else; from $GOPATH when there is no --gopath.
  const all = await discover(['.'], { cwd: gp, env: { GOPATH: gp } });
  t.deepEqual(rels(all), ['src/github.com/acme/app/api/a.go', 'src/github.com/acme/app/store/s.go', 'src/github.com/other/o.go']);
  t.is(all.files[2].importPath, 'github.com/other');

  // A file: its package comes along, only the file is a target.
  const one = await discover(['store/s.go'], { cwd: path.join(gp, 'src/github.com/acme/app'), gopath: gp });
  t.deepEqual(targets(one), ['store/s.go']);

  // Under no GOPATH: an error saying what was looked for.
  const none = await discover(['elsewhere'], { cwd: root, gopath: gp });
  t.deepEqual(none.files, []);
  t.is(none.errors[0].message, `not in a Go module: no go.mod in elsewhere or any directory above, none below it, and not under a GOPATH src (${path.join(gp, 'src')})`);
});

test('gopathRoots: --gopath, else $GOPATH (a list), else $HOME/go', (t) => {
  t.deepEqual(gopathRoots({ cwd: '/w', gopath: 'g', env: { GOPATH: '/x' } }), ['/w/g']);
  t.deepEqual(gopathRoots({ cwd: '/w', env: { GOPATH: ['/a', '', 'b'].join(path.delimiter) } }), ['/a', '/w/b']);
  t.deepEqual(gopathRoots({ cwd: '/w', env: { HOME: '/home/u' } }), ['/home/u/go']);
  t.deepEqual(gopathRoots({ cwd: '/w', env: {} }), []);
});

test('mergeReports: sums counts, concatenates lists, merges file-local counts by name', (t) => {
  const base = { filesScanned: 1, filesParsed: 1, filesChanged: 1, signaturesMoved: 1, callSitesUpdated: 2, setsMoved: 1, setsLeftAlone: 0, leftAlone: [], errors: [], generated: [] };
  const r = mergeReports([
    { ...base, counts: [{ one: 'x', many: 'xs', n: 1 }] },
    { ...base, setsLeftAlone: 1, leftAlone: [{ file: 'a.go', line: 1, reason: 'r' }], counts: [{ one: 'x', many: 'xs', n: 2 }, { one: 'y', many: 'ys', n: 1 }] },
  ]);
  t.is(r.filesScanned, 2);
  t.is(r.callSitesUpdated, 4);
  t.is(r.setsLeftAlone, 1);
  t.deepEqual(r.leftAlone, [{ file: 'a.go', line: 1, reason: 'r' }]);
  t.deepEqual(r.counts, [{ one: 'x', many: 'xs', n: 3 }, { one: 'y', many: 'ys', n: 1 }]);
});

test('importPathsIn: single, grouped, named, raw, comments', (t) => {
  const src = [
    '// import "not/this"',
    'package p',
    '',
    'import "a/b"',
    'import x "c/d" // "not/that"',
    'import (',
    '\t"e"',
    '\t/* "nor/this" */ y "f/g"',
    '\t. `h`',
    ')',
    '',
    'func f() { _ = "import \\"z\\"" }',
  ].join('\n');
  t.deepEqual(importPathsIn(src), ['a/b', 'c/d', 'e', 'f/g', 'h']);
});

test('a build linked by replaces where a module imports one it does not replace: an error, the build left out', async (t) => {
  const imp = (ip: string) => `package p\n\nimport _ "${ip}"\n`;
  const root = tmp();
  writeTree(root, {
    'lib/go.mod': 'module example.com/lib\nreplace example.com/x => ../x\n',
    'lib/l.go': imp('example.com/x/y'),
    'x/go.mod': 'module example.com/x\n',
    'x/y/y.go': pkg,
    // svc builds with lib but gets x from the module cache: lib's import of x is not ../x there.
    'svc/go.mod': 'module example.com/svc\nreplace example.com/lib => ../lib\n',
    'svc/s.go': imp('example.com/lib'),
    'alone/go.mod': 'module example.com/alone\n',
    'alone/a.go': imp('example.com/lib'),
  });
  const ws = await discover(['.'], { cwd: root, gopath: '/nonexistent' });
  t.deepEqual(rels(ws), ['alone/a.go']);
  t.is(ws.errors.length, 1);
  t.is(ws.errors[0].file, 'lib/l.go');
  t.regex(ws.errors[0].message, /^imports example\.com\/x\/y, of the module in x, which svc\/go\.mod does not replace with a local directory: .* the files of lib, svc, x are left out/);

  // With the replace in svc too, the three build together.
  fs.writeFileSync(path.join(root, 'svc/go.mod'), 'module example.com/svc\nreplace (\n\texample.com/lib => ../lib\n\texample.com/x => ../x\n)\n');
  const ok = await discover(['.'], { cwd: root, gopath: '/nonexistent' });
  t.deepEqual(ok.errors, []);
  t.deepEqual(ok.parts, [[path.join(root, 'alone')], [path.join(root, 'lib'), path.join(root, 'svc'), path.join(root, 'x')]]);
});

test('a nested module left out of a module walk is said so', async (t) => {
  const root = tempDir('ws-nested-note');
  writeTree(root, {
    'go.mod': 'module example.com/root\n',
    'a.go': 'package root\n',
    'sub/go.mod': 'module example.com/sub\n',
    'sub/b.go': 'package sub\n',
  });
  const ws = await discover(['.'], { cwd: root });
  t.deepEqual(ws.files.map((f) => f.rel), ['a.go']);
  t.deepEqual(ws.notes, ['1 nested module left out (sub): each has its own go.mod; name its directory, or list it in a go.work, to include it']);
  const both = await discover(['.', 'sub'], { cwd: root });
  t.deepEqual(both.files.map((f) => f.rel), ['a.go', 'sub/b.go']);
  t.is(both.notes?.some((n) => n.includes('nested')) ?? false, false);
  cleanup(root);
});

test('a directory of a module holding only other modules: those modules, as if it were in none', async (t) => {
  const root = tempDir('ws-only-modules');
  writeTree(root, {
    'go.mod': 'module example.com/root\n',
    'a.go': 'package root\n',
    'extra/x/go.mod': 'module example.com/root/extra/x\n\nreplace example.com/root => ../..\n',
    'extra/x/x.go': 'package x\n',
    'example/y/go.mod': 'module example.com/y\n',
    'example/y/y.go': 'package y\n',
  });
  const ws = await discover(['extra'], { cwd: root });
  t.deepEqual(ws.files.map((f) => [f.rel, f.target]), [['a.go', false], ['extra/x/x.go', true]]);
  t.deepEqual(ws.notes, ['extra holds no package of the module in .: 1 module found below it']);
  cleanup(root);
});

test('under a go.work, a directory holding only modules: the go.work says how they build', async (t) => {
  const root = tempDir('ws-only-modules-work');
  writeTree(root, {
    'go.work': 'go 1.22\n\nuse (\n\t.\n\t./extra/x\n)\n',
    'go.mod': 'module example.com/root\n',
    'a.go': 'package root\n',
    'extra/x/go.mod': 'module example.com/root/extra/x\n',
    'extra/x/x.go': 'package x\n',
  });
  const ws = await discover(['extra'], { cwd: root });
  t.deepEqual(ws.files.map((f) => [f.rel, f.target]), [['a.go', false], ['extra/x/x.go', true]]);
  t.is(ws.parts, undefined, 'one build, as the go.work links them');
  t.is(ws.notes, undefined);
  cleanup(root);
});

test('dependencies that import a module of the run back: in a go.work, one module\'s dependency importing another module of it', async (t) => {
  const root = tmp('importback-work');
  const cache = path.join(root, 'modcache');
  writeTree(root, {
    'go.work': 'go 1.22\n\nuse (\n\t./a\n\t./b\n)\n',
    'a/go.mod': 'module example.com/a\n\ngo 1.22\n\nrequire example.com/dep v1.0.0\n',
    'a/a.go': 'package a\n\nimport _ "example.com/dep/p"\n',
    'b/go.mod': 'module example.com/b\n\ngo 1.22\n',
    'b/b.go': 'package b\n',
    [path.join('modcache', 'cache', 'download', 'example.com', 'dep', '@v', 'v1.0.0.mod')]: 'module example.com/dep\n\nrequire example.com/b v0.1.0\n',
    'modcache/example.com/dep@v1.0.0/p/p.go': 'package p\n\nimport _ "example.com/b"\n',
  });
  const ws = await discover([path.join(root, 'a')], { cwd: root, env: { GOMODCACHE: cache } });
  const byPath = new Map(ws.modules.map((m) => [m.path, m]));
  t.falsy(byPath.get('example.com/a')!.importedBack);
  t.deepEqual(byPath.get('example.com/b')!.importedBack, [{ how: 'requires', module: 'example.com/dep', version: 'v1.0.0', where: 'example.com/dep@v1.0.0/p/p.go imports example.com/b' }]);
});

test('dependencies that import a module of the run back: the packages the build compiles, escaping, tests, vendor, old go.mod', async (t) => {
  const root = tmp('importback');
  const cache = path.join(root, 'modcache');
  const dl = (p: string, v: string) => path.join('modcache', 'cache', 'download', p, '@v', `${v}.mod`);
  writeTree(root, {
    'app/go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/Acme/lib v1.2.0\n\texample.com/testsonly v1.0.0\n\texample.com/other v0.3.0\n\texample.com/app/tools v0.1.0 // indirect\n\texample.com/gone v0.1.0 // indirect\n)\n',
    'app/api/api.go': 'package api\n',
    'app/main.go': 'package main\n\nimport (\n\t_ "github.com/Acme/lib/y"\n\t_ "example.com/testsonly"\n\t_ "example.com/other"\n)\n\nfunc main() {}\n',
    // Its go.mod requires the app; package x imports it, but the app's build compiles only y, which
    // imports z, which does not: nothing (golang.org/x/crypto's acme/autocert and golang.org/x/net).
    [dl('github.com/!acme/lib', 'v1.2.0')]: 'module github.com/Acme/lib\n\ngo 1.22\n\nrequire example.com/app v0.1.0\n',
    'modcache/github.com/!acme/lib@v1.2.0/x/x.go': 'package x\n\nimport (\n\t"fmt"\n\tapi "example.com/app/api"\n)\n',
    'modcache/github.com/!acme/lib@v1.2.0/y/y.go': '// Package y.\npackage y\n\nimport "github.com/Acme/lib/z"\n\nfunc Y() {}\n',
    'modcache/github.com/!acme/lib@v1.2.0/z/z.go': 'package z\n\nimport "strings"\n',
    // Only its tests import the app: its build never compiles them.
    [dl('example.com/testsonly', 'v1.0.0')]: 'module example.com/testsonly\n\nrequire example.com/app v0.1.0\n',
    'modcache/example.com/testsonly@v1.0.0/t.go': 'package t\n',
    'modcache/example.com/testsonly@v1.0.0/t_test.go': 'package t\n\nimport _ "example.com/app/api"\n',
    // It imports example.com/app/tools/x, of a module of its own (the longest module path wins).
    [dl('example.com/other', 'v0.3.0')]: 'module example.com/other\n\nrequire (\n\texample.com/app v0.1.0\n\texample.com/app/tools v0.1.0\n)\n',
    'modcache/example.com/other@v0.3.0/o.go': 'package o\n\nimport _ "example.com/app/tools/x"\n',
  });
  let ws = await discover([path.join(root, 'app')], { cwd: root, env: { GOMODCACHE: cache } });
  t.falsy(ws.modules[0].importedBack);
  // example.com/gone and example.com/app/tools have no go.mod in the cache: the note says what could not be checked.
  t.true((ws.notes ?? []).some((n) => n.startsWith('example.com/app: 2 required modules (example.com/app/tools@v0.1.0, example.com/gone@v0.1.0) have no go.mod in the module cache') && n.includes('go mod download')), JSON.stringify(ws.notes));

  // Once a test of the app imports x (go vet and go test compile it), the app's API is the dependency's
  // too (the cache spells upper case `!a`); what could not be checked no longer matters.
  writeTree(root, { 'app/main_test.go': 'package main\n\nimport _ "github.com/Acme/lib/x"\n' });
  ws = await discover([path.join(root, 'app')], { cwd: root, env: { GOMODCACHE: cache } });
  const app = ws.modules.find((m) => m.path === 'example.com/app')!;
  t.deepEqual(app.importedBack, [{ how: 'requires', module: 'github.com/Acme/lib', version: 'v1.2.0', where: 'github.com/Acme/lib@v1.2.0/x/x.go imports example.com/app/api' }]);
  t.true(ws.files.every((f) => f.module.importedBack === app.importedBack));
  t.falsy(ws.notes);

  // Vendor mode reads vendor/, not the cache.
  writeTree(root, {
    'app/vendor/modules.txt': '# github.com/Acme/lib v1.2.0\n## explicit\ngithub.com/Acme/lib/x\n',
    'app/vendor/github.com/Acme/lib/x/x.go': 'package x\n\nimport _ "example.com/app/api"\n',
  });
  const vws = await discover([path.join(root, 'app')], { cwd: root, env: { GOMODCACHE: path.join(root, 'nowhere') } });
  t.deepEqual(vws.modules[0].importedBack, [{ how: 'requires', module: 'github.com/Acme/lib', version: null, where: 'vendor/github.com/Acme/lib/x/x.go imports example.com/app/api' }]);
  t.falsy(vws.notes);

  // Before go 1.17, a go.mod lists only direct requirements: the graph is walked through the dependencies' go.mod files.
  writeTree(root, {
    'old/go.mod': 'module example.com/old\n\ngo 1.16\n\nrequire example.com/a v1.0.0\n',
    'old/o.go': 'package old\n',
    [dl('example.com/a', 'v1.0.0')]: 'module example.com/a\n\nrequire example.com/b v1.1.0\n',
    [dl('example.com/b', 'v1.1.0')]: 'module example.com/b\n\nrequire example.com/old v0.9.0\n',
    'modcache/example.com/b@v1.1.0/b.go': 'package b\n\nimport "example.com/old"\n',
  });
  const ows = await discover([path.join(root, 'old')], { cwd: root, env: { GOMODCACHE: cache } });
  t.deepEqual(ows.modules[0].importedBack, [{ how: 'requires', module: 'example.com/b', version: 'v1.1.0', where: 'example.com/b@v1.1.0/b.go imports example.com/old' }]);

  // A package the build compiles from a module whose go.mod requires the run's module but whose
  // source is not in the cache: which of its packages import it cannot be told, so it counts.
  writeTree(root, {
    'lone/go.mod': 'module example.com/lone\n\ngo 1.22\n\nrequire example.com/nosrc v1.0.0\n',
    'lone/l.go': 'package lone\n\nimport _ "example.com/nosrc/p"\n',
    [dl('example.com/nosrc', 'v1.0.0')]: 'module example.com/nosrc\n\nrequire example.com/lone v0.1.0\n',
  });
  const lws = await discover([path.join(root, 'lone')], { cwd: root, env: { GOMODCACHE: cache } });
  t.deepEqual(lws.modules[0].importedBack, [{ how: 'requires', module: 'example.com/nosrc', version: 'v1.0.0', where: 'example.com/nosrc@v1.0.0/go.mod requires example.com/lone (its source is not in the module cache)' }]);
});

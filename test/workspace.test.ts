import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discover, parseModulePath, parseWorkUses, rebaseGitignore } from '../lib/workspace.js';
import type { Workspace } from '../lib/types.js';
import { cleanup, isRoot, tempDir, writeTree } from './unit-tmp.js';

const dirs: string[] = [];
function tmp(prefix = 'ws'): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}
test.after.always(() => {
  for (const d of dirs) cleanup(d);
});

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

import test from 'ava';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unifiedDiff } from '../lib/diff.js';
import { formatProblem, formatSummary } from '../lib/report.js';
import type { Report } from '../lib/types.js';
import { writeAtomic } from '../lib/write.js';
import { isRoot, tempDirs, writeTree } from './unit-tmp.js';
import { defaultTransforms, findTransform } from '../transforms/index.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/goshift.js');

const tmp = tempDirs(test, 'cli');

function goshift(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? process.cwd(),
    env: { ...process.env, GOSHIFT_DEBUG: '', ...opts.env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------
// CLI flags (what works without the engine)

test('--list-transforms lists the visible transforms only', (t) => {
  const r = goshift(['--list-transforms']);
  t.is(r.code, 0);
  t.regex(r.stdout, /^ctx-first +move context\.Context parameters to the front/m);
  t.regex(r.stdout, /^ctx-legacy +import "context" instead of golang\.org\/x\/net\/context/m);
  t.notRegex(r.stdout, /ctx-last/);
  // ctx-inherit changes behaviour: listed, and says it runs only on request.
  t.regex(r.stdout, /^ctx-inherit +on request only \(changes behaviour\)/m);
  t.regex(r.stdout, /^ctx-plumb +thread a real context/m);
  t.notRegex(r.stdout, /ctx-insert-test/);
  t.is(r.stderr, '');
});

test('ctx-inherit changes behaviour: never in the default set', (t) => {
  const r = goshift(['--print-config', '--no-config']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^transforms:\n  - ctx-first\n  - ctx-closure\n  - ctx-legacy\n[a-z]/m);
  for (const tr of defaultTransforms()) t.falsy(tr.changesBehaviour, tr.name);
  t.true(findTransform('ctx-inherit')?.changesBehaviour);
});

test('--help and --version exit 0', (t) => {
  const h = goshift(['--help']);
  t.is(h.code, 0);
  t.regex(h.stdout, /goshift \[flags\] \[path \.\.\.\]/);
  t.regex(h.stdout, /--allow-types-before/);
  t.regex(h.stdout, /--detach/);
  t.regex(h.stdout, /--test-context/);
  const v = goshift(['--version']);
  t.is(v.code, 0);
  t.regex(v.stdout, /^\d+\.\d+\.\d+/);
});

test('unknown flag: exit 2 with a message', (t) => {
  const r = goshift(['--frobnicate']);
  t.is(r.code, 2);
  t.regex(r.stderr, /Unknown argument: frobnicate/);
  t.is(r.stdout, '');
});

test('unknown transform: exit 2 listing the known ones', (t) => {
  const r = goshift(['-t', 'ctx-first,nope', '.']);
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown transform "nope"; known: ctx-first/);
  const empty = goshift(['-t', '']);
  t.is(empty.code, 2);
  t.regex(empty.stderr, /needs a name/);
});

test('one mode at a time', (t) => {
  for (const flags of [['-d', '-w'], ['--write', '--list'], ['-l', '-d', '-w']]) {
    const r = goshift(flags);
    t.is(r.code, 2, flags.join(' '));
    t.regex(r.stderr, /choose one mode/);
  }
});

test('nonexistent path: named on stderr, exit 2, no stack trace', (t) => {
  const dir = tmp();
  writeTree(dir, { 'go.mod': 'module m\n' });
  const r = goshift(['does/not/exist', 'neither.go'], { cwd: dir });
  t.is(r.code, 2);
  t.regex(r.stderr, /^does\/not\/exist: error: no such file or directory$/m);
  t.regex(r.stderr, /^neither\.go: error: no such file or directory$/m);
  t.notRegex(r.stderr, /^\s+at /m);
  t.is(r.stdout, '');
});

test('a hidden transform can be chosen by name', (t) => {
  const dir = tmp();
  const r = goshift(['-t', 'ctx-last', 'missing'], { cwd: dir });
  t.notRegex(r.stderr, /unknown transform/);
  t.regex(r.stderr, /^missing: error: no such file or directory$/m);
  t.is(r.code, 2);
});

test('the process exits as soon as it is done, and a large diff read slowly through a pipe still arrives whole', async (t) => {
  // cli() ends the process itself once stdout and stderr have taken everything: nothing written may be lost.
  const dir = tmp();
  const files: Record<string, string> = { 'go.mod': 'module m\n\ngo 1.21\n' };
  const n = 600;
  for (let i = 0; i < n; i++) {
    const body = Array.from({ length: 8 }, (_, k) => `\t_ = "padding line ${k} of file ${i}, so that the diff is long enough to fill a pipe many times"`).join('\n');
    files[`f${i}.go`] = `package m\n\nimport "context"\n\nfunc F${i}(n int, ctx context.Context) int {\n${body}\n\treturn n\n}\n\nfunc G${i}(ctx context.Context) int {\n\treturn F${i}(${i}, ctx)\n}\n`;
  }
  writeTree(dir, files);
  const fast = goshift(['-d', '--no-cache', '.'], { cwd: dir });
  t.is(fast.code, 0, fast.stderr);
  const child = spawn(process.execPath, [bin, '-d', '--no-cache', '.'], { cwd: dir, env: { ...process.env, GOSHIFT_DEBUG: '' } });
  const out: Buffer[] = [];
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  child.stdout.pause();
  await new Promise((r) => setTimeout(r, 1000));
  // Read in small steps, with pauses, while the child is blocked on a full pipe.
  child.stdout.on('data', (d: Buffer) => {
    out.push(d);
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 2);
  });
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const stdout = Buffer.concat(out).toString('utf8');
  t.is(code, 0, err);
  t.true(stdout.length > 300_000, `${stdout.length} bytes`);
  t.is((stdout.match(/^\+\+\+ b\//gm) ?? []).length, n);
  t.is(stdout, fast.stdout);
  t.regex(err, new RegExp(`^goshift: ${n} files scanned, .*${n} files changed`, 'm'));
  t.is(err, fast.stderr);
});

// ---------------------------------------------------------------------------------------------
// lib/diff.ts, checked with a real `git apply`

function gitApply(files: Record<string, Buffer>, patch: Buffer): Record<string, Buffer> {
  const dir = tmp('apply');
  writeTree(dir, files);
  fs.writeFileSync(path.join(dir, 'the.patch'), patch);
  execFileSync('git', ['apply', '--whitespace=nowarn', 'the.patch'], { cwd: dir, stdio: 'pipe' });
  return Object.fromEntries(Object.keys(files).map((k) => [k, fs.readFileSync(path.join(dir, k))]));
}

const lines = (n: number, nl = '\n') => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join(nl) + nl;

const cases: Array<[string, string, string]> = [
  ['plain change in the middle', lines(20), lines(20).replace('line 10\n', 'line ten\n')],
  ['two hunks', lines(40), lines(40).replace('line 3\n', 'three\n').replace('line 33\n', 'thirty-three\n')],
  ['no final newline before', lines(5).slice(0, -1), lines(5).replace('line 5\n', 'five\n')],
  ['no final newline after', lines(5), lines(5).replace('line 5\n', 'five')],
  ['no final newline on either side', lines(5).slice(0, -1), lines(5).replace('line 2', 'two').slice(0, -1)],
  ['CRLF', lines(10, '\r\n'), lines(10, '\r\n').replace('line 4\r\n', 'four\r\nfour bis\r\n')],
  ['CRLF without final newline', lines(6, '\r\n').slice(0, -2), lines(6, '\r\n').replace('line 1\r\n', '').slice(0, -2)],
  ['first and last lines', lines(3), 'zero\n' + lines(3) + 'four\n'],
];
for (const [name, before, after] of cases) {
  test(`unifiedDiff + git apply: ${name}`, (t) => {
    const rel = 'pkg/sub/file.go';
    const d = unifiedDiff(rel, before, after);
    t.true(d.startsWith(`diff --git a/${rel} b/${rel}\n--- a/${rel}\n+++ b/${rel}\n@@ `), d);
    const out = gitApply({ [rel]: Buffer.from(before) }, Buffer.from(d));
    t.is(out[rel].toString('utf8'), after);
  });
}

test('unifiedDiff: 3 lines of context, no-newline marker, equal texts give nothing', (t) => {
  const d = unifiedDiff('f.go', lines(20), lines(20).replace('line 10\n', 'X\n'));
  t.true(d.includes('@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+X\n line 11\n line 12\n line 13\n'), d);
  t.regex(unifiedDiff('f.go', 'a\nb', 'a\nc'), /\n-b\n\\ No newline at end of file\n\+c\n\\ No newline at end of file\n$/);
  t.is(unifiedDiff('f.go', 'same\n', 'same\n'), '');
});

test('unifiedDiff: several files concatenated apply in one go, latin1 bytes kept', (t) => {
  const l1 = Buffer.from('// caf\xe9\nfunc f(a int, ctx Ctx) {}\n', 'latin1');
  const u8 = Buffer.from('// café ☕\nx\n', 'utf8');
  const p = Buffer.concat([
    Buffer.from(unifiedDiff('a/l1.go', l1.toString('latin1'), l1.toString('latin1').replace('a int, ctx Ctx', 'ctx Ctx, a int')), 'latin1'),
    Buffer.from(unifiedDiff('b/u8.go', u8.toString('utf8'), u8.toString('utf8').replace('x', 'y')), 'utf8'),
  ]);
  const out = gitApply({ 'a/l1.go': l1, 'b/u8.go': u8 }, p);
  t.deepEqual(out['a/l1.go'], Buffer.from('// caf\xe9\nfunc f(ctx Ctx, a int) {}\n', 'latin1'));
  t.is(out['b/u8.go'].toString('utf8'), '// café ☕\ny\n');
});

// ---------------------------------------------------------------------------------------------
// lib/write.ts

test('writeAtomic: replaces the content, keeps the mode, leaves no temp file', async (t) => {
  const dir = tmp('write');
  const f = path.join(dir, 'x.go');
  fs.writeFileSync(f, 'old\n');
  fs.chmodSync(f, 0o640);
  await writeAtomic(f, 'new\n', 'utf8', Buffer.from('old\n'));
  t.is(fs.readFileSync(f, 'utf8'), 'new\n');
  t.is(fs.statSync(f).mode & 0o7777, 0o640);
  t.deepEqual(fs.readdirSync(dir), ['x.go']);
  await writeAtomic(f, 'caf\xe9\n', 'latin1', Buffer.from('new\n'));
  t.deepEqual(fs.readFileSync(f), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
});

test('writeAtomic: refuses a file changed on disk since it was read', async (t) => {
  const dir = tmp('write');
  const f = path.join(dir, 'x.go');
  fs.writeFileSync(f, 'changed by someone\n');
  const e = await t.throwsAsync(writeAtomic(f, 'new\n', 'utf8', Buffer.from('old\n')));
  t.true(e!.message.includes(f));
  t.regex(e!.message, /changed on disk since it was read/);
  t.is(fs.readFileSync(f, 'utf8'), 'changed by someone\n');
  t.deepEqual(fs.readdirSync(dir), ['x.go']);
});

test('writeAtomic: refuses a read-only file, even as root', async (t) => {
  const dir = tmp('write');
  const f = path.join(dir, 'ro.go');
  fs.writeFileSync(f, 'old\n');
  fs.chmodSync(f, 0o444);
  const e = await t.throwsAsync(writeAtomic(f, 'new\n', 'utf8', Buffer.from('old\n')));
  t.true(e!.message.includes(f));
  t.regex(e!.message, /read-only/);
  t.is(fs.readFileSync(f, 'utf8'), 'old\n');
  t.deepEqual(fs.readdirSync(dir), ['ro.go']);
});

test('writeAtomic: a failed write removes its temp file', async (t) => {
  if (isRoot) {
    // Root writes anywhere: check at least that a failure leaves nothing behind.
    const dir = tmp('write');
    const f = path.join(dir, 'x.go');
    fs.writeFileSync(f, 'old\n');
    const e = await t.throwsAsync(writeAtomic(path.join(dir, 'missing.go'), 'new\n', 'utf8', Buffer.from('old\n')));
    t.regex(e!.message, /missing\.go: cannot write: no such file or directory/);
    t.deepEqual(fs.readdirSync(dir), ['x.go']);
    return;
  }
  const dir = tmp('write');
  const f = path.join(dir, 'x.go');
  fs.writeFileSync(f, 'old\n');
  fs.chmodSync(dir, 0o555);
  const e = await t.throwsAsync(writeAtomic(f, 'new\n', 'utf8', Buffer.from('old\n')));
  fs.chmodSync(dir, 0o755);
  t.true(e!.message.includes(f));
  t.deepEqual(fs.readdirSync(dir), ['x.go']);
  t.is(fs.readFileSync(f, 'utf8'), 'old\n');
});

test('writeAtomic: writes through a symlink, which stays a symlink', async (t) => {
  const dir = tmp('write');
  fs.writeFileSync(path.join(dir, 'real.go'), 'old\n');
  fs.symlinkSync('real.go', path.join(dir, 'link.go'));
  await writeAtomic(path.join(dir, 'link.go'), 'new\n', 'utf8', Buffer.from('old\n'));
  t.true(fs.lstatSync(path.join(dir, 'link.go')).isSymbolicLink());
  t.is(fs.readFileSync(path.join(dir, 'real.go'), 'utf8'), 'new\n');
});

// ---------------------------------------------------------------------------------------------
// lib/report.ts

const report: Report = {
  filesScanned: 12,
  filesParsed: 11,
  filesChanged: 2,
  signaturesMoved: 1,
  callSitesUpdated: 5,
  setsMoved: 2,
  setsLeftAlone: 1,
  leftAlone: [
    { file: 'b.go', line: 9, reason: 'passed to reflect' },
    { file: 'a.go', line: 30, reason: 'exported from a generated file' },
    { file: 'a.go', line: 4, reason: 'assigned to an interface{}' },
  ],
  errors: [
    { file: 'z.go', line: 3, column: 7, message: 'syntax error' },
    { file: 'c.go', message: 'cannot read: permission denied' },
    { file: 'c.go', line: 1, column: 1, message: 'bad' },
  ],
  generated: ['mock_store.go', 'api.pb.go'],
};

test('formatSummary: counts, then left alone and generated sorted by file and line, then errors', (t) => {
  t.is(
    formatSummary(report, { mode: 'write' }),
    [
      'goshift: 12 files scanned, 11 files parsed, 2 files changed, 1 signature moved, 5 call sites updated, 2 linked sets changed, 1 linked set left alone',
      'a.go:4: left alone: assigned to an interface{}',
      'a.go:30: left alone: exported from a generated file',
      'api.pb.go: generated: regenerate from its source',
      'b.go:9: left alone: passed to reflect',
      'mock_store.go: generated: regenerate from its source',
      'c.go: error: cannot read: permission denied',
      'c.go:1:1: error: bad',
      'z.go:3:7: error: syntax error',
      '',
    ].join('\n'),
  );
  t.regex(formatSummary(report, { mode: 'diff' }), /^goshift: 12 files scanned, 11 files parsed, 2 files changed, 1 signature moved, 5 call sites updated, 2 linked sets changed, 1 linked set left alone \(dry run: nothing written\)\n/);
  t.is(formatSummary({ ...report, leftAlone: [], errors: [], generated: [] }, { mode: 'list' }).split('\n').length, 2);
  t.is(formatProblem({ file: 'x.go', line: 2, message: 'm' }), 'x.go:2: error: m');
});

test('formatSummary: notes on lines of their own after the counts line', (t) => {
  const out = formatSummary({ ...report, leftAlone: [], errors: [], generated: [], notes: ['GOPATH mode: import paths from /g/src (no go.mod found)'] }, { mode: 'write' });
  t.deepEqual(out.split('\n').slice(1), ['goshift: GOPATH mode: import paths from /g/src (no go.mod found)', '']);
  t.regex(out, /^goshift: 12 files scanned, /);
});

test('--gopath: a GOPATH tree without go.mod, imports resolved, the summary says GOPATH mode', (t) => {
  const root = tmp();
  writeTree(root, {
    'gp/src/example.org/app/store/s.go': 'package store\n\nimport "context"\n\nfunc Put(k string, ctx context.Context) {}\n',
    'gp/src/example.org/app/cmd/main.go': 'package main\n\nimport (\n\t"context"\n\n\t"example.org/app/store"\n)\n\nfunc main() { store.Put("k", context.Background()) }\n',
  });
  const app = path.join(root, 'gp/src/example.org/app');
  const r = goshift(['--gopath', '../../..', '-l', './...'], { cwd: app, env: { GOPATH: '' } });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'cmd/main.go\nstore/s.go\n');
  const lines = r.stderr.split('\n');
  t.regex(lines[0], /^goshift: 2 files scanned, 2 files parsed, 2 files changed, 1 signature moved, 1 call site updated, /);
  t.is(lines[1], `goshift: GOPATH mode: import paths from ${path.join(root, 'gp/src')} (no go.mod found)`);

  // Outside every GOPATH (and no go.mod above or below): a clear error.
  const none = goshift(['-l', '.'], { cwd: app, env: { GOPATH: path.join(root, 'other') } });
  t.is(none.code, 2);
  t.regex(none.stderr, /not in a Go module: no go\.mod in \. or any directory above, none below it, and not under a GOPATH src \(.*other\/src\)/);

  const empty = goshift(['--gopath', '', '.'], { cwd: app });
  t.is(empty.code, 2);
  t.regex(empty.stderr, /--gopath needs a directory/);
});

// ---------------------------------------------------------------------------------------------
// The whole flow, against a stand-in engine: a copy of dist/ whose lib/engine.js swaps
// `(a int, ctx context.Context)` in target files. The real engine is tested elsewhere.

const fakeEngine = `import { readFileSync } from 'node:fs';
export async function runTransforms(ws, transforms, opts) {
  if (process.env.FAKE_THROW) throw new Error('engine exploded');
  const changes = [];
  for (const f of ws.files) {
    if (!f.target) continue;
    const before = readFileSync(f.abs);
    const s = before.toString('utf8');
    const after = s.replace('(a int, ctx context.Context)', '(ctx context.Context, a int)');
    if (after !== s) changes.push({ file: f, before, after, encoding: 'utf8' });
  }
  return { changes, report: { filesScanned: ws.files.length, filesParsed: ws.files.length, filesChanged: changes.length,
    signaturesMoved: changes.length, callSitesUpdated: 0, setsMoved: 0, setsLeftAlone: 0, leftAlone: [], errors: [], generated: [],
    ...(process.env.FAKE_ARGS ? { leftAlone: [{ file: 'args', line: 1, reason: JSON.stringify([transforms.map((t) => t.name), opts]) }] } : {}) } };
}
`;

function fakeInstall(): string {
  const root = tmp('fake');
  const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  for (const d of ['bin', 'lib', 'transforms']) fs.cpSync(path.join(dist, d), path.join(root, 'dist', d), { recursive: true });
  fs.writeFileSync(path.join(root, 'dist/lib/engine.js'), fakeEngine);
  fs.copyFileSync(path.join(dist, '../package.json'), path.join(root, 'package.json'));
  fs.symlinkSync(path.join(dist, '../node_modules'), path.join(root, 'node_modules'));
  // The CLI unbundled (scripts/bundle.ts), which imports the engine swapped in above; the bundle would not.
  const modules = path.join(root, 'dist/bin/goshift.modules.js');
  return fs.existsSync(modules) ? modules : path.join(root, 'dist/bin/goshift.js');
}

const goSrc = 'package p\n\nimport "context"\n\nfunc F(a int, ctx context.Context) {}\n';

test('flow with a stand-in engine: -d, -l, --check, -w, failures', (t) => {
  const fake = fakeInstall();
  const run = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [fake, ...args], { cwd, encoding: 'utf8', env: { ...process.env, GOSHIFT_DEBUG: '', ...env } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const mod = tmp('mod');
  writeTree(mod, { 'go.mod': 'module m\n', 'b/b.go': goSrc, 'a/a.go': goSrc, 'c/c.go': 'package c\n' });

  const d = run([], mod);
  t.is(d.code, 0, d.stderr);
  t.deepEqual(d.stdout.match(/^diff --git .*$/gm), ['diff --git a/a/a.go b/a/a.go', 'diff --git a/b/b.go b/b/b.go']);
  t.regex(d.stderr, /^goshift: 3 files scanned, 3 files parsed, 2 files changed, 2 signatures moved, 0 call sites updated, [^\n]*\(dry run/m);
  const copy = tmp('copy');
  fs.cpSync(mod, copy, { recursive: true });
  fs.writeFileSync(path.join(copy, 'p.patch'), d.stdout);
  execFileSync('git', ['apply', 'p.patch'], { cwd: copy, stdio: 'pipe' });
  t.regex(fs.readFileSync(path.join(copy, 'a/a.go'), 'utf8'), /F\(ctx context\.Context, a int\)/);

  const l = run(['-l', '--check', '-q', 'b'], mod);
  t.is(l.code, 1);
  t.is(l.stdout, 'b/b.go\n');
  t.is(l.stderr, '');

  const args = run(['-t', 'ctx-last', '-t', 'ctx-first', '--allow-types-before', '*testing.T,testing.TB', '--allow-types-before', 'T3', '-l', '--jobs', '3', '--cache-dir', 'cache'], mod, { FAKE_ARGS: '1' });
  t.true(args.stderr.includes(`args:1: left alone: [["ctx-first","ctx-last"],{"allowTypesBefore":["*testing.T","testing.TB","T3"],"api":"change","compatSuffix":"Context","jobs":3,"cacheDir":${JSON.stringify(path.join(mod, 'cache'))}}]`), args.stderr);
  const noCache = run(['-l', '--no-cache'], mod, { FAKE_ARGS: '1' });
  t.true(noCache.stderr.includes('"cacheDir":null'), noCache.stderr);
  const badJobs = run(['-l', '--jobs', '0'], mod);
  t.is(badJobs.code, 2);
  t.regex(badJobs.stderr, /--jobs needs a whole number of at least 1/);

  fs.chmodSync(path.join(mod, 'b/b.go'), 0o444);
  const w = run(['-w', '--check', 'nope', '.'], mod);
  t.is(w.code, 2);
  t.is(w.stdout, '');
  t.regex(w.stderr, /^b\/b\.go: error: file is read-only/m);
  t.regex(w.stderr, /^nope: error: no such file or directory$/m);
  t.regex(w.stderr, /1 file changed/);
  t.regex(fs.readFileSync(path.join(mod, 'a/a.go'), 'utf8'), /F\(ctx context\.Context, a int\)/);
  t.is(fs.readFileSync(path.join(mod, 'b/b.go'), 'utf8'), goSrc);

  fs.chmodSync(path.join(mod, 'b/b.go'), 0o644);
  t.is(run(['-w', '--check', '-q'], mod).code, 1);
  const clean = run(['--check'], mod);
  t.is(clean.code, 0);
  t.is(clean.stdout, '');

  const boom = run([], mod, { FAKE_THROW: '1' });
  t.is(boom.code, 2);
  t.is(boom.stderr, 'goshift: engine exploded\n');
  const debug = run([], mod, { FAKE_THROW: '1', GOSHIFT_DEBUG: '1' });
  t.regex(debug.stderr, /^\s+at runTransforms /m);
});

test('the CLI runs bundled (scripts/bundle.ts), and answers as its modules do', (t) => {
  const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  t.true(fs.readFileSync(path.join(dist, 'bin/goshift.js'), 'utf8').includes("import '../lib/cli.bundle.js'"), 'npm run build and npm test bundle the CLI');
  const mod = tmp('bundled');
  writeTree(mod, { 'go.mod': 'module m\n', 'p/p.go': goSrc, 'p/q.go': 'package p\n\nimport "context"\n\nfunc G(ctx context.Context) { F(1, ctx) }\n' });
  const run = (cli: string) => spawnSync(process.execPath, [path.join(dist, 'bin', cli), '--json', '--no-cache'], { cwd: mod, encoding: 'utf8' });
  const bundled = run('goshift.js');
  const modules = run('goshift.modules.js');
  t.is(bundled.status, 0, bundled.stderr);
  t.is(bundled.stdout, modules.stdout);
  t.is(bundled.stderr, modules.stderr);
  const doc = JSON.parse(bundled.stdout) as { files: { path: string; status: string }[] };
  t.deepEqual(doc.files.filter((f) => f.status === 'changed').map((f) => f.path), ['p/p.go', 'p/q.go']);
});

test('GOSHIFT_DEBUG_TIMING: 0 and empty are off, other values on', (t) => {
  const dir = tmp();
  writeTree(dir, {
    'go.mod': 'module example.com/t\n\ngo 1.22\n',
    'a.go': 'package a\n\nimport "context"\n\nfunc F(n int, ctx context.Context) {}\n',
  });
  for (const [v, on] of [['0', false], ['', false], ['1', true], ['yes', true]] as const) {
    const r = goshift(['-l', '.'], { cwd: dir, env: { GOSHIFT_DEBUG_TIMING: v } });
    t.is(r.code, 0);
    t.is(/^timing: /m.test(r.stderr), on, `GOSHIFT_DEBUG_TIMING=${JSON.stringify(v)}`);
  }
});

// ---------------------------------------------------------------------------------------------
// The report: one entry per linked set, -v for its members, exported API kept on request

const apiModule = {
  'go.mod': 'module example.com/lib\n\ngo 1.22\n',
  'lib.go': [
    'package lib',
    '',
    'import "context"',
    '',
    '// Doer is implemented outside this module.',
    'type Doer interface {',
    '\tDo(n int, ctx context.Context) int',
    '}',
    '',
    'type impl struct{}',
    '',
    'func (impl) Do(n int, ctx context.Context) int { return n }',
    '',
    'func helper(n int, ctx context.Context) int { return n }',
    '',
    'func Use(ctx context.Context) int { var d Doer = impl{}; return d.Do(1, ctx) + helper(2, ctx) }',
    '',
  ].join('\n'),
};

test('--api keep: one entry per set, members with -v; --check fails for kept API only with --strict', (t) => {
  const dir = tmp();
  writeTree(dir, apiModule);
  const keep = goshift(['-l', '--api', 'keep', '.'], { cwd: dir });
  t.is(keep.code, 0);
  t.is(keep.stdout, 'lib.go\n');
  const entries = keep.stderr.split('\n').filter((l) => l.includes('left alone:'));
  t.deepEqual(entries, [
    'lib.go:7: left alone: interface method Do (and 1 linked declaration, 1 call): exported API (--api keep): modules outside the workspace may call or implement Do, and would break (lib.go:7)',
  ]);
  t.notRegex(keep.stderr, /^ {4}/m, 'members only with -v');
  const verbose = goshift(['-l', '-v', '--api', 'keep', '.'], { cwd: dir });
  t.regex(verbose.stderr, /^lib\.go:7: left alone: .*\n {4}lib\.go:12: method \(impl\)\.Do$/m);
  // After -w only the kept API is out of place: --check passes, --check --strict does not.
  t.is(goshift(['-w', '-q', '--api', 'keep', '.'], { cwd: dir }).code, 0);
  t.is(goshift(['-l', '--check', '-q', '--api', 'keep', '.'], { cwd: dir }).code, 0);
  const strict = goshift(['-l', '--check', '--strict', '--api', 'keep', '.'], { cwd: dir });
  t.is(strict.code, 1);
  t.is(strict.stdout, '');
  t.is(goshift(['-l', '--check', '-q', '.'], { cwd: dir }).code, 1, '--api change (default) would move it');
  t.is(goshift(['-l', '--api', 'nope', '.'], { cwd: dir }).code, 2);
});

test('summary: left-alone entries and edited generated files sorted together by file and line', (t) => {
  const report: Report = {
    filesScanned: 3, filesParsed: 3, filesChanged: 1, signaturesMoved: 1, callSitesUpdated: 0, setsMoved: 1, setsLeftAlone: 2,
    leftAlone: [
      { file: 'b.go', line: 9, reason: 'func B: why', members: [{ file: 'a.go', line: 3, what: 'func type F' }] },
      { file: 'b.go', line: 2, reason: 'func A: why' },
    ],
    errors: [{ file: 'a.go', message: 'bad' }],
    generated: ['a_gen.go'],
    generatedMisplaced: [{ file: 'z.pb.go', line: 4, what: 'func _X_Handler', why: 'takes a context out of place; its generator fixes the signature, so goshift leaves it' }],
  };
  const plain = formatSummary(report, { mode: 'write' }).split('\n');
  t.regex(plain[0], /, 1 context out of place in generated files$/);
  t.regex(plain[1], /^goshift: a context out of place in generated files: .*fix the generator \(-v lists them\)$/);
  t.deepEqual(plain.slice(2), ['a_gen.go: generated: regenerate from its source', 'b.go:2: left alone: func A: why', 'b.go:9: left alone: func B: why', 'a.go: error: bad', '']);
  const verbose = formatSummary(report, { mode: 'write', verbose: true }).split('\n');
  t.deepEqual(verbose.slice(1), [
    'a_gen.go: generated: regenerate from its source',
    'b.go:2: left alone: func A: why',
    'b.go:9: left alone: func B: why',
    '    a.go:3: func type F',
    'z.pb.go:4: generated: func _X_Handler takes a context out of place; its generator fixes the signature, so goshift leaves it',
    'a.go: error: bad',
    '',
  ]);
});

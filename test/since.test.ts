// --since REV: only changes on lines changed since a git revision count, closed over linked sets.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { changedSince, lineChanged, parseDiff, selectSince, SinceError, unquoteGitPath } from '../lib/since.js';
import type { FileChange, SetSummary, SourceFile } from '../lib/types.js';
import { goEnv } from './support/paths.js';
import { run } from './support/run.js';
import { tempDirs, writeTree } from './unit-tmp.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/goshift.js');

const tmp = tempDirs(test, 'since');

/** git in a temp repository: no user or system config, no repository above the temp dir. */
function gitEnv(dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CEILING_DIRECTORIES: path.dirname(dir),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: gitEnv(dir), encoding: 'utf8' });
}

function goshift(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, '--no-cache', ...args], { cwd, env: { ...gitEnv(cwd), GOSHIFT_DEBUG: '' }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------
// Units

test('parseDiff: new-side ranges per file; deletions add none; new files, renames and quoted names', (t) => {
  const patch = [
    'diff --git a/a.go b/a.go',
    'index 1..2 100644',
    '--- a/a.go',
    '+++ b/a.go',
    '@@ -3 +3 @@ func x() {',
    '-old',
    '+new',
    '@@ -10,2 +9,0 @@',
    '-gone',
    '-gone',
    '@@ -20,0 +19,4 @@',
    '+a',
    'diff --git a/old.go b/dir/new.go',
    'similarity index 90%',
    'rename from old.go',
    'rename to dir/new.go',
    '--- a/old.go',
    '+++ b/dir/new.go',
    '@@ -5,2 +5,3 @@',
    'diff --git a/gone.go b/gone.go',
    'deleted file mode 100644',
    '--- a/gone.go',
    '+++ /dev/null',
    '@@ -1,3 +0,0 @@',
    'diff --git a/added.go b/added.go',
    'new file mode 100644',
    '--- /dev/null',
    '+++ b/added.go',
    '@@ -0,0 +1,7 @@',
    'diff --git "a/sp ace\\tq\\303\\251.go" "b/sp ace\\tq\\303\\251.go"',
    '--- "a/sp ace\\tq\\303\\251.go"',
    '+++ "b/sp ace\\tq\\303\\251.go"',
    '@@ -1 +1,2 @@',
    'diff --git a/mode.go b/mode.go',
    'old mode 100644',
    'new mode 100755',
    '',
  ].join('\n');
  const m = parseDiff(patch);
  t.deepEqual([...m.entries()], [
    ['a.go', [[3, 3], [19, 22]]],
    ['dir/new.go', [[5, 7]]],
    ['added.go', [[1, 7]]],
    ['sp ace\tqé.go', [[1, 2]]],
  ]);
  t.is(unquoteGitPath('plain.go'), 'plain.go');
  t.is(unquoteGitPath('"a\\"b\\\\c.go"'), 'a"b\\c.go');
});

/** A FileChange with notes at the given lines, each in a set or none. */
function change(rel: string, notes: [number, string | undefined][]): FileChange {
  const sf = { abs: '/r/' + rel, rel, dir: '/r', importPath: 'x', module: { root: '/r', path: 'x' }, isTest: false, target: true } as SourceFile;
  return {
    file: sf,
    notes: notes.map(([line, set]) => ({ line, column: 1, kind: set ? 'call' : 'rewrite', transform: 't', detail: 'd', ...(set ? { set } : {}) })),
    before: Buffer.from(''),
    after: 'x',
    encoding: 'utf8',
  };
}
const set = (id: string, files: string[]): SetSummary => ({ id, transform: 't', what: id, members: [], files });

test('selectSince: a counted edit brings its whole set, and a counted file every set with an edit in it', (t) => {
  const changes = [
    change('a.go', [[5, 'S1']]),
    change('b.go', [[9, 'S1'], [30, 'S2']]),
    change('c.go', [[2, 'S2']]),
    change('d.go', [[7, 'S3']]),
    change('e.go', [[4, undefined]]),
  ];
  const sets = [set('S1', ['a.go', 'b.go']), set('S2', ['b.go', 'c.go']), set('S3', ['d.go'])];
  const newLines: Record<string, number[]> = { '/r/a.go': [5], '/r/e.go': [4] };
  const at = (abs: string, line: number) => (newLines[abs] ?? []).includes(line);
  const leftAlone = [
    { file: 'd.go', line: 1, reason: 'old' },
    { file: 'x.go', line: 3, reason: 'member on a new line', members: [{ file: 'a.go', line: 5, what: 'f' }] },
  ];
  const sel = selectSince({ changes, sets, leftAlone }, at, '/r');
  // a.go's edit is S1's: b.go comes with it; b.go also holds S2, so c.go too. d.go is not new.
  t.deepEqual(sel.changes.map((c) => c.file.rel), ['a.go', 'b.go', 'c.go', 'e.go']);
  t.deepEqual(sel.sets.map((s) => s.id), ['S1', 'S2']);
  t.deepEqual(sel.leftAlone.map((l) => l.file), ['x.go']);
  t.deepEqual(sel.setAside, { files: 1, leftAlone: 1 });
  // Nothing new: nothing counts.
  const none = selectSince({ changes, sets, leftAlone }, () => false, '/r');
  t.deepEqual([none.changes.length, none.sets.length, none.leftAlone.length], [0, 0, 0]);
});

// ---------------------------------------------------------------------------------------------
// A repository

const GOMOD = 'module example.com/legacy\n\ngo 1.22\n';
/** Old code with contexts out of place, committed as the base. */
const OLD = [
  'package legacy',
  '',
  'import "context"',
  '',
  'type key struct{}',
  '',
  '// K is the test\'s context key.',
  'var K = key{}',
  '',
  '// Old has its context last, and always had.',
  'func Old(n int, ctx context.Context) int { return n + ctx.Value(K).(int) }',
  '',
  '// Shared is old too, but new code will call it.',
  'func Shared(n int, ctx context.Context) int { return n * ctx.Value(K).(int) }',
  '',
].join('\n');
const TEST = [
  'package legacy',
  '',
  'import (',
  '\t"context"',
  '\t"testing"',
  ')',
  '',
  'func TestOld(t *testing.T) {',
  '\tctx := context.WithValue(context.Background(), K, 10)',
  '\tif got := Old(1, ctx) + Shared(2, ctx); got != 31 {',
  '\t\tt.Fatal(got)',
  '\t}',
  '}',
  '',
].join('\n');

function repo(): string {
  const d = tmp();
  writeTree(d, { 'go.mod': GOMOD, 'old.go': OLD, 'old_test.go': TEST });
  git(d, 'init', '-q', '-b', 'main');
  git(d, 'add', '.');
  git(d, 'commit', '-q', '-m', 'base');
  return d;
}

test('changedSince: committed, staged, unstaged and untracked changes; lineChanged', async (t) => {
  const d = repo();
  fs.appendFileSync(path.join(d, 'old.go'), '// one more line\n');
  git(d, 'commit', '-qam', 'second');
  fs.writeFileSync(path.join(d, 'old_test.go'), TEST.replace('func TestOld', '// staged\nfunc TestOld'));
  git(d, 'add', 'old_test.go');
  writeTree(d, { 'new.go': 'package legacy\n', '.gitignore': 'ignored.go\n', 'ignored.go': 'package legacy\n' });
  const c = await changedSince('main~1', [d]);
  t.deepEqual(c.repos, [d]);
  t.deepEqual(c.files.get(path.join(d, 'old.go')), [[15, 15]]);
  t.deepEqual(c.files.get(path.join(d, 'old_test.go')), [[8, 8]]);
  t.is(c.files.get(path.join(d, 'new.go')), 'all');
  t.is(c.files.get(path.join(d, '.gitignore')), 'all');
  t.false(c.files.has(path.join(d, 'ignored.go')));
  t.true(lineChanged(c, path.join(d, 'old.go'), 15));
  t.false(lineChanged(c, path.join(d, 'old.go'), 11));
  t.true(lineChanged(c, path.join(d, 'new.go'), 99));
  t.false(lineChanged(c, path.join(d, 'nowhere.go'), 1));
});

test('changedSince: no repository, no such revision, an option for a revision: SinceError', async (t) => {
  const bare = tmp();
  const env = process.env.GIT_CEILING_DIRECTORIES;
  process.env.GIT_CEILING_DIRECTORIES = path.dirname(bare);
  try {
    const e1 = await t.throwsAsync(changedSince('main', [bare], () => 'here'), { instanceOf: SinceError });
    t.is(e1?.message, '--since main: here is not in a git repository, so there are no changed lines to go by');
  } finally {
    if (env === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
    else process.env.GIT_CEILING_DIRECTORIES = env;
  }
  const d = repo();
  const e2 = await t.throwsAsync(changedSince('no-such-branch', [d]), { instanceOf: SinceError });
  t.is(e2?.message, `--since no-such-branch: no such revision in the git repository ${d}`);
  await t.throwsAsync(changedSince('--output=x', [d]), { instanceOf: SinceError, message: /not a revision/ });
  await t.throwsAsync(changedSince('', [d]), { instanceOf: SinceError, message: /needs a git revision/ });
});

test('CLI --check --since: old code passes; new code on changed lines fails, with what its sets need; -w of it builds', async (t) => {
  const d = repo();
  // Nothing changed since main: the old contexts out of place do not count.
  const clean = goshift(['--check', '-l', '--since', 'main'], d);
  t.is(clean.code, 0, clean.stderr);
  t.is(clean.stdout, '');
  t.regex(clean.stderr, /--since main: only changes on lines changed since main count \(with what their linked sets need\): 0 of 2 changed files/);
  // Without --since the same check fails.
  t.is(goshift(['--check', '-l'], d).code, 1);

  // New code: a new function with its context last, called from a new test; and a new call of Shared.
  fs.appendFileSync(path.join(d, 'old.go'), [
    '',
    '// Fresh is new code.',
    'func Fresh(n int, ctx context.Context) int { return Shared(n, ctx) + 1 }',
    '',
  ].join('\n'));
  writeTree(d, {
    'fresh_test.go': [
      'package legacy',
      '',
      'import (',
      '\t"context"',
      '\t"testing"',
      ')',
      '',
      'func TestFresh(t *testing.T) {',
      '\tif got := Fresh(3, context.WithValue(context.Background(), K, 2)); got != 7 {',
      '\t\tt.Fatal(got)',
      '\t}',
      '}',
      '',
    ].join('\n'),
  });
  const r = goshift(['--check', '-l', '--since', 'main'], d);
  t.is(r.code, 1, r.stderr);
  // Fresh's set (old.go, fresh_test.go) and — because the call of Shared on a new line is Shared's —
  // Shared's set, whose calls in old_test.go come along; old_test.go also calls Old, so Old's set counts too.
  t.deepEqual(r.stdout.trim().split('\n'), ['fresh_test.go', 'old.go', 'old_test.go']);
  t.regex(r.stderr, /3 of 3 changed files/);

  // A change only in a test file that calls nothing that changes counts nothing.
  const d2 = repo();
  fs.appendFileSync(path.join(d2, 'old_test.go'), '\n// a comment\n');
  const r2 = goshift(['--check', '-l', '--since', 'HEAD'], d2);
  t.is(r2.code, 0, r2.stderr);
  t.is(r2.stdout, '');

  // What --since selects can be written: the module still builds and passes its tests.
  const w = goshift(['-w', '--since', 'main'], d);
  t.is(w.code, 0, w.stderr);
  const vet = await run('go', ['vet', './...'], { cwd: d, env: goEnv() });
  t.is(vet.code, 0, vet.stderr);
  const gt = await run('go', ['test', './...'], { cwd: d, env: goEnv() });
  t.is(gt.code, 0, gt.stdout + gt.stderr);
  t.is(goshift(['--check', '-l', '--since', 'main'], d).code, 0);
});

test('CLI --since: only the lines of an old file that changed count', (t) => {
  const d = repo();
  // A third function in old.go, with its context last, and nothing else calling it.
  fs.appendFileSync(path.join(d, 'old.go'), '\nfunc third(s string, ctx context.Context) string { _ = ctx; return s }\n');
  const r = goshift(['-d', '--since', 'main', '--check'], d);
  t.is(r.code, 1, r.stderr);
  // old.go counts (its new line); the diff of old.go is whole, and so Old's and Shared's sets,
  // which have edits in it, bring old_test.go too.
  t.regex(r.stdout, /^\+func third\(ctx context\.Context, s string\)/m);
  t.regex(r.stdout, /^diff --git a\/old_test\.go/m);
});

test('CLI --since: not a git repository, or a bad revision: exit 2 and why', (t) => {
  const d = tmp();
  writeTree(d, { 'go.mod': GOMOD, 'old.go': OLD });
  const r = goshift(['--check', '--since', 'main'], d);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.is(r.stderr, 'goshift: --since main: . is not in a git repository, so there are no changed lines to go by\n');
  const g = repo();
  const b = goshift(['--check', '--since', 'v9.9.9'], g);
  t.is(b.code, 2);
  t.is(b.stderr, `goshift: --since v9.9.9: no such revision in the git repository ${g}\n`);
});

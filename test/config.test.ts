// .goshift.yaml, --config, --no-config, --print-config, and --exclude (flags and config).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, findConfig, loadConfig, mergeConfig, parseConfig, printConfig } from '../lib/config.js';
import type { Config } from '../lib/config.js';
import { discover, excluder } from '../lib/workspace.js';
import { goEnv } from './support/paths.js';
import { run } from './support/run.js';
import { tempDirs, writeTree } from './unit-tmp.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/goshift.js');
const KNOWN = ['ctx-first', 'ctx-closure', 'ctx-last'];

const tmp = tempDirs(test, 'cfg');

function goshift(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: { ...process.env, GOSHIFT_DEBUG: '', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The problems parseConfig reports for a text, one per line. */
function problems(text: string): string[] {
  try {
    parseConfig(text, { file: '/r/.goshift.yaml', name: '.goshift.yaml', knownTransforms: KNOWN });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Parsing

test('parseConfig: every key, lists and comma-separated strings', (t) => {
  const c = parseConfig(
    [
      '# the project\'s settings',
      'transforms: [ctx-first, ./tools/logger.js]',
      'allow-types-before: "*testing.T, *testing.B"',
      'api: keep',
      'strict: true',
      'exclude:',
      '  - legacy/',
      '  - "*_mock.go"',
      'format: list',
    ].join('\n'),
    { file: '/repo/.goshift.yaml', name: '.goshift.yaml', knownTransforms: KNOWN },
  );
  t.deepEqual(c, {
    transforms: ['ctx-first', path.resolve('/repo/tools/logger.js')],
    allowTypesBefore: ['*testing.T', '*testing.B'],
    api: 'keep',
    strict: true,
    exclude: [{ base: '/repo', patterns: ['legacy/', '*_mock.go'] }],
    format: 'list',
  });
  t.deepEqual(parseConfig('exclude: gen/\n', { file: '/r/.goshift.yaml', name: 'x' }), { exclude: [{ base: '/r', patterns: ['gen/'] }] });
});

test('parseConfig: an empty file or one with only comments says nothing', (t) => {
  t.deepEqual(parseConfig('', { file: '/r/.goshift.yaml', name: 'x' }), {});
  t.deepEqual(parseConfig('# nothing yet\n', { file: '/r/.goshift.yaml', name: 'x' }), {});
  t.deepEqual(parseConfig('---\n', { file: '/r/.goshift.yaml', name: 'x' }), {});
});

test('parseConfig: an unknown key is named with its line, and a near one suggested', (t) => {
  t.deepEqual(problems('api: keep\n\ntransfroms: [ctx-first]\n'), [
    '.goshift.yaml:3: unknown key "transfroms" (did you mean "transforms"?); known keys: transforms, allow-types-before, api, strict, detach, test-context, compat-suffix, func, exclude, format',
  ]);
  t.regex(problems('colour: always\n')[0], /^\.goshift\.yaml:1: unknown key "colour"; known keys: /);
  t.regex(problems('allow_types_before: x\n')[0], /^\.goshift\.yaml:1: unknown key "allow_types_before" \(did you mean "allow-types-before"\?\)/);
});

test('parseConfig: wrong types and values, each at its line, all of them at once', (t) => {
  const p = problems([
    'transforms: 3',
    'api: maybe',
    'strict: yes',
    'exclude:',
    '  - ok/',
    '  - [nested]',
    'format: xml',
    'allow-types-before: {a: 1}',
  ].join('\n'));
  t.deepEqual(p, [
    '.goshift.yaml:1: transforms: expected a transform name or a list of them, found the number 3',
    '.goshift.yaml:2: api: expected "change", "keep" or "compat", found "maybe"',
    '.goshift.yaml:3: strict: expected true or false, found "yes"',
    '.goshift.yaml:6: exclude: expected a pattern or a list of patterns, found a list',
    '.goshift.yaml:7: format: expected "diff", "list", "json", "sarif", "lint" or "html", found "xml"',
    '.goshift.yaml:8: allow-types-before: expected a type or a list of types, found a map',
  ]);
  t.deepEqual(problems('api:\n'), ['.goshift.yaml:1: api: expected "change", "keep" or "compat", found nothing']);
  t.deepEqual(problems('transforms: []\n'), ['.goshift.yaml:1: transforms: an empty list; leave the key out for the default set']);
  t.deepEqual(problems('exclude: ""\n'), ['.goshift.yaml:1: exclude: empty value']);
});

test('parseConfig: an unknown transform is named at its own line', (t) => {
  t.deepEqual(problems('transforms:\n  - ctx-first\n  - ctx-frist\n'), [
    '.goshift.yaml:3: unknown transform "ctx-frist" (did you mean "ctx-first"?); known: ctx-first, ctx-closure, ctx-last',
  ]);
});

test('parseConfig: not YAML, a duplicate key, or not a map: the line', (t) => {
  const bad = problems('api: keep\nexclude: [a, b\nformat: diff\n');
  t.true(bad.length >= 1);
  t.regex(bad[0], /^\.goshift\.yaml:\d+: not valid YAML: /);
  t.regex(problems('api: keep\nstrict: true\napi: change\n')[0], /^\.goshift\.yaml:3: duplicate key: /);
  t.deepEqual(problems('- ctx-first\n'), ['.goshift.yaml:1: expected keys (transforms, exclude, ...), found a list']);
});

// ---------------------------------------------------------------------------------------------
// Finding, merging, printing

test('findConfig: the nearest .goshift.yaml above the first path (a file, a dir, dir/...), else none', (t) => {
  const root = tmp();
  writeTree(root, { '.goshift.yaml': 'api: keep\n', 'svc/.goshift.yaml': 'api: change\n', 'svc/a/x.go': 'package a\n', 'lib/b/y.go': 'package b\n' });
  t.is(findConfig([], path.join(root, 'svc/a')), path.join(root, 'svc/.goshift.yaml'));
  t.is(findConfig(['svc/a/x.go'], root), path.join(root, 'svc/.goshift.yaml'));
  t.is(findConfig(['./svc/...'], root), path.join(root, 'svc/.goshift.yaml'));
  t.is(findConfig(['lib/b', 'svc'], root), path.join(root, '.goshift.yaml'));
  t.is(findConfig(['./...'], root), path.join(root, '.goshift.yaml'));
  const bare = tmp();
  fs.mkdirSync(path.join(bare, 'm'));
  // (Nothing above a temp dir has one, unless someone left one in the temp root.)
  if (!fs.existsSync(path.join(path.dirname(bare), '.goshift.yaml'))) t.is(findConfig(['m'], bare), null);
});

test('loadConfig: --config, --no-config, a missing file, and a warning for another path\'s file', (t) => {
  const root = tmp();
  writeTree(root, { '.goshift.yaml': 'api: keep\n', 'b/.goshift.yaml': 'api: change\n', 'b/y.go': 'package b\n', 'alt.yaml': 'strict: true\n' });
  const l = loadConfig({ cwd: root, paths: ['.', 'b'] });
  t.is(l.file, path.join(root, '.goshift.yaml'));
  t.deepEqual(l.config, { api: 'keep' });
  t.deepEqual(l.warnings, ['b/.goshift.yaml is not read: the configuration of a run comes from the first path\'s (.goshift.yaml); use --config to choose']);
  t.deepEqual(loadConfig({ cwd: root, paths: ['b'], file: 'alt.yaml' }).config, { strict: true });
  t.deepEqual(loadConfig({ cwd: root, paths: [], none: true }), { file: null, config: {}, warnings: [] });
  const err = t.throws(() => loadConfig({ cwd: root, paths: [], file: 'nope.yaml' }), { instanceOf: ConfigError });
  t.is(err?.message, 'nope.yaml: cannot read the config file: no such file');
});

test('mergeConfig: flags replace the file\'s values, --exclude adds to its patterns', (t) => {
  const file: Config = { transforms: ['ctx-first'], api: 'keep', strict: true, exclude: [{ base: '/r', patterns: ['gen/'] }], format: 'list' };
  t.deepEqual(mergeConfig(file, {}), file);
  t.deepEqual(mergeConfig(file, { api: 'change', strict: false, transforms: ['ctx-closure'], format: 'diff', exclude: [{ base: '/r/sub', patterns: ['x.go'] }] }), {
    transforms: ['ctx-closure'],
    api: 'change',
    strict: false,
    format: 'diff',
    exclude: [{ base: '/r', patterns: ['gen/'] }, { base: '/r/sub', patterns: ['x.go'] }],
  });
  t.deepEqual(mergeConfig({}, { exclude: [{ base: '/r', patterns: [] }] }), {});
});

test('printConfig: every key with its value in force, readable back as the same configuration', (t) => {
  const defaults = { transforms: ['ctx-first', 'ctx-closure'], format: 'diff' as const };
  const c: Config = { api: 'keep', allowTypesBefore: ['*testing.T'], exclude: [{ base: '/r', patterns: ['gen/', '*_mock.go'] }, { base: '/r/svc', patterns: ['old/', '/top.go'] }] };
  const text = printConfig(c, { file: '/r/.goshift.yaml', cwd: '/r/svc', defaults });
  t.is(text, [
    '# goshift configuration: /r/.goshift.yaml, with the command line\'s flags',
    'transforms:',
    '  - ctx-first',
    '  - ctx-closure',
    'allow-types-before:',
    '  - "*testing.T"',
    'api: keep',
    'strict: false',
    'detach: false',
    'test-context: false',
    'compat-suffix: Context',
    'func: []',
    'exclude:',
    '  - gen/',
    '  - "*_mock.go"',
    '  - svc/**/old/',
    '  - svc/top.go',
    'format: diff',
    '',
  ].join('\n'));
  const back = parseConfig(text, { file: '/r/.goshift.yaml', name: 'x', knownTransforms: KNOWN });
  t.deepEqual(back, { transforms: ['ctx-first', 'ctx-closure'], allowTypesBefore: ['*testing.T'], api: 'keep', strict: false, detach: false, testContext: false, compatSuffix: 'Context', funcs: [], exclude: [{ base: '/r', patterns: ['gen/', '*_mock.go', 'svc/**/old/', 'svc/top.go'] }], format: 'diff' });
  // The rebased patterns match what the originals matched.
  const orig = excluder(c.exclude)!;
  const rebased = excluder(back.exclude)!;
  for (const f of ['/r/svc/old/a.go', '/r/svc/x/old/b.go', '/r/old/c.go', '/r/svc/top.go', '/r/top.go', '/r/svc/a/top.go', '/r/gen/x.go', '/r/a/b_mock.go']) {
    t.is(rebased(f), orig(f), f);
  }
  t.regex(printConfig({}, { file: null, cwd: '/r', defaults }), /^# goshift configuration: no \.goshift\.yaml/);
});

// ---------------------------------------------------------------------------------------------
// --exclude: which files

test('excluder: .gitignore patterns relative to their base; nothing outside it', (t) => {
  const ex = excluder([{ base: '/r', patterns: ['legacy/', '*_mock.go', '/top.go', 'internal/old/**', '!keep_mock.go'] }])!;
  const yes = ['/r/legacy/a.go', '/r/x/legacy/b.go', '/r/a_mock.go', '/r/p/q_mock.go', '/r/top.go', '/r/internal/old/z/a.go'];
  const no = ['/r/x/top.go', '/r/keep_mock.go', '/r/internal/a.go', '/r/legacy.go', '/other/legacy/a.go', '/r'];
  for (const f of yes) t.true(ex(f), f);
  for (const f of no) t.false(ex(f), f);
  const dot = excluder([{ base: '/r', patterns: ['./gen/'] }])!;
  t.true(dot('/r/gen/a.go'));
  t.false(dot('/r/x/gen/a.go'));
  // As in git, a file of an excluded directory cannot be taken back; one of `dir/**` can.
  t.true(excluder([{ base: '/r', patterns: ['gen/', '!gen/keep.go'] }])!('/r/gen/keep.go'));
  const back = excluder([{ base: '/r', patterns: ['./gen/**', '!./gen/keep.go'] }])!;
  t.false(back('/r/gen/keep.go'));
  t.true(back('/r/gen/x/a.go'));
  t.is(excluder([]), null);
  t.is(excluder([{ base: '/r', patterns: [] }]), null);
});

test('discover: excluded files stay in the workspace, marked excluded and never targets; a note counts them', async (t) => {
  const root = tmp();
  writeTree(root, { 'go.mod': 'module example.com/m\n\ngo 1.22\n', 'a.go': 'package m\n', 'legacy/b.go': 'package legacy\n', 'c_mock.go': 'package m\n' });
  const ws = await discover(['./...'], { cwd: root, exclude: [{ base: root, patterns: ['legacy/', '*_mock.go'] }] });
  t.deepEqual(ws.files.map((f) => [f.rel, f.target, f.excluded ?? false]), [
    ['a.go', true, false],
    ['c_mock.go', false, true],
    ['legacy/b.go', false, true],
  ]);
  t.deepEqual(ws.notes, ['2 files excluded: read as callers, never edited (a linked set declared or called in one is left alone)']);
});

// A module where an excluded file calls, implements and stores what would change.
const MOD = {
  'go.mod': 'module example.com/ex\n\ngo 1.22\n',
  'store/store.go': [
    'package store',
    '',
    'import "context"',
    '',
    '// Store keeps values.',
    'type Store interface {',
    '\tPut(key string, ctx context.Context) string',
    '}',
    '',
    '// Mem is a Store.',
    'type Mem struct{}',
    '',
    '// Put stores nothing and says where it was asked.',
    'func (Mem) Put(key string, ctx context.Context) string { return "mem:" + key + ":" + ctx.Value(K).(string) }',
    '',
    '// K is the context key the tests use.',
    'type key struct{}',
    '',
    'var K = key{}',
    '',
    '// Fetch is called by the excluded legacy package.',
    'func Fetch(key string, ctx context.Context) string { return "fetch:" + key + ":" + ctx.Value(K).(string) }',
    '',
    '// Free is called by no excluded file.',
    'func Free(key string, ctx context.Context) string { return "free:" + key + ":" + ctx.Value(K).(string) }',
    '',
  ].join('\n'),
  'legacy/legacy.go': [
    'package legacy',
    '',
    'import (',
    '\t"context"',
    '',
    '\t"example.com/ex/store"',
    ')',
    '',
    '// Old calls Fetch the old way.',
    'func Old(ctx context.Context) string { return store.Fetch("o", ctx) }',
    '',
    '// Slow is another Store, in the excluded package.',
    'type Slow struct{}',
    '',
    '// Put is the old order too.',
    'func (Slow) Put(key string, ctx context.Context) string { return "slow:" + key }',
    '',
    'var _ store.Store = Slow{}',
    '',
  ].join('\n'),
  'app/app_test.go': [
    'package app',
    '',
    'import (',
    '\t"context"',
    '\t"testing"',
    '',
    '\t"example.com/ex/legacy"',
    '\t"example.com/ex/store"',
    ')',
    '',
    'func TestAll(t *testing.T) {',
    '\tctx := context.WithValue(context.Background(), store.K, "c")',
    '\tvar s store.Store = store.Mem{}',
    '\tgot := []string{s.Put("a", ctx), store.Fetch("b", ctx), store.Free("d", ctx), legacy.Old(ctx)}',
    '\twant := []string{"mem:a:c", "fetch:b:c", "free:d:c", "fetch:o:c"}',
    '\tfor i := range want {',
    '\t\tif got[i] != want[i] {',
    '\t\t\tt.Fatalf("%d: got %q, want %q", i, got[i], want[i])',
    '\t\t}',
    '\t}',
    '}',
    '',
  ].join('\n'),
};

test('--exclude: an excluded file is never edited; what it calls or implements is left alone and named; the build and tests still pass', async (t) => {
  const root = tmp();
  writeTree(root, MOD);
  const legacy = fs.readFileSync(path.join(root, 'legacy/legacy.go'), 'utf8');
  const r = goshift(['-w', '--exclude', 'legacy/', '--no-cache', './...'], root);
  t.is(r.code, 0, r.stderr);
  t.is(fs.readFileSync(path.join(root, 'legacy/legacy.go'), 'utf8'), legacy);
  t.regex(r.stderr, /1 file excluded: read as callers, never edited/);
  t.regex(r.stderr, /store\/store\.go:\d+: left alone: func Fetch .*called in an excluded file, which goshift does not edit \(legacy\/legacy\.go:10\)/);
  t.regex(r.stderr, /legacy\/legacy\.go:16: left alone: method \(Slow\)\.Put \(and 2 linked declarations, 1 call\): method \(Slow\)\.Put is in an excluded file, which goshift does not edit \(legacy\/legacy\.go:16\)/);
  const store = fs.readFileSync(path.join(root, 'store/store.go'), 'utf8');
  t.regex(store, /func Free\(ctx context\.Context, key string\)/);
  t.regex(store, /func Fetch\(key string, ctx context\.Context\)/);
  t.regex(fs.readFileSync(path.join(root, 'app/app_test.go'), 'utf8'), /store\.Free\(ctx, "d"\)/);
  for (const goos of ['linux', 'windows', 'darwin']) {
    const vet = await run('go', ['vet', './...'], { cwd: root, env: goEnv({ GOOS: goos }) });
    t.is(vet.code, 0, `${goos}: ${vet.stderr}`);
  }
  const gt = await run('go', ['test', './...'], { cwd: root, env: goEnv() });
  t.is(gt.code, 0, gt.stdout + gt.stderr);
});

test('exclude in .goshift.yaml is relative to the file\'s directory, wherever goshift runs; --exclude to the current directory', (t) => {
  const root = tmp();
  writeTree(root, { ...MOD, '.goshift.yaml': 'exclude:\n  - /legacy/\n' });
  const fromSub = goshift(['-l', '--no-cache', '..'], path.join(root, 'app'));
  t.is(fromSub.code, 0, fromSub.stderr);
  t.deepEqual(fromSub.stdout.trim().split('\n'), ['../store/store.go', 'app_test.go']);
  t.regex(fromSub.stderr, /1 file excluded/);
  // --exclude adds to the file's patterns (relative to the current directory: app/ here).
  // The test calling Free excluded too: now nothing can change.
  const more = goshift(['-l', '--no-cache', '--exclude', 'app_test.go', '..'], path.join(root, 'app'));
  t.regex(more.stderr, /2 files excluded/);
  t.regex(more.stderr, /left alone: func Free \(and 1 call\): called in an excluded file, which goshift does not edit \(app_test\.go:14\)/);
  t.is(more.stdout, '');
  // --no-config drops the file's.
  const none = goshift(['-l', '--no-cache', '--no-config', '..'], path.join(root, 'app'));
  t.deepEqual(none.stdout.trim().split('\n'), ['../legacy/legacy.go', '../store/store.go', 'app_test.go']);
});

// ---------------------------------------------------------------------------------------------
// The CLI

test('CLI: a bad config file exits 2 naming the key and line, before anything runs', (t) => {
  const root = tmp();
  writeTree(root, { ...MOD, '.goshift.yaml': 'api: keep\ntransfroms: [ctx-first]\n' });
  const r = goshift(['-l'], root);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.is(r.stderr, '.goshift.yaml:2: unknown key "transfroms" (did you mean "transforms"?); known keys: transforms, allow-types-before, api, strict, detach, test-context, compat-suffix, func, exclude, format\n');
  const sub = goshift(['-l', '.'], path.join(root, 'store'));
  t.regex(sub.stderr, /^\.\.\/\.goshift\.yaml:2: unknown key "transfroms"/);
  // --no-config runs without it; --config names another.
  t.is(goshift(['-l', '--no-config', '--no-cache'], root).code, 0);
  writeTree(root, { 'ci.yaml': 'format: sarif\nstrict: 1\n' });
  const other = goshift(['--config', 'ci.yaml', '--print-config'], root);
  t.is(other.code, 2);
  t.is(other.stderr, 'ci.yaml:2: strict: expected true or false, found the number 1\n');
});

test('CLI: --print-config shows the file merged with the flags, and exits', (t) => {
  const root = tmp();
  writeTree(root, { ...MOD, '.goshift.yaml': 'transforms: ctx-first\napi: keep\nexclude: [legacy/]\n' });
  const r = goshift(['--print-config', '--api', 'change', '--exclude', 'app/', '--allow-types-before', '*testing.T', '-l'], root);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, [
    `# goshift configuration: ${path.join(root, '.goshift.yaml')}, with the command line's flags`,
    'transforms:',
    '  - ctx-first',
    'allow-types-before:',
    '  - "*testing.T"',
    'api: change',
    'strict: false',
    'detach: false',
    'test-context: false',
    'compat-suffix: Context',
    'func: []',
    'exclude:',
    '  - legacy/',
    '  - app/',
    'format: list',
    '',
  ].join('\n'));
  t.is(r.stderr, '');
});

test('CLI: ctx-inherit\'s --detach and --test-context come from the flags or the file\'s detach and test-context', (t) => {
  const root = tmp();
  writeTree(root, { ...MOD, '.goshift.yaml': 'transforms: ctx-inherit\ntest-context: true\n' });
  const r = goshift(['--print-config', '--detach'], root);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^transforms:\n  - ctx-inherit\n/m);
  t.regex(r.stdout, /^detach: true\ntest-context: true\n/m);
  t.deepEqual(parseConfig('detach: true\ntest-context: false\n', { file: '/r/.goshift.yaml', name: 'x', knownTransforms: KNOWN }), { detach: true, testContext: false });
  t.throws(() => parseConfig('detach: yes please\n', { file: '/r/.goshift.yaml', name: 'x', knownTransforms: KNOWN }), { message: 'x:1: detach: expected true or false, found "yes please"' });
});

test('CLI: --compat-suffix and ctx-plumb\'s --func come from the flags or the file\'s compat-suffix and func', (t) => {
  const root = tmp();
  writeTree(root, { ...MOD, '.goshift.yaml': 'api: compat\ncompat-suffix: Ctx\nfunc: [store.Load, store.DB.Query]\n' });
  const r = goshift(['--print-config'], root);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^compat-suffix: Ctx\nfunc:\n  - store\.Load\n  - store\.DB\.Query\n/m);
  const f = goshift(['--print-config', '--compat-suffix', 'WithContext', '--func', 'app.Run'], root);
  t.regex(f.stdout, /^compat-suffix: WithContext\nfunc:\n  - app\.Run\n/m);
  const opts = { file: '/r/.goshift.yaml', name: 'x', knownTransforms: KNOWN };
  t.deepEqual(parseConfig('compat-suffix: Ctx\nfunc: store.Load\n', opts), { compatSuffix: 'Ctx', funcs: ['store.Load'] });
  t.throws(() => parseConfig('compat-suffix: "-ctx"\n', opts), { message: 'x:1: compat-suffix: expected letters, digits or _, found "-ctx"' });
  t.throws(() => parseConfig('func: [Load]\n', opts), { message: 'x:1: func: expected pkg.Name or pkg.Type.Method, found "Load"' });
});

test('CLI: the config file\'s transforms, api and format steer the run; flags win', (t) => {
  const root = tmp();
  writeTree(root, { ...MOD, '.goshift.yaml': 'transforms: [ctx-first]\napi: keep\nformat: list\n' });
  const r = goshift(['--no-cache'], root);
  t.is(r.code, 0, r.stderr);
  // list mode, and exported API kept: every set here is exported, so nothing changes.
  t.is(r.stdout, '');
  t.regex(r.stderr, /exported API \(--api keep\)/);
  const flags = goshift(['--no-cache', '--api', 'change', '-d'], root);
  t.regex(flags.stdout, /^diff --git a\/app\/app_test\.go/m);
});

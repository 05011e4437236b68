// Output formats (issue 12): --format diff|list|json|sarif|lint and its shorthands, the JSON
// document against schema/goshift.schema.json, SARIF against the official SARIF 2.1.0 schema (and
// Microsoft's SARIF validator), lint lines, and the run's plumbing behind them (EPIPE, latin1,
// -w with a format).
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { changeBlocks, splitBlocks } from '../lib/output/sarif.js';
import { optionsFromFlags, runCommand } from '../lib/run.js';
import { cliPath, fixturesRoot, repoRoot } from './support/paths.js';
import { tempDirs, writeTree } from './unit-tmp.js';

// ajv-formats is CommonJS: its function is the default export's default.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

const tmp = tempDirs(test, 'fmt');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  bytes: Buffer;
}

function goshift(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Ran {
  const r = spawnSync(process.execPath, [cliPath(), ...args], {
    cwd,
    env: { ...process.env, GOSHIFT_DEBUG: '', GOSHIFT_JOURNAL_DIR: path.join(cwd, '..', path.basename(cwd) + '.journal'), ...env },
    timeout: 120_000,
    maxBuffer: 256 << 20,
  });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), bytes: r.stdout };
}
const show = (r: Ran) => `exit ${r.code}\nstderr:\n${r.stderr.slice(0, 3000)}\nstdout:\n${r.stdout.slice(0, 2000)}`;

/** A copy of a directory in a fresh temp dir (its parent is the temp dir, for the journal). */
function copy(src: string): string {
  const d = path.join(tmp('copy'), 'mod');
  fs.cpSync(src, d, { recursive: true });
  return d;
}

const shop = path.join(repoRoot, 'examples');

// ---------------------------------------------------------------------------------------------
// Validators

const jsonSchema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schema/goshift.schema.json'), 'utf8'));

/** The official SARIF 2.1.0 schema, as shipped by Microsoft's SARIF SDK (@microsoft/sarif-multitool). */
function sarifSchemaPath(): string {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  for (const pkg of ['@microsoft/sarif-multitool-linux', '@microsoft/sarif-multitool-darwin', '@microsoft/sarif-multitool-win32']) {
    try {
      const p = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'sarif-2.1.0.json');
      if (fs.existsSync(p)) return p;
    } catch {
      // not installed on this platform
    }
  }
  throw new Error('no SARIF 2.1.0 schema: @microsoft/sarif-multitool (a devDependency) is not installed');
}

function validator(schema: object) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}
const validateDoc = validator(jsonSchema);
let validateSarifFn: ReturnType<typeof validator> | undefined;
function validateSarif(log: unknown): string | null {
  validateSarifFn ??= validator(JSON.parse(fs.readFileSync(sarifSchemaPath(), 'utf8')));
  return validateSarifFn(log) ? null : JSON.stringify(validateSarifFn.errors?.slice(0, 5), null, 1);
}
function checkDoc(t: ExecutionContext, doc: unknown, label: string): void {
  t.true(validateDoc(doc), `${label}: ${JSON.stringify(validateDoc.errors?.slice(0, 5), null, 1)}`);
}

interface Doc {
  mode: string;
  files: { path: string; status: string; transforms: string[]; edits: { line: number; column: number; endLine: number; kind: string; transform: string; set?: string }[]; diff: string | null; encoding: string | null }[];
  leftAlone: { path: string; line: number; transform: string | null; reason: string }[];
  sets: { id: string; files: string[] }[];
  errors: { file: string }[];
  generated: string[];
  totals: Record<string, number> & { counts: { label: string; n: number }[] };
}

/** What GitHub code scanning needs beyond the schema: rules for every result, relative uris with a region. */
function checkGitHub(t: ExecutionContext, log: any, label: string): void {
  t.is(log.version, '2.1.0', label);
  const run = log.runs[0];
  t.is(run.tool.driver.name, 'goshift', label);
  t.is(run.columnKind, 'utf16CodeUnits', label);
  const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
  t.deepEqual(ids, [...ids].sort(), `${label}: rules sorted`);
  for (const r of run.results) {
    t.is(ids[r.ruleIndex], r.ruleId, `${label}: ruleIndex of ${r.ruleId}`);
    t.true(typeof r.message.text === 'string' && r.message.text.length > 0, label);
    t.true(typeof r.partialFingerprints['goshift/v1'] === 'string', label);
    for (const loc of [...r.locations, ...(r.relatedLocations ?? [])]) {
      const a = loc.physicalLocation.artifactLocation;
      t.is(a.uriBaseId, '%SRCROOT%', label);
      t.false(/^[a-z]+:|^\//i.test(a.uri), `${label}: relative uri ${a.uri}`);
      t.true(Number.isInteger(loc.physicalLocation.region.startLine), `${label}: region.startLine`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Choosing a format

test('one format at a time; --format takes a known name; -d, -l, --json are its shorthands', (t) => {
  const both = goshift(['-d', '--json', 'shop'], shop);
  t.is(both.code, 2);
  t.regex(both.stderr, /choose one format: --diff and --json cannot be used together/);
  t.is(both.stdout, '');
  const two = goshift(['--format', 'json', '--format', 'lint', 'shop'], shop);
  t.is(two.code, 2);
  t.regex(two.stderr, /choose one format/);
  const unknown = goshift(['--format', 'xml', 'shop'], shop);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /unknown format "xml"; known: diff, list, json, sarif, lint/);
  const empty = goshift(['--format', '', 'shop'], shop);
  t.is(empty.code, 2);
  t.regex(empty.stderr, /--format needs one of: diff, list, json, sarif, lint/);
  t.regex(goshift(['--help'], shop).stdout, /--format/);

  const dflt = goshift(['shop'], shop);
  t.is(dflt.code, 0, show(dflt));
  t.regex(dflt.stdout, /^diff --git a\/shop\/api\/api\.go b\/shop\/api\/api\.go$/m);
  t.is(goshift(['-d', 'shop'], shop).stdout, dflt.stdout);
  t.is(goshift(['--format', 'diff', 'shop'], shop).stdout, dflt.stdout);
  t.is(goshift(['--format', 'diff', '-d', 'shop'], shop).stdout, dflt.stdout, 'the same format twice is one format');
  const list = goshift(['--format', 'list', 'shop'], shop);
  t.is(list.stdout, 'shop/api/api.go\nshop/api/api_test.go\nshop/store/store.go\n');
  t.is(goshift(['-l', 'shop'], shop).stdout, list.stdout);
  t.is(goshift(['--json', 'shop'], shop).stdout, goshift(['--format', 'json', 'shop'], shop).stdout);
  // The summary is the same whatever the format.
  // The same summary, but for the files parsed: after the first run the result comes from the cache.
  const parsedless = (s: string) => s.replace(/\d+ files? parsed/, 'N files parsed');
  for (const f of ['list', 'json', 'sarif', 'lint']) t.is(parsedless(goshift(['--format', f, 'shop'], shop).stderr), parsedless(dflt.stderr), f);
});

test('--check: exit codes do not depend on the format', (t) => {
  for (const f of ['diff', 'list', 'json', 'sarif', 'lint']) {
    t.is(goshift(['--check', '-q', '--format', f, 'shop'], shop).code, 1, f);
  }
  const dir = copy(path.join(shop, 'shop'));
  t.is(goshift(['-w', '-q', '.'], dir).code, 0);
  for (const f of ['diff', 'list', 'json', 'sarif', 'lint']) {
    const r = goshift(['--check', '-q', '--format', f, '.'], dir);
    t.is(r.code, 0, f);
    if (f === 'diff' || f === 'list' || f === 'lint') t.is(r.stdout, '', f);
  }
});

test('stdout closed early (goshift | head): no message, the summary and the exit code still come', async (t) => {
  // Enough output to fill the pipe (64 KiB) many times over: writes after the close fail with EPIPE.
  const dir = path.join(tmp('epipe'), 'mod');
  const files: Record<string, string> = { 'go.mod': 'module example.com/big\n\ngo 1.22\n' };
  for (let i = 0; i < 300; i++) {
    files[`p/f${i}.go`] = `package p\n\nimport "context"\n\n${Array.from({ length: 8 }, (_, k) => `func F${i}x${k}(n int, ctx context.Context) int { return n }\n`).join('')}`;
  }
  writeTree(dir, files);
  for (const args of [['-d', '.'], ['--format', 'sarif', '.'], ['--check', '--json', '.'], ['--format', 'lint', '.']]) {
    const child = spawn(process.execPath, [cliPath(), ...args], { cwd: dir, env: { ...process.env, GOSHIFT_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // Read one chunk, then close the pipe, as `head -c 10` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    t.is(code, args.includes('--check') ? 1 : 0, `${args.join(' ')}: ${stderr}`);
    // The first run parses every file; the others take its result from the cache (0 files parsed).
    t.regex(stderr, /^goshift: 300 files scanned, (?:300|0) files parsed, 300 files changed, 2400 signatures moved/m);
    t.notRegex(stderr, /EPIPE|error/i);
  }
});

// ---------------------------------------------------------------------------------------------
// A module with everything: a change, a latin1 file, a syntax error, sets left alone

const GOMOD = 'module example.com/m\n\ngo 1.22\n';
const messy: Record<string, string | Buffer> = {
  'go.mod': GOMOD,
  'a/a.go': 'package a\n\nimport "context"\n\nfunc do(n int, ctx context.Context) int { return n }\n\n// Use calls do.\nfunc Use(ctx context.Context) int { return do(1, ctx) }\n',
  'l/l.go': Buffer.from('package l\n\nimport "context"\n\n// Caf\xe9 cr\xe8me\nfunc put(k string, ctx context.Context) {}\n\nfunc Put(ctx context.Context) { put("\xe9", ctx) }\n', 'latin1'),
  'c/c.go': 'package c\n\nimport "context"\n\nfunc Bad(n int, ctx context.Context) int { return n + }\n',
  // Exported API, kept with --api keep: left alone.
  'k/k.go': 'package k\n\nimport "context"\n\n// Doer is implemented elsewhere.\ntype Doer interface {\n\tDo(n int, ctx context.Context) int\n}\n',
  // A literal ctx-closure leaves alone: ctx is assigned after the goroutine starts.
  'g/g.go': 'package g\n\nimport "context"\n\nfunc Run(ctx context.Context, done chan int) {\n\tgo func() {\n\t\t<-ctx.Done()\n\t\tdone <- 1\n\t}()\n\tctx = context.Background()\n\t_ = ctx\n}\n',
};

test('--json: a run with an error, a latin1 file and sets left alone matches the schema, exit 2', (t) => {
  const dir = path.join(tmp('messy'), 'mod');
  writeTree(dir, messy);
  const r = goshift(['--json', '--api', 'keep', '.'], dir);
  t.is(r.code, 2, show(r));
  const doc = JSON.parse(r.stdout) as Doc;
  checkDoc(t, doc, 'messy');
  t.is(doc.mode, 'json');
  const status = Object.fromEntries(doc.files.map((f) => [f.path, f.status]));
  t.deepEqual(status, { 'a/a.go': 'changed', 'c/c.go': 'error', 'g/g.go': 'unchanged', 'k/k.go': 'unchanged', 'l/l.go': 'changed' });
  t.deepEqual(doc.errors.map((e) => e.file), ['c/c.go']);
  t.deepEqual(doc.leftAlone.map((l) => [l.path, l.transform]), [['g/g.go', 'ctx-closure'], ['k/k.go', 'ctx-first']]);
  t.regex(doc.leftAlone[1].reason, /exported API \(--api keep\)/);
  const l = doc.files.find((f) => f.path === 'l/l.go')!;
  t.is(l.encoding, 'latin1');
  t.true(l.diff!.includes('+func put(ctx context.Context, k string) {}\n'));
  t.true(l.diff!.includes(' // Caf\xe9 cr\xe8me\n'), 'the diff text is the latin1 reading of the bytes');
  t.is(doc.files.find((f) => f.path === 'a/a.go')!.encoding, 'utf8');
  t.deepEqual(doc.files.find((f) => f.path === 'a/a.go')!.edits.map((e) => [e.line, e.column, e.kind, e.transform]), [[5, 16, 'signature', 'ctx-first'], [8, 44, 'call', 'ctx-first']]);
  t.is(doc.totals.filesChanged, 2);
  t.is(doc.totals.errors, 1);
  t.is(doc.totals.leftAlone, 2);
  // The counts are the summary's.
  const m = /(\d+) files scanned, (\d+) files parsed, (\d+) files changed, (\d+) signatures moved, (\d+) call sites updated/.exec(r.stderr)!;
  t.deepEqual([doc.totals.filesScanned, doc.totals.filesParsed, doc.totals.filesChanged, doc.totals.signaturesMoved, doc.totals.callSitesUpdated], m.slice(1).map(Number));

  // The default format: the latin1 file's diff comes as its own bytes, so git apply takes it.
  const d = goshift(['--api', 'keep', '.'], dir);
  t.true(d.bytes.includes(Buffer.from(' // Caf\xe9 cr\xe8me\n', 'latin1')), 'latin1 bytes in the diff');
  t.false(d.bytes.includes(Buffer.from(' // Café crème\n', 'utf8')));

  const sarif = goshift(['--format', 'sarif', '--api', 'keep', '.'], dir);
  t.is(sarif.code, 2);
  const log = JSON.parse(sarif.stdout);
  t.is(validateSarif(log), null);
  checkGitHub(t, log, 'messy');
  const run = log.runs[0];
  t.false(run.invocations[0].executionSuccessful);
  t.regex(run.invocations[0].toolExecutionNotifications[0].message.text, /syntax error|parse/i);
  t.deepEqual(run.results.map((x: any) => [x.ruleId, x.level, x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region.startLine]), [
    ['ctx-first', 'warning', 'a/a.go', 5],
    ['ctx-first', 'warning', 'l/l.go', 6],
    ['ctx-closure/left-alone', 'note', 'g/g.go', 6],
    ['ctx-first/left-alone', 'note', 'k/k.go', 7],
  ]);

  const lint = goshift(['--format', 'lint', '--api', 'keep', '.'], dir);
  t.is(lint.stdout, 'a/a.go:5:16: context.Context should be the first parameter (ctx-first)\nl/l.go:6:20: context.Context should be the first parameter (ctx-first)\n');
});

test('--json is the same across runs, --jobs and the cache', (t) => {
  const dir = path.join(tmp('stable'), 'mod');
  writeTree(dir, messy);
  const cache = tmp('cache');
  const runs = [
    goshift(['--json', '-j', '1', '--no-cache', '.'], dir),
    goshift(['--json', '-j', '2', '--cache-dir', cache, '.'], dir),
    goshift(['--json', '-j', '2', '--cache-dir', cache, '.'], dir),
    goshift(['--json', '-j', '3', '--no-cache', '.'], dir),
  ];
  for (const r of runs) t.is(r.code, 2);
  for (const r of runs.slice(1)) t.is(r.stdout, runs[0].stdout);
  const s = [goshift(['--format', 'sarif', '-j', '1', '--no-cache', '.'], dir), goshift(['--format', 'sarif', '-j', '2', '--cache-dir', cache, '.'], dir)];
  t.is(s[1].stdout, s[0].stdout, 'SARIF too');
});

// ---------------------------------------------------------------------------------------------
// The shipped example and fixtures

test('examples/shop: --json matches the schema and the diff; -w --json shows what was written', (t) => {
  const r = goshift(['--json', 'shop'], shop);
  t.is(r.code, 0, show(r));
  const doc = JSON.parse(r.stdout) as Doc;
  checkDoc(t, doc, 'shop');
  t.deepEqual(doc.files.map((f) => [f.path, f.status, f.transforms.join(',')]), [
    ['shop/api/api.go', 'changed', 'ctx-closure,ctx-first'],
    ['shop/api/api_test.go', 'changed', 'ctx-first'],
    ['shop/store/store.go', 'changed', 'ctx-first'],
  ]);
  // The diffs in the document are the default output.
  t.is(doc.files.map((f) => f.diff).join(''), goshift(['shop'], shop).stdout);
  t.deepEqual(doc.sets.map((s) => s.id), ['shop/api/api.go:14', 'shop/api/api.go:18', 'shop/store/store.go:12', 'shop/store/store.go:13']);
  t.deepEqual(doc.sets.find((s) => s.id === 'shop/store/store.go:12')!.files, ['shop/api/api.go', 'shop/api/api_test.go', 'shop/store/store.go']);

  const dir = copy(path.join(shop, 'shop'));
  const w = goshift(['-w', '--json', '.'], dir);
  t.is(w.code, 0, show(w));
  const wd = JSON.parse(w.stdout) as Doc;
  checkDoc(t, wd, 'shop -w');
  t.is(wd.mode, 'write');
  t.deepEqual(wd.files.filter((f) => f.status === 'changed').map((f) => f.path), ['api/api.go', 'api/api_test.go', 'store/store.go']);
  const after = goshift(['--json', '.'], dir);
  t.deepEqual((JSON.parse(after.stdout) as Doc).files.map((f) => f.status), ['unchanged', 'unchanged', 'unchanged']);
  // -w with nothing else prints nothing; -w --format diff prints what it wrote.
  const again = copy(path.join(shop, 'shop'));
  const wd2 = goshift(['-w', '--format', 'diff', '.'], again);
  t.is(wd2.stdout, goshift(['.'], copy(path.join(shop, 'shop'))).stdout);
  t.is(goshift(['-w', '.'], copy(path.join(shop, 'shop'))).stdout, '');
});

test('-w with a format, finishing an interrupted run: the finished files are in the output', (t) => {
  // A -w cut short leaves a journal; simulate it: write one file of the linked change by hand
  // through a first run whose second file cannot be written.
  const dir = copy(path.join(shop, 'shop'));
  fs.chmodSync(path.join(dir, 'store/store.go'), 0o444);
  const first = goshift(['-w', '-q', '.'], dir);
  t.is(first.code, 2, show(first));
  fs.chmodSync(path.join(dir, 'store/store.go'), 0o644);
  const second = goshift(['-w', '--format', 'list', '.'], dir);
  t.is(second.code, 0, show(second));
  t.regex(second.stderr, /finished an interrupted goshift -w: wrote 1 file/);
  t.is(second.stdout, 'store/store.go\n');
});

/** Fixtures with something for each format: sets changed and left alone, generated files, literals. */
const fixtureCases = ['ctx-first/basic', 'ctx-first/api-keep', 'ctx-first/generated-mock', 'ctx-first/generated-grpc-handler', 'ctx-first/func-types', 'ctx-closure/basic', 'ctx-closure/add-import', 'ctx-closure/unsure', 'ctx-closure/with-ctx-first', 'ctx-closure/bound-local'];

function fixtureArgs(name: string): string[] {
  const f = path.join(fixturesRoot, name, 'args');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
}

/** Applies every replacement of every fix of a SARIF log to the files under dir (each once). */
function applyFixes(dir: string, log: any): Map<string, string> {
  const byFile = new Map<string, Map<string, { deletedRegion: any; insertedContent: { text: string } }>>();
  for (const r of log.runs[0].results) {
    for (const fx of r.fixes ?? []) {
      for (const c of fx.artifactChanges) {
        const m = byFile.get(c.artifactLocation.uri) ?? new Map();
        byFile.set(c.artifactLocation.uri, m);
        for (const rep of c.replacements) m.set(JSON.stringify(rep.deletedRegion), rep);
      }
    }
  }
  const out = new Map<string, string>();
  for (const [uri, reps] of byFile) {
    const text = fs.readFileSync(path.join(dir, decodeURIComponent(uri)), 'latin1');
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
    const off = (line: number, col: number) => (line - 1 < starts.length ? starts[line - 1] : text.length) + col - 1;
    let s = text;
    const sorted = [...reps.values()].sort((a, b) => off(b.deletedRegion.startLine, b.deletedRegion.startColumn) - off(a.deletedRegion.startLine, a.deletedRegion.startColumn));
    for (const rep of sorted) {
      const d = rep.deletedRegion;
      s = s.slice(0, off(d.startLine, d.startColumn)) + rep.insertedContent.text + s.slice(off(d.endLine, d.endColumn));
    }
    out.set(decodeURIComponent(uri), s);
  }
  return out;
}

for (const name of fixtureCases) {
  test(`fixture ${name}: json, sarif and lint are valid and agree; the SARIF fixes give the -w result`, (t) => {
    const dir = copy(path.join(fixturesRoot, name, 'input'));
    const args = fixtureArgs(name);
    const j = goshift([...args, '--json', '.'], dir);
    t.true(j.code === 0, show(j));
    const doc = JSON.parse(j.stdout) as Doc;
    checkDoc(t, doc, name);
    const s = goshift([...args, '--format', 'sarif', '.'], dir);
    const log = JSON.parse(s.stdout);
    t.is(validateSarif(log), null, name);
    checkGitHub(t, log, name);
    const lint = goshift([...args, '--format', 'lint', '.'], dir).stdout.split('\n').filter(Boolean);

    // One finding per declaration moved and per literal rewritten: lint lines and SARIF warnings.
    const findings = doc.files.flatMap((f) => f.edits.filter((e) => e.kind !== 'call').map((e) => `${f.path}:${e.line}:${e.column}`));
    t.is(lint.length, findings.length);
    t.deepEqual(lint.map((l) => l.split(': ')[0]).sort(), [...findings].sort());
    const sortedLint = [...lint].sort((a, b) => {
      const [pa, la, ca] = a.split(':');
      const [pb, lb, cb] = b.split(':');
      return pa < pb ? -1 : pa > pb ? 1 : Number(la) - Number(lb) || Number(ca) - Number(cb);
    });
    t.deepEqual(lint, sortedLint, 'lint lines sorted by file, line, column');
    const results = log.runs[0].results;
    t.is(results.filter((r: any) => r.level === 'warning').length, findings.length);
    t.is(results.filter((r: any) => r.level === 'note').length, doc.leftAlone.length);
    t.is(doc.totals.signaturesMoved, doc.files.flatMap((f) => f.edits).filter((e) => e.kind === 'signature').length);
    t.is(doc.totals.callSitesUpdated, doc.files.flatMap((f) => f.edits).filter((e) => e.kind === 'call').length);

    // Every fix applied together: the files -w writes.
    const fixed = applyFixes(dir, log);
    t.is(goshift([...args, '-w', '-q', '.'], dir).code, 0);
    const changed = doc.files.filter((f) => f.status === 'changed').map((f) => f.path);
    t.deepEqual([...fixed.keys()].sort(), changed, 'the fixes touch the changed files');
    for (const [p, text] of fixed) t.is(text, fs.readFileSync(path.join(dir, p), 'latin1'), `${name}: ${p}`);
  });
}

// ---------------------------------------------------------------------------------------------
// SARIF in detail

test('sarif: examples/shop, rules, fixes of whole linked sets, Microsoft\'s SARIF validator', (t) => {
  const r = goshift(['--format', 'sarif', 'shop'], shop);
  t.is(r.code, 0);
  const log = JSON.parse(r.stdout);
  t.is(validateSarif(log), null);
  checkGitHub(t, log, 'shop');
  const run = log.runs[0];
  t.deepEqual(run.tool.driver.rules.map((x: any) => [x.id, x.defaultConfiguration.level]), [
    ['ctx-closure', 'warning'],
    ['ctx-closure/left-alone', 'note'],
    ['ctx-first', 'warning'],
    ['ctx-first/left-alone', 'note'],
    ['ctx-legacy', 'warning'],
    ['ctx-legacy/left-alone', 'note'],
  ]);
  const res = run.results.map((x: any) => ({
    rule: x.ruleId,
    at: `${x.locations[0].physicalLocation.artifactLocation.uri}:${x.locations[0].physicalLocation.region.startLine}:${x.locations[0].physicalLocation.region.startColumn}`,
    fix: (x.fixes?.[0]?.artifactChanges ?? []).map((c: any) => `${c.artifactLocation.uri}@${c.replacements.map((p: any) => p.deletedRegion.startLine).join(',')}`),
  }));
  t.deepEqual(res, [
    { rule: 'ctx-first', at: 'shop/api/api.go:14:27', fix: ['shop/api/api.go@14,25'] },
    { rule: 'ctx-first', at: 'shop/api/api.go:18:43', fix: ['shop/api/api.go@18', 'shop/api/api_test.go@16'] },
    { rule: 'ctx-closure', at: 'shop/api/api.go:27:5', fix: ['shop/api/api.go@27,31'] },
    // The interface method carries the fix of its whole set: implementation and calls included.
    { rule: 'ctx-first', at: 'shop/store/store.go:12:17', fix: ['shop/api/api.go@19', 'shop/api/api_test.go@19', 'shop/store/store.go@12,34'] },
    { rule: 'ctx-first', at: 'shop/store/store.go:13:15', fix: ['shop/api/api.go@32', 'shop/api/api_test.go@13', 'shop/store/store.go@13,48'] },
    { rule: 'ctx-first', at: 'shop/store/store.go:34:30', fix: [] },
    { rule: 'ctx-first', at: 'shop/store/store.go:48:28', fix: [] },
  ]);
  t.regex(run.results[5].message.text, /^context\.Context should be the first parameter: method \(\*Mem\)\.Get: parameters reordered \(fixed with its linked set, at shop\/store\/store\.go:12\)$/);
  t.deepEqual(run.results[3].relatedLocations.map((l: any) => l.message.text), ['linked: method (*Mem).Get']);
  const rep = run.results[0].fixes[0].artifactChanges[0].replacements[0];
  t.deepEqual(rep, { deletedRegion: { startLine: 14, startColumn: 1, endLine: 15, endColumn: 1 }, insertedContent: { text: '\tAudit func(ctx context.Context, event string)\n' } });

  // Microsoft's validator (the SARIF SDK's multitool): no error, no warning but the missing informationUri.
  let bin: string;
  try {
    bin = path.join(path.dirname(sarifSchemaPath()), process.platform === 'win32' ? 'Sarif.Multitool.exe' : 'Sarif.Multitool');
  } catch (e) {
    t.fail(String(e));
    return;
  }
  const dir = tmp('sarif');
  fs.writeFileSync(path.join(dir, 'shop.sarif'), r.stdout);
  const v = spawnSync(bin, ['validate', path.join(dir, 'shop.sarif'), '-o', path.join(dir, 'out.sarif'), '--log', 'ForceOverwrite'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
  if (v.error || v.status === null) {
    t.log(`SARIF multitool could not run (${v.error?.message ?? v.signal}): checked against the schema only`);
    return;
  }
  t.is(v.status, 0, v.stdout + v.stderr);
  const problems = v.stdout.split('\n').filter((l) => /: (error|warning) /.test(l) && !/SARIF2005/.test(l));
  t.deepEqual(problems, []);
});

test('changeBlocks: runs of changed lines with their old line numbers, no-newline markers, CRLF', (t) => {
  const diff = [
    'diff --git a/f.go b/f.go',
    '--- a/f.go',
    '+++ b/f.go',
    '@@ -1,6 +1,7 @@',
    ' one',
    '-two',
    '-three',
    '+TWO',
    '+THREE',
    ' four',
    '+inserted',
    ' five',
    '-six\r',
    '\\ No newline at end of file',
    '+SIX\r',
    '+seven',
    '\\ No newline at end of file',
    '',
  ].join('\n');
  const blocks = changeBlocks(diff);
  t.deepEqual(blocks, [
    { oldStart: 2, removed: ['two\n', 'three\n'], added: ['TWO\n', 'THREE\n'] },
    { oldStart: 5, removed: [], added: ['inserted\n'] },
    { oldStart: 6, removed: ['six\r'], added: ['SIX\r\n', 'seven'] },
  ]);
  t.deepEqual(splitBlocks(blocks).map((b) => b.oldStart), [2, 3, 5, 6]);
});

// ---------------------------------------------------------------------------------------------
// Lint lines

test('lint: a line per place that changes, sorted; --check --format lint fails exactly when there are lines', (t) => {
  const r = goshift(['--format', 'lint', '--check', 'shop'], shop);
  t.is(r.code, 1);
  t.is(
    r.stdout,
    [
      'shop/api/api.go:14:27: context.Context should be the first parameter (ctx-first)',
      'shop/api/api.go:18:43: context.Context should be the first parameter (ctx-first)',
      'shop/api/api.go:27:5: func literal captures a context; pass it as a parameter (ctx-closure)',
      'shop/store/store.go:12:17: context.Context should be the first parameter (ctx-first)',
      'shop/store/store.go:13:15: context.Context should be the first parameter (ctx-first)',
      'shop/store/store.go:34:30: context.Context should be the first parameter (ctx-first)',
      'shop/store/store.go:48:28: context.Context should be the first parameter (ctx-first)',
      '',
    ].join('\n'),
  );
  // -t picks the rules: ctx-closure alone reports the literal only.
  t.is(goshift(['--format', 'lint', '-t', 'ctx-closure', 'shop'], shop).stdout, 'shop/api/api.go:27:5: func literal captures a context; pass it as a parameter (ctx-closure)\n');
  const dir = copy(path.join(shop, 'shop'));
  t.is(goshift(['-w', '-q', '.'], dir).code, 0);
  const clean = goshift(['--format', 'lint', '--check', '.'], dir);
  t.is(clean.code, 0);
  t.is(clean.stdout, '');
});

// ---------------------------------------------------------------------------------------------
// lib/run.ts without the CLI: reports written to files besides stdout (the HTML report's way in)

test('runCommand: a report in another format written to a file, from the same document', async (t) => {
  const dir = copy(path.join(shop, 'shop'));
  const out: string[] = [];
  const said: string[] = [];
  const io = { out: async (c: string | Buffer) => void out.push(c.toString()), say: (l: string) => void said.push(l) };
  const opts = { ...(await optionsFromFlags({ _: ['.'], format: 'lint', cache: false }, dir)), reports: [{ format: 'json', file: 'report.json' }] };
  t.is(await runCommand(opts, io), 0);
  t.regex(out.join(''), /^api\/api\.go:14:27: context\.Context should be the first parameter \(ctx-first\)$/m);
  const json = fs.readFileSync(path.join(dir, 'report.json'), 'utf8');
  const doc = JSON.parse(json) as Doc;
  checkDoc(t, doc, 'report');
  t.is(doc.mode, 'lint');
  t.is(json.replace('"mode": "lint"', '"mode": "json"'), goshift(['--json', '.'], dir).stdout, 'the --json document, diffs included');
  t.regex(said.join('\n'), /3 files changed/);

  const bad = { ...opts, reports: [{ format: 'json', file: 'no/such/dir/report.json' }] };
  out.length = 0;
  said.length = 0;
  t.is(await runCommand(bad, io), 2);
  t.regex(said.join('\n'), /^no\/such\/dir\/report\.json: error: cannot write the json report: /m);
});

// The terminal: --color with NO_COLOR and FORCE_COLOR, and the progress bar only on a TTY.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runWorkspace } from '../lib/parts.js';
import { colorDiff, colorMode, progressBar, useColor } from '../lib/terminal.js';
import type { ProgressEvent } from '../lib/types.js';
import { discover } from '../lib/workspace.js';
import { defaultTransforms } from '../transforms/index.js';
import { tempDirs, writeTree } from './unit-tmp.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/goshift.js');
const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');
const ESC = '\u001b[';

const tmp = tempDirs(test, 'term');

/** The environment of a child with no colour variables of the caller's. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOSHIFT_DEBUG: '' };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'TERM', 'CI']) delete env[k];
  return { ...env, ...extra };
}

function goshift(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, '--no-cache', ...args], { cwd, env: cleanEnv(env), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------
// Colour

test('useColor: always and never decide; auto: FORCE_COLOR, then NO_COLOR, then a TTY that is not dumb', (t) => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  t.true(useColor('always', pipe, { NO_COLOR: '1' }));
  t.false(useColor('never', tty, { FORCE_COLOR: '1' }));
  t.true(useColor('auto', tty, {}));
  t.false(useColor('auto', pipe, {}));
  t.false(useColor('auto', {}, {}));
  t.false(useColor('auto', tty, { TERM: 'dumb' }));
  t.false(useColor('auto', tty, { NO_COLOR: '1' }));
  t.true(useColor('auto', tty, { NO_COLOR: '' }), 'an empty NO_COLOR is not set (no-color.org)');
  t.true(useColor('auto', pipe, { FORCE_COLOR: '1' }));
  t.true(useColor('auto', pipe, { FORCE_COLOR: '' }));
  t.true(useColor('auto', pipe, { FORCE_COLOR: '3', NO_COLOR: '1' }), 'FORCE_COLOR wins over NO_COLOR, as in Node');
  t.false(useColor('auto', tty, { FORCE_COLOR: '0' }));
  t.false(useColor('auto', tty, { FORCE_COLOR: 'false' }));
});

test('colorMode: --color values; absent is auto, --no-color never, a bare --color always', (t) => {
  t.is(colorMode(undefined), 'auto');
  t.is(colorMode(false), 'never');
  t.is(colorMode(''), 'always');
  for (const m of ['auto', 'always', 'never'] as const) t.is(colorMode(m), m);
  t.is(colorMode('sometimes'), null);
});

test('colorDiff: headers bold, hunks cyan, removed red, added green; a removed "-- x" line is not a header; CR stays outside', (t) => {
  const diff = [
    'diff --git a/x.go b/x.go',
    '--- a/x.go',
    '+++ b/x.go',
    '@@ -1,3 +1,3 @@',
    ' keep',
    '--- removed line that looks like a header',
    '+++ added line that looks like a header\r',
    '\\ No newline at end of file',
    '',
  ].join('\n');
  t.is(colorDiff(diff, false), diff);
  const c = colorDiff(diff, true).split('\n');
  t.is(c[0], `${ESC}1mdiff --git a/x.go b/x.go${ESC}22m`);
  t.is(c[1], `${ESC}1m--- a/x.go${ESC}22m`);
  t.is(c[2], `${ESC}1m+++ b/x.go${ESC}22m`);
  t.is(c[3], `${ESC}36m@@ -1,3 +1,3 @@${ESC}39m`);
  t.is(c[4], ' keep');
  t.is(c[5], `${ESC}31m--- removed line that looks like a header${ESC}39m`);
  t.is(c[6], `${ESC}32m+++ added line that looks like a header${ESC}39m\r`);
  t.is(c[7], '\\ No newline at end of file');
  t.is(c[8], '');
  // Without the escape codes, the coloured diff is the diff.
  t.is(colorDiff(diff, true).replace(/\u001b\[\d+m/g, ''), diff);
});

test('CLI --color: always, never, auto through a pipe, NO_COLOR, FORCE_COLOR, --no-color', (t) => {
  const shop = path.join(examples, 'shop');
  const plain = goshift([], shop);
  t.is(plain.code, 0, plain.stderr);
  t.false(plain.stdout.includes(ESC), 'auto, stdout a pipe: no colour');
  t.regex(plain.stdout, /^diff --git /);
  const strip = (s: string) => s.replace(/\u001b\[\d+m/g, '');
  const cases: [string[], NodeJS.ProcessEnv, boolean][] = [
    [['--color', 'always'], {}, true],
    [['--color', 'always'], { NO_COLOR: '1' }, true],
    [['--color=never'], { FORCE_COLOR: '1' }, false],
    [['--no-color'], { FORCE_COLOR: '1' }, false],
    [['--color', 'auto'], { FORCE_COLOR: '1' }, true],
    [[], { FORCE_COLOR: '1' }, true],
    [[], { FORCE_COLOR: '0' }, false],
    [[], { NO_COLOR: '1' }, false],
  ];
  for (const [args, env, colored] of cases) {
    const r = goshift(args, shop, env);
    const what = `${args.join(' ')} ${JSON.stringify(env)}`;
    t.is(r.code, 0, what);
    t.is(r.stdout.includes(ESC), colored, what);
    t.is(strip(r.stdout), plain.stdout, what);
    t.false(r.stderr.includes(ESC), `${what}: the summary is never coloured`);
  }
  // -l is never coloured.
  t.false(goshift(['-l', '--color', 'always'], shop).stdout.includes(ESC));
  const bad = goshift(['--color', 'sometimes'], shop);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--color: "sometimes": choose auto, always, never/);
});

// ---------------------------------------------------------------------------------------------
// Progress

/** A stream that says it is (or is not) a terminal and keeps what is written to it. */
function fakeStream(isTTY: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  s.isTTY = isTTY;
  s.columns = 100;
  let text = '';
  s.on('data', (b: Buffer) => (text += b.toString('utf8')));
  return { stream: s, text: () => text };
}

test('progressBar: only on a TTY, not with -q, not on TERM=dumb, not for small runs', (t) => {
  t.is(progressBar({ stream: fakeStream(false).stream, files: 5000, env: {} }), null);
  t.is(progressBar({ stream: fakeStream(true).stream, files: 5000, quiet: true, env: {} }), null);
  t.is(progressBar({ stream: fakeStream(true).stream, files: 5000, env: { TERM: 'dumb' } }), null);
  t.is(progressBar({ stream: fakeStream(true).stream, files: 299, env: {} }), null);
  const p = progressBar({ stream: fakeStream(true).stream, files: 300, env: {} });
  t.truthy(p);
  p!.stop();
});

test('progressBar: draws each stage with its count and erases itself when stopped', async (t) => {
  const { stream, text } = fakeStream(true);
  const p = progressBar({ stream, files: 1000, env: {} })!;
  p.onProgress({ stage: 'read', done: 0, total: 1000 });
  p.onProgress({ stage: 'facts', done: 500, total: 1000 });
  p.onProgress({ stage: 'parse', done: 10, total: 40 });
  p.onProgress({ stage: 'link', done: 3, total: 40 });
  p.onProgress({ stage: 'edit', done: 0, total: 1 });
  p.stop();
  p.stop();
  await new Promise((r) => setImmediate(r));
  const out = text();
  for (const s of ['goshift: reading  ', '0/1000 files', 'goshift: scanning ', '500/1000 files', 'goshift: parsing  ', '10/40 files', 'goshift: linking  ', '3/40 files', 'goshift: planning and editing ...']) {
    t.true(out.includes(s), s);
  }
  // The terminal's modes are left alone (a run killed by Ctrl-C must not leave the cursor hidden or wrapping off).
  t.false(out.includes(`${ESC}?7l`));
  t.false(out.includes(`${ESC}?25l`));
  // Erased at the end: the last thing written clears the line.
  t.true(out.endsWith(`${ESC}2K`), JSON.stringify(out.slice(-20)));
});

test('the engine reports its stages in order, and the result is the same with a progress callback', async (t) => {
  const shop = path.join(examples, 'shop');
  const ws = await discover(['.'], { cwd: shop });
  const events: ProgressEvent[] = [];
  const opts = { allowTypesBefore: [], jobs: 1, cacheDir: null };
  const withBar = await runWorkspace(ws, defaultTransforms(), { ...opts, progress: (e) => events.push(e) });
  const without = await runWorkspace(await discover(['.'], { cwd: shop }), defaultTransforms(), opts);
  t.deepEqual(withBar.changes.map((c) => [c.file.rel, c.after]), without.changes.map((c) => [c.file.rel, c.after]));
  t.deepEqual(withBar.report, without.report);
  const stages = events.map((e) => e.stage).filter((s, i, a) => a[i - 1] !== s);
  t.deepEqual(stages, ['read', 'facts', 'parse', 'link', 'edit']);
  for (const e of events) t.true(e.done >= 0 && e.done <= e.total, JSON.stringify(e));
  t.true(events.some((e) => e.stage === 'facts' && e.done === 3 && e.total === 3));
});

/** A module of n files, each with a context out of place. */
function bigModule(n: number): string {
  const d = tmp('big');
  const files: Record<string, string> = { 'go.mod': 'module example.com/big\n\ngo 1.22\n' };
  for (let i = 0; i < n; i++) files[`f${i}.go`] = `package big\n\nimport "context"\n\nfunc F${i}(n int, ctx context.Context) int { _ = ctx; return n }\n`;
  writeTree(d, files);
  return d;
}

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

(hasScript ? test : test.skip)('CLI: a progress bar on stderr under a terminal (script), none through a pipe or with -q', (t) => {
  const d = bigModule(320);
  // stderr a pipe: no bar, whatever the size.
  const piped = goshift(['-l'], d);
  t.is(piped.code, 0, piped.stderr);
  t.false(piped.stderr.includes('goshift: reading'));
  t.false(piped.stderr.includes(ESC));
  // Under a pseudo-terminal (util-linux script): the bar is drawn, then erased before the summary.
  const log = path.join(d, 'typescript.log');
  const cmd = (extra: string) => `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} --no-cache -l ${extra} . > /dev/null`;
  const tty = spawnSync('script', ['-qec', cmd(''), log], { cwd: d, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  t.is(tty.status, 0, tty.stderr);
  const seen = fs.readFileSync(log, 'utf8');
  t.regex(seen, /goshift: (reading|scanning|parsing|linking)\s+\S+ \d+\/\d+ files/);
  t.regex(seen, /\u001b\[2Kgoshift: 320 files scanned/);
  // -q: no bar (and no summary).
  const quiet = spawnSync('script', ['-qec', cmd('-q'), log], { cwd: d, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  t.is(quiet.status, 0);
  t.false(fs.readFileSync(log, 'utf8').includes('goshift: reading'));
  // A small run under a terminal: no bar either.
  const small = path.join(examples, 'shop');
  const s = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} --no-cache -l . > /dev/null`, log], { cwd: small, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  t.is(s.status, 0);
  t.false(fs.readFileSync(log, 'utf8').includes('goshift: reading'));
});

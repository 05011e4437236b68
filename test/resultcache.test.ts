// The result cache (lib/resultcache.ts): a run over exactly the inputs of an earlier one gets its
// result back without parsing anything; any change to what the engine reads (a file's bytes, a
// file skipped but linked against, a go.mod, an option, the transforms) computes it again, and so
// does a transform from the user's files. The CLI writes and checks with a result from the cache
// as with a computed one.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWorkspace } from '../lib/parts.js';
import { loadResult, resultKey, storeResult } from '../lib/resultcache.js';
import type { RunResult, Transform, TransformOptions } from '../lib/types.js';
import { discover } from '../lib/workspace.js';
import { defaultTransforms, transforms as allTransforms } from '../transforms/index.js';
import { tempDirs, writeTree } from './unit-tmp.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/goshift.js');
const temp = tempDirs(test, 'resultcache');

const files = {
  'go.mod': 'module example.com/m\n\ngo 1.22\n',
  'store/store.go': 'package store\n\nimport "context"\n\nfunc Get(key string, ctx context.Context) string {\n\t_ = ctx\n\treturn key\n}\n',
  'app/app.go': 'package app\n\nimport (\n\t"context"\n\n\t"example.com/m/store"\n)\n\nfunc Run(ctx context.Context) string {\n\tgo func() { _ = ctx }()\n\treturn store.Get("k", ctx)\n}\n',
  'app/testdata/gen.go': 'package gen\n',
};

function tree(): string {
  const d = temp();
  writeTree(d, files);
  return d;
}

const what = (r: RunResult) => JSON.stringify({ changes: r.changes.map((c) => [c.file.rel, c.after]), report: { ...r.report, filesParsed: undefined } });

async function run(root: string, cacheDir: string | null, transforms: Transform[] = defaultTransforms(), more: Partial<TransformOptions> = {}) {
  return runWorkspace(await discover([], { cwd: root }), transforms, { allowTypesBefore: [], jobs: 1, cacheDir, ...more });
}

test('an unchanged tree gets the earlier result, parsing nothing; the same result as without a cache', async (t) => {
  const d = tree();
  const cache = temp('cache');
  const none = await run(d, null);
  t.true(none.report.filesParsed > 0);
  t.is(none.changes.length, 2);
  const first = await run(d, cache);
  t.is(first.report.filesParsed, none.report.filesParsed);
  const second = await run(d, cache);
  t.is(second.report.filesParsed, 0);
  t.is(what(second), what(none));
  t.deepEqual(second.changes.map((c) => c.before), none.changes.map((c) => c.before));
});

test('a changed byte in any file, a changed go.mod or skipped .go file, or other options compute the result again', async (t) => {
  const d = tree();
  const cache = temp('cache');
  await run(d, cache);
  t.is((await run(d, cache)).report.filesParsed, 0);
  const again = async (why: string, more: Partial<TransformOptions> = {}, transforms?: Transform[]) => {
    const r = await run(d, cache, transforms, more);
    t.true(r.report.filesParsed > 0, `${why}: computed again`);
    t.is(what(r), what(await run(d, null, transforms, more)), `${why}: the result of a run without a cache`);
    t.is((await run(d, cache, transforms, more)).report.filesParsed, 0, `${why}: then stored`);
  };
  // A file's bytes: a comment in the caller's file changes its line numbers, and so the result.
  fs.writeFileSync(path.join(d, 'app/app.go'), '// Package app.\n' + files['app/app.go']);
  await again('a file edited');
  fs.appendFileSync(path.join(d, 'go.mod'), '\n// a comment\n');
  await again('go.mod edited');
  fs.appendFileSync(path.join(d, 'app/testdata/gen.go'), '\n// a comment\n');
  await again('a .go file in testdata/ edited');
  await again('--api keep', { api: 'keep' });
  await again('-t ctx-first', {}, allTransforms.filter((x) => x.name === 'ctx-first'));
  fs.writeFileSync(path.join(d, 'store/extra.go'), 'package store\n');
  await again('a file added');
});

test('a transform from the user\'s files, an unreadable file and resultCache: false are never served from the cache', async (t) => {
  const d = tree();
  const cache = temp('cache');
  const plugin: Transform = { ...allTransforms.find((x) => x.name === 'ctx-first')! };
  await run(d, cache, [plugin]);
  t.true((await run(d, cache, [plugin])).report.filesParsed > 0, 'a plugin: computed each time');
  await run(d, cache, undefined, { resultCache: false });
  t.true((await run(d, cache, undefined, { resultCache: false })).report.filesParsed > 0, 'resultCache: false');
  if (process.getuid?.() !== 0) {
    fs.chmodSync(path.join(d, 'store/store.go'), 0o000);
    try {
      const a = await run(d, cache);
      t.true(a.report.errors.length > 0);
      const b = await run(d, cache);
      t.true(b.report.filesParsed > 0, 'a run with errors is not stored');
    } finally {
      fs.chmodSync(path.join(d, 'store/store.go'), 0o644);
    }
  }
});

function goshift(cwd: string, cache: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, '--cache-dir', cache, ...args, '.'], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the CLI: -d, then -w with the result from the cache writes the same files; --check then finds nothing', (t) => {
  const d = tree();
  const twin = tree();
  const cache = temp('cache');
  const diff = goshift(d, cache, '-d');
  t.is(diff.code, 0, diff.stderr);
  t.regex(diff.stderr, /files parsed/);
  const check = goshift(d, cache, '-l', '--check');
  t.is(check.code, 1, check.stderr);
  t.regex(check.stderr, /goshift: \d+ files scanned, 0 files parsed, 2 files changed/);
  const w = goshift(d, cache, '-w');
  t.is(w.code, 0, w.stderr);
  t.regex(w.stderr, / 0 files parsed/);
  // The same tree written by a run without a cache.
  const w2 = spawnSync(process.execPath, [bin, '--no-cache', '-w', '.'], { cwd: twin, encoding: 'utf8' });
  t.is(w2.status, 0, w2.stderr);
  for (const f of ['store/store.go', 'app/app.go']) t.is(fs.readFileSync(path.join(d, f), 'utf8'), fs.readFileSync(path.join(twin, f), 'utf8'), f);
  const after = goshift(d, cache, '-l', '--check');
  t.is(after.code, 0, after.stderr);
  t.is(goshift(d, cache, '-l', '--check').code, 0);
});

test('a result larger than a quarter of the store\'s bound is not kept (it would push out the facts of most files)', async (t) => {
  const d = tree();
  const cache = temp('cache');
  const ws = await discover([], { cwd: d });
  const opts: TransformOptions = { allowTypesBefore: [], jobs: 1, cacheDir: cache, resultCache: false };
  const r = await runWorkspace(ws, defaultTransforms(), opts);
  const inputs = ws.files.map((sf) => ({ sf, bytes: fs.readFileSync(sf.abs) }));
  const key = resultKey(ws, defaultTransforms(), { ...opts, resultCache: true }, inputs)!;
  t.truthy(key);
  const size = Buffer.byteLength(JSON.stringify(r.changes.map((c) => c.after)));
  storeResult(cache, key, r, size * 2);
  t.is(loadResult(cache, key, inputs), null, 'over a quarter of the bound: not stored');
  storeResult(cache, key, r, 1 << 30);
  t.is(loadResult(cache, key, inputs)?.changes.length, r.changes.length, 'under it: stored');
});

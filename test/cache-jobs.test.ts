// The facts cache, the result cache and the worker pool never change a result: every fixture, and
// std subsets, give the same changes and the same report with one job and no cache, with two jobs
// and a cold cache, warm facts, a result from the cache, and a cache whose entries were corrupted.
// So do modules of the semantic fuzzer's corpus.
import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runWorkspace } from '../lib/parts.js';
import type { RunResult, TransformOptions } from '../lib/types.js';
import { discover } from '../lib/workspace.js';
import { transforms as allTransforms, defaultTransforms } from '../transforms/index.js';
import { findGoroot } from '../scripts/roundtrip-lib.js';
import { generateModule } from '../scripts/semfuzz-lib.js';
import { findFixtures } from './support/fixtures.js';
import { fixturesRoot } from './support/paths.js';
import { copyTree, makeTempDir, removeTree, writeFiles } from './support/tree.js';

// Fixtures are small: let the facts pool start for them too, and the edit stage's parse check use
// its worker with two jobs.
process.env.GOSHIFT_FACTS_MIN_POOL = '0';
process.env.GOSHIFT_CHECK_MIN_POOL = '0';
// And the files a stage parses one after the other are parsed ahead on workers with two jobs.
process.env.GOSHIFT_AHEAD_MIN_FILES = '0';
// And a cold run (no cache, or one without facts of this version) reads its files as their facts
// are computed, as one of many files does (streamInputs), while a warm one reads them first.
process.env.GOSHIFT_STREAM_MIN_FILES = '0';

/** What a run says: every changed file's new text, and the report (but how many files it parsed: a result from the cache parsed none). */
function outcome(r: RunResult): string {
  return JSON.stringify({ changes: r.changes.map((c) => [c.file.rel, c.after, c.before.toString('latin1'), c.notes]), report: { ...r.report, filesParsed: undefined }, sets: r.sets });
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  return out;
}

/** Overwrites every other cache entry with garbage and truncates the rest. */
async function corrupt(cacheDir: string): Promise<number> {
  let n = 0;
  for (const f of await listFiles(cacheDir)) {
    if (!path.basename(f).match(/^[0-9a-f]{64}$/)) continue;
    if (n++ % 2) await fs.writeFile(f, 'GOSHIFTFACTS1 not an entry\n{"v":1}');
    else await fs.truncate(f, Math.floor((await fs.stat(f)).size / 2));
  }
  return n;
}

async function compareModes(t: import('ava').ExecutionContext, root: string, transforms: typeof allTransforms, base: Omit<TransformOptions, 'jobs' | 'cacheDir'>) {
  const cache = await makeTempDir('goshift-cache-');
  try {
    const ws = () => discover([], { cwd: root });
    // `fresh`: the result is computed again (facts from the cache) rather than taken from the result cache.
    const run = async (jobs: number, cacheDir: string | null, fresh = false) => {
      const r = await runWorkspace(await ws(), transforms, { ...base, jobs, cacheDir, ...(fresh ? { resultCache: false } : {}) });
      parsedLast = r.report.filesParsed;
      erred = r.report.errors.length > 0;
      return outcome(r);
    };
    let parsedLast = 0;
    let erred = false;
    const none = await run(1, null);
    const parsedNone = parsedLast;
    // A run with errors (a file that does not parse) is not stored: it is computed each time.
    const stored = !erred;
    t.is(await run(2, cache), none, `${root}: two jobs, cold cache`);
    t.is(await run(2, cache, true), none, `${root}: warm facts cache`);
    t.is(parsedLast, parsedNone, `${root}: warm facts cache, as many files parsed`);
    t.is(await run(1, cache, true), none, `${root}: one job, warm facts cache`);
    t.is(await run(2, cache), none, `${root}: the result from the cache`);
    t.is(parsedLast, stored ? 0 : parsedNone, `${root}: the result from the cache parses nothing`);
    t.true((await corrupt(cache)) > 0, 'the cache has entries to corrupt');
    t.is(await run(2, cache), none, `${root}: corrupted cache`);
    t.is(parsedLast, parsedNone, `${root}: a corrupted result entry is computed again`);
  } finally {
    await removeTree(cache);
  }
}

test('a cold run reads its files as their facts are computed, a warm one first: the same result, a file removed since discovery reported alike', async (t) => {
  const root = await makeTempDir('goshift-stream-');
  const cache = await makeTempDir('goshift-cache-');
  try {
    const files: Record<string, string> = { 'go.mod': 'module example.com/s\n\ngo 1.22\n' };
    for (let i = 0; i < 30; i++) files[`p/f${i}.go`] = `package p\n\nimport "context"\n\nfunc F${i}(n int, ctx context.Context) int {\n\tif n == 0 {\n\t\treturn ${i}\n\t}\n\treturn F${(i + 1) % 30}(n-1, ctx)\n}\n`;
    files['q/q.go'] = 'package q\n\nimport "context"\n\nfunc Q(ctx context.Context) {\n\tgo func() { _ = ctx }()\n}\n';
    await writeFiles(root, Object.entries(files));
    const ws = await discover([], { cwd: root });
    // Gone after discovery: read neither way.
    await fs.rm(path.join(root, 'p/f7.go'));
    const run = async (jobs: number, cacheDir: string | null) => {
      const stages = new Set<string>();
      const r = await runWorkspace(ws, defaultTransforms(), { allowTypesBefore: [], jobs, cacheDir, progress: (p) => void stages.add(p.stage) });
      return { out: outcome(r), read: stages.has('read'), errors: r.report.errors };
    };
    const none = await run(2, null);
    t.false(none.read, 'no cache: read with the facts');
    t.deepEqual(none.errors.map((e) => e.file), ['p/f7.go']);
    t.regex(none.errors[0].message, /^cannot read: .*removed during the run/);
    const cold = await run(2, cache);
    t.false(cold.read, 'cold cache: read with the facts');
    t.is(cold.out, none.out);
    const warm = await run(2, cache);
    t.true(warm.read, 'warm cache: read first');
    t.is(warm.out, none.out);
    t.is((await run(1, null)).out, none.out);
  } finally {
    await removeTree(root);
    await removeTree(cache);
  }
});

test('every fixture: the same result with --jobs 1 and no cache, --jobs 2 and a cold, warm or corrupted cache', async (t) => {
  const { fixtures } = await findFixtures(fixturesRoot);
  t.true(fixtures.length > 100);
  for (const f of fixtures) {
    if (f.gopath) continue; // GOPATH mode needs --gopath; its files go through the same store
    const chosen = f.transform === 'ctx-closure' ? defaultTransforms() : allTransforms.filter((x) => x.name === f.transform);
    const api = f.args.includes('keep') ? 'keep' : 'change';
    await compareModes(t, f.input, chosen, { allowTypesBefore: [], api });
  }
});

test('std subsets: the same result with --jobs 1 and no cache, --jobs 2 and a cold, warm or corrupted cache', async (t) => {
  const goroot = await findGoroot();
  const tmp = await makeTempDir('goshift-std-');
  try {
    // A module of its own holding copies of some of std's packages with contexts.
    for (const pkg of ['context', 'os/exec', 'database/sql']) await copyTree(path.join(goroot, 'src', pkg), path.join(tmp, pkg));
    for (const f of await listFiles(tmp)) if (f.includes(`${path.sep}testdata${path.sep}`)) await fs.rm(f);
    await fs.writeFile(path.join(tmp, 'go.mod'), 'module std\n\ngo 1.26\n');
    await compareModes(t, tmp, defaultTransforms(), { allowTypesBefore: [] });
  } finally {
    await removeTree(tmp);
  }
});

test('semantic fuzzer modules: the same result with --jobs 1 and no cache, --jobs 2 and a cold, warm or corrupted cache', async (t) => {
  const tmp = await makeTempDir('goshift-semfuzz-cache-');
  try {
    for (let i = 0; i < 10; i++) {
      const dir = path.join(tmp, `gen${i}`);
      await writeFiles(dir, generateModule(7, i).files);
      await compareModes(t, dir, defaultTransforms(), { allowTypesBefore: [] });
    }
  } finally {
    await removeTree(tmp);
  }
});

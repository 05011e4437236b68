// The facts leave out of runBodies (and a file with no other such body out of runLits) the
// function bodies whose run literals read no variable that may be a context (lib/facts.ts,
// localNames): ctx-closure neither parses nor walks them. That must never change a result: every
// fixture, std packages where ctx-closure changes and reports literals, and the semantic
// fuzzer's modules give the same changes and the same report with those bodies left out as with
// every body kept (GOSHIFT_DEBUG_EVERY_RUN_BODY); and over std the first parses fewer files. A file
// only such a transform reads is parsed in the edit stage, and its tree let go after its rewrite.
import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EVERY_RUN_BODY } from '../lib/debug.js';
import { fullCollection } from '../lib/gc.js';
import { runWorkspace } from '../lib/parts.js';
import type { RunResult, Transform } from '../lib/types.js';
import { discover } from '../lib/workspace.js';
import { transforms as allTransforms, defaultTransforms } from '../transforms/index.js';
import { findGoroot } from '../scripts/roundtrip-lib.js';
import { generateModule } from '../scripts/semfuzz-lib.js';
import { findFixtures } from './support/fixtures.js';
import { fixturesRoot } from './support/paths.js';
import { copyTree, makeTempDir, removeTree, writeFiles } from './support/tree.js';

/** What a run says: every changed file's new text, and the report (but how many files it parsed). */
function outcome(r: RunResult): string {
  return JSON.stringify({ changes: r.changes.map((c) => [c.file.rel, c.after, c.notes]), report: { ...r.report, filesParsed: undefined }, sets: r.sets });
}

/** Where two outcomes differ, briefly (the files whose new text differs, or the report), or '' when they are the same. */
function difference(a: string, b: string): string {
  if (a === b) return '';
  const x = JSON.parse(a) as { changes: [string, string][]; report: unknown };
  const y = JSON.parse(b) as { changes: [string, string][]; report: unknown };
  const texts = (o: typeof x) => new Map(o.changes.map(([rel, after]) => [rel, after]));
  const tx = texts(x);
  const ty = texts(y);
  const files = [...new Set([...tx.keys(), ...ty.keys()])].filter((f) => tx.get(f) !== ty.get(f));
  return files.length ? `new text differs in ${files.join(', ')}` : `reports differ: ${JSON.stringify(x.report)} against ${JSON.stringify(y.report)}`;
}

/** The result over root with the bodies left out and with every body kept, and how many files each parsed. */
async function both(root: string, transforms: Transform[], api: 'keep' | 'change' = 'change') {
  const run = async (every: boolean) => {
    if (every) process.env[EVERY_RUN_BODY] = '1';
    else delete process.env[EVERY_RUN_BODY];
    try {
      const r = await runWorkspace(await discover([], { cwd: root }), transforms, { allowTypesBefore: [], api, jobs: 1, cacheDir: null });
      return { out: outcome(r), parsed: r.report.filesParsed };
    } finally {
      delete process.env[EVERY_RUN_BODY];
    }
  };
  return { pruned: await run(false), every: await run(true) };
}

test.serial('every fixture: the same result whether or not the bodies whose run literals capture no context are left out', async (t) => {
  const { fixtures } = await findFixtures(fixturesRoot);
  let compared = 0;
  for (const f of fixtures) {
    if (f.gopath) continue;
    const chosen = f.transform === 'ctx-closure' ? defaultTransforms() : allTransforms.filter((x) => x.name === f.transform);
    if (!chosen.some((x) => x.name === 'ctx-closure')) continue;
    const { pruned, every } = await both(f.input, chosen, f.args.includes('keep') ? 'keep' : 'change');
    t.is(difference(pruned.out, every.out), '', `${f.input}: a result that depends on the bodies left out`);
    compared++;
  }
  t.true(compared > 20);
});

test.serial('std packages where ctx-closure changes and reports literals: the same result, fewer files parsed', async (t) => {
  const goroot = await findGoroot();
  const tmp = await makeTempDir('goshift-runbodies-');
  try {
    for (const pkg of ['context', 'database/sql', 'os/exec', 'net/http/httputil', 'runtime/pprof', 'log/slog', 'internal/fuzz', 'weak']) await copyTree(path.join(goroot, 'src', pkg), path.join(tmp, pkg));
    for (const e of await fs.readdir(tmp, { withFileTypes: true, recursive: true })) {
      const p = path.join(e.parentPath, e.name);
      if (e.isFile() && p.includes(`${path.sep}testdata${path.sep}`)) await fs.rm(p);
    }
    await fs.writeFile(path.join(tmp, 'go.mod'), 'module std\n\ngo 1.26\n');
    const { pruned, every } = await both(tmp, defaultTransforms());
    t.is(difference(pruned.out, every.out), '');
    const r = JSON.parse(pruned.out) as { report: { counts: { n: number }[]; leftAlone: unknown[] } };
    t.true(r.report.counts.some((c) => c.n > 0) && r.report.leftAlone.length > 0, 'ctx-closure changes and reports literals here');
    t.true(pruned.parsed < every.parsed, `files parsed: ${pruned.parsed} with the bodies left out, ${every.parsed} with every body`);
  } finally {
    await removeTree(tmp);
  }
});

test.serial('semantic fuzzer modules: the same result whether or not the bodies whose run literals capture no context are left out', async (t) => {
  const tmp = await makeTempDir('goshift-runbodies-fuzz-');
  try {
    for (let i = 0; i < 10; i++) {
      const dir = path.join(tmp, `gen${i}`);
      await writeFiles(dir, generateModule(11, i).files);
      const { pruned, every } = await both(dir, defaultTransforms());
      t.is(difference(pruned.out, every.out), '', `module ${i}`);
    }
  } finally {
    await removeTree(tmp);
  }
});

test.serial('a file read only for a transform looking at run literals is parsed when the edit stage comes to it and let go after', async (t) => {
  // Every file holds a goroutine literal and nothing else: with no transform moving contexts, each
  // is read only for the probe, which looks at run literals. When it comes to a file, the trees of
  // the files before it must be garbage (a full collection frees them), not all alive at once.
  const files: Record<string, string> = { 'go.mod': 'module probe\n\ngo 1.22\n' };
  const n = 12;
  for (let i = 0; i < n; i++) files[`f${i}.go`] = `package probe\n\nfunc F${i}(x int) {\n\tgo func() { println(x + ${i}) }()\n}\n`;
  const tmp = await makeTempDir('goshift-release-');
  const gc = fullCollection();
  t.truthy(gc, 'a full collection on demand');
  const trees: WeakRef<object>[] = [];
  let mostAlive = 0;
  const probe: Transform = {
    name: 'probe',
    description: 'counts the trees of the files rewritten before this one that are still alive',
    runLiteralsOnly: true,
    rewriteFile(api) {
      gc?.();
      mostAlive = Math.max(mostAlive, trees.filter((r) => r.deref() !== undefined).length);
      trees.push(new WeakRef(api.root.tree));
      t.true(/go func\(\) \{ println/.test(api.text));
    },
  };
  try {
    await writeFiles(tmp, Object.entries(files));
    const r = await runWorkspace(await discover([], { cwd: tmp }), [probe], { allowTypesBefore: [], api: 'change', jobs: 1, cacheDir: null });
    t.is(trees.length, n, 'every file rewritten');
    t.is(r.report.filesParsed, n);
    t.deepEqual(r.report.errors, []);
    t.is(mostAlive, 0, 'trees of files already rewritten still alive');
  } finally {
    await removeTree(tmp);
  }
});

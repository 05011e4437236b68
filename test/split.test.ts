// --split-by package --out-dir DIR: one patch per Go package (packages a changed linked set joins
// share one), plus an index. On the shipped example and on multi-package fixtures: every patch
// applies alone to a clean tree, and the module builds and vets after it (that is why packages
// are grouped); all of them applied in several orders give the tree -w gives, byte for byte.
import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Document } from '../lib/output/document.js';
import { planSplit, safeName, writeSplit, type SplitIndex } from '../lib/output/split.js';
import { cliPath, fixturesRoot, gitEnv, goEnv, repoRoot } from './support/paths.js';
import { describe, run } from './support/run.js';
import { compareTrees, copyTree, explainDifferences, makeTempDir, removeTree } from './support/tree.js';

interface Case {
  name: string;
  src: string;
  args: string[];
  /** Directories (relative to the root) where go build / go vet run. */
  goDirs: string[];
  /** Expected patches: how many packages each holds, in patch order (g: grouped). */
  shape?: string;
}

const fx = (name: string, shape: string, goDirs = ['.'], args: string[] = []): Case => ({ name, src: path.join(fixturesRoot, 'ctx-first', name, 'input'), args, goDirs, shape });

const cases: Case[] = [
  { name: 'examples/shop', src: path.join(repoRoot, 'examples/shop'), args: [], goDirs: ['.'], shape: '2g' },
  fx('cross-package', '4g'),
  fx('assert-cross-pkg', '1 1'),
  fx('context-import-names', '1 1'),
  fx('api-keep', '2g 1', ['.'], ['--api', 'keep']),
  fx('iface-embed-closer-pinned-impl', '1 2g'),
  fx('mexpr-named-functype-cross-pkg', '1 2g'),
  fx('promote-shallow-ctx-deep-plain', '1 2g'),
  fx('modules-separate', '2g 2g', ['one', 'two']),
];

const goshift = (args: string[], cwd: string) => run(process.execPath, [cliPath(), ...args], { cwd, env: { ...process.env, GOSHIFT_DEBUG: '' } });

async function gitApply(patch: string, dir: string, check = false) {
  return run('git', ['apply', ...(check ? ['--check'] : []), patch], { cwd: dir, env: gitEnv(dir) });
}

const skipGoFiles = (rel: string) => rel === 'go.sum';

for (const c of cases) {
  test(`split: ${c.name}`, async (t) => {
    const tmp = await makeTempDir('goshift-split-');
    try {
      const clean = path.join(tmp, 'clean');
      const written = path.join(tmp, 'written');
      const out = path.join(tmp, 'out');
      await copyTree(c.src, clean);
      await copyTree(c.src, written);
      const w = await goshift(['-q', ...c.args, '-w', '.'], written);
      t.is(w.code, 0, describe(w));

      const s = await goshift([...c.args, '--split-by', 'package', '--out-dir', out, '.'], clean);
      t.is(s.code, 0, describe(s));
      t.deepEqual(await compareTrees(c.src, clean), [], 'a split run writes nothing in the tree');
      const index = JSON.parse(await fs.readFile(path.join(out, 'index.json'), 'utf8')) as SplitIndex;
      t.true((await fs.readFile(path.join(out, 'index.md'), 'utf8')).includes('# goshift patches'));
      t.deepEqual(s.stdout.trim().split('\n'), index.patches.map((p) => path.join(out, p.file)), 'stdout lists the patches');
      if (c.shape) t.is(index.patches.map((p) => p.packages.length + (p.grouped ? 'g' : '')).join(' '), c.shape);
      // Each changed file in exactly one patch; every grouped patch says why.
      const all = index.patches.flatMap((p) => p.files);
      t.is(new Set(all).size, all.length);
      for (const p of index.patches) {
        t.is(p.grouped, p.why.length > 0, p.file);
        for (const w of p.why) t.regex(w.text, / \(.+\.go:\d+\) links .+ and \S+$/);
      }

      // Each patch alone: applies to a clean tree, and the code builds and vets.
      for (const p of index.patches) {
        const one = path.join(tmp, 'one-' + p.file);
        await copyTree(c.src, one);
        const chk = await gitApply(path.join(out, p.file), one, true);
        t.is(chk.code, 0, `${p.file}: ${describe(chk)}`);
        const ap = await gitApply(path.join(out, p.file), one);
        t.is(ap.code, 0, `${p.file}: ${describe(ap)}`);
        for (const d of c.goDirs) {
          for (const sub of ['build', 'vet']) {
            const r = await run('go', [sub, './...'], { cwd: path.join(one, d), env: goEnv() });
            t.is(r.code, 0, `${p.file} alone, go ${sub} in ${d}: ${describe(r)}`);
          }
        }
        await removeTree(one);
      }

      // All of them, forward, backward and rotated: the tree -w gives.
      const names = index.patches.map((p) => p.file);
      const orders = [names, [...names].reverse(), [...names.slice(1), ...names.slice(0, 1)]];
      for (const [i, order] of orders.entries()) {
        const dir = path.join(tmp, `all-${i}`);
        await copyTree(c.src, dir);
        for (const f of order) {
          const ap = await gitApply(path.join(out, f), dir);
          t.is(ap.code, 0, `order ${order.join(', ')}: ${f}: ${describe(ap)}`);
        }
        const diffs = await compareTrees(written, dir, skipGoFiles);
        t.deepEqual(diffs, [], `order ${order.join(', ')}:\n${await explainDifferences(written, dir, diffs, ['-w', 'patches'])}`);
      }
    } finally {
      await removeTree(tmp);
    }
  });
}

test('split: examples/shop says which set joins the packages, and without the grouping the api package alone would not build', async (t) => {
  const tmp = await makeTempDir('goshift-split-why-');
  try {
    const clean = path.join(tmp, 'shop');
    await copyTree(path.join(repoRoot, 'examples/shop'), clean);
    const out = path.join(tmp, 'out');
    const s = await goshift(['--split-by', 'package', '--out-dir', out, '.'], clean);
    t.is(s.code, 0, describe(s));
    const index = JSON.parse(await fs.readFile(path.join(out, 'index.json'), 'utf8')) as SplitIndex;
    t.is(index.patches.length, 1);
    const [p] = index.patches;
    t.is(p.file, 'example.com_shop_api+example.com_shop_store.patch');
    t.deepEqual(p.packages.map((k) => k.importPath), ['example.com/shop/api', 'example.com/shop/store']);
    t.true(p.why.some((w) => w.text === 'interface method Get (store/store.go:12) links example.com/shop/api and example.com/shop/store'), JSON.stringify(p.why));
    const md = await fs.readFile(path.join(out, 'index.md'), 'utf8');
    t.true(md.includes('- interface method Get (store/store.go:12) links example.com/shop/api and example.com/shop/store'), md);
    t.regex(s.stderr, /1 patch written to .*; 1 of them holds 2 packages that linked sets join/);

    // The patch of the api package's files only (what a split without grouping would give) breaks the build.
    const d = await goshift(['-d', '.'], clean);
    const apiOnly = d.stdout.split(/(?=^diff --git )/m).filter((h) => h.startsWith('diff --git a/api/')).join('');
    t.true(apiOnly.length > 0);
    await fs.writeFile(path.join(tmp, 'api-only.patch'), apiOnly);
    const ap = await gitApply(path.join(tmp, 'api-only.patch'), clean);
    t.is(ap.code, 0, describe(ap));
    const b = await run('go', ['build', './...'], { cwd: clean, env: goEnv() });
    t.not(b.code, 0, 'api changed without store does not build');
  } finally {
    await removeTree(tmp);
  }
});

test('split: flags: --split-by needs --out-dir, and writes instead of a diff', async (t) => {
  const r1 = await goshift(['--split-by', 'package', '.'], path.join(repoRoot, 'examples/shop'));
  t.is(r1.code, 2);
  t.regex(r1.stderr, /--split-by needs --out-dir/);
  const r2 = await goshift(['--split-by', 'package', '--out-dir', '/nonexistent-x', '-w', '.'], path.join(repoRoot, 'examples/shop'));
  t.is(r2.code, 2);
  t.regex(r2.stderr, /cannot be used with --write/);
  const r3 = await goshift(['--split-by', 'file', '--out-dir', 'x', '.'], path.join(repoRoot, 'examples/shop'));
  t.is(r3.code, 2);
  const r4 = await goshift(['--out-dir', 'x', '.'], path.join(repoRoot, 'examples/shop'));
  t.is(r4.code, 2);
  t.regex(r4.stderr, /--out-dir goes with --split-by package/);
});

// ---------------------------------------------------------------------------------------------
// planSplit on hand-made documents

function doc(files: { path: string; pkg: string; diff?: string }[], sets: { id: string; what: string; files: string[] }[]): Document {
  return {
    version: 1,
    tool: { name: 'goshift', version: '0.0.0' },
    mode: 'diff',
    transforms: ['ctx-first'],
    files: files.map((f) => ({ path: f.path, package: f.pkg, status: 'changed', encoding: 'utf8', transforms: ['ctx-first'], edits: [], diff: f.diff ?? `diff --git a/${f.path} b/${f.path}\n` })),
    leftAlone: [],
    sets: sets.map((s) => ({ ...s, transform: 'ctx-first', members: [] })),
    generated: [],
    generatedMisplaced: [],
    errors: [],
    totals: { filesScanned: 0, filesParsed: 0, filesChanged: 0, signaturesMoved: 0, callSitesUpdated: 0, setsMoved: 0, setsLeftAlone: 0, counts: [], leftAlone: 0, errors: 0 },
    notes: [],
  };
}

test('planSplit: sets join packages transitively; each group says which sets link it', (t) => {
  const d = doc(
    [
      { path: 'a/a.go', pkg: 'm/a' },
      { path: 'b/b.go', pkg: 'm/b' },
      { path: 'c/c.go', pkg: 'm/c' },
      { path: 'c/c_test.go', pkg: 'm/c' },
      { path: 'e/e.go', pkg: 'm/e' },
    ],
    [
      { id: 'a/a.go:3', what: 'func A', files: ['a/a.go', 'b/b.go'] },
      { id: 'b/b.go:5', what: 'interface method B', files: ['b/b.go', 'c/c_test.go'] },
      { id: 'e/e.go:1', what: 'func E', files: ['e/e.go'] },
    ],
  );
  const ix = planSplit(d);
  t.deepEqual(ix.patches.map((p) => p.file), ['m_a+m_b+m_c.patch', 'm_e.patch']);
  const g = ix.patches[0];
  t.deepEqual(g.files, ['a/a.go', 'b/b.go', 'c/c.go', 'c/c_test.go']);
  t.deepEqual(g.why.map((w) => w.text), ['func A (a/a.go:3) links m/a and m/b', 'interface method B (b/b.go:5) links m/b and m/c']);
  t.deepEqual(g.sets, ['a/a.go:3', 'b/b.go:5']);
  t.false(ix.patches[1].grouped);
  t.deepEqual(ix.patches[1].why, []);
  t.deepEqual(planSplit(d), ix, 'stable');
});

test('planSplit: file names are safe and unique (case-insensitively); two directories with one import path stay apart', (t) => {
  t.is(safeName('example.com/shop/api'), 'example.com_shop_api');
  t.is(safeName('.hidden/x'), '_hidden_x');
  t.is(safeName('gopkg.in/yaml.v3'), 'gopkg.in_yaml.v3');
  t.is(safeName('a b:c*d'), 'a_b_c_d');
  t.is(safeName('con'), '_con');
  const ix = planSplit(doc(
    [
      { path: 'one/store/s.go', pkg: 'example.com/tool/store' },
      { path: 'two/store/s.go', pkg: 'example.com/tool/store' },
      { path: 'x/Foo/f.go', pkg: 'm/Foo' },
      { path: 'x/foo/f.go', pkg: 'm/foo' },
      { path: 'y/f.go', pkg: 'm/a_b' },
      { path: 'z/f.go', pkg: 'm/a/b' },
    ],
    [],
  ));
  const names = ix.patches.map((p) => p.file);
  t.is(new Set(names.map((n) => n.toLowerCase())).size, names.length, names.join(' '));
  t.true(names.includes('example.com_tool_store.patch') && names.includes('example.com_tool_store-2.patch'), names.join(' '));
  t.true(names.includes('m_a_b.patch') && names.includes('m_a_b-2.patch'), names.join(' '));
});

test('planSplit: a large group is named after its first package and how many more it holds', (t) => {
  const files = Array.from({ length: 12 }, (_, i) => ({ path: `p${i}/f.go`, pkg: `example.com/some/long/module/path/p${String(i).padStart(2, '0')}` }));
  const ix = planSplit(doc(files, [{ id: 'p0/f.go:1', what: 'func F', files: files.map((f) => f.path) }]));
  t.is(ix.patches.length, 1);
  t.is(ix.patches[0].file, 'example.com_some_long_module_path_p00+11-more.patch');
  t.is(ix.patches[0].why[0].packages.length, 12);
});

test('writeSplit: replaces the patches of an earlier index, and writes latin1 files\' diffs as latin1', async (t) => {
  const tmp = await makeTempDir('goshift-split-w-');
  try {
    await fs.writeFile(path.join(tmp, 'old.patch'), 'x');
    await fs.writeFile(path.join(tmp, 'index.json'), JSON.stringify({ tool: { name: 'goshift' }, patches: [{ file: 'old.patch' }, { file: '../escape.patch' }] }));
    await fs.writeFile(path.join(tmp, 'mine.txt'), 'keep');
    const d = doc([{ path: 'a/a.go', pkg: 'm/a', diff: 'diff --git a/a/a.go b/a/a.go\n-// caf\u00e9\n' }, { path: 'b/b.go', pkg: 'm/b', diff: 'diff --git a/b/b.go b/b/b.go\n-// caf\u00e9\n' }], []);
    const ix = await writeSplit(d, tmp, { latin1: ['a/a.go'] });
    t.deepEqual(ix.patches.map((p) => p.file), ['m_a.patch', 'm_b.patch']);
    const left = (await fs.readdir(tmp)).sort();
    t.deepEqual(left, ['index.json', 'index.md', 'm_a.patch', 'm_b.patch', 'mine.txt']);
    t.deepEqual([...(await fs.readFile(path.join(tmp, 'm_a.patch'))).subarray(-3)], [0x66, 0xe9, 0x0a]);
    t.deepEqual([...(await fs.readFile(path.join(tmp, 'm_b.patch'))).subarray(-4)], [0x66, 0xc3, 0xa9, 0x0a]);
  } finally {
    await removeTree(tmp);
  }
});

test('split: nothing to change: no patches, an empty index', async (t) => {
  const tmp = await makeTempDir('goshift-split-none-');
  try {
    await fs.writeFile(path.join(tmp, 'go.mod'), 'module example.com/none\n\ngo 1.22\n');
    await fs.writeFile(path.join(tmp, 'a.go'), 'package none\n\nimport "context"\n\nfunc F(ctx context.Context, x int) {}\n');
    const out = path.join(tmp, 'out');
    const s = await goshift(['--split-by', 'package', '--out-dir', out, '.'], tmp);
    t.is(s.code, 0, describe(s));
    t.is(s.stdout, '');
    const ix = JSON.parse(await fs.readFile(path.join(out, 'index.json'), 'utf8')) as SplitIndex;
    t.deepEqual(ix.patches, []);
  } finally {
    await removeTree(tmp);
  }
});

test('split: run in a subdirectory of a git work tree, the index says to apply from the top with --directory, and that works', async (t) => {
  const tmp = await makeTempDir('goshift-split-git-');
  try {
    const top = path.join(tmp, 'repo');
    const sub = path.join(top, 'sub', 'shop');
    await copyTree(path.join(repoRoot, 'examples/shop'), sub);
    const written = path.join(tmp, 'written');
    await copyTree(path.join(repoRoot, 'examples/shop'), written);
    t.is((await goshift(['-q', '-w', '.'], written)).code, 0);
    const init = await run('git', ['init', '-q', top], { cwd: tmp, env: gitEnv(top) });
    t.is(init.code, 0, describe(init));
    const out = path.join(tmp, 'out');
    const s = await run(process.execPath, [cliPath(), '--split-by', 'package', '--out-dir', out, '.'], { cwd: sub, env: { ...gitEnv(top), GOSHIFT_DEBUG: '' } });
    t.is(s.code, 0, describe(s));
    const index = JSON.parse(await fs.readFile(path.join(out, 'index.json'), 'utf8')) as SplitIndex;
    t.is(index.gitPrefix, 'sub/shop/');
    t.regex(await fs.readFile(path.join(out, 'index.md'), 'utf8'), /^git apply --directory=sub\/shop\/ example\.com_shop_api\+example\.com_shop_store\.patch$/m);
    for (const p of index.patches) {
      const ap = await run('git', ['apply', '--directory=sub/shop/', path.join(out, p.file)], { cwd: top, env: gitEnv(top) });
      t.is(ap.code, 0, describe(ap));
    }
    t.deepEqual(await compareTrees(written, sub, (rel) => rel === 'go.sum'), []);
  } finally {
    await removeTree(tmp);
  }
});

// --api compat end to end across two modules: after goshift on the library (fixtures/ctx-first/
// api-compat, checked byte for byte by the fixture harness), a module that imports it and that
// goshift never saw (its downstream/) still builds and passes its tests unchanged; `go fix ./...`
// (Go's inline analyzer, through the wrappers' //go:fix inline) then moves it to the new names, and
// it builds and passes its tests again.
import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { cliPath, fixturesRoot, goEnv } from './support/paths.js';
import { run } from './support/run.js';
import { copyTree, makeTempDir, removeTree } from './support/tree.js';

const fixture = path.join(fixturesRoot, 'ctx-first', 'api-compat');

test('--api compat: a downstream module builds unchanged, then go fix moves it to the new names', async (t) => {
  const dir = await makeTempDir('goshift-compat-');
  try {
    const lib = path.join(dir, 'lib-module');
    const down = path.join(dir, 'downstream');
    await copyTree(path.join(fixture, 'input'), lib);
    await copyTree(path.join(fixture, 'downstream'), down);
    const go = (args: string[], cwd: string) => run('go', args, { cwd, env: goEnv(), timeoutMs: 240_000 });
    const before = await go(['test', './...'], down);
    t.is(before.code, 0, `downstream passes its tests before: ${before.stderr}${before.stdout}`);

    const g = await run(process.execPath, [cliPath(), '--api', 'compat', '-w', '.'], { cwd: lib, timeoutMs: 120_000 });
    t.is(g.code, 0, g.stderr);
    const useBefore = await fs.readFile(path.join(down, 'use.go'), 'utf8');
    for (const args of [['build', './...'], ['vet', './...'], ['test', './...']]) {
      const r = await go(args, down);
      t.is(r.code, 0, `unchanged downstream: go ${args.join(' ')}: ${r.stderr}${r.stdout}`);
    }

    const fix = await go(['fix', './...'], down);
    t.is(fix.code, 0, `go fix: ${fix.stderr}`);
    const useAfter = await fs.readFile(path.join(down, 'use.go'), 'utf8');
    t.not(useAfter, useBefore, 'go fix changed nothing');
    for (const call of ['lib.FetchContext(ctx, "x")', 's.GetContext(ctx, "y")', 'lib.Store{}.PutContext(ctx, "z")', 'lib.JoinContext(ctx, "/", "a", "b")']) {
      t.true(useAfter.includes(call), `after go fix, downstream calls ${call}:\n${useAfter}`);
    }
    t.false(/lib\.(Fetch|Join)\(|\.(Get|Put)\(/.test(useAfter), `no old name is left:\n${useAfter}`);
    for (const args of [['build', './...'], ['vet', './...'], ['test', './...']]) {
      const r = await go(args, down);
      t.is(r.code, 0, `migrated downstream: go ${args.join(' ')}: ${r.stderr}${r.stdout}`);
    }
  } finally {
    await removeTree(dir);
  }
});

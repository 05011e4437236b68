// A small part of the standard-library round trip (scripts/roundtrip.ts) inside `npm test`.
//
// `goshift -t ctx-last -w database/sql/...` then `goshift -t ctx-first -w database/sql/...` over a tree
// holding GOROOT's src/go.mod (module std) and src/database/sql only, and every file must come back
// byte-identical. Not vacuous: ctx-last must report moved signatures and change files. After
// ctx-last, the changed directories are copied into a full copy of GOROOT and `go vet` of the changed
// packages (tests included) runs with it for GOOS linux, windows and darwin, so the moved state must
// compile too; `go test -short` of those packages runs on a pristine copy and after each stage, and
// what passed before must pass after. After each stage a second run of the same transform
// (`-l --check`) must find nothing left to change (idempotence). The type-checked oracle
// (test/oracle) runs after each stage when it is there (skipped with a log line otherwise).
// goshift's summary must carry the linked-set counts that `npm run counts` reports.
//
// Why a subset: goshift reads the whole module it runs in to find callers, and over all of GOROOT/src
// (4166 files) one run took 3-12 minutes and ~7.7 GB here (2 cores, engine of 2026-11-25), far beyond
// CI. Nothing in std outside database/sql imports it (only cmd/vendor, a testdata file and a string
// in a gccgoimporter test mention it), so the subset gives the same edits: measured, both give
// 8 files changed, 52 signatures moved, 131 call sites updated. The full std run is `npm run roundtrip`.
// Measured cost of this test: ~5 s per goshift run, ~2-6 s for each of the two copies, ~7 s for each
// go vet (warm cache; the first windows/darwin vet on a machine compiles their dependencies, ~1 min),
// ~8 s for go test -short before, ~3 s after.
//
// The full widened run (every std package with a context parameter, go build std, go test -short)
// takes tens of minutes: `npm run roundtrip`. Only the package finder it starts with runs here.
import test, { type ExecutionContext } from 'ava';
import path from 'node:path';
import { ALL_GOOS, DEFAULT_PLANT, findCtxPackages, findGoroot, formatRoundTrip, goEnvFor, roundTrip, type RoundTripOptions, type RoundTripResult, type Stage } from '../scripts/roundtrip-lib.js';
import { cliMissing } from './support/paths.js';

/**
 * Runs the round trip over `pkgs` with goshift seeing only src/go.mod and `subset`, and fails the test
 * on a failed command or build, a second run that is not a no-op, or a problem `check` names.
 */
async function subsetRoundTrip(t: ExecutionContext, pkgs: string[], subset: string[], vetAfter: Stage[], check: (r: RoundTripResult) => string[], withTests = false, more: Partial<RoundTripOptions> = {}): Promise<void> {
  const missing = cliMissing();
  if (missing) {
    t.fail(missing);
    return;
  }
  const r = await roundTrip({
    pkgs,
    srcSubset: subset,
    buildStd: false,
    vetAfter,
    goos: ALL_GOOS,
    test: withTests,
    keep: Boolean(process.env.GOSHIFT_KEEP_TMP),
    cliTimeoutMs: 3 * 60_000,
    goTimeoutMs: 3 * 60_000,
    // Below AVA's 10m timeout (package.json): when AVA gives up first, the commands keep running.
    budgetMs: 8 * 60_000,
    ...more,
  });
  const problems: string[] = [...r.failures];
  for (const s of r.stages) if (!s.again) problems.push(`${s.stage}: the second run (idempotence check) did not run`);
  problems.push(...check(r));
  t.log(formatRoundTrip(r));
  if (problems.length) t.fail(problems.join('\n'));
  else t.pass();
}

const notBack = (files: RoundTripResult['notIdentical']) => `${files.length} file(s) did not come back byte-identical: ${files.map((f) => f.path).join(', ')}`;

test('std round trip: ctx-last then ctx-first over database/sql/... gives back the same bytes; a planted context.TODO() is plumbed', (t) =>
  subsetRoundTrip(t, ['database/sql/...'], ['database/sql'], ['ctx-last', 'ctx-plumb'], (r) => {
    const problems: string[] = [];
    const moved = r.stages.find((s) => s.stage === 'ctx-last')?.summary.signaturesMoved;
    if (moved === null || moved === undefined) problems.push('ctx-last: no "N signatures moved" found in goshift\'s stderr');
    else if (moved <= 0) problems.push(`ctx-last moved ${moved} signatures: database/sql has functions taking ctx first, so the round trip is vacuous`);
    if (r.changedByLast.length === 0) problems.push('ctx-last changed no file: the round trip is vacuous');
    if (r.notIdentical.length) problems.push(notBack(r.notIdentical));
    for (const s of r.stages) {
      if (s.summary.linkedSetsChanged === null || s.summary.linkedSetsLeftAlone === null) {
        problems.push(`${s.stage}: no "N linked sets changed, M linked sets left alone" in goshift's stderr (npm run counts needs it)`);
      } else if (s.summary.linkedSetsChanged <= 0) problems.push(`${s.stage}: ${s.summary.linkedSetsChanged} linked sets changed`);
    }
    // database/sql's tests pass in a pristine GOROOT: a test that excludes them tests nothing.
    if (!r.testedPackages.includes('database/sql')) problems.push(`database/sql's tests did not pass on the pristine copy: excluded ${r.excludedFromTests.join(' ') || '(none)'}`);
    for (const s of r.stages) if (!s.tests) problems.push(`${s.stage}: go test -short did not run`);
    // The plumb step: the TODO planted at the bottom of Rows.Scan is threaded up to every test and example.
    const plumb = r.stages.find((s) => s.stage === 'ctx-plumb');
    if (!plumb) problems.push('the plumb step did not run');
    else {
      if (!plumb.summary.signaturesMoved || plumb.summary.signaturesMoved < 3) problems.push(`ctx-plumb moved ${plumb.summary.signaturesMoved} signatures: expected the chain up from ${DEFAULT_PLANT.func}`);
      if (!plumb.checks.some((c) => c.label.includes('go build std'))) problems.push('ctx-plumb: go build std did not run');
    }
    return problems;
  }, true, { plumb: DEFAULT_PLANT, buildStdAfter: ['ctx-plumb'] }));

// std's context package declares Context itself: its test file context_test.go has a func literal
// `checkChildren := func(when string, ctx Context, want int)` and does not import "context". Such a
// file was not walked for calls (a file was walked only when it imported context or mentioned a
// changing name), so ctx-last moved the literal's parameters but none of its calls, and context no
// longer built. ctx-last, vet, ctx-first over that file (the changes start there; context's API, which
// all of std calls, is left as it is) must build and give back the same bytes.
test('std round trip over context/context_test.go: a literal in the package that declares Context moves with its calls', (t) =>
  subsetRoundTrip(t, ['context/context_test.go'], ['context'], ['ctx-last', 'ctx-first'], (r) => {
    const problems: string[] = [];
    if (!r.changedByLast.includes('src/context/context_test.go')) problems.push('ctx-last did not change src/context/context_test.go: the test is vacuous');
    // checkChildren takes ctx second in std: ctx-first moves it first, so that file is the one allowed to differ.
    const others = r.notIdentical.filter((f) => f.path !== 'src/context/context_test.go');
    if (others.length) problems.push(notBack(others));
    return problems;
  }));

// The full run starts from every std package declaring a context parameter (scripts/ctxpkgs.go,
// a go/parser scan). It reads GOROOT/src and writes nothing. Known members of that list must be in
// it, with context parameters a ctx-last run would move.
test('std round trip: the package finder lists the std packages with context parameters', async (t) => {
  const goroot = await findGoroot();
  const found = await findCtxPackages(path.join(goroot, 'src'), goEnvFor(goroot), 3 * 60_000);
  t.log(found.map((p) => `${p.dir} ${p.sigs}/${p.notLast}`).join('\n'));
  const dirs = found.map((p) => p.dir);
  for (const want of ['context', 'database/sql', 'net', 'net/http', 'os/exec', 'log/slog']) {
    t.true(dirs.includes(want), `${want} is not listed`);
  }
  t.true(found.every((p) => p.sigs > 0 && p.notLast <= p.sigs));
  t.true(found.find((p) => p.dir === 'database/sql')!.notLast > 0);
  // Nothing goshift would skip: vendor, testdata, the nested module cmd.
  t.false(dirs.some((d) => /(^|\/)(vendor|testdata)(\/|$)/.test(d) || d === 'cmd' || d.startsWith('cmd/')), dirs.join(' '));
});

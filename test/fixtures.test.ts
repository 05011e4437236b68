// The fixture harness: one test per fixtures/<transform>/<case>/ that has input/ and expected/.
//
// For each fixture, in a fresh temp dir:
//   1. copy input/;
//   2. check input/ and expected/ differ (a fixture that passes with the tool doing nothing is no test);
//   3. run `goshift -t <transform> -w -v <args> .` there (-v: every member of a set left alone is listed): exit code as in `exit-code` (default 0), and every
//      line of `stderr-contains` somewhere in stderr;
//   4. compare the tree with expected/ byte for byte, both ways (missing and extra files too);
//   5. when the expected exit code is 0: `go vet ./...` with GOOS=linux, windows and darwin, `go vet -tags <line>
//      ./...` for each line of `vet-tags`, `go test ./...`, and `gofmt -l .` printing nothing;
//   6. run `goshift -t <transform> -l --check <args> .` on the result: same exit code as step 3 expects
//      (so 0 normally) and nothing on stdout (the transform is idempotent);
//   7. copy input/ again, run `goshift -t <transform> -d <args> .`: it must write nothing, and its stdout,
//      applied with `git apply`, must give expected/ too;
//   8. when the expected exit code is 0: the type-checked oracle (test/oracle/, test/support/oracle.ts) on
//      input/ vs the output of step 3, for GOOS linux, windows and darwin, and again with `-tags <line>` for
//      each line of `vet-tags`: every relation between signatures that go/types sees in input/ (implements,
//      func value assignability, type assertion matches, resolution, call bindings) must still hold.
// A root that is no module (goshift finds the modules below it, or runs in GOPATH mode):
//   - `go-dirs` lists directories relative to the root, one a line (default: `.`); steps 5 and 8 run the go
//     commands and the oracle in each (the oracle with -dir, on the whole roots, so that a module another one
//     replaces with a local directory is checked from source in input/ too); gofmt runs on the root;
//   - `gopath` (its content is ignored) marks a GOPATH tree laid out as input/src/<import path>/...: every
//     goshift run gets `--gopath <the copy>` (goshift runs on `.`, the GOPATH root, as for any fixture),
//     the go commands and the oracle run with GO111MODULE=off and GOPATH=<the copy> (go-dirs then names
//     package directories such as src/github.com/acme/app).
// Every problem found is reported, in that order, in one failure message; a wrong exit code in step 3
// stops the test there (what follows would only repeat it).
//
// Run one fixture:   npx tsc -p . && npx ava --match 'ctx-first/basic' dist/test/fixtures.test.js
// Keep temp dirs:    GOSHIFT_KEEP_TMP=1 (their paths are logged)
// Another CLI:       GOSHIFT_CLI=/abs/path/to/script.js (run with node instead of dist/bin/goshift.js)
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { findFixtures, type Fixture } from './support/fixtures.js';
import { cliMissing, cliPath, fixturesRoot, gitEnv, goEnv } from './support/paths.js';
import { runOracle } from './support/oracle.js';
import { deadline, describe, head, indent, run, type RunResult } from './support/run.js';
import { compareTrees, copyTree, explainDifferences, makeTempDir, removeTree } from './support/tree.js';

const CLI_TIMEOUT = 2 * 60_000;
const GO_TIMEOUT = 5 * 60_000;
/** All commands of one fixture together: below AVA's 10m timeout (package.json), so ours fire first. */
const FIXTURE_BUDGET = 8 * 60_000;

const exitOf = (r: RunResult) => (r.code === null ? `no exit code (${r.timedOut ? 'timed out' : r.signal ?? r.spawnError})` : `exit ${r.code}`);

async function checkFixture(t: ExecutionContext, fx: Fixture): Promise<void> {
  const missing = cliMissing();
  if (missing) {
    t.fail(missing);
    return;
  }
  const problems: string[] = [];
  const work = await makeTempDir(`goshift-${fx.transform}-${fx.name}-`);
  if (process.env.GOSHIFT_KEEP_TMP) t.log(`temp dir kept: ${work}`);
  else t.teardown(() => removeTree(work));
  const flags = fx.args;
  const T = ['-t', fx.transform];
  const budget = deadline(FIXTURE_BUDGET);
  // Flags come first, `.` last: --gopath names the copy goshift runs in.
  const goshift = (args: string[], cwd: string): Promise<RunResult> => {
    const all = fx.gopath ? [...args.slice(0, -1), '--gopath', cwd, ...args.slice(-1)] : args;
    return run(process.execPath, [cliPath(), ...all], { cwd, env: goEnv(), timeoutMs: budget.left(CLI_TIMEOUT) });
  };
  /** GOPATH mode for a GOPATH fixture, with `root` the copy the go command works on. */
  const modeEnv = (root: string): Record<string, string> => (fx.gopath ? { GO111MODULE: 'off', GOPATH: root } : {});
  const go = (args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<RunResult> =>
    run('go', args, { cwd, env: goEnv(extraEnv), timeoutMs: budget.left(GO_TIMEOUT) });
  const where = (dir: string) => (fx.goDirs.length > 1 || dir !== '.' ? ` in ${dir}` : '');

  // 1. A copy of input/.
  const wdir = path.join(work, 'write');
  await copyTree(fx.input, wdir);

  // 2. The fixture must expect a change.
  if ((await compareTrees(fx.input, fx.expected)).length === 0) {
    problems.push('fixture error: input/ and expected/ are identical: a fixture that passes with the tool doing nothing is not a test');
  }

  // 3. goshift -w.
  const w = await goshift([...T, '-w', '-v', ...flags, '.'], wdir);
  if (w.code !== fx.exitCode) {
    problems.push(`step 3: goshift -w: expected exit ${fx.exitCode}${fx.exitCode ? ' (exit-code file)' : ''}, got ${exitOf(w)}\n${indent(describe(w))}`);
    fail(t, fx, problems);
    return;
  }
  const absent = fx.stderrContains.filter((s) => !w.stderr.includes(s));
  if (absent.length) {
    problems.push(`step 3: goshift -w: stderr lacks ${absent.length} line(s) of stderr-contains:\n`
      + absent.map((s) => `    ${JSON.stringify(s)}`).join('\n') + `\n  stderr was:\n${indent(w.stderr.trim() || '(empty)')}`);
  }

  // 4. The result, byte for byte.
  const diffs = await compareTrees(fx.expected, wdir);
  if (diffs.length) problems.push(`step 4: goshift -w output differs from expected/\n${indent(await explainDifferences(fx.expected, wdir, diffs, ['expected', 'got']))}`);

  // 5. The result builds, vets, passes its tests and is gofmt-clean (on the tool's output, so when step 4
  //    failed these say whether the output is at least valid Go).
  if (fx.exitCode === 0) {
    const checks: Array<[string, string[], Record<string, string>]> = [
      ['go vet (GOOS=linux)', ['vet', './...'], { GOOS: 'linux' }],
      ['go vet (GOOS=windows)', ['vet', './...'], { GOOS: 'windows' }],
      ['go vet (GOOS=darwin)', ['vet', './...'], { GOOS: 'darwin' }],
      ...fx.vetTags.map((tags): [string, string[], Record<string, string>] => [`go vet -tags ${tags}`, ['vet', '-tags', tags, './...'], {}]),
      ['go test', ['test', './...'], {}],
    ];
    for (const dir of fx.goDirs) {
      for (const [label, args, env] of checks) {
        const r = await go(args, path.join(wdir, dir), { ...modeEnv(wdir), ...env });
        if (r.code !== 0) problems.push(`step 5: ${label}${where(dir)} failed on the output\n${indent(describe(r))}`);
      }
    }
    const fmt = await run('gofmt', ['-l', '.'], { cwd: wdir, env: goEnv(), timeoutMs: budget.left(GO_TIMEOUT) });
    if (fmt.code !== 0 || fmt.stdout.trim() !== '') problems.push(`step 5: gofmt -l . is not clean on the output\n${indent(describe(fmt))}`);
  }

  // 6. Idempotent: nothing left to change.
  const check = await goshift([...T, '-l', '--check', ...flags, '.'], wdir);
  if (check.code !== fx.exitCode || check.stdout.trim() !== '') {
    problems.push(`step 6: second run (-l --check) on the output: expected exit ${fx.exitCode} and no files listed, got ${exitOf(check)}`
      + `${check.stdout.trim() ? ' and a list' : ''}: the transform is not idempotent or the output is not stable\n${indent(describe(check))}`);
  }

  // 7. -d writes nothing, and its diff applies with git apply to give expected/.
  const ddir = path.join(work, 'diff');
  await copyTree(fx.input, ddir);
  const d = await goshift([...T, '-d', ...flags, '.'], ddir);
  if (d.code !== fx.exitCode) problems.push(`step 7: goshift -d: expected exit ${fx.exitCode}, got ${exitOf(d)}\n${indent(describe(d))}`);
  const written = await compareTrees(fx.input, ddir);
  if (written.length) {
    problems.push(`step 7: goshift -d changed files (it must only print a diff)\n${indent(await explainDifferences(fx.input, ddir, written, ['input', 'after-d']))}`);
  } else if (d.stdout.trim() === '') {
    problems.push(`step 7: goshift -d printed no diff on stdout\n${indent(describe(d))}`);
  } else {
    const apply = await run('git', ['apply', '--whitespace=nowarn'], { cwd: ddir, env: gitEnv(ddir), input: d.stdout, timeoutMs: budget.left(CLI_TIMEOUT) });
    if (apply.code !== 0) {
      problems.push(`step 7: git apply rejected the diff of goshift -d\n${indent(describe(apply))}\n  the diff (start):\n${indent(head(d.stdout, 40))}`);
    } else {
      const ddiffs = await compareTrees(fx.expected, ddir);
      if (ddiffs.length) problems.push(`step 7: input/ + the diff of goshift -d differs from expected/\n${indent(await explainDifferences(fx.expected, ddir, ddiffs, ['expected', 'got']))}`);
    }
  }

  // 8. The type-checked oracle: input/ against the output of step 3.
  if (fx.exitCode === 0) {
    for (const dir of fx.goDirs) for (const tags of ['', ...fx.vetTags]) {
      const label = (tags ? `oracle -tags ${tags}` : 'oracle') + where(dir);
      try {
        const o = await runOracle(fx.input, wdir, { tags: tags || undefined, dir: dir === '.' ? undefined : dir, env: modeEnv(wdir), timeoutMs: budget.left(GO_TIMEOUT) });
        if (o.code === 1) problems.push(`step 8: ${label}: ${o.broken.length} broken relation(s) between input/ and the output\n${indent(o.broken.join('\n'))}`);
        else if (o.code !== 0) problems.push(`step 8: ${label} failed (${exitOf(o.run)})\n${indent(describe(o.run))}`);
      } catch (e) {
        problems.push(`step 8: ${label}: ${(e as Error).message}`);
      }
    }
  }

  if (problems.length) fail(t, fx, problems);
  else t.pass();
}

/** The details go to the test's log (printed under the failure); the failure itself names the steps. */
function fail(t: ExecutionContext, fx: Fixture, problems: string[]): void {
  for (const p of problems) t.log(p);
  const steps = [...new Set(problems.map((p) => /^(step \d+|fixture error)/.exec(p)?.[1] ?? 'other'))];
  t.fail(`fixture ${path.relative(process.cwd(), fx.dir) || fx.dir}: ${problems.length} problem(s) in ${steps.join(', ')} (details above)`);
}

const { fixtures, incomplete } = await findFixtures(fixturesRoot);

if (fixtures.length === 0) {
  test('fixtures exist', (t) => {
    t.fail(`no fixture found: expected fixtures/<transform>/<case>/{input,expected}/ under ${fixturesRoot}`);
  });
}
// Cases still being written show up as todos instead of vanishing silently.
for (const inc of incomplete) test.todo(`${inc.id}: ${inc.reason}`);

// Serial: each fixture already runs go vet/test, which use both cores.
for (const fx of fixtures) test.serial(fx.id, (t) => checkFixture(t, fx));

// The fixture harness: one test per fixtures/<transform>/<case>/ that has input/ and expected/.
// Steps 1-7 are lib/testing.ts's checkFixture (shipped as goshift/testing, so users test their own
// transforms the same way); step 8 is added here.
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
//      func value assignability, type assertion matches, resolution, call bindings) must still hold (for a
//      transform that changes behaviour on purpose, ctx-inherit, all but the call bindings and resolutions).
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
import test, { type ExecutionContext } from 'ava';
import { checkFixture, type Fixture } from '../lib/testing.js';
import { findTransform } from '../transforms/index.js';
import { findFixtures } from './support/fixtures.js';
import { cliMissing, cliPath, fixturesRoot } from './support/paths.js';
import { runOracle } from './support/oracle.js';
import { describe, indent } from './support/run.js';

const GO_TIMEOUT = 5 * 60_000;

/** Step 8: the type-checked oracle on input/ against the output of step 3. */
async function oracleChecks(c: { fixture: Fixture; input: string; output: string; env: Record<string, string>; timeoutMs: (max: number) => number }): Promise<string[]> {
  const fx = c.fixture;
  const problems: string[] = [];
  const where = (dir: string) => (fx.goDirs.length > 1 || dir !== '.' ? ` in ${dir}` : '');
  // A transform that changes what calls pass on purpose (ctx-inherit) changes their bindings and what
  // the names in them resolve to; every other relation (implements, assignability, assertions) must hold.
  const changes = fx.transform.split(',').some((t) => findTransform(t.trim())?.changesBehaviour);
  const intended = (line: string) => changes && /^[^:]+:\d+:\d+: (?:call binding|resolution) of /.test(line);
  for (const dir of fx.goDirs) for (const tags of ['', ...fx.vetTags]) {
    const label = (tags ? `oracle -tags ${tags}` : 'oracle') + where(dir);
    try {
      const o = await runOracle(c.input, c.output, { tags: tags || undefined, dir: dir === '.' ? undefined : dir, env: c.env, timeoutMs: c.timeoutMs(GO_TIMEOUT) });
      if (o.code === 1) o.broken = o.broken.filter((l) => !intended(l));
      if (o.code === 1 && !o.broken.length) continue;
      if (o.code === 1) problems.push(`step 8: ${label}: ${o.broken.length} broken relation(s) between input/ and the output\n${indent(o.broken.join('\n'))}`);
      else if (o.code !== 0) problems.push(`step 8: ${label} failed (${o.run.code === null ? `no exit code (${o.run.timedOut ? 'timed out' : o.run.signal ?? o.run.spawnError})` : `exit ${o.run.code}`})\n${indent(describe(o.run))}`);
    } catch (e) {
      problems.push(`step 8: ${label}: ${(e as Error).message}`);
    }
  }
  return problems;
}

async function check(t: ExecutionContext, fx: Fixture): Promise<void> {
  const missing = cliMissing();
  if (missing) {
    t.fail(missing);
    return;
  }
  const r = await checkFixture(fx, { cli: cliPath(), extraChecks: oracleChecks });
  if (r.tempDir) t.log(`temp dir kept: ${r.tempDir}`);
  // The details go to the test's log (printed under the failure); the failure itself names the steps.
  for (const p of r.problems) t.log(p);
  if (r.ok) t.pass();
  else t.fail(`${r.summary} (details above)`);
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
for (const fx of fixtures) test.serial(fx.id, (t) => check(t, fx));

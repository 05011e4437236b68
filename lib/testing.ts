// goshift/testing: the fixture harness goshift's own transforms are tested with, for yours.
//
//   import { assertFixture } from 'goshift/testing';
//   test('logger-after-ctx', () => assertFixture('fixtures/logger-after-ctx', { transform: './logger-after-ctx.js' }));
//
// A fixture is a directory with input/ and expected/ (Go modules), and optional control files:
// `args` (extra flags, one line), `exit-code` (default 0), `stderr-contains` (lines that must be in
// stderr), `vet-tags` (one `go vet -tags` line each), `go-dirs` (directories, one a line, where the go
// commands run; default `.`), `gopath` (a GOPATH tree laid out as input/src/<import path>/...).
// checkFixture, in a fresh temp dir:
//   1. copies input/;
//   2. checks input/ and expected/ differ (a fixture that passes with the tool doing nothing is no test);
//   3. runs `goshift -t <transform> -w -v <args> .` there: exit code as in `exit-code`, and every line of
//      `stderr-contains` somewhere in stderr;
//   4. compares the tree with expected/ byte for byte, both ways (missing and extra files too);
//   5. when the expected exit code is 0: `go vet ./...` with GOOS=linux, windows and darwin, `go vet -tags
//      <line> ./...` for each line of `vet-tags`, `go test ./...`, and `gofmt -l .` printing nothing;
//   6. runs `goshift -t <transform> -l --check <args> .` on the result: same exit code as step 3 expects
//      and nothing on stdout (the transform is idempotent);
//   7. copies input/ again, runs `goshift -t <transform> -d <args> .`: it must write nothing, and its
//      stdout, applied with `git apply`, must give expected/ too;
//   8. runs the caller's extra checks (goshift's own tests add a type-checked oracle here).
// Every problem is reported, in that order; a wrong exit code in step 3 stops there.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTransformPath } from './plugins.js';
import { gitEnv, goEnv } from './testing/env.js';
import { readFixture, type Fixture } from './testing/fixtures.js';
import { deadline, describe, head, indent, run, type RunResult } from './testing/run.js';
import { compareTrees, copyTree, explainDifferences, makeTempDir, removeTree } from './testing/tree.js';

export { findFixtures, readFixture, type Fixture, type Incomplete } from './testing/fixtures.js';
export { gitEnv, goEnv } from './testing/env.js';
export { compareTrees, copyTree, explainDifferences, type TreeDifference } from './testing/tree.js';

const CLI_TIMEOUT = 2 * 60_000;
const GO_TIMEOUT = 5 * 60_000;

/** goshift's CLI: GOSHIFT_CLI (a script run with node) or this package's own. */
export function cliPath(): string {
  return process.env.GOSHIFT_CLI ? path.resolve(process.env.GOSHIFT_CLI) : fileURLToPath(new URL('../bin/goshift.js', import.meta.url));
}

export interface CheckOptions {
  /**
   * The -t value: a built-in transform's name or the path of a transform module (relative to
   * process.cwd()), or several, comma-separated. Default: the fixture's own (for
   * fixtures/<transform>/<case>/, the directory's name).
   */
  transform?: string;
  /** The CLI script, run with node (default: cliPath()). */
  cli?: string;
  /** All commands of the fixture together (default 8 minutes); each one's timeout fits in it. */
  budgetMs?: number;
  /** Keep the temp dir (default: when GOSHIFT_KEEP_TMP is set); its path is in the result. */
  keepTemp?: boolean;
  /** Run go vet, go test and gofmt on the result (step 5; default true). */
  go?: boolean;
  /** GOOS values go vet runs with (default linux, windows, darwin). */
  goos?: string[];
  /**
   * Step 8: more checks on input/ and the output of step 3 (only when the expected exit code is 0);
   * each string returned is a problem. `env` is the environment the go commands run with.
   */
  extraChecks?: (c: { fixture: Fixture; input: string; output: string; env: Record<string, string>; timeoutMs: (max: number) => number }) => Promise<string[]>;
}

export interface FixtureResult {
  ok: boolean;
  /** One paragraph per problem, each starting `step N:` or `fixture error:`. */
  problems: string[];
  /** One line: the fixture and the steps that failed (empty when ok). */
  summary: string;
  /** The temp dir, when kept. */
  tempDir?: string;
}

const exitOf = (r: RunResult) => (r.code === null ? `no exit code (${r.timedOut ? 'timed out' : r.signal ?? r.spawnError})` : `exit ${r.code}`);

/** Runs a fixture through goshift's CLI (steps 1-8 above) and returns every problem found. */
export async function checkFixture(fixture: Fixture | string, opts: CheckOptions = {}): Promise<FixtureResult> {
  const fx = typeof fixture === 'string' ? await readFixture(fixture, opts.transform ?? '') : fixture;
  const transform = opts.transform ?? fx.transform;
  if (!transform) throw new Error(`${fx.dir}: checkFixture needs options.transform (a built-in name or the path of a transform module)`);
  const cli = opts.cli ?? cliPath();
  if (!existsSync(cli)) throw new Error(`the goshift CLI ${cli} does not exist: is goshift built (npx tsc -p .)?`);
  // Module paths are resolved here: goshift runs in the temp dir.
  const tvalue = transform.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (isTransformPath(s) ? path.resolve(s) : s)).join(',');
  const problems: string[] = [];
  const keep = opts.keepTemp ?? Boolean(process.env.GOSHIFT_KEEP_TMP);
  const work = await makeTempDir(`goshift-${fx.id.replace(/[^\w.-]+/g, '-')}-`);
  const budget = deadline(opts.budgetMs ?? 8 * 60_000);
  const flags = fx.args;
  const T = ['-t', tvalue];
  // Flags come first, `.` last: --gopath names the copy goshift runs in.
  const goshift = (args: string[], cwd: string): Promise<RunResult> => {
    const all = fx.gopath ? [...args.slice(0, -1), '--gopath', cwd, ...args.slice(-1)] : args;
    return run(process.execPath, [cli, ...all], { cwd, env: goEnv(), timeoutMs: budget.left(CLI_TIMEOUT) });
  };
  /** GOPATH mode for a GOPATH fixture, with `root` the copy the go command works on. */
  const modeEnv = (root: string): Record<string, string> => (fx.gopath ? { GO111MODULE: 'off', GOPATH: root } : {});
  const go = (args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<RunResult> =>
    run('go', args, { cwd, env: goEnv(extraEnv), timeoutMs: budget.left(GO_TIMEOUT) });
  const where = (dir: string) => (fx.goDirs.length > 1 || dir !== '.' ? ` in ${dir}` : '');
  const finish = (): FixtureResult => {
    const steps = [...new Set(problems.map((p) => /^(step \d+|fixture error)/.exec(p)?.[1] ?? 'other'))];
    const name = path.relative(process.cwd(), fx.dir) || fx.dir;
    return {
      ok: problems.length === 0,
      problems,
      summary: problems.length ? `fixture ${name}: ${problems.length} problem(s) in ${steps.join(', ')}` : '',
      tempDir: keep ? work : undefined,
    };
  };

  try {
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
      return finish();
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
    if (fx.exitCode === 0 && opts.go !== false) {
      const checks: Array<[string, string[], Record<string, string>]> = [
        ...(opts.goos ?? ['linux', 'windows', 'darwin']).map((goos): [string, string[], Record<string, string>] => [`go vet (GOOS=${goos})`, ['vet', './...'], { GOOS: goos }]),
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

    // 8. The caller's checks.
    if (fx.exitCode === 0 && opts.extraChecks) {
      for (const p of await opts.extraChecks({ fixture: fx, input: fx.input, output: wdir, env: modeEnv(wdir), timeoutMs: (max) => budget.left(max) })) {
        problems.push(/^step \d+/.test(p) ? p : `step 8: ${p}`);
      }
    }
    return finish();
  } finally {
    if (!keep) await removeTree(work);
  }
}

/**
 * checkFixture, for any test runner: resolves when the fixture passes, rejects with every problem
 * in the error's message otherwise.
 */
export async function assertFixture(fixture: Fixture | string, opts: CheckOptions = {}): Promise<void> {
  const r = await checkFixture(fixture, opts);
  if (!r.ok) throw new Error([r.summary, ...r.problems].join('\n\n'));
}

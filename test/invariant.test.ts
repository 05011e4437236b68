// The "nothing left alone silently" invariant (README: every place goshift leaves alone is reported
// with file:line and a reason). After `goshift -w` with the default transforms, an independent,
// type-checked finder (`oracle ctxcheck`, test/oracle/ctxcheck.go) lists what the rules still see:
//
//   - misplaced: a parameter list with a context.Context parameter outside the leading run of
//     contexts (and of --allow-types-before types);
//   - captured: a func literal the code runs itself (go, defer, called on the spot, bound to a local
//     only ever called) that reads a context.Context variable declared outside it.
//
// Every finding's `file:line` must appear on goshift's stderr: whatever is still there was left
// alone, and must have been said so. The finder loads the tree for GOOS linux, windows and darwin,
// tests included, and once more per `vet-tags` line of a fixture (the union of the findings).
//
// Cases:
//   - every fixture (fixtures/*/*/input), copied, with `goshift -t ctx-first,ctx-closure -w <args> .`,
//     then the same with -l: its report names what is left at the lines of the rewritten files (the
//     finder's lines; a literal given its context may have grown a line). A fixture with `go-dirs`
//     is checked in each of them, a `gopath` one in GOPATH mode, as the harness does;
//   - a subset of the standard library (database/sql, os/exec, os/signal, net/http and the packages
//     under them), copied with src/go.mod into a temp dir as the round trip does: `-t ctx-last -w`
//     first (contexts go last: plenty of misplaced contexts), then `-t ctx-first,ctx-closure -w`, and
//     -l for the report, then the finder, whose `go list` runs in the installed GOROOT/src (`-list`) so that the
//     installation is not copied.
//
// `-v` asks goshift to name every member of a set it leaves alone and every context it leaves in a
// generated file.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { findFixtures, type Fixture } from './support/fixtures.js';
import { buildOracle } from './support/oracle.js';
import { cliMissing, cliPath, fixturesRoot, goEnv } from './support/paths.js';
import { deadline, describe, run, type RunResult } from './support/run.js';
import { copyTree, makeTempDir, removeTree } from './support/tree.js';

const CLI_TIMEOUT = 3 * 60_000;
const CHECK_TIMEOUT = 5 * 60_000;
const FIXTURE_BUDGET = 8 * 60_000;
/** The default set, named: a fixture's `args` may name a transform too (-t is repeatable). */
const TRANSFORMS = ['-t', 'ctx-first,ctx-closure'];
/** The standard-library directories (recursive) of the second case. */
const STD_DIRS = ['database/sql', 'os/exec', 'os/signal', 'net/http'];

export interface Finding {
  /** `file:line`, file relative to the root goshift ran in. */
  at: string;
  line: string;
}

/** goshift with -v: every member of a set left alone, and every context left in a generated file, is named. */
async function goshift(args: string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  return run(process.execPath, [cliPath(), '-v', ...args], { cwd, env: goEnv(), timeoutMs });
}

/** The findings of `oracle ctxcheck`, or a description of why it failed. */
async function ctxcheck(dir: string, flags: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<{ findings: Finding[]; notes: string } | { error: string }> {
  const bin = await buildOracle();
  const r = await run(bin, ['ctxcheck', ...flags, dir], { cwd: dir, env: goEnv(env), timeoutMs });
  if (r.code !== 0) return { error: describe(r) };
  const findings = r.stdout.split('\n').filter((l) => l.trim() !== '').map((line) => {
    const m = /^(.*?:\d+): /.exec(line);
    return { at: m ? m[1] : line, line };
  });
  return { findings, notes: r.stderr.trim() };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The findings whose `file:line` goshift's stderr does not name. */
export function unreported(findings: Finding[], stderr: string): Finding[] {
  return findings.filter((f) => !new RegExp(`(^|[\\s(])${escapeRe(f.at)}(?=[:) \\t]|$)`, 'm').test(stderr));
}

/** `--allow-types-before X` / `--allow-types-before=X` from a fixture's args, comma-joined. */
function allowTypes(args: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--allow-types-before' && i + 1 < args.length) out.push(args[++i]);
    else if (args[i].startsWith('--allow-types-before=')) out.push(args[i].slice('--allow-types-before='.length));
  }
  return out.join(',');
}

/** GOSHIFT_INV_DUMP=file: one JSON line per case (id, findings, goshift's stderr), for a closer look. */
async function dump(id: string, findings: Finding[], stderr: string): Promise<void> {
  const file = process.env.GOSHIFT_INV_DUMP;
  if (file) await fs.appendFile(file, `${JSON.stringify({ id, findings: findings.map((f) => f.line), stderr })}\n`);
}

function report(t: ExecutionContext, missing: Finding[], stderr: string): void {
  t.log(`goshift stderr:\n${stderr.trimEnd()}`);
  t.fail(`${missing.length} finding(s) of the checker not named on goshift's stderr (left alone silently):\n${missing.map((f) => `  ${f.line}`).join('\n')}`);
}

async function checkFixture(t: ExecutionContext, fx: Fixture): Promise<void> {
  const miss = cliMissing();
  if (miss) return void t.fail(miss);
  const budget = deadline(FIXTURE_BUDGET);
  const work = await makeTempDir(`goshift-inv-${fx.name}-`);
  if (process.env.GOSHIFT_KEEP_TMP) t.log(`temp dir kept: ${work}`);
  else t.teardown(() => removeTree(work));
  await copyTree(fx.input, work);
  // A GOPATH fixture is its own GOPATH (as in the harness); go runs in GOPATH mode there.
  const gopath = fx.gopath ? ['--gopath', work] : [];
  const env: Record<string, string> = fx.gopath ? { GO111MODULE: 'off', GOPATH: work } : {};
  const w = await goshift([...TRANSFORMS, '-w', ...gopath, ...fx.args, '.'], work, budget.left(CLI_TIMEOUT));
  if (w.code === null) return void t.fail(`goshift did not finish\n${describe(w)}`);
  if (w.code !== fx.exitCode) t.log(`goshift exited ${w.code}, the fixture expects ${fx.exitCode}`);
  // What is left is reported again by a second run, at its lines in the rewritten files (a literal
  // that got its context may have grown a line, moving what follows).
  const r = await goshift([...TRANSFORMS, '-l', ...gopath, ...fx.args, '.'], work, budget.left(CLI_TIMEOUT));
  const flags: string[] = [];
  const allow = allowTypes(fx.args);
  if (allow) flags.push('-allow-types-before', allow);
  for (const tags of fx.vetTags) flags.push('-tags', tags);
  const findings: Finding[] = [];
  for (const dir of fx.goDirs) {
    const c = await ctxcheck(work, [...flags, ...(dir === '.' ? [] : ['-dir', dir])], budget.left(CHECK_TIMEOUT), env);
    if ('error' in c) {
      // A fixture that expects goshift to fail may hold code the type checker cannot load.
      if (fx.exitCode !== 0) return void t.pass(`checker could not load the tree (exit-code ${fx.exitCode}): skipped`);
      return void t.fail(`the checker failed${dir === '.' ? '' : ` in ${dir}`}\n${c.error}`);
    }
    if (c.notes) t.log(c.notes);
    for (const f of c.findings) if (!findings.some((g) => g.line === f.line)) findings.push(f);
  }
  await dump(fx.id, findings, r.stderr);
  const missing = unreported(findings, r.stderr);
  if (missing.length) report(t, missing, r.stderr);
  else t.pass();
}

// Tests must be declared synchronously after the last await of the module.
const { fixtures } = await findFixtures(fixturesRoot);

test('unreported: a finding counts as named only as a whole file:line', (t) => {
  const f = (line: string): Finding => ({ at: /^(.*?:\d+): /.exec(line)![1], line });
  const stderr = ['a/b.go:12: left alone: x', 'x: y (c.go:7); d.go:3 more', 'sub/e.go:5'].join('\n');
  const all = ['a/b.go:12: misplaced: m', 'b.go:12: misplaced: m', 'a/b.go:1: misplaced: m', 'c.go:7: captured: c', 'd.go:3: captured: c', 'e.go:5: misplaced: m', 'sub/e.go:5: misplaced: m'].map(f);
  t.deepEqual(unreported(all, stderr).map((x) => x.at), ['b.go:12', 'a/b.go:1', 'e.go:5']);
});

test.serial('std subset: ctx-last, then the default set; every remaining finding is named', async (t) => {
  const miss = cliMissing();
  if (miss) return void t.fail(miss);
  const budget = deadline(8 * 60_000);
  const started = Date.now();
  const gr = await run('go', ['env', 'GOROOT'], { cwd: process.cwd(), env: goEnv(), timeoutMs: 60_000 });
  const goroot = gr.stdout.trim();
  if (gr.code !== 0 || !existsSync(path.join(goroot, 'src', 'go.mod'))) return void t.fail(`no GOROOT\n${describe(gr)}`);
  const gsrc = path.join(goroot, 'src');
  const work = await makeTempDir('goshift-inv-std-');
  if (process.env.GOSHIFT_KEEP_TMP) t.log(`temp dir kept: ${work}`);
  else t.teardown(() => removeTree(work));
  const src = path.join(work, 'src');
  await fs.mkdir(src, { recursive: true });
  await fs.copyFile(path.join(gsrc, 'go.mod'), path.join(src, 'go.mod'));
  for (const d of STD_DIRS) await copyTree(path.join(gsrc, d), path.join(src, d));

  const last = await run(process.execPath, [cliPath(), '-t', 'ctx-last', '-w', ...STD_DIRS], { cwd: src, env: goEnv(), timeoutMs: budget.left(CLI_TIMEOUT) });
  if (last.code !== 0) return void t.fail(`goshift -t ctx-last -w failed\n${describe(last)}`);
  t.log(`ctx-last: ${last.stderr.split('\n')[0]}`);
  const w = await goshift([...TRANSFORMS, '-w', ...STD_DIRS], src, budget.left(CLI_TIMEOUT));
  if (w.code !== 0) return void t.fail(`goshift -w (default set) failed\n${describe(w)}`);
  t.log(`default set: ${w.stderr.split('\n')[0]}`);
  // The report at the rewritten files' lines.
  const r = await goshift([...TRANSFORMS, '-l', ...STD_DIRS], src, budget.left(CLI_TIMEOUT));

  const ls = await run('go', ['list', ...STD_DIRS.map((d) => `${d}/...`)], { cwd: gsrc, env: goEnv(), timeoutMs: budget.left(60_000) });
  if (ls.code !== 0) return void t.fail(`go list failed\n${describe(ls)}`);
  const pkgs = ls.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const c = await ctxcheck(src, ['-list', gsrc, '-pkgs', pkgs.join(',')], budget.left(CHECK_TIMEOUT));
  if ('error' in c) return void t.fail(`the checker failed\n${c.error}`);
  if (c.notes) t.log(c.notes);
  t.log(`${c.findings.length} finding(s) after the default set; ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  await dump('std', c.findings, r.stderr);
  const missing = unreported(c.findings, r.stderr);
  if (missing.length) report(t, missing, r.stderr);
  else t.pass();
});

// Serial: each case runs go list three times or more, and goshift.
for (const fx of fixtures) test.serial(`invariant: ${fx.id}`, (t) => checkFixture(t, fx));

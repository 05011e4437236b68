// The standard-library round trip, as a library: scripts/roundtrip.ts runs it in full,
// test/roundtrip.test.ts runs a small part of it inside `npm test`, scripts/counts.ts reuses its
// summary parser and package finder.
//
// A copy of GOROOT gets `goshift -t ctx-last -w <pkgs>` (cwd <copy>/src, the module `std`), is
// checked, then gets `goshift -t ctx-first -w <pkgs>`, is checked again, and is compared with the
// original GOROOT file by file: every file ctx-last changed should come back byte-identical.
// By default <pkgs> are every std package that declares a context.Context parameter (found by
// scripts/ctxpkgs.go); goshift updates whatever is linked to them anywhere in std itself.
// The checks after each stage, each one optional:
//   - a second run of the same transform (`-l --check`) must find nothing left to change;
//   - `go build std` for each GOOS asked for;
//   - `go vet` of the changed packages (tests included) for each GOOS, optionally with their importers;
//   - `go test -short` of the changed packages: each must pass if it passed on a pristine copy
//     (packages failing there are excluded and named);
//   - the type-checked oracle (test/oracle, `oracle -pkgs a,b BEFORE AFTER`), when it is there.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { cliPath, goEnv, repoRoot } from '../test/support/paths.js';
import { clipLines, deadline, describe, indent, run, tail, type RunResult } from '../test/support/run.js';
import { compareTrees, copyTree, makeTempDir, removeTree, shortDiff } from '../test/support/tree.js';

/** The four packages the round trip ran over before issue 9 (`--pkgs legacy`). */
export const LEGACY_PKGS = ['net/http/...', 'database/sql/...', 'net/...', 'os/exec/...'];

export const ALL_GOOS = ['linux', 'windows', 'darwin'];

export type Stage = 'ctx-last' | 'ctx-first' | 'ctx-plumb';

/** Where the plumb step plants its context.TODO(): a file relative to GOROOT/src (importing context) and a function in it (`name` or `Recv.name`). */
export interface PlumbPlant {
  file: string;
  func: string;
}

/** The default plant: the bottom of Rows.Scan / Row.Scan, called from every test and example of database/sql. */
export const DEFAULT_PLANT: PlumbPlant = { file: 'database/sql/sql.go', func: 'scanArgsContainRawBytes' };

/** Which packages `go vet` checks after a stage. */
export type VetScope = 'changed' | 'importers' | 'std';

export interface RoundTripOptions {
  /** The Go installation to copy; default: `go env GOROOT`. */
  goroot?: string;
  /**
   * Package patterns or directories relative to GOROOT/src given to goshift (changes start there;
   * callers anywhere in std follow). null: every std package with a context.Context parameter.
   */
  pkgs: string[] | null;
  /** `go build std` after each stage (for each of `goos`). */
  buildStd: boolean;
  /** `go build std` after these stages too (when buildStd is false). */
  buildStdAfter?: Stage[];
  /** After which stages to `go vet` (for each of `goos`). */
  vetAfter: Stage[];
  /** What to vet: the changed packages, those plus the std packages importing them, or all of std. Default changed. */
  vetScope?: VetScope;
  /** GOOS values for builds and vets; default ['linux']. */
  goos?: string[];
  /** `go test -short` the changed packages on a pristine copy, then after each stage. */
  test?: boolean;
  /** Run the oracle after each stage when it is found (see findOracle). Default true. */
  oracle?: boolean;
  /** Leave the temp dir (the copy and the CLI's logs) in place. */
  keep: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Per goshift run; default 60 minutes. */
  cliTimeoutMs?: number;
  /**
   * The plumb step, after the round trip: a `context.TODO()` planted at the start of this function
   * in the copy, `goshift -t ctx-plumb -w` over its package, then the same checks as the other
   * stages (a second run changes nothing, go build std, go vet, the tests, the oracle). Null: none.
   */
  plumb?: PlumbPlant | null;
  /** Per go build/vet/list command; default 30 minutes. */
  goTimeoutMs?: number;
  /** Per go test command; default 60 minutes. */
  testTimeoutMs?: number;
  /** All commands together (a test's budget: its timeouts must fire before the test runner's); default none. */
  budgetMs?: number;
  /**
   * Run goshift over a tree holding only src/go.mod and these directories of src (e.g. `database/sql`),
   * instead of the whole module std, which goshift otherwise reads entirely to find callers. Much faster,
   * and the same result when nothing outside these directories uses them. Builds and vets still run on
   * the full copy, with these directories copied in after each stage.
   */
  srcSubset?: string[];
}

/**
 * The counts a CLI run reports. Parsed tolerantly from its stderr summary: `signatures moved: N` or
 * `N signatures moved` (the CLI currently prints `goshift: ..., 52 signatures moved, 131 call sites
 * updated, 20 linked sets changed, 3 linked sets left alone`), any case, `:` or `=` or nothing,
 * because the wording belongs to the CLI and may still change; null when not found.
 */
export interface Summary {
  signaturesMoved: number | null;
  callSitesUpdated: number | null;
  linkedSetsChanged: number | null;
  linkedSetsLeftAlone: number | null;
}

export function parseSummary(stderr: string): Summary {
  const num = (what: string): number | null => {
    for (const re of [new RegExp(`${what}[ \\t]*[:=]?[ \\t]*(\\d+)`, 'i'), new RegExp(`(\\d+)[ \\t]+${what}`, 'i')]) {
      const m = re.exec(stderr);
      if (m) return Number(m[1]);
    }
    return null;
  };
  return {
    signaturesMoved: num('signatures?[ \\t]+moved'),
    callSitesUpdated: num('call[ \\t-]*sites?[ \\t]+updated'),
    linkedSetsChanged: num('linked[ \\t]+sets?[ \\t]+changed'),
    linkedSetsLeftAlone: num('linked[ \\t]+sets?[ \\t]+left[ \\t]+alone'),
  };
}

/** The stderr lines that mention `<rel>:<line>` (the CLI's left-alone reports and errors for that file). */
export function linesAbout(stderr: string, rel: string): string[] {
  const re = new RegExp(`(^|[\\s/(])${rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d`);
  return stderr.split('\n').filter((l) => re.test(l));
}

export interface Check {
  label: string;
  ok: boolean;
  result: RunResult;
}

/** One package's `go test -short` result: pass, fail (tests or build), or skip (no test files). */
export type TestStatus = 'pass' | 'fail' | 'skip';

export interface TestRun {
  label: string;
  /** Per package (import path). A package the output never finished is `fail`. */
  status: Map<string, TestStatus>;
  /** For failed packages: the failing tests and the last lines of their output. */
  why: Map<string, string[]>;
  result: RunResult;
}

export interface StageResult {
  stage: Stage;
  cli: RunResult;
  summary: Summary;
  /** Files (relative to GOROOT) that differ from the original after this stage. */
  differing: string[];
  /** The second run of the same transform over the result (`-l --check`): must change nothing. */
  again: RunResult | null;
  /** Files that second run would still change (empty when the stage is idempotent). */
  notIdempotent: string[];
  checks: Check[];
  /** `go test -short` after this stage (null when tests were not asked for). */
  tests: TestRun | null;
  /** The packages tested after this stage (the changed ones that passed before). */
  tested: string[];
  /** Packages passing before that fail after this stage. */
  regressions: string[];
}

export interface FileOutcome {
  /** Relative to GOROOT, e.g. src/net/http/server.go. */
  path: string;
  /** Why it did not come back: hunk headers and first changed lines, the CLI's lines about it. */
  why: string[];
}

/** A std package declaring context parameters (from scripts/ctxpkgs.go). */
export interface CtxPackage {
  /** Relative to GOROOT/src, e.g. net/http. */
  dir: string;
  /** Signatures with a context parameter. */
  sigs: number;
  /** Of those, the ones where a non-context, non-variadic parameter follows the context (ctx-last moves them). */
  notLast: number;
}

export interface RoundTripResult {
  goroot: string;
  /** The temp dir holding the copy (`go/`) and the CLI's output (`<stage>.stdout|stderr`); gone unless kept. */
  tmp: string;
  kept: boolean;
  pkgs: string[];
  /** When pkgs were not given: the packages found to declare context parameters. */
  ctxPackages: CtxPackage[] | null;
  /** The directories of src goshift ran over, or null for all of src. */
  srcSubset: string[] | null;
  goos: string[];
  vetScope: VetScope;
  stages: StageResult[];
  /** Files ctx-last changed. */
  changedByLast: string[];
  /** Of those, the ones byte-identical to the original at the end. */
  identical: string[];
  /** Files that differ from the original at the end (changed by ctx-last or not). */
  notIdentical: FileOutcome[];
  /** `go test -short` on the pristine copy (null when tests were not asked for). */
  testsBefore: TestRun | null;
  /** Packages tested after each stage: the ones that passed before. */
  testedPackages: string[];
  /** Packages whose tests fail (or do not build) on the pristine copy: not tested after, named here. */
  excludedFromTests: string[];
  /** Changed packages with no files for the host GOOS (e.g. behind a GOEXPERIMENT): not tested. */
  notTestable: string[];
  /** The oracle: what it said after each stage, or why it did not run. */
  oracle: string[];
  /** Every stage of the run with its wall time, in order. */
  timings: { label: string; ms: number }[];
  /** Builds, vets, tests, oracles or CLI runs that failed, and setup problems: each makes the round trip fail. */
  failures: string[];
  ok: boolean;
  ms: number;
}

/** Go packages (import paths in GOROOT/src) holding the given GOROOT-relative .go files. */
export function packagesOf(files: string[]): string[] {
  const pkgs = new Set<string>();
  for (const f of files) {
    if (!f.startsWith('src/') || !f.endsWith('.go')) continue;
    const dir = path.posix.dirname(f.slice('src/'.length));
    // Not packages the go command builds: testdata, _foo, .foo.
    if (dir === '.' || dir.split('/').some((s) => s === 'testdata' || s.startsWith('_') || s.startsWith('.'))) continue;
    pkgs.add(dir);
  }
  return [...pkgs].sort();
}

export async function findGoroot(): Promise<string> {
  const r = await run('go', ['env', 'GOROOT'], { cwd: process.cwd(), env: goEnv(), timeoutMs: 60_000 });
  if (r.code !== 0 || !r.stdout.trim()) throw new Error(`cannot find GOROOT:\n${describe(r)}`);
  return r.stdout.trim();
}

/** The environment for go commands using the Go installation at `goroot` (a copy). */
export function goEnvFor(goroot: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return goEnv({ GOROOT: goroot, PATH: `${path.join(goroot, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`, ...extra });
}

/**
 * The package directories of `src` (a GOROOT/src) that declare a context.Context parameter:
 * `go run scripts/ctxpkgs.go src` (a syntactic scan with go/parser, skipping what goshift skips).
 */
export async function findCtxPackages(src: string, env: NodeJS.ProcessEnv, timeoutMs = 10 * 60_000): Promise<CtxPackage[]> {
  const prog = path.join(repoRoot, 'scripts', 'ctxpkgs.go');
  const r = await run('go', ['run', prog, src], { cwd: path.dirname(prog), env, timeoutMs });
  if (r.code !== 0) throw new Error(`finding the packages with context parameters failed:\n${describe(r)}`);
  return r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as CtxPackage);
}

/**
 * Where the type-checked oracle is: GOSHIFT_ORACLE (its source directory or a built binary), else
 * <repo>/test/oracle when it holds a main.go; null when there is none.
 */
export function findOracle(): { kind: 'dir' | 'bin'; path: string } | null {
  const env = process.env.GOSHIFT_ORACLE;
  if (env) {
    const p = path.resolve(env);
    if (existsSync(path.join(p, 'main.go'))) return { kind: 'dir', path: p };
    if (existsSync(p)) return { kind: 'bin', path: p };
    return null;
  }
  const dir = path.join(repoRoot, 'test', 'oracle');
  return existsSync(path.join(dir, 'main.go')) ? { kind: 'dir', path: dir } : null;
}

/** The packages `go test -json` reported on, with their final status, failing tests and output tails. */
export function parseTestJson(stdout: string, asked: string[]): { status: Map<string, TestStatus>; why: Map<string, string[]> } {
  const status = new Map<string, TestStatus>();
  const failedTests = new Map<string, string[]>();
  const output = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let ev: { Action?: string; Package?: string; ImportPath?: string; Test?: string; Output?: string };
    try { ev = JSON.parse(line); } catch { continue; }
    const pkg = ev.Package ?? ev.ImportPath;
    if (!pkg) continue;
    if (ev.Output !== undefined) {
      const o = output.get(pkg) ?? [];
      o.push(ev.Output.replace(/\n$/, ''));
      if (o.length > 400) o.splice(0, o.length - 400);
      output.set(pkg, o);
    }
    if (ev.Test) {
      if (ev.Action === 'fail') failedTests.set(pkg, [...(failedTests.get(pkg) ?? []), ev.Test]);
      continue;
    }
    if (ev.Action === 'pass' || ev.Action === 'fail' || ev.Action === 'skip') status.set(pkg, ev.Action);
    else if (ev.Action === 'build-fail') status.set(pkg, 'fail');
  }
  for (const p of asked) if (!status.has(p)) status.set(p, 'fail');
  const why = new Map<string, string[]>();
  for (const [p, s] of status) {
    if (s !== 'fail') continue;
    const lines: string[] = [];
    const ft = failedTests.get(p);
    if (ft?.length) lines.push(`failing tests: ${ft.slice(0, 20).join(' ')}${ft.length > 20 ? ` ... (${ft.length - 20} more)` : ''}`);
    else if (!output.has(p)) lines.push('no result in the output (killed or timed out?)');
    lines.push(...tail((output.get(p) ?? []).join('\n'), 25).split('\n').filter(Boolean));
    why.set(p, lines.map((l) => clipLines(l, 300)));
  }
  return { status, why };
}

export async function roundTrip(opts: RoundTripOptions): Promise<RoundTripResult> {
  const started = Date.now();
  const budget = deadline(opts.budgetMs ?? Number.MAX_SAFE_INTEGER / 2);
  const log = opts.log ?? (() => {});
  const goroot = opts.goroot ?? (await findGoroot());
  const goos = opts.goos ?? ['linux'];
  const vetScope = opts.vetScope ?? 'changed';
  const failures: string[] = [];
  const stages: StageResult[] = [];
  const timings: { label: string; ms: number }[] = [];
  const oracleLog: string[] = [];
  const tmp = await makeTempDir('goshift-roundtrip-');
  const copy = path.join(tmp, 'go');
  const src = path.join(copy, 'src');
  const pristine = path.join(tmp, 'pristine'); // a second copy, for the tests before (only with opts.test)
  const subset = opts.srcSubset?.map((d) => d.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  // Where goshift runs: the full copy, or a tree with only src/go.mod and the subset.
  const work = subset ? path.join(tmp, 'subset') : copy;
  const workSrc = path.join(work, 'src');
  // With a subset, comparisons look at src/go.mod and the subset only (GOROOT-relative paths either way).
  const inScope = subset
    ? (rel: string, isDir: boolean): boolean => rel === 'src' || rel === 'src/go.mod'
      || subset.some((d) => rel === `src/${d}` || rel.startsWith(`src/${d}/`) || (isDir && `src/${d}`.startsWith(`${rel}/`)))
    : () => true;
  const skip = (rel: string, isDir: boolean) => !inScope(rel, isDir);
  let pkgs: string[] = opts.pkgs ?? [];
  let ctxPackages: CtxPackage[] | null = null;
  let changedByLast: string[] = [];
  let identical: string[] = [];
  let notIdentical: FileOutcome[] = [];
  let testsBefore: TestRun | null = null;
  let testedPackages: string[] = [];
  const excludedFromTests: string[] = [];
  const notTestable: string[] = [];
  const result = (): RoundTripResult => ({
    goroot, tmp, kept: opts.keep, pkgs, ctxPackages, srcSubset: subset ?? null, goos, vetScope, stages, changedByLast, identical,
    notIdentical, testsBefore, testedPackages, excludedFromTests, notTestable, oracle: oracleLog, timings, failures,
    ok: failures.length === 0, ms: Date.now() - started,
  });
  const timed = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await f();
    } finally {
      timings.push({ label, ms: Date.now() - t0 });
    }
  };
  try {
    const gomod = await fs.readFile(path.join(goroot, 'src', 'go.mod'), 'utf8').catch(() => '');
    if (!/^module std\s*$/m.test(gomod)) {
      failures.push(`${goroot}/src/go.mod does not declare \`module std\`: is ${goroot} a Go installation?`);
      return result();
    }

    // 1. The copy: the whole installation, so its go command, tools and pkg/ work as the original's.
    //    With tests, a second one stays pristine: the tests before run there.
    const copyGoroot = async (to: string): Promise<boolean> => {
      log(`copying ${goroot} to ${to}`);
      const cp = await timed(`copy GOROOT to ${path.basename(to)}/`, () => run('cp', ['-a', goroot, to], { cwd: tmp, timeoutMs: budget.left(10 * 60_000) }));
      if (cp.code !== 0) failures.push(`copying GOROOT failed\n${indent(describe(cp))}`);
      return cp.code === 0;
    };
    if (!(await copyGoroot(copy))) return result();
    if (opts.test && !(await copyGoroot(pristine))) return result();
    if (subset) {
      await fs.mkdir(workSrc, { recursive: true });
      await fs.copyFile(path.join(goroot, 'src', 'go.mod'), path.join(workSrc, 'go.mod'));
      for (const d of subset) {
        const from = path.join(goroot, 'src', d);
        if (!(await fs.stat(from).catch(() => null))?.isDirectory()) {
          failures.push(`--subset: ${from} is not a directory`);
          return result();
        }
        await copyTree(from, path.join(workSrc, d));
      }
    }
    const env = goEnvFor(copy);
    // Guard: the go command must really use the copy, or every build below would check the original.
    const ge = await run('go', ['env', 'GOROOT'], { cwd: src, env, timeoutMs: budget.left(60_000) });
    if (ge.code !== 0 || path.resolve(ge.stdout.trim()) !== path.resolve(copy)) {
      failures.push(`the go command does not use the copied GOROOT (go env GOROOT says ${JSON.stringify(ge.stdout.trim())})\n${indent(describe(ge))}`);
      return result();
    }

    // 2. The packages: given, or every package of the tree goshift runs in that declares a context parameter.
    //    A directory given to goshift counts recursively; that is harmless here, since changes can start
    //    only at a context parameter, and every directory holding one is in the list.
    if (opts.pkgs === null) {
      log('finding the packages with context.Context parameters (go run scripts/ctxpkgs.go)');
      try {
        ctxPackages = await timed('find packages with context parameters', () => findCtxPackages(workSrc, env, budget.left(10 * 60_000)));
      } catch (e) {
        failures.push((e as Error).message);
        return result();
      }
      pkgs = ctxPackages.map((p) => p.dir);
      log(`  ${pkgs.length} package(s): ${pkgs.join(' ')}`);
      if (pkgs.length === 0) {
        failures.push('no package declares a context.Context parameter: nothing to round-trip');
        return result();
      }
    }

    const runStage = async (stage: Stage, on: string[] = pkgs): Promise<StageResult> => {
      log(`goshift -t ${stage} -w ${on.join(' ')}   (cwd ${workSrc})`);
      const cli = await timed(`${stage}: goshift -w`, () => run(process.execPath, [cliPath(), '-t', stage, '-w', ...on], {
        cwd: workSrc, env, timeoutMs: budget.left(opts.cliTimeoutMs ?? 60 * 60_000),
      }));
      await fs.writeFile(path.join(tmp, `${stage}.stdout`), cli.stdout);
      await fs.writeFile(path.join(tmp, `${stage}.stderr`), cli.stderr);
      const summary = parseSummary(cli.stderr);
      log(`  ${cli.code === null ? 'killed' : `exit ${cli.code}`} in ${secs(cli.ms)}; ${formatSummary(summary)}`);
      // -w without --check exits 0, or 2 on errors; anything else is a failure too.
      if (cli.code !== 0) failures.push(`goshift -t ${stage} -w exited ${cli.code ?? cli.signal ?? 'abnormally'}${cli.timedOut ? ' (timed out)' : ''}\n${indent(describe(cli))}`);
      log('  comparing with the original');
      const differing = await timed(`${stage}: compare with the original`, async () => (await compareTrees(goroot, work, skip)).map((d) => d.path));
      // The builds run on the full copy: bring the subset's current state there.
      if (subset) for (const d of subset) await copyTree(path.join(workSrc, d), path.join(src, d));
      log(`  ${differing.length} file(s) differ from the original`);
      const st: StageResult = { stage, cli, summary, differing, again: null, notIdempotent: [], checks: [], tests: null, tested: [], regressions: [] };
      stages.push(st);
      if (cli.timedOut) return st;
      // Idempotence: the same transform again must find nothing to change (exit 0, no file listed).
      log(`  goshift -t ${stage} -l --check again`);
      const again = await timed(`${stage}: goshift -l --check again`, () => run(process.execPath, [cliPath(), '-t', stage, '-l', '--check', ...on], {
        cwd: workSrc, env, timeoutMs: budget.left(opts.cliTimeoutMs ?? 60 * 60_000),
      }));
      await fs.writeFile(path.join(tmp, `${stage}.again.stdout`), again.stdout);
      await fs.writeFile(path.join(tmp, `${stage}.again.stderr`), again.stderr);
      st.again = again;
      st.notIdempotent = again.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
      log(`    ${again.code === 0 ? 'nothing left to change' : `exit ${again.code}, ${st.notIdempotent.length} file(s) would change`} in ${secs(again.ms)}`);
      if (again.code !== 0 || st.notIdempotent.length) {
        failures.push(`after ${stage}: a second \`goshift -t ${stage}\` is not a no-op (exit ${again.code ?? again.signal ?? 'abnormally'}`
          + `${again.timedOut ? ', timed out' : ''}); it would change: ${st.notIdempotent.join(', ') || '(none listed)'}\n${indent(describe(again))}`);
      }
      return st;
    };

    const goCmd = (args: string[], e: NodeJS.ProcessEnv, timeoutMs?: number, cwd = src): Promise<RunResult> =>
      run('go', args, { cwd, env: e, timeoutMs: budget.left(timeoutMs ?? opts.goTimeoutMs ?? 30 * 60_000) });

    // The packages of `pkgs` that have something to build for this GOOS (vet refuses the others).
    // os undefined: the host's.
    const buildable = async (list: string[], os?: string): Promise<string[]> => {
      if (!list.length) return [];
      const r = await goCmd(['list', '-e', '-f', '{{if or .GoFiles .CgoFiles .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}', ...list], goEnvFor(copy, os ? { GOOS: os } : {}));
      if (r.code !== 0) {
        failures.push(`go list for GOOS=${os ?? '(host)'} failed\n${indent(describe(r))}`);
        return list;
      }
      return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    };

    // The std packages importing any of `list` (in their code or tests), for GOOS=linux.
    const importersOf = async (list: string[]): Promise<string[]> => {
      const want = new Set(list);
      const r = await goCmd(['list', '-e', '-f', '{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}', 'std'], env);
      if (r.code !== 0) {
        failures.push(`go list std failed\n${indent(describe(r))}`);
        return [];
      }
      const out: string[] = [];
      for (const line of r.stdout.split('\n')) {
        const [p, ...imps] = line.trim().split(/\s+/);
        if (p && !want.has(p) && imps.some((i) => want.has(i))) out.push(p);
      }
      return out.sort();
    };

    const goTest = async (label: string, list: string[], root: string): Promise<TestRun> => {
      log(`  ${label} (${list.length} package(s))`);
      const r = await timed(label, () => goCmd(['test', '-short', '-json', '-timeout', '10m', ...list], goEnvFor(root), opts.testTimeoutMs ?? 60 * 60_000, path.join(root, 'src')));
      const { status, why } = parseTestJson(r.stdout, list);
      const counts = { pass: 0, fail: 0, skip: 0 };
      for (const p of list) counts[status.get(p) ?? 'fail']++;
      log(`    ${counts.pass} pass, ${counts.fail} fail, ${counts.skip} without tests, in ${secs(r.ms)}${r.timedOut ? ' (TIMED OUT)' : ''}`);
      return { label, status, why, result: r };
    };

    const checkStage = async (st: StageResult, changedPkgs: string[]): Promise<void> => {
      const go = async (label: string, args: string[], os: string): Promise<void> => {
        log(`  ${label}`);
        const r = await timed(`${st.stage}: ${label}`, () => goCmd(args, goEnvFor(copy, { GOOS: os })));
        log(`    ${r.code === 0 ? 'ok' : 'FAILED'} in ${secs(r.ms)}`);
        st.checks.push({ label, ok: r.code === 0, result: r });
        if (r.code !== 0) failures.push(`after ${st.stage}: ${label} failed\n${indent(describe(r, 80))}`);
      };
      if (opts.buildStd || opts.buildStdAfter?.includes(st.stage)) for (const os of goos) await go(`GOOS=${os} go build std`, ['build', 'std'], os);
      if (opts.vetAfter.includes(st.stage) && changedPkgs.length) {
        let vetPkgs = changedPkgs;
        let what = 'changed';
        if (vetScope === 'importers') {
          vetPkgs = [...new Set([...changedPkgs, ...(await importersOf(changedPkgs))])].sort();
          what = 'changed and importing';
        }
        for (const os of goos) {
          if (vetScope === 'std') await go(`GOOS=${os} go vet std`, ['vet', 'std'], os);
          else {
            const list = await buildable(vetPkgs, os);
            if (list.length) await go(`GOOS=${os} go vet (${list.length} ${what} package(s))`, ['vet', ...list], os);
          }
        }
      }
      if (opts.test) {
        // The tests before, on the pristine copy, for every package not tested there yet; packages
        // with nothing to build on this GOOS are set aside (go test would fail them as "setup failed").
        let fresh = changedPkgs.filter((p) => !testsBefore?.status.has(p) && !notTestable.includes(p));
        const canBuild = new Set(await buildable(fresh));
        for (const p of fresh) if (!canBuild.has(p)) notTestable.push(p);
        notTestable.sort();
        fresh = fresh.filter((p) => canBuild.has(p));
        if (fresh.length) {
          const before = await goTest('go test -short before (pristine copy)', fresh, pristine);
          if (!testsBefore) testsBefore = before;
          else {
            for (const [p, s] of before.status) testsBefore.status.set(p, s);
            for (const [p, w] of before.why) testsBefore.why.set(p, w);
          }
          for (const p of fresh) {
            const s = before.status.get(p);
            if (s === 'pass') testedPackages.push(p);
            else if (s === 'fail') excludedFromTests.push(p);
          }
          testedPackages.sort();
          excludedFromTests.sort();
        }
        if (testedPackages.length) {
          st.tested = [...testedPackages];
          st.tests = await goTest(`${st.stage}: go test -short`, st.tested, copy);
          st.regressions = st.tested.filter((p) => st.tests?.status.get(p) !== 'pass');
          for (const p of st.regressions) {
            failures.push(`after ${st.stage}: go test -short ${p} fails (it passed on the pristine copy)\n${indent((st.tests.why.get(p) ?? []).join('\n'))}`);
          }
        }
      }
    };

    // The oracle compares two trees, type-checked: BEFORE and AFTER are GOROOT/src directories.
    const oracleFound = opts.oracle === false ? null : findOracle();
    let oracleBin: string | null = null;
    const runOracle = async (stage: Stage, before: string, after: string, changedPkgs: string[]): Promise<void> => {
      if (opts.oracle === false) return;
      if (!oracleFound) {
        const msg = `${stage}: oracle skipped: no test/oracle/main.go in ${repoRoot} and GOSHIFT_ORACLE not set`;
        if (!oracleLog.length) log(`  ${msg}`);
        oracleLog.push(msg);
        return;
      }
      if (!oracleBin) {
        if (oracleFound.kind === 'bin') oracleBin = oracleFound.path;
        else {
          const out = path.join(tmp, 'oracle-bin');
          log(`  building the oracle from ${oracleFound.path}`);
          const b = await timed('build the oracle', () => run('go', ['build', '-o', out, '.'], { cwd: oracleFound.path, env: goEnv(), timeoutMs: budget.left(10 * 60_000) }));
          if (b.code !== 0) {
            failures.push(`building the oracle in ${oracleFound.path} failed\n${indent(describe(b))}`);
            oracleLog.push(`${stage}: oracle did not build`);
            return;
          }
          oracleBin = out;
        }
      }
      const args = ['-goos', goos.join(','), ...(changedPkgs.length ? ['-pkgs', changedPkgs.join(',')] : []), before, after];
      log(`  oracle -pkgs (${changedPkgs.length} package(s)) ${before} ${after}`);
      const bin = oracleBin;
      const r = await timed(`${stage}: oracle`, () => run(bin, [...args.slice(0, -2), '-v', ...args.slice(-2)], { cwd: tmp, env, timeoutMs: budget.left(opts.goTimeoutMs ?? 30 * 60_000) }));
      await fs.writeFile(path.join(tmp, `${stage}.oracle.out`), `${r.stdout}\n---- stderr\n${r.stderr}`);
      log(`    ${r.code === 0 ? 'ok' : `FAILED (exit ${r.code ?? r.signal})`} in ${secs(r.ms)}`);
      const lastLine = (r.stdout.trim() || r.stderr.trim()).split('\n').pop() ?? '';
      oracleLog.push(`${stage}: ${r.code === 0 ? 'ok' : 'FAILED'} in ${secs(r.ms)}${lastLine ? `: ${clipLines(lastLine, 300)}` : ''}`);
      if (r.code !== 0) failures.push(`after ${stage}: the oracle failed\n${indent(describe(r, 80))}`);
    };

    // 3. ctx-last, then its checks.
    const last = await runStage('ctx-last');
    changedByLast = last.differing;
    if (last.cli.timedOut) return result(); // the rest would time out too
    const lastPkgs = packagesOf(changedByLast);
    await checkStage(last, lastPkgs);
    // The oracle reads the full copy's src (with a subset, that is where the builds run too; its
    // ../pkg/tool gives the oracle export data for the rest of std). BEFORE is the pristine copy
    // when there is one, else the original, read only. For the ctx-first stage it needs this state kept.
    const afterLast = path.join(tmp, 'after-ctx-last');
    if (oracleFound && opts.oracle !== false) {
      await runOracle('ctx-last', path.join(opts.test ? pristine : goroot, 'src'), src, lastPkgs);
      const snap = await timed('snapshot after ctx-last (for the oracle)', () => run('cp', ['-a', src, afterLast], { cwd: tmp, timeoutMs: budget.left(10 * 60_000) }));
      if (snap.code !== 0) failures.push(`copying the state after ctx-last failed\n${indent(describe(snap))}`);
    } else await runOracle('ctx-last', '', '', []);

    // 4. ctx-first, then its checks (on what ctx-last changed plus whatever still differs).
    const first = await runStage('ctx-first');
    const firstPkgs = packagesOf([...changedByLast, ...first.differing]);
    await checkStage(first, firstPkgs);
    await runOracle('ctx-first', afterLast, src, firstPkgs);

    // 5. What came back.
    const still = new Set(first.differing);
    identical = changedByLast.filter((f) => !still.has(f));
    notIdentical = [];
    for (const f of first.differing) {
      const why: string[] = [];
      if (!changedByLast.includes(f)) {
        why.push('not changed by ctx-last: changed by ctx-first only, so the original is not ctx-first here (a context after another parameter, or a call of such a function); the round trip is the identity only on ctx-first code');
      }
      const [a, b] = await Promise.all([
        fs.readFile(path.join(goroot, f)).catch(() => null),
        fs.readFile(path.join(work, f)).catch(() => null),
      ]);
      if (!a) why.push('not in the original GOROOT (created by the round trip)');
      else if (!b) why.push('missing from the copy (deleted by the round trip)');
      else why.push(...firstHunk(shortDiff(f, a, b, 200, ['orig', 'copy'])));
      const rel = f.startsWith('src/') ? f.slice('src/'.length) : f;
      for (const s of stages) for (const l of linesAbout(s.cli.stderr, rel)) why.push(clipLines(`${s.stage} said: ${l.trim()}`, 300));
      notIdentical.push({ path: f, why });
    }

    // 6. The plumb step: a context.TODO() planted at the bottom of a real call chain is threaded up.
    if (opts.plumb) {
      const pl = opts.plumb;
      const abs = path.join(workSrc, pl.file);
      const text = await fs.readFile(abs, 'utf8').catch(() => null);
      const [recv, name] = pl.func.includes('.') ? pl.func.split('.') : [null, pl.func];
      const head = text === null ? null : new RegExp(`^func (?:\\([^)]*\\b${recv ?? ''}\\) )?${name}\\(.*\\{$`, 'm').exec(text);
      if (text === null || !head || !/^\s*"context"$/m.test(text)) {
        failures.push(`plumb: no func ${pl.func} in ${pl.file} that imports "context"`);
        return result();
      }
      const at = head.index + head[0].length + 1;
      await fs.writeFile(abs, `${text.slice(0, at)}\t_ = context.TODO() // planted by the round trip\n${text.slice(at)}`);
      if (subset) await copyTree(path.join(workSrc, path.dirname(pl.file)), path.join(src, path.dirname(pl.file)));
      const beforePlumb = path.join(tmp, 'before-ctx-plumb');
      const oracleOn = oracleFound && opts.oracle !== false;
      if (oracleOn) {
        const snap = await timed('snapshot before ctx-plumb (for the oracle)', () => run('cp', ['-a', src, beforePlumb], { cwd: tmp, timeoutMs: budget.left(10 * 60_000) }));
        if (snap.code !== 0) failures.push(`copying the state before ctx-plumb failed\n${indent(describe(snap))}`);
      }
      const before = new Set((await compareTrees(goroot, work, skip)).map((d) => d.path));
      const plumb = await runStage('ctx-plumb', [path.dirname(pl.file)]);
      const changed = plumb.differing.filter((f) => !before.has(f) || f === `src/${pl.file}`);
      const after = await fs.readFile(abs, 'utf8');
      if (/context\.TODO\(\) \/\/ planted/.test(after)) failures.push(`plumb: the planted context.TODO() in ${pl.file} is still there`);
      if (!plumb.summary.signaturesMoved) failures.push('plumb: no signature changed');
      const plumbPkgs = packagesOf(changed);
      await checkStage(plumb, plumbPkgs);
      if (oracleOn) await runOracle('ctx-plumb', beforePlumb, src, plumbPkgs);
    }
    return result();
  } finally {
    if (!opts.keep) await removeTree(tmp);
  }
}

/** The first hunk header of a unified diff and its first changed lines (`-`/`+`), at most 6. */
function firstHunk(diff: string): string[] {
  const lines = diff.split('\n');
  const h = lines.findIndex((l) => l.startsWith('@@'));
  if (h < 0) return [diff];
  const out = [lines[h]];
  for (let i = h + 1; i < lines.length && out.length < 7 && !lines[i].startsWith('@@'); i++) {
    if (lines[i].startsWith('-') || lines[i].startsWith('+')) out.push(lines[i]);
  }
  const hunks = lines.filter((l) => l.startsWith('@@')).length;
  if (hunks > 1) out.push(`(${hunks - 1} more hunk(s))`);
  return out;
}

export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function formatSummary(s: Summary): string {
  const n = (v: number | null) => (v === null ? '?' : String(v));
  return `signatures moved: ${n(s.signaturesMoved)}, call sites updated: ${n(s.callSitesUpdated)}, `
    + `${n(s.linkedSetsChanged)} linked sets changed, ${n(s.linkedSetsLeftAlone)} linked sets left alone`;
}

/** The round trip's outcome as text for a terminal or a test log. */
export function formatRoundTrip(r: RoundTripResult, maxFiles = 50): string {
  const out: string[] = [];
  out.push(`goshift std round trip over ${r.goroot} in ${secs(r.ms)}`
    + (r.srcSubset ? `; goshift saw only src/go.mod and src/{${r.srcSubset.join(',')}}` : ''));
  if (r.ctxPackages) {
    out.push(`packages with context.Context parameters (${r.ctxPackages.length}; signatures with a context / of them with a parameter after it):`);
    for (const p of r.ctxPackages) out.push(`  ${p.dir} ${p.sigs}/${p.notLast}`);
  } else out.push(`packages: ${r.pkgs.join(' ')}`);
  out.push(`GOOS: ${r.goos.join(' ')}; vet: ${r.vetScope === 'changed' ? 'the changed packages' : r.vetScope === 'importers' ? 'the changed packages and their importers' : 'all of std'}`);
  for (const s of r.stages) {
    out.push(`${s.stage}: ${s.cli.code === null ? 'killed' : `exit ${s.cli.code}`} in ${secs(s.cli.ms)}; ${formatSummary(s.summary)}; `
      + `${s.differing.length} file(s) in ${packagesOf(s.differing).length} package(s) differ from the original`);
    if (s.again) out.push(`  second run: ${s.again.code === 0 && !s.notIdempotent.length ? 'nothing left to change' : `NOT a no-op, ${s.notIdempotent.length} file(s) would change`} (${secs(s.again.ms)})`);
    for (const c of s.checks) out.push(`  ${c.label}: ${c.ok ? 'ok' : 'FAILED'} (${secs(c.result.ms)})`);
    if (s.tests) {
      out.push(`  go test -short: ${s.tested.length - s.regressions.length} of ${s.tested.length} package(s) pass (${secs(s.tests.result.ms)})`
        + (s.regressions.length ? `; FAILING: ${s.regressions.join(' ')}` : ''));
    }
  }
  if (r.testsBefore) {
    const skipped = [...r.testsBefore.status].filter(([, st]) => st === 'skip').map(([p]) => p);
    out.push(`tests before (pristine copy, ${secs(r.testsBefore.result.ms)}): ${r.testedPackages.length} package(s) pass: ${r.testedPackages.join(' ')}`);
    if (skipped.length) out.push(`  without test files: ${skipped.sort().join(' ')}`);
    if (r.notTestable.length) out.push(`  nothing to build on this GOOS, not tested: ${r.notTestable.join(' ')}`);
    if (r.excludedFromTests.length) {
      out.push(`  EXCLUDED, failing before: ${r.excludedFromTests.join(' ')}`);
      for (const p of r.excludedFromTests) for (const w of (r.testsBefore.why.get(p) ?? []).slice(0, 3)) out.push(`    ${p}: ${w}`);
    }
  }
  for (const o of r.oracle) out.push(`oracle: ${o}`);
  out.push(`round trip: ctx-last changed ${r.changedByLast.length} file(s); ${r.identical.length} came back byte-identical, `
    + `${r.notIdentical.length} file(s) differ from the original at the end`);
  for (const f of r.notIdentical.slice(0, maxFiles)) {
    out.push(`  ${f.path}`);
    for (const w of f.why) out.push(`      ${w}`);
  }
  if (r.notIdentical.length > maxFiles) out.push(`  ... and ${r.notIdentical.length - maxFiles} more`);
  if (r.timings.length) {
    out.push('timings:');
    for (const t of r.timings) out.push(`  ${secs(t.ms).padStart(8)}  ${t.label}`);
  }
  if (r.failures.length) {
    out.push(`FAILED (${r.failures.length}):`);
    for (const f of r.failures) out.push(indent(f, '  '));
  }
  out.push(r.kept ? `kept: ${r.tmp} (go/ is the copy${r.srcSubset ? ', subset/ the tree goshift ran in' : ''}; <stage>.stderr the CLI's output)` : '');
  return out.join('\n').replace(/\n$/, '');
}

// The standard-library round trip, as a library: scripts/roundtrip.ts runs it in full,
// test/roundtrip.test.ts runs a small part of it inside `npm test`.
//
// A copy of GOROOT gets `goshift -t ctx-last -w <pkgs>` (cwd <copy>/src, the module `std`), is built
// and vetted, then gets `goshift -t ctx-first -w <pkgs>`, is built again, and is compared with the
// original GOROOT file by file: every file ctx-last changed should come back byte-identical.
// After each stage a second run of the same transform (`-l --check`) must find nothing left to change.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { cliPath, goEnv } from '../test/support/paths.js';
import { clipLines, deadline, describe, indent, run, type RunResult } from '../test/support/run.js';
import { compareTrees, copyTree, makeTempDir, removeTree, shortDiff } from '../test/support/tree.js';

export const DEFAULT_PKGS = ['net/http/...', 'database/sql/...', 'net/...', 'os/exec/...'];

export type Stage = 'ctx-last' | 'ctx-first';

export interface RoundTripOptions {
  /** The Go installation to copy; default: `go env GOROOT`. */
  goroot?: string;
  /** Package patterns relative to GOROOT/src given to goshift (changes start there; callers anywhere in std follow). */
  pkgs: string[];
  /** `go build std` after each stage. */
  buildStd: boolean;
  /** After which stages to `go vet` the packages holding changed files. */
  vetAfter: Stage[];
  /** Leave the temp dir (the copy and the CLI's logs) in place. */
  keep: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Per goshift run; default 30 minutes. */
  cliTimeoutMs?: number;
  /** Per go command; default 20 minutes. */
  goTimeoutMs?: number;
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
 * updated`), any case, `:` or `=` or nothing, because the wording belongs to the CLI and may still
 * change; null when not found.
 */
export interface Summary {
  signaturesMoved: number | null;
  callSitesUpdated: number | null;
}

export function parseSummary(stderr: string): Summary {
  const num = (patterns: RegExp[]): number | null => {
    for (const re of patterns) {
      const m = re.exec(stderr);
      if (m) return Number(m[1]);
    }
    return null;
  };
  return {
    signaturesMoved: num([/signatures?[ \t]+moved[ \t]*[:=]?[ \t]*(\d+)/i, /(\d+)[ \t]+signatures?[ \t]+moved/i]),
    callSitesUpdated: num([/call[ \t-]*sites?[ \t]+updated[ \t]*[:=]?[ \t]*(\d+)/i, /(\d+)[ \t]+call[ \t-]*sites?[ \t]+updated/i]),
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
}

export interface FileOutcome {
  /** Relative to GOROOT, e.g. src/net/http/server.go. */
  path: string;
  /** Why it did not come back: hunk headers and first changed lines, the CLI's lines about it. */
  why: string[];
}

export interface RoundTripResult {
  goroot: string;
  /** The temp dir holding the copy (`go/`) and the CLI's output (`<stage>.stdout|stderr`); gone unless kept. */
  tmp: string;
  kept: boolean;
  pkgs: string[];
  /** The directories of src goshift ran over, or null for all of src. */
  srcSubset: string[] | null;
  stages: StageResult[];
  /** Files ctx-last changed. */
  changedByLast: string[];
  /** Of those, the ones byte-identical to the original at the end. */
  identical: string[];
  /** Files that differ from the original at the end (changed by ctx-last or not). */
  notIdentical: FileOutcome[];
  /** Builds, vets or CLI runs that failed, and setup problems: each makes the round trip fail. */
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

export async function roundTrip(opts: RoundTripOptions): Promise<RoundTripResult> {
  const started = Date.now();
  const budget = deadline(opts.budgetMs ?? Number.MAX_SAFE_INTEGER / 2);
  const log = opts.log ?? (() => {});
  const goroot = opts.goroot ?? (await findGoroot());
  const failures: string[] = [];
  const stages: StageResult[] = [];
  const tmp = await makeTempDir('goshift-roundtrip-');
  const copy = path.join(tmp, 'go');
  const src = path.join(copy, 'src');
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
  const result = (): RoundTripResult => ({
    goroot, tmp, kept: opts.keep, pkgs: opts.pkgs, srcSubset: subset ?? null, stages, changedByLast, identical, notIdentical, failures,
    ok: failures.length === 0, ms: Date.now() - started,
  });
  let changedByLast: string[] = [];
  let identical: string[] = [];
  let notIdentical: FileOutcome[] = [];
  try {
    const gomod = await fs.readFile(path.join(goroot, 'src', 'go.mod'), 'utf8').catch(() => '');
    if (!/^module std\s*$/m.test(gomod)) {
      failures.push(`${goroot}/src/go.mod does not declare \`module std\`: is ${goroot} a Go installation?`);
      return result();
    }

    // 1. The copy: the whole installation, so its go command, tools and pkg/ work as the original's.
    log(`copying ${goroot} to ${copy}`);
    const cp = await run('cp', ['-a', goroot, copy], { cwd: tmp, timeoutMs: budget.left(10 * 60_000) });
    if (cp.code !== 0) {
      failures.push(`copying GOROOT failed\n${indent(describe(cp))}`);
      return result();
    }
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
    const env = goEnv({ GOROOT: copy, PATH: `${path.join(copy, 'bin')}${path.delimiter}${process.env.PATH ?? ''}` });
    // Guard: the go command must really use the copy, or every build below would check the original.
    const ge = await run('go', ['env', 'GOROOT'], { cwd: src, env, timeoutMs: budget.left(60_000) });
    if (ge.code !== 0 || path.resolve(ge.stdout.trim()) !== path.resolve(copy)) {
      failures.push(`the go command does not use the copied GOROOT (go env GOROOT says ${JSON.stringify(ge.stdout.trim())})\n${indent(describe(ge))}`);
      return result();
    }

    const runStage = async (stage: Stage): Promise<StageResult> => {
      log(`goshift -t ${stage} -w ${opts.pkgs.join(' ')}   (cwd ${workSrc})`);
      const cli = await run(process.execPath, [cliPath(), '-t', stage, '-w', ...opts.pkgs], {
        cwd: workSrc, env, timeoutMs: budget.left(opts.cliTimeoutMs ?? 30 * 60_000),
      });
      await fs.writeFile(path.join(tmp, `${stage}.stdout`), cli.stdout);
      await fs.writeFile(path.join(tmp, `${stage}.stderr`), cli.stderr);
      const summary = parseSummary(cli.stderr);
      log(`  ${cli.code === null ? 'killed' : `exit ${cli.code}`} in ${secs(cli.ms)}; signatures moved: ${summary.signaturesMoved ?? '?'}, call sites updated: ${summary.callSitesUpdated ?? '?'}`);
      // -w without --check exits 0, or 2 on errors; anything else is a failure too.
      if (cli.code !== 0) failures.push(`goshift -t ${stage} -w exited ${cli.code ?? cli.signal ?? 'abnormally'}${cli.timedOut ? ' (timed out)' : ''}\n${indent(describe(cli))}`);
      log('  comparing with the original');
      const differing = (await compareTrees(goroot, work, skip)).map((d) => d.path);
      // The builds run on the full copy: bring the subset's current state there.
      if (subset) for (const d of subset) await copyTree(path.join(workSrc, d), path.join(src, d));
      log(`  ${differing.length} file(s) differ from the original`);
      const st: StageResult = { stage, cli, summary, differing, again: null, notIdempotent: [], checks: [] };
      stages.push(st);
      if (cli.timedOut) return st;
      // Idempotence: the same transform again must find nothing to change (exit 0, no file listed).
      log(`  goshift -t ${stage} -l --check again`);
      const again = await run(process.execPath, [cliPath(), '-t', stage, '-l', '--check', ...opts.pkgs], {
        cwd: workSrc, env, timeoutMs: budget.left(opts.cliTimeoutMs ?? 30 * 60_000),
      });
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

    const checkStage = async (st: StageResult, vetPkgs: string[]): Promise<void> => {
      const go = async (label: string, args: string[]): Promise<void> => {
        log(`  ${label}`);
        const r = await run('go', args, { cwd: src, env, timeoutMs: budget.left(opts.goTimeoutMs ?? 20 * 60_000) });
        log(`    ${r.code === 0 ? 'ok' : 'FAILED'} in ${secs(r.ms)}`);
        st.checks.push({ label, ok: r.code === 0, result: r });
        if (r.code !== 0) failures.push(`after ${st.stage}: ${label} failed\n${indent(describe(r, 60))}`);
      };
      if (opts.buildStd) await go('go build std', ['build', 'std']);
      if (opts.vetAfter.includes(st.stage) && vetPkgs.length) await go(`go vet (${vetPkgs.length} changed package(s))`, ['vet', ...vetPkgs]);
    };

    // 2-3. ctx-last, then build and vet what changed.
    const last = await runStage('ctx-last');
    changedByLast = last.differing;
    if (last.cli.timedOut) return result(); // the rest would time out too
    const lastPkgs = packagesOf(changedByLast);
    await checkStage(last, lastPkgs);

    // 4. ctx-first, then build again (vet what ctx-last changed plus whatever still differs).
    const first = await runStage('ctx-first');
    await checkStage(first, packagesOf([...changedByLast, ...first.differing]));

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

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** The round trip's outcome as text for a terminal or a test log. */
export function formatRoundTrip(r: RoundTripResult, maxFiles = 50): string {
  const out: string[] = [];
  out.push(`goshift std round trip over ${r.goroot} (${r.pkgs.join(' ')}) in ${secs(r.ms)}`
    + (r.srcSubset ? `; goshift saw only src/go.mod and src/{${r.srcSubset.join(',')}}` : ''));
  for (const s of r.stages) {
    out.push(`${s.stage}: ${s.cli.code === null ? 'killed' : `exit ${s.cli.code}`} in ${secs(s.cli.ms)}; `
      + `signatures moved: ${s.summary.signaturesMoved ?? '? (not found in stderr)'}, `
      + `call sites updated: ${s.summary.callSitesUpdated ?? '? (not found in stderr)'}; `
      + `${s.differing.length} file(s) differ from the original`);
    if (s.again) out.push(`  second run: ${s.again.code === 0 && !s.notIdempotent.length ? 'nothing left to change' : `NOT a no-op, ${s.notIdempotent.length} file(s) would change`} (${secs(s.again.ms)})`);
    for (const c of s.checks) out.push(`  ${c.label}: ${c.ok ? 'ok' : 'FAILED'} (${secs(c.result.ms)})`);
  }
  out.push(`round trip: ctx-last changed ${r.changedByLast.length} file(s); ${r.identical.length} came back byte-identical, `
    + `${r.notIdentical.length} file(s) differ from the original at the end`);
  for (const f of r.notIdentical.slice(0, maxFiles)) {
    out.push(`  ${f.path}`);
    for (const w of f.why) out.push(`      ${w}`);
  }
  if (r.notIdentical.length > maxFiles) out.push(`  ... and ${r.notIdentical.length - maxFiles} more`);
  if (r.failures.length) {
    out.push(`FAILED (${r.failures.length}):`);
    for (const f of r.failures) out.push(indent(f, '  '));
  }
  out.push(r.kept ? `kept: ${r.tmp} (go/ is the copy${r.srcSubset ? ', subset/ the tree goshift ran in' : ''}; <stage>.stderr the CLI's output)` : '');
  return out.join('\n').replace(/\n$/, '');
}

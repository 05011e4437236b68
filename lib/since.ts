// --since REV: adopting goshift's check on a large codebase one change at a time, like
// golangci-lint's --new-from-rev. Only what the run would change on lines changed since the git
// revision REV counts (new and untracked files count whole); the rest of the run's changes are
// set aside. What counts is closed over linked sets, so that what is printed or written never
// holds half of a set: a set with one counted edit counts whole, with every file it edits, and
// every set with an edit in a counted file counts too (its file is printed or written whole).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileChange, LeftAlone, Report, SetSummary } from './types.js';

/** --since cannot be honoured: no git repository, no such revision, git missing or failing. Exit 2. */
export class SinceError extends Error {}

/** Lines changed since a revision: per file (real absolute path), 1-based inclusive ranges, or `all` for a new or untracked file. */
export interface ChangedLines {
  rev: string;
  files: Map<string, [number, number][] | 'all'>;
  /** Repository roots (real paths) the lines were taken from. */
  repos: string[];
}

interface Git {
  (cwd: string, args: string[]): Promise<string>;
}

const runGit: Git = (cwd, args) =>
  new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'core.quotePath=false', ...args],
      { cwd, maxBuffer: 1 << 30, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' } },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          reject(code === 'ENOENT' ? new SinceError('--since needs git, which is not installed (or not on PATH)') : Object.assign(err, { stderr: String(stderr) }));
        } else resolve(stdout);
      },
    );
  });

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** The root of the git work tree holding `dir` (real path), or null when it is in none. */
async function repoOf(dir: string, git: Git): Promise<string | null> {
  try {
    const top = (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
    return top === '' ? null : realpathOr(top);
  } catch (e) {
    if (e instanceof SinceError) throw e;
    return null;
  }
}

/**
 * The lines changed since `rev` in the repositories holding `dirs` (at least one): tracked files
 * as `git diff REV` sees them (the work tree against REV: commits since, staged and unstaged
 * changes; renames followed, so a moved file counts only its changed lines) and untracked files
 * that .gitignore does not ignore, whole. Throws SinceError when a directory is in no git
 * repository or the revision is not one of its repository's.
 */
export async function changedSince(rev: string, dirs: string[], rel: (abs: string) => string = (a) => a, git: Git = runGit): Promise<ChangedLines> {
  if (rev.trim() === '') throw new SinceError('--since needs a git revision (a commit, branch or tag, e.g. origin/main)');
  if (rev.startsWith('-')) throw new SinceError(`--since ${rev}: not a revision`);
  const repos = new Map<string, string>();
  for (const d of [...new Set(dirs)]) {
    const top = await repoOf(d, git);
    if (top === null) throw new SinceError(`--since ${rev}: ${rel(d)} is not in a git repository, so there are no changed lines to go by`);
    if (!repos.has(top)) repos.set(top, d);
  }
  const files = new Map<string, [number, number][] | 'all'>();
  for (const top of [...repos.keys()].sort()) {
    try {
      await git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
    } catch (e) {
      if (e instanceof SinceError) throw e;
      throw new SinceError(`--since ${rev}: no such revision in the git repository ${top}`);
    }
    let diff: string;
    let untracked: string;
    try {
      diff = await git(top, ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--ignore-submodules', '-M', '-U0', '--src-prefix=a/', '--dst-prefix=b/', rev, '--']);
      untracked = await git(top, ['ls-files', '-z', '--others', '--exclude-standard']);
    } catch (e) {
      if (e instanceof SinceError) throw e;
      const msg = String((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n')[0];
      throw new SinceError(`--since ${rev}: git diff failed in ${rel(top)}: ${msg}`);
    }
    for (const [file, ranges] of parseDiff(diff)) files.set(path.join(top, file), ranges);
    for (const f of untracked.split('\0')) if (f !== '') files.set(path.join(top, f), 'all');
  }
  return { rev, files, repos: [...repos.keys()].sort() };
}

/** Unquotes a path as git writes it when it has unusual characters: `"a\tb\303\251"`. */
export function unquoteGitPath(s: string): string {
  if (!s.startsWith('"') || !s.endsWith('"') || s.length < 2) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[i + 1];
    if (n !== undefined && /[0-7]/.test(n)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      bytes.push(parseInt(oct, 8));
      i += oct.length;
    } else if (n !== undefined && n in simple) {
      bytes.push(simple[n]);
      i++;
    } else {
      bytes.push(92);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The new-side line ranges of each file in a `git diff -U0` patch (paths as in the `+++ b/...`
 * line, relative to the repository root). A hunk that only deletes lines adds no range: nothing
 * of the file as it is now was written there.
 */
export function parseDiff(patch: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  let cur: [number, number][] | null = null;
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      cur = null;
    } else if (line.startsWith('+++ ')) {
      const p = unquoteGitPath(line.slice(4).replace(/\t$/, ''));
      if (p === '/dev/null') {
        cur = null;
        continue;
      }
      const file = p.startsWith('b/') ? p.slice(2) : p;
      cur = out.get(file) ?? [];
      out.set(file, cur);
    } else if (line.startsWith('@@') && cur) {
      const m = /^@@+ (?:-\d+(?:,\d+)? )+\+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      if (count > 0) cur.push([start, start + count - 1]);
    }
  }
  return out;
}

/** Whether line `line` of the file at `abs` changed since the revision. */
export function lineChanged(changed: ChangedLines, abs: string, line: number): boolean {
  let r = changed.files.get(abs);
  if (r === undefined) {
    const real = realpathOr(abs);
    r = changed.files.get(real);
    if (r === undefined) {
      // Paths are keyed by repository root + path, the root a real path: resolve the directory only.
      r = changed.files.get(path.join(realpathOr(path.dirname(abs)), path.basename(abs)));
    }
  }
  if (r === undefined) return false;
  if (r === 'all') return true;
  return r.some(([a, b]) => line >= a && line <= b);
}

export interface SinceSelection {
  /** The changes that count, with every change their linked sets need. */
  changes: FileChange[];
  sets: SetSummary[];
  /** Left-alone places on changed lines (the entry's line or one of its members'). */
  leftAlone: LeftAlone[];
  /** What was set aside. */
  setAside: { files: number; leftAlone: number };
}

/**
 * What counts of a run's changes and left-alone places under --since. `at(file, line)` says
 * whether a place is on a changed line (`file` as in notes and reports: relative to the run's
 * directory; FileChange's absolute path is tried through `abs`).
 */
export function selectSince(
  run: { changes: FileChange[]; sets?: SetSummary[]; leftAlone: LeftAlone[] },
  at: (abs: string, line: number) => boolean,
  cwd: string,
): SinceSelection {
  const byRel = new Map(run.changes.map((c) => [c.file.rel, c]));
  const sets = run.sets ?? [];
  const setById = new Map(sets.map((s) => [s.id, s]));
  const files = new Set<string>();
  const counted = new Set<string>();
  // Seeds: files with an edit on a changed line, and the sets those edits belong to.
  for (const c of run.changes) {
    for (const n of c.notes ?? []) {
      if (!at(c.file.abs, n.line)) continue;
      files.add(c.file.rel);
      if (n.set) counted.add(n.set);
    }
  }
  // Closure: a counted set's files count; a counted file's sets count.
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of counted) {
      for (const f of setById.get(id)?.files ?? []) {
        if (byRel.has(f) && !files.has(f)) {
          files.add(f);
          changed = true;
        }
      }
    }
    for (const f of files) {
      for (const n of byRel.get(f)?.notes ?? []) {
        if (n.set && !counted.has(n.set)) {
          counted.add(n.set);
          changed = true;
        }
      }
    }
  }
  const abs = (rel: string) => path.resolve(cwd, rel);
  const leftAlone = run.leftAlone.filter((l) => at(abs(l.file), l.line) || (l.members ?? []).some((m) => at(abs(m.file), m.line)));
  const changes = run.changes.filter((c) => files.has(c.file.rel));
  return {
    changes,
    sets: sets.filter((s) => counted.has(s.id)),
    leftAlone,
    setAside: { files: run.changes.length - changes.length, leftAlone: run.leftAlone.length - leftAlone.length },
  };
}

/** The summary's line about --since. */
export function sinceNote(rev: string, sel: SinceSelection, total: { files: number; leftAlone: number }): string {
  const n = (k: number, one: string, many = one + 's') => `${k} ${k === 1 ? one : many}`;
  return `--since ${rev}: only changes on lines changed since ${rev} count (with what their linked sets need): ` +
    `${sel.changes.length} of ${n(total.files, 'changed file')}, ${sel.leftAlone.length} of ${n(total.leftAlone, 'place')} left alone; ` +
    `the other counts are the whole run's`;
}

/**
 * A run's changes and report under --since: the changes that count (see selectSince), the
 * left-alone places on changed lines, the files changed and the exported API kept counted from
 * those, and a note saying what was set aside.
 */
export function applySince(changed: ChangedLines, run: { changes: FileChange[]; sets?: SetSummary[]; report: Report }, cwd: string): { changes: FileChange[]; sets: SetSummary[]; report: Report } {
  const sel = selectSince({ changes: run.changes, sets: run.sets, leftAlone: run.report.leftAlone }, (abs, line) => lineChanged(changed, abs, line), cwd);
  const report: Report = {
    ...run.report,
    filesChanged: sel.changes.length,
    leftAlone: sel.leftAlone,
    notes: [...(run.report.notes ?? []), sinceNote(changed.rev, sel, { files: run.changes.length, leftAlone: run.report.leftAlone.length })],
  };
  if (run.report.apiKept !== undefined) report.apiKept = sel.leftAlone.filter((l) => l.reason.includes('exported API (--api keep)')).length;
  return { changes: sel.changes, sets: sel.sets, report };
}

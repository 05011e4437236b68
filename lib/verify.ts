// --verify: does the code still build and vet after the rewrite? Runs `go build ./...` and
// `go vet ./...` for each GOOS asked for, on the tree before and after the rewrite, and reports
// only what the rewrite broke: diagnostics present after and not before, matched by file, place
// and message, with line numbers mapped through the diff where lines moved.
//
// The user's tree is never touched: the other version of every changed file (the new text in a
// dry run; the original after -w) is handed to go through `-overlay` (Go's own mechanism for
// unsaved editor buffers), from a temporary directory removed afterwards. So a go.work, local
// replaces and nested modules are seen exactly as they are, and nothing is copied.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, realpath, rm, writeFile, mkdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { structuredPatch } from 'diff';
import type { GoModule, Workspace } from './types.js';

/** A changed file as verify needs it (a FileChange is one). */
export interface VerifyChange {
  file: { abs: string; rel: string; dir: string; importPath: string; module: GoModule };
  before: Buffer;
  after: string;
  encoding: 'utf8' | 'latin1';
}

export interface VerifyOptions {
  ws: Pick<Workspace, 'cwd' | 'modules' | 'parts' | 'files'>;
  /** The files the rewrite changes (dry run) or changed (-w: only those written). */
  changes: VerifyChange[];
  /** True with -w: the tree holds the new text and the original is what is overlaid. */
  written: boolean;
  /** GOOS values to check; default: the host's (`go env GOOS`). */
  goos?: string[];
  /** Environment of the go commands (default: process.env); its PATH is where `go` is looked for. */
  env?: NodeJS.ProcessEnv;
  /** Called before each go command, e.g. to show progress. */
  onCommand?: (what: string) => void;
}

export type GoCommand = 'go build' | 'go vet';

export interface VerifyDiagnostic {
  /** Relative to the directory goshift ran in, forward slashes; null for a message tied to no file. */
  file: string | null;
  /** In the file as the rewrite leaves it. */
  line: number | null;
  column: number | null;
  message: string;
  /** The commands and GOOS values that report it, sorted. */
  commands: GoCommand[];
  goos: string[];
  /** goshift changed this file. */
  changed: boolean;
  /** For a file goshift did not change: the changed files of its package, else every changed file (at most 5). */
  related: string[];
  /** The package (or, without a file, the module) passed the same command before the rewrite. */
  passedBefore: boolean;
}

export interface VerifyResult {
  /** No go on PATH (or it could not be run): the reason; nothing was checked. */
  noToolchain?: string;
  /** A problem running the check itself (e.g. an unknown GOOS): nothing was checked. */
  error?: string;
  goVersion: string | null;
  goos: string[];
  /** Directories the commands ran in, relative to the run's directory. */
  dirs: string[];
  /** New diagnostics where the package passed before: the rewrite broke it. */
  broken: VerifyDiagnostic[];
  /** New diagnostics in packages that already failed the same command before. */
  alsoNew: VerifyDiagnostic[];
  /** Commands that failed before the rewrite (`go vet in shop (GOOS=windows)`), with their first problem. */
  failedBefore: string[];
  /** Diagnostics present before and gone after. */
  fixed: number;
  /** How many go commands ran (0: nothing changes, nothing to check). */
  commands: number;
}

interface Target {
  /** Absolute directory the commands run in. */
  dir: string;
  patterns: string[];
  env: Record<string, string>;
}

interface RawDiag {
  abs: string | null;
  line: number | null;
  column: number | null;
  message: string;
  /** Import path from the `# pkg` header it came under. */
  header: string | null;
}

interface CmdOutput {
  code: number | null;
  text: string;
  spawnError?: NodeJS.ErrnoException;
}

function runGo(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CmdOutput> {
  return new Promise((resolve) => {
    execFile('go', args, { cwd, env: { ...env, PWD: cwd }, maxBuffer: 256 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (e && typeof e.code === 'string') resolve({ code: null, text: '', spawnError: e });
      else resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, text: stdout + stderr });
    });
  });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const toSlash = (p: string) => p.split(path.sep).join('/');

/** Line regions of a changed file: unchanged lines map to their line before; changed ones to their hunk. */
class LineMap {
  private hunks: { os: number; ol: number; ns: number; nl: number }[];
  constructor(before: string, after: string) {
    const p = structuredPatch('a', 'b', before, after, undefined, undefined, { context: 0 });
    this.hunks = p.hunks.map((h) => ({ os: h.oldStart, ol: h.oldLines, ns: h.newStart, nl: h.newLines }));
  }
  /** The region of a line: `L<n>` (n: its line before) or `H<i>` (inside the i-th changed hunk). */
  region(line: number, side: 'before' | 'after'): string {
    let shift = 0; // before = after + shift
    for (let i = 0; i < this.hunks.length; i++) {
      const h = this.hunks[i];
      const start = side === 'before' ? h.os : h.ns;
      const len = side === 'before' ? h.ol : h.nl;
      // A range of length 0 starts after the line named (unified diff convention).
      const first = len === 0 ? start + 1 : start;
      if (line < first) break;
      if (line < first + len) return `H${i}`;
      shift += h.ol - h.nl;
    }
    return `L${side === 'before' ? line : line + shift}`;
  }
}

const DIAG = /^(.*?\.(?:go|s|c|h|mod|work|tmpl)):(\d+)(?::(\d+))?: (.*)$/;

/** Parses the combined output of go build / go vet. Paths are resolved against cwd; overlay files renamed back. */
function parseOutput(text: string, cwd: string, rename: Map<string, string>): RawDiag[] {
  const out: RawDiag[] = [];
  let header: string | null = null;
  for (let raw of text.split('\n')) {
    raw = raw.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const h = /^# (?:\[)?([^\s\]]+)/.exec(raw);
    if (h) {
      header = h[1];
      continue;
    }
    if (/^\s/.test(raw) && out.length > 0) {
      // A continuation (have/want, other declaration at ...).
      out[out.length - 1].message += '\n' + raw.trim();
      continue;
    }
    const line = raw.replace(/^vet: /, '');
    const m = DIAG.exec(line);
    if (m) {
      let abs = path.resolve(cwd, m[1]);
      abs = rename.get(abs) ?? abs;
      out.push({ abs, line: Number(m[2]), column: m[3] ? Number(m[3]) : null, message: m[4], header });
    } else {
      out.push({ abs: null, line: null, column: null, message: line, header });
    }
  }
  return out;
}

/** The targets to run go in: every module of each build (part) that holds a changed file. */
function targets(ws: VerifyOptions['ws'], changes: VerifyChange[]): Target[] {
  const changedRoots = new Set(changes.map((c) => c.file.module.root));
  let roots: string[];
  if (ws.parts && ws.parts.length > 1) roots = ws.parts.filter((p) => p.some((r) => changedRoots.has(r))).flat();
  else roots = ws.modules.map((m) => m.root);
  const out: Target[] = [];
  for (const root of [...new Set(roots)].sort(cmp)) {
    const mod = ws.modules.find((m) => m.root === root);
    if (mod && mod.path === '') {
      // GOPATH mode: root is a GOPATH's src; check below the common directory of the files in scope.
      const dirs = ws.files.filter((f) => f.module.root === root).map((f) => f.dir);
      if (dirs.length === 0) continue;
      let common = dirs[0];
      for (const d of dirs) while (common !== root && !(d + path.sep).startsWith(common + path.sep)) common = path.dirname(common);
      const rel = toSlash(path.relative(root, common));
      out.push({ dir: root, patterns: [rel === '' ? './...' : `./${rel}/...`], env: { GO111MODULE: 'off', GOPATH: path.dirname(root) } });
    } else {
      out.push({ dir: root, patterns: ['./...'], env: {} });
    }
  }
  return out;
}

/** Runs the check. Never throws for what go reports; a missing toolchain is a result, not an exception. */
export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env) };
  const res: VerifyResult = { goVersion: null, goos: [], dirs: [], broken: [], alsoNew: [], failedBefore: [], fixed: 0, commands: 0 };
  const ver = await runGo(['version'], opts.ws.cwd, env);
  if (ver.spawnError) {
    res.noToolchain = ver.spawnError.code === 'ENOENT' ? 'no Go toolchain: `go` is not on PATH' : `cannot run go: ${ver.spawnError.message}`;
    return res;
  }
  if (ver.code !== 0) {
    res.noToolchain = `go version failed: ${ver.text.trim().split('\n')[0] ?? ''}`;
    return res;
  }
  res.goVersion = ver.text.trim();

  // GOOS values, each with a GOARCH go supports for it (the host's when it can).
  const hostEnv = await runGo(['env', 'GOOS', 'GOARCH'], opts.ws.cwd, env);
  const [hostOs, hostArch] = hostEnv.text.trim().split('\n');
  const goos = opts.goos && opts.goos.length > 0 ? [...new Set(opts.goos)] : [hostOs];
  res.goos = goos;
  const archOf = new Map<string, string>();
  const list = await runGo(['tool', 'dist', 'list'], opts.ws.cwd, env);
  const pairs = list.code === 0 ? list.text.trim().split('\n').map((l) => l.trim().split('/')) : [];
  for (const g of goos) {
    if (pairs.length === 0) archOf.set(g, hostArch);
    else if (pairs.some(([o, a]) => o === g && a === hostArch)) archOf.set(g, hostArch);
    else {
      const any = pairs.find(([o]) => o === g);
      if (!any) {
        res.error = `unknown GOOS ${JSON.stringify(g)}; go supports ${[...new Set(pairs.map(([o]) => o))].join(', ')}`;
        return res;
      }
      archOf.set(g, any[1]);
    }
  }

  const tgs = targets(opts.ws, opts.changes);
  res.dirs = tgs.map((t) => toSlash(path.relative(opts.ws.cwd, t.dir)) || '.');
  if (opts.changes.length === 0 || tgs.length === 0) return res;

  // A module under a go.work that does not use it: go refuses to build it there; check it alone.
  for (const t of tgs) {
    if (t.env.GO111MODULE === 'off') continue;
    const l = await runGo(['list', '-f', '{{.ImportPath}}', ...t.patterns], t.dir, { ...env, ...t.env });
    if (l.code !== 0 && /go\.work/.test(l.text)) t.env.GOWORK = 'off';
  }

  // The overlay: the version of each changed file that is not on disk.
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'goshift-verify-'));
  // Interrupted while go runs: remove the temporary directory, then die of the signal as usual.
  const onSignal = (sig: NodeJS.Signals) => {
    rmSync(tmp, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.kill(process.pid, sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const replace: Record<string, string> = {};
    const rename = new Map<string, string>();
    const maps = new Map<string, LineMap>();
    const changedRel = new Map<string, VerifyChange>();
    for (let i = 0; i < opts.changes.length; i++) {
      const c = opts.changes[i];
      const d = path.join(tmp, String(i));
      await mkdir(d);
      const f = path.join(d, path.basename(c.file.abs));
      await writeFile(f, opts.written ? c.before : Buffer.from(c.after, c.encoding));
      replace[c.file.abs] = f;
      const real = await realpath(c.file.abs).catch(() => c.file.abs);
      if (real !== c.file.abs) {
        replace[real] = f;
        rename.set(real, c.file.abs);
      }
      rename.set(f, c.file.abs);
      maps.set(c.file.abs, new LineMap(c.before.toString(c.encoding), c.after));
      changedRel.set(toSlash(path.relative(opts.ws.cwd, c.file.abs)), c);
    }
    const overlay = path.join(tmp, 'overlay.json');
    await writeFile(overlay, JSON.stringify({ Replace: replace }));

    // Package directories by import path, to place a `# pkg` header's messages that name no file.
    const dirsOf = new Map<string, Set<string>>();
    for (const f of opts.ws.files) {
      const s = dirsOf.get(f.importPath) ?? new Set<string>();
      s.add(f.dir);
      dirsOf.set(f.importPath, s);
    }
    const relOf = (abs: string) => toSlash(path.relative(opts.ws.cwd, abs));
    const norm = (message: string, side: 'before' | 'after', cwd: string) =>
      // Places named inside a message (other declaration at x.go:12:3) are mapped like the diagnostic's.
      message.replace(/(\S+\.go):(\d+)(?::\d+)?/g, (_all, p: string, l: string) => {
        let abs = path.resolve(cwd, p);
        abs = rename.get(abs) ?? abs;
        const m = maps.get(abs);
        return `${relOf(abs)}:${m ? m.region(Number(l), side) : 'L' + l}`;
      });

    interface Seen { key: string; diag: RawDiag; cmd: GoCommand; goos: string; target: Target }
    const before = new Map<string, Seen>();
    const after: Seen[] = [];
    const failedBefore = new Set<string>(); // cmd|goos|pkgdir, or cmd|goos|target:dir
    for (const t of tgs) {
      for (const g of goos) {
        for (const cmd of ['go build', 'go vet'] as GoCommand[]) {
          const sub = cmd === 'go build' ? 'build' : 'vet';
          const cenv = { ...env, ...t.env, GOOS: g, GOARCH: archOf.get(g)! };
          for (const side of ['before', 'after'] as const) {
            const useOverlay = opts.written ? side === 'before' : side === 'after';
            const args = [sub, ...(useOverlay ? [`-overlay=${overlay}`] : []), ...t.patterns];
            opts.onCommand?.(`${cmd} ${t.patterns.join(' ')} in ${relOf(t.dir) || '.'} (GOOS=${g}, ${side} the rewrite)`);
            const r = await runGo(args, t.dir, cenv);
            res.commands++;
            if (r.spawnError) {
              res.noToolchain = `cannot run go: ${r.spawnError.message}`;
              return res;
            }
            const diags = r.code === 0 ? [] : parseOutput(r.text, t.dir, rename);
            for (const d of diags) {
              const m = d.abs ? maps.get(d.abs) : undefined;
              const where = d.abs ? `${relOf(d.abs)}:${d.line === null ? '' : m ? m.region(d.line, side) : 'L' + d.line}` : `-`;
              const key = `${where}\u0000${norm(d.message, side, t.dir)}`;
              if (side === 'before') {
                before.set(`${cmd}|${g}|${key}`, { key, diag: d, cmd, goos: g, target: t });
                if (d.abs) failedBefore.add(`${cmd}|${g}|${path.dirname(d.abs)}`);
                if (d.header) for (const dir of dirsOf.get(d.header.replace(/(_test|\.test)$/, '')) ?? []) failedBefore.add(`${cmd}|${g}|${dir}`);
              } else after.push({ key, diag: d, cmd, goos: g, target: t });
            }
            if (side === 'before' && r.code !== 0) {
              failedBefore.add(`${cmd}|${g}|target:${t.dir}`);
              const first = diags.find((d) => d.abs) ?? diags[0];
              const firstText = first ? (first.abs ? `${relOf(first.abs)}:${first.line}: ${first.message.split('\n')[0]}` : first.message) : r.text.trim().split('\n')[0];
              res.failedBefore.push(`${cmd} ${t.patterns.join(' ')} in ${relOf(t.dir) || '.'} (GOOS=${g}): ${firstText}`);
            }
          }
        }
      }
    }

    // New after the rewrite: grouped over commands and GOOS values.
    const afterKeys = new Set(after.map((a) => `${a.cmd}|${a.goos}|${a.key}`));
    res.fixed = [...before.keys()].filter((k) => !afterKeys.has(k)).length;
    const merged = new Map<string, VerifyDiagnostic>();
    const changedDirs = new Map<string, string[]>();
    for (const [rel, c] of changedRel) {
      const l = changedDirs.get(c.file.dir) ?? [];
      l.push(rel);
      changedDirs.set(c.file.dir, l);
    }
    const allChanged = [...changedRel.keys()].sort(cmp);
    for (const a of after) {
      if (before.has(`${a.cmd}|${a.goos}|${a.key}`)) continue;
      const d = a.diag;
      const passed = d.abs ? !failedBefore.has(`${a.cmd}|${a.goos}|${path.dirname(d.abs)}`) : !failedBefore.has(`${a.cmd}|${a.goos}|target:${a.target.dir}`);
      const file = d.abs ? relOf(d.abs) : null;
      const message = d.message.replace(/^vet: /, '');
      const id = `${file}\u0000${d.line}\u0000${d.column}\u0000${message}\u0000${passed}`;
      let v = merged.get(id);
      if (!v) {
        const changed = file !== null && changedRel.has(file);
        const related = changed || !d.abs ? [] : (changedDirs.get(path.dirname(d.abs)) ?? allChanged).slice().sort(cmp).slice(0, 5);
        v = { file, line: d.line, column: d.column, message, commands: [], goos: [], changed, related, passedBefore: passed };
        merged.set(id, v);
      }
      if (!v.commands.includes(a.cmd)) v.commands.push(a.cmd);
      if (!v.goos.includes(a.goos)) v.goos.push(a.goos);
    }
    const order = (x: VerifyDiagnostic, y: VerifyDiagnostic) =>
      cmp(x.file ?? '', y.file ?? '') || (x.line ?? 0) - (y.line ?? 0) || (x.column ?? 0) - (y.column ?? 0) || cmp(x.message, y.message);
    for (const v of merged.values()) {
      v.commands.sort(cmp);
      v.goos.sort((p, q) => goos.indexOf(p) - goos.indexOf(q));
      (v.passedBefore ? res.broken : res.alsoNew).push(v);
    }
    res.broken.sort(order);
    res.alsoNew.sort(order);
    return res;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rm(tmp, { recursive: true, force: true });
  }
}

/** 2 when the check could not run or the rewrite broke something that passed before; else 0. */
export function verifyExitCode(r: VerifyResult): 0 | 2 {
  return r.noToolchain || r.error || r.broken.length > 0 ? 2 : 0;
}

function formatDiag(d: VerifyDiagnostic): string[] {
  const place = d.file === null ? 'goshift' : `${d.file}${d.line !== null ? ':' + d.line : ''}${d.column !== null ? ':' + d.column : ''}`;
  const [first, ...rest] = d.message.split('\n');
  const how = `${d.commands.join(', ')}; GOOS=${d.goos.join(',')}`;
  const lines = [`${place}: ${first} (${how})`];
  for (const r of rest) lines.push(`\t${r}`);
  if (d.file !== null && !d.changed) {
    lines.push(`\tgoshift did not change ${d.file}; it changed ${d.related.join(', ')}${d.related.length === 5 ? ', …' : ''}`);
  }
  return lines;
}

/** The lines for stderr. With quiet, only problems. */
export function formatVerify(r: VerifyResult, opts: { quiet?: boolean } = {}): string[] {
  if (r.noToolchain) return [`goshift: --verify: ${r.noToolchain}; cannot check that the code still builds`];
  if (r.error) return [`goshift: --verify: ${r.error}`];
  const out: string[] = [];
  if (r.commands === 0) return opts.quiet ? [] : ['goshift: --verify: nothing changes, so nothing to check'];
  const where = `GOOS=${r.goos.join(',')}; in ${r.dirs.length === 1 ? r.dirs[0] : `${r.dirs.length} modules: ${r.dirs.join(', ')}`}`;
  if (r.broken.length > 0) {
    out.push(`goshift: --verify: the rewrite breaks the build: ${r.broken.length} new problem${r.broken.length === 1 ? '' : 's'} from go build / go vet (${where}); lines are those of the rewritten files:`);
    for (const d of r.broken) out.push(...formatDiag(d));
  } else if (!opts.quiet) {
    out.push(`goshift: --verify: go build and go vet find nothing new after the rewrite (${where})`);
  }
  if (r.alsoNew.length > 0 && (!opts.quiet || r.broken.length > 0)) {
    out.push(`goshift: --verify: ${r.alsoNew.length} new problem${r.alsoNew.length === 1 ? '' : 's'} in packages that did not pass before the rewrite either:`);
    for (const d of r.alsoNew) out.push(...formatDiag(d));
  }
  if (r.failedBefore.length > 0 && !opts.quiet) {
    out.push(`goshift: --verify: note: ${r.failedBefore.length} check${r.failedBefore.length === 1 ? '' : 's'} failed before the rewrite too; only new problems count:`);
    for (const f of r.failedBefore.slice(0, 10)) out.push(`  ${f}`);
    if (r.failedBefore.length > 10) out.push(`  ... and ${r.failedBefore.length - 10} more`);
  }
  return out;
}

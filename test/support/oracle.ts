// The type-checked oracle (test/oracle/, a Go program): build it once, run it on a BEFORE/AFTER pair.
//
//   const r = await runOracle(beforeDir, afterDir);   // r.code 0 ok, 1 broken relations, 2 load error
//   r.broken: one line per broken relation, `file:line:col: <relation>: <before> → <after>`
//
// The binary is built with `go build` into the temp dir, named after a hash of the oracle's sources,
// so every test file (AVA runs them in separate workers) and every later run reuses it until the
// sources change.
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goEnv, repoRoot } from './paths.js';
import { describe, run, type RunResult } from './run.js';

/** The oracle's Go sources. */
export const oracleSrc = path.join(repoRoot, 'test', 'oracle');

let built: Promise<string> | null = null;

/** Builds the oracle (once per process, and only when its sources changed); resolves to the binary's path. */
export function buildOracle(): Promise<string> {
  built ??= (async () => {
    const names = (await fs.readdir(oracleSrc)).filter((n) => n.endsWith('.go') || n === 'go.mod').sort();
    const h = createHash('sha256');
    for (const n of names) h.update(n).update('\0').update(await fs.readFile(path.join(oracleSrc, n))).update('\0');
    const dir = path.join(os.tmpdir(), `goshift-oracle-${h.digest('hex').slice(0, 16)}`);
    const bin = path.join(dir, process.platform === 'win32' ? 'oracle.exe' : 'oracle');
    if (existsSync(bin)) return bin;
    await fs.mkdir(dir, { recursive: true });
    // Build under a unique name, then rename: another worker may be building the same binary.
    const tmp = `${bin}.${process.pid}.${Date.now()}`;
    const r = await run('go', ['build', '-o', tmp, '.'], { cwd: oracleSrc, env: goEnv(), timeoutMs: 5 * 60_000 });
    if (r.code !== 0) {
      built = null;
      throw new Error(`building the oracle failed\n${describe(r)}`);
    }
    await fs.rename(tmp, bin);
    return bin;
  })();
  return built;
}

export interface OracleOptions {
  /** GOOS values (default: the oracle's own, linux,windows,darwin). */
  goos?: string[];
  /** Build tags for go list (comma-separated in one string, as go takes them). */
  tags?: string;
  /** Check only these packages (and their tests) instead of ./... */
  pkgs?: string[];
  /** Run go list in this subdirectory of AFTER (relative): a module or GOPATH tree below the roots. */
  dir?: string;
  /** Extra environment for the go commands it runs (e.g. GOROOT of a copied installation, or GO111MODULE=off GOPATH=…). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface OracleResult {
  /** 0: every relation holds; 1: some are broken; 2: bad usage or the trees could not be loaded; null: killed. */
  code: number | null;
  /** The broken relations, one line each. */
  broken: string[];
  /** The last line, `oracle: N packages, M relations checked, K broken` (empty when it did not get that far). */
  summary: string;
  run: RunResult;
}

/** Runs the oracle on BEFORE and AFTER (go list runs in AFTER, or AFTER/dir). */
export async function runOracle(before: string, after: string, opts: OracleOptions = {}): Promise<OracleResult> {
  const bin = await buildOracle();
  const args: string[] = [];
  if (opts.goos) args.push('-goos', opts.goos.join(','));
  if (opts.tags) args.push('-tags', opts.tags);
  if (opts.pkgs) args.push('-pkgs', opts.pkgs.join(','));
  if (opts.dir) args.push('-dir', opts.dir);
  args.push(path.resolve(before), path.resolve(after));
  const r = await run(bin, args, { cwd: after, env: goEnv(opts.env ?? {}), timeoutMs: opts.timeoutMs ?? 5 * 60_000 });
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  const summary = lines.length && lines[lines.length - 1].startsWith('oracle: ') ? lines[lines.length - 1] : '';
  return { code: r.code, broken: lines.filter((l) => l !== summary), summary, run: r };
}

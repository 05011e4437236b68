// Run a command with a timeout and collect its output; never throws for a non-zero exit.
import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes or text written to stdin (stdin is closed at once when absent). */
  input?: string | Buffer;
  /** Kill the whole process group after this long (default 5 minutes). */
  timeoutMs?: number;
}

export interface RunResult {
  cmd: string;
  args: string[];
  cwd: string;
  /** Exit code, or null when killed by a signal (or when it could not be started). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started at all (ENOENT, ...). */
  spawnError?: string;
  ms: number;
}

/** Process-group ids of the children run() started that have not finished yet. */
const running = new Set<number>();

/**
 * Kills (SIGKILL) the process groups of the commands run() started that are still running: for a script's
 * SIGINT handler, since detached children do not get the terminal's Ctrl-C.
 */
export function killRunning(): void {
  for (const pid of running) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  running.clear();
}

/**
 * A time budget shared by several commands: `left(max)` is the timeout for the next one, at most max
 * and never past the deadline (at least 1 s, so a late command fails fast as timed out).
 * Tests need this: when AVA's own timeout ends a test file, the commands it started keep running
 * (no exit hook runs in its workers), so our timeouts have to fire first.
 */
export function deadline(totalMs: number): { left(maxMs: number): number } {
  const end = Date.now() + totalMs;
  return { left: (maxMs) => Math.max(1000, Math.min(maxMs, end - Date.now())) };
}

export function run(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 5 * 60_000;
  return new Promise((resolve) => {
    // detached: the child leads its own process group, so a timeout also ends what it started
    // (go test runs test binaries, go vet runs vet tools).
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let spawnError: string | undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => { /* the child may exit without reading its input */ });
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }, timeoutMs);
    if (child.pid !== undefined) running.add(child.pid);
    child.on('error', (e) => { spawnError = e.message; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      resolve({
        cmd, args, cwd: opts.cwd, code, signal, timedOut, spawnError,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Date.now() - started,
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Keep the last `max` lines of a text (for failure messages). */
export function tail(text: string, max = 40): string {
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.length <= max) return lines.join('\n');
  return [`... (${lines.length - max} earlier lines cut)`, ...lines.slice(-max)].join('\n');
}

/** Keep the first `max` lines of a text (for failure messages). */
export function head(text: string, max = 40): string {
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.length <= max) return lines.join('\n');
  return [...lines.slice(0, max), `... (${lines.length - max} more lines cut)`].join('\n');
}

/** One readable paragraph about a finished command: what ran, where, how it ended, its output. */
export function describe(r: RunResult, lines = 40): string {
  const how = r.spawnError ? `could not start: ${r.spawnError}`
    : r.timedOut ? `timed out after ${r.ms} ms`
    : r.signal ? `killed by ${r.signal}`
    : `exit ${r.code}`;
  const parts = [`$ ${[r.cmd, ...r.args].map(quote).join(' ')}   (cwd ${r.cwd}; ${how})`];
  if (r.stdout.trim()) parts.push(`stdout:\n${indent(clipLines(head(r.stdout, lines)))}`);
  if (r.stderr.trim()) parts.push(`stderr:\n${indent(clipLines(tail(r.stderr, lines)))}`);
  return parts.join('\n');
}

/** Cuts every line longer than max characters (some reports put a whole list on one line). */
export function clipLines(text: string, max = 400): string {
  return text.split('\n').map((l) => (l.length <= max ? l : `${l.slice(0, max)} ... (${l.length - max} more characters)`)).join('\n');
}

export function indent(text: string, by = '    '): string {
  return text.split('\n').map((l) => (l ? by + l : l)).join('\n');
}

function quote(a: string): string {
  return /^[\w@%+=:,./*-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

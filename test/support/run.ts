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
    child.on('error', (e) => { spawnError = e.message; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
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
  if (r.stdout.trim()) parts.push(`stdout:\n${indent(head(r.stdout, lines))}`);
  if (r.stderr.trim()) parts.push(`stderr:\n${indent(tail(r.stderr, lines))}`);
  return parts.join('\n');
}

export function indent(text: string, by = '    '): string {
  return text.split('\n').map((l) => (l ? by + l : l)).join('\n');
}

function quote(a: string): string {
  return /^[\w@%+=:,./*-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

// The edit stage's last guard — every rewritten file must still parse — run on another core.
//
// By the time a file's text is final, the main thread still has other files to rewrite: a worker
// thread parses the final texts meanwhile, and frees each tree soon after (a worker's heap is small,
// so collecting it is cheap; the main thread's trees of these texts were garbage that V8, not
// knowing their native size, kept until the end of the run). What a text's check says never depends
// on where it ran: the same syntaxErrorOf runs in the worker or, for a text the worker has not
// taken yet when its answer is asked (or when there is no worker), on this thread.
import { Worker } from 'node:worker_threads';
import { envNumber } from './factstore.js';
import { treeCollector } from './gc.js';
import { syntaxErrorOf } from './source.js';

export type SyntaxErr = { line: number; column: number; message: string } | undefined;

/** What the worker is sent and replies. */
export interface CheckRequest {
  id: number;
  text: string;
  /** Shared with this thread: whoever first turns its 0 into its own mark parses the text (1: the worker, 2: this thread). */
  claim: Int32Array;
}
export type CheckReply = { id: number; bad: SyntaxErr } | { id: number; skipped: true };
/** Tells the worker to stop once it has read every message before this one (a literal: the worker imports nothing of this module). */
export type StopMessage = 'stop';
const STOP: StopMessage = 'stop';
/** How long stop() waits for the worker to end. */
const STOP_WAIT_MS = 10_000;

/** Below this many bytes to check in a run, texts are parsed on this thread (a worker costs some 20 MB and 0.1 s to start). */
const DEFAULT_MIN_POOL_BYTES = 512 * 1024;
/** The marks of a claimed text (the worker's, 1, is set in parsecheckworker.ts). */
const HERE = 2;
/**
 * Text parsed on this thread between two full collections. Its trees are garbage at once, but V8,
 * which does not know their native size, would collect them late: with `--jobs 1` over 10× std the
 * rewritten files' trees were all alive at the end of the edit stage (0.6 GB). A full collection of
 * this thread's heap costs more than the worker's, so it comes after more text.
 */
const HERE_GC_BYTES = 4 * 1024 * 1024;

interface Item {
  text: string;
  claim: Int32Array;
  done: boolean;
  bad: SyntaxErr;
}

/**
 * Checks that texts parse: submit() as soon as a text is final, result() when its answer is
 * needed. With a worker (`expected` bytes at least the threshold, and more than one job), every
 * text is sent to it as it is submitted, and it parses them in that order while this thread goes
 * on; when this thread waits for an answer, it parses the last texts the worker has not taken yet.
 * Each text is parsed once: the worker and this thread claim it atomically. A worker that fails
 * or cannot start leaves the rest to this thread.
 */
export class ParseCheck {
  private readonly items: Item[] = [];
  private worker: Worker | null = null;
  private wake: (() => void) | null = null;
  /** How many texts each side parsed. */
  readonly parsed = { worker: 0, here: 0 };
  /** Counts the text parsed here, for the full collections that let its trees go; how many were made. */
  private readonly collectTrees = treeCollector(HERE_GC_BYTES);
  collections = 0;

  constructor(opts: { jobs: number; expected: number; minPoolBytes?: number }) {
    const min = opts.minPoolBytes ?? envNumber(process.env.GOSHIFT_CHECK_MIN_POOL) ?? DEFAULT_MIN_POOL_BYTES;
    if (opts.jobs > 1 && opts.expected > 0 && opts.expected >= min) this.start();
  }

  private start(): void {
    let w: Worker;
    try {
      w = new Worker(new URL('./parsecheckworker.js', import.meta.url));
    } catch {
      return;
    }
    this.worker = w;
    w.on('message', (r: CheckReply) => {
      const it = this.items[r.id];
      if (it && !it.done && !('skipped' in r)) {
        it.done = true;
        it.bad = r.bad;
        this.parsed.worker++;
      }
      this.poke();
    });
    const fail = () => {
      if (this.worker !== w) return;
      // Whatever it took and did not answer is parsed here when asked.
      this.worker = null;
      void w.terminate();
      this.poke();
    };
    w.on('error', fail);
    w.on('exit', fail);
  }

  /** Starts checking a text; its answer is result() of the number returned. */
  submit(text: string): number {
    const id = this.items.length;
    const claim = new Int32Array(this.worker ? new SharedArrayBuffer(4) : new ArrayBuffer(4));
    this.items.push({ text, claim, done: false, bad: undefined });
    this.worker?.postMessage({ id, text, claim } satisfies CheckRequest);
    return id;
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Whether a text parses: undefined, or where and why it does not. */
  async result(id: number): Promise<SyntaxErr> {
    const it = this.items[id];
    while (!it.done) {
      // Not taken by the worker, or taken by a worker that is gone: parsed here.
      if (this.take(it) || !this.worker) {
        this.here(it);
        await this.letTreesGo(it);
        break;
      }
      // The worker has it: meanwhile, parse the last text it has not taken, then let its replies in.
      let last: Item | undefined;
      for (let k = this.items.length - 1; k > id && !last; k--) if (!this.items[k].done && this.take(this.items[k])) last = this.items[k];
      if (last) {
        this.here(last);
        if (!(await this.letTreesGo(last))) await new Promise<void>((resolve) => setImmediate(resolve));
      } else {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    }
    it.text = '';
    return it.bad;
  }

  private take(it: Item): boolean {
    return Atomics.compareExchange(it.claim, 0, 0, HERE) === 0;
  }

  private here(it: Item): void {
    it.bad = syntaxErrorOf(it.text);
    it.done = true;
    this.parsed.here++;
  }

  /**
   * Past HERE_GC_BYTES of text parsed here since the last time, a full collection, then a turn of
   * the event loop, where the trees' finalizers free them; true when it did so.
   */
  private async letTreesGo(it: Item): Promise<boolean> {
    if (!this.collectTrees(it.text.length)) return false;
    this.collections++;
    await new Promise<void>((resolve) => setImmediate(resolve));
    return true;
  }

  /**
   * Stops the worker once it is done with the text it is parsing, if any: every text it has not
   * taken yet is claimed here (and not parsed), so it skips them, then it is told to stop. Never
   * terminated in the middle of a parse: a thread terminated inside tree-sitter's native code can
   * abort the whole process.
   */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    for (const it of this.items) this.take(it);
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage(STOP);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_WAIT_MS)));
    // A worker that does not stop in time (stuck, which it should never be) is left behind, without holding the process.
    if ((await Promise.race([exited, late])) === 'late') w.unref();
    clearTimeout(timer);
  }
}

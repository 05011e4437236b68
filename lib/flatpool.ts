// Parsing ahead on every core: the files a stage is about to parse one after the other (the
// linker's, the context files) are read and parsed on worker threads into flat trees (plain data)
// while this thread takes them in order. The result is the same as parsing here: the same
// function builds the same tree from the same bytes (source.ts's parseAhead, then parseSource),
// and this thread still checks the bytes are those its facts were computed from.

import { Worker } from 'node:worker_threads';
import { envNumber } from './factstore.js';
import type { ParsedAhead } from './source.js';

export interface AheadItem {
  abs: string;
  /** The file's runs of literals (FileFacts.inert), as parseSource is given them. */
  inert?: number[];
}

/** To each worker, once: every item, and the shared queue (next) and claims (0 free, -1 this thread, k worker k); then 'stop'. */
export interface AheadRequest {
  items: AheadItem[];
  next: Int32Array;
  claim: Int32Array;
  me: number;
}

export type AheadReply = { i: number; bytes: Uint8Array; ahead: ParsedAhead } | { i: number; unread: true };

/**
 * Fewer files than this are parsed here, as before: a worker takes about a tenth of a second to
 * start (GOSHIFT_AHEAD_MIN_FILES overrides it, for the tests).
 */
const MIN_FILES = 64;

export class ParseAhead {
  private readonly results = new Map<number, { bytes: Buffer; ahead: ParsedAhead } | null>();
  private readonly workers: { w: Worker; dead: boolean }[] = [];
  private readonly claim: Int32Array;
  private wake: (() => void) | null = null;

  private readonly next = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly items: AheadItem[],
    jobs: number,
  ) {
    this.claim = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, items.length)));
    if (jobs < 2 || items.length < (envNumber(process.env.GOSHIFT_AHEAD_MIN_FILES) ?? MIN_FILES)) return;
    const next = this.next;
    for (let k = 1; k <= jobs; k++) {
      let w: Worker;
      try {
        w = new Worker(new URL('./flatworker.js', import.meta.url));
      } catch {
        break;
      }
      const lane = { w, dead: false };
      w.on('message', (r: AheadReply) => {
        if (lane.dead) return;
        this.results.set(r.i, 'unread' in r ? null : { bytes: Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength), ahead: r.ahead });
        this.poke();
      });
      const gone = () => {
        lane.dead = true;
        this.poke();
      };
      w.on('error', gone);
      w.on('exit', gone);
      w.postMessage({ items, next, claim: this.claim, me: k } satisfies AheadRequest);
      this.workers.push(lane);
    }
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /**
   * Item i's bytes and parse, or null: then the caller reads and parses it itself (no worker took it,
   * the one that did failed, or it could not read it).
   */
  async take(i: number): Promise<{ bytes: Buffer; ahead: ParsedAhead } | null> {
    for (;;) {
      const got = this.results.get(i);
      if (got !== undefined) {
        this.results.delete(i);
        return got;
      }
      if (Atomics.compareExchange(this.claim, i, 0, -1) === 0) return null;
      const owner = Atomics.load(this.claim, i);
      if (owner < 0 || this.workers[owner - 1]?.dead !== false) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /**
   * Lets the workers go: none takes another item, and each ends after the parse it is in, if any (its
   * result is dropped). Never terminated from outside: a thread terminated inside tree-sitter's native
   * code may abort the whole process.
   */
  stop(): void {
    Atomics.store(this.next, 0, this.items.length);
    for (const l of this.workers) {
      if (!l.dead) l.w.postMessage('stop');
      l.dead = true;
      l.w.unref();
    }
    this.results.clear();
  }
}

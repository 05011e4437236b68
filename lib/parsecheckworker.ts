// A worker thread of parsecheck.ts: tells whether each text it is sent parses, and frees the trees
// it made once they add up to a few hundred KB of text. Freeing a tree takes a full collection
// (V8 does not know its native size, and only a full collection finds it garbage) and then a turn of
// the event loop, where the tree's finalizer runs: on this thread's small heap the collection costs
// a few milliseconds, where the main thread's would cost tens.
//
// So the texts are parsed one per turn of the loop, not in the message handler: Node hands a port's
// queued messages to the handler all in one go, and when the main thread had sent many texts
// meanwhile, the trees of the whole queue stayed alive until it was drained (over 10× std, 0.42 GB
// at the worst, which malloc then kept, free, to the end of the run).
import { parentPort } from 'node:worker_threads';
import type { CheckReply, CheckRequest, StopMessage } from './parsecheck.js';
import { treeCollector } from './gc.js';
import { syntaxErrorOf } from './source.js';

/** Text parsed between two collections. */
const GC_BYTES = 512 * 1024;

const collectTrees = treeCollector(GC_BYTES);
/** Texts received and not yet looked at, from `head` on. */
let queue: CheckRequest[] = [];
let head = 0;
let scheduled = false;

parentPort!.on('message', (req: CheckRequest | StopMessage) => {
  // Closing the port ends this thread once the handler returns: never in the middle of a parse.
  // (Every text not looked at yet was claimed by the main thread before it asked to stop.)
  if (req === 'stop') {
    queue = [];
    head = 0;
    parentPort!.close();
    return;
  }
  queue.push(req);
  schedule();
});

function schedule(): void {
  if (scheduled || head >= queue.length) return;
  scheduled = true;
  setImmediate(next);
}

/** The next text: parsed, answered, and its tree let go by the next collection. */
function next(): void {
  scheduled = false;
  const req = queue[head++];
  if (head >= queue.length) {
    queue = [];
    head = 0;
  }
  if (req) check(req);
  schedule();
}

function check(req: CheckRequest): void {
  // The main thread may have parsed it already, while waiting for an earlier one.
  if (Atomics.compareExchange(req.claim, 0, 0, 1) !== 0) {
    parentPort!.postMessage({ id: req.id, skipped: true } satisfies CheckReply);
    return;
  }
  parentPort!.postMessage({ id: req.id, bad: syntaxErrorOf(req.text) } satisfies CheckReply);
  // The loop turns before the next text (next()), so the trees a collection finds garbage are freed.
  collectTrees(req.text.length);
}

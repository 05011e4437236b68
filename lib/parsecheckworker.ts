// A worker thread of parsecheck.ts: tells whether each text it is sent parses, and frees the trees
// it made once they add up to a few hundred KB of text. Freeing a tree takes a full collection
// (V8 does not know its native size, and only a full collection runs its finalizer): on this
// thread's small heap that costs a few milliseconds, where the main thread's would cost tens.
import { parentPort } from 'node:worker_threads';
import type { CheckReply, CheckRequest, StopMessage } from './parsecheck.js';
import { fullCollection } from './gc.js';
import { syntaxErrorOf } from './source.js';

/** Text parsed between two collections. */
const GC_BYTES = 512 * 1024;

const gc = fullCollection();
let parsed = 0;
parentPort!.on('message', (req: CheckRequest | StopMessage) => {
  // Closing the port ends this thread once the handler returns: never in the middle of a parse.
  if (req === 'stop') {
    parentPort!.close();
    return;
  }
  // The main thread may have parsed it already, while waiting for an earlier one.
  if (Atomics.compareExchange(req.claim, 0, 0, 1) !== 0) {
    parentPort!.postMessage({ id: req.id, skipped: true } satisfies CheckReply);
    return;
  }
  parentPort!.postMessage({ id: req.id, bad: syntaxErrorOf(req.text) } satisfies CheckReply);
  parsed += req.text.length;
  if (gc && parsed >= GC_BYTES) {
    parsed = 0;
    gc();
  }
});

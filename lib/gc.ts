// A full collection on demand, for the two places where goshift knows that much native memory has
// just become garbage that V8 would otherwise keep for a long time: V8 does not count a tree-sitter
// tree's memory, nor does it hurry to collect old Buffers. Node has gc() only with --expose-gc, a
// flag goshift cannot give itself at start; set at run time, it applies to contexts created after
// it, so gc() is taken from a new one. Where that does not work, there is no collection on demand.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/** V8's full collection of this thread's heap, or null when it cannot be had. */
export function fullCollection(): (() => void) | null {
  if (gc !== undefined) return gc;
  try {
    setFlagsFromString('--expose-gc');
    const f: unknown = runInNewContext('gc');
    gc = typeof f === 'function' ? (f as () => void) : null;
  } catch {
    gc = null;
  }
  return gc;
}

/**
 * Counts what a thread let go of its syntax trees (nodes, bytes of text): once `limit` is passed
 * since the last time, a full collection of the thread's heap, and true. V8 does not count a tree's
 * native memory, so it would seldom collect for trees; and a tree is freed by its wrapper's
 * finalizer, which runs only when the event loop turns after the collection that found it garbage:
 * the caller lets the loop turn before it parses much more.
 */
export function treeCollector(limit: number): (amount: number) => boolean {
  let since = 0;
  return (amount) => {
    since += amount;
    if (since < limit) return false;
    since = 0;
    const gc = fullCollection();
    if (!gc) return false;
    gc();
    return true;
  };
}

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

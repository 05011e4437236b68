import type { Transform } from '../lib/types.js';
import { ctxClosure } from './ctx-closure.js';
import { ctxFirst } from './ctx-first.js';
import { ctxInsertTest } from './ctx-insert-test.js';
import { ctxLast } from './ctx-last.js';
import { ctxPlumb } from './ctx-plumb.js';

/** Every transform goshift knows, in the order they run. */
export const transforms: Transform[] = [ctxFirst, ctxClosure, ctxPlumb, ctxLast, ctxInsertTest];

export function findTransform(name: string): Transform | undefined {
  return transforms.find((t) => t.name === name);
}

export function defaultTransforms(): Transform[] {
  return transforms.filter((t) => t.default);
}

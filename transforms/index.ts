import type { Transform } from '../lib/types.js';
import { ctxClosure } from './ctx-closure.js';
import { ctxFirst } from './ctx-first.js';
import { ctxInherit } from './ctx-inherit.js';
import { ctxInsertTest } from './ctx-insert-test.js';
import { ctxLast } from './ctx-last.js';
import { ctxLegacy } from './ctx-legacy.js';
import { ctxPlumb } from './ctx-plumb.js';

/** Every transform goshift knows, in the order they run. */
export const transforms: Transform[] = [ctxFirst, ctxClosure, ctxPlumb, ctxInherit, ctxLegacy, ctxLast, ctxInsertTest];

export function findTransform(name: string): Transform | undefined {
  return transforms.find((t) => t.name === name);
}

export function defaultTransforms(): Transform[] {
  return transforms.filter((t) => t.default);
}

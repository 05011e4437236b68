import type { SignatureView, Transform } from '../lib/types.js';

/**
 * Test-only mirror of ctx-first: context parameters go last (before a variadic one),
 * in their original relative order. Used by the standard-library round trip.
 */
export const ctxLast: Transform = {
  name: 'ctx-last',
  description: 'test only: move context.Context parameters to the end (the mirror of ctx-first)',
  finding: 'context.Context should be the last parameter',
  hidden: true,
  reorder(sig: SignatureView): number[] | null {
    const ps = sig.params;
    const isCtx = (i: number) => ps[i].isContext && !ps[i].variadic;
    const variadic = ps.length > 0 && ps[ps.length - 1].variadic ? ps.length - 1 : -1;
    const body = ps.map((_, i) => i).filter((i) => i !== variadic);
    const order = [...body.filter((i) => !isCtx(i)), ...body.filter(isCtx)];
    if (variadic >= 0) order.push(variadic);
    return order.every((v, i) => v === i) ? null : order;
  },
};

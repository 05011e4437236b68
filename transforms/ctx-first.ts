import type { SignatureView, Transform, TransformOptions } from '../lib/types.js';

/**
 * Context parameters go first, in their original relative order; the others keep theirs.
 * A variadic parameter stays last. A context right after a parameter whose type is listed in
 * allowTypesBefore (revive's option, e.g. `*testing.T`) may stay where it is.
 */
export const ctxFirst: Transform = {
  name: 'ctx-first',
  description: 'move context.Context parameters to the front and update everything linked',
  finding: 'context.Context should be the first parameter',
  default: true,
  contextsNotFirst: true,
  reorder(sig: SignatureView, opts: TransformOptions): number[] | null {
    const ps = sig.params;
    const allowed = new Set(opts.allowTypesBefore.map((t) => t.replace(/\s+/g, '')));
    // A ctx is fine where everything before it is a ctx or an allowed type.
    let lead = 0;
    while (lead < ps.length && (ps[lead].isContext || allowed.has(ps[lead].typeText.replace(/\s+/g, '')))) lead++;
    const misplaced = ps.some((p, i) => i >= lead && p.isContext && !p.variadic);
    if (!misplaced) return null;
    // The allowed lead stays as it is; the misplaced contexts join it, then everything else.
    const order: number[] = [];
    for (let i = 0; i < lead; i++) order.push(i);
    for (let i = lead; i < ps.length; i++) if (ps[i].isContext && !ps[i].variadic) order.push(i);
    for (let i = lead; i < ps.length; i++) if (!(ps[i].isContext && !ps[i].variadic)) order.push(i);
    return order;
  },
};

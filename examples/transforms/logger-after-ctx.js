// An example of your own goshift transform, in plain JavaScript against goshift's public API:
// a *slog.Logger parameter moves right after the context.
//
//   goshift -t ./examples/transforms/logger-after-ctx.js -d .
//   goshift -t ctx-first,./examples/transforms/logger-after-ctx.js -w ./...
//
//   func Handle(ctx context.Context, id int, log *slog.Logger) error
// becomes
//   func Handle(ctx context.Context, log *slog.Logger, id int) error
//
// goshift does the rest as for its own transforms: every call, interface method and implementation,
// func type and func value linked to the signature changes with it, or the whole linked set is left
// alone and reported. goshift asks `reorder` about each signature that has a context.Context
// parameter, after the built-in transforms given with -t (so after ctx-first has put the context first).

/** Parameter types that move: `*slog.Logger`, as written in the source (an import renamed is not recognized). */
const LOGGER = /^\*\s*slog\s*\.\s*Logger$/;

/** @type {import('goshift').Transform} */
export default {
  name: 'logger-after-ctx',
  description: 'move *slog.Logger parameters right after the context.Context parameter',
  /**
   * @param {import('goshift').SignatureView} sig
   * @returns {number[] | null} newOrder[i] is the old index of the parameter at position i; null: no change
   */
  reorder(sig) {
    const ps = sig.params;
    // The last context parameter; a variadic one stays where Go wants it, last.
    let ctx = -1;
    ps.forEach((p, i) => { if (p.isContext && !p.variadic) ctx = i; });
    if (ctx < 0) return null;
    const isLogger = (/** @type {number} */ i) => !ps[i].variadic && LOGGER.test(ps[i].typeText);
    const all = ps.map((_, i) => i);
    const order = [
      ...all.filter((i) => i <= ctx && !isLogger(i)),
      ...all.filter(isLogger),
      ...all.filter((i) => i > ctx && !isLogger(i)),
    ];
    return order.every((v, i) => v === i) ? null : order;
  },
};

import type { SignatureChange, SignatureView, Transform } from '../lib/types.js';

/**
 * Test-only: every function, method and interface method whose name ends in `WantsCtx` (and every
 * declaration linked to it) gets a leading `ctx context.Context` parameter; each call passes the
 * context in scope, else `context.Background()`. Exercises the engine's inserted parameters.
 */
export const ctxInsertTest: Transform = {
  name: 'ctx-insert-test',
  description: 'test only: insert a leading ctx context.Context into functions named ...WantsCtx',
  finding: 'this function should take a context.Context',
  hidden: true,
  changeNames: /WantsCtx$/,
  change(sig: SignatureView): SignatureChange | null {
    if (sig.params.some((p) => p.isContext)) return null;
    return {
      order: sig.params.map((_, i) => i),
      insert: [{ at: 0, name: 'ctx', typeText: 'context.Context', import: 'context', arg: { inScope: 'context', otherwise: { expr: 'context.Background()', import: 'context', pure: true } } }],
    };
  },
};
